-- RDS engines and versions in use, with how many instances, accounts and regions run each.
SELECT engine, engine_version,
       count(*) AS instances, count(DISTINCT account_id) AS accounts, count(DISTINCT region) AS regions
FROM rds_instances
GROUP BY engine, engine_version
ORDER BY engine, engine_version;
