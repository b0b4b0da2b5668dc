-- RDS instances that are publicly accessible, unencrypted, without automated backups, or single-AZ.
SELECT account_id, region, db_instance_identifier, engine, class,
       publicly_accessible AS public,
       NOT storage_encrypted AS unencrypted,
       backup_retention_period = 0 AS no_backups,
       NOT multi_az AS single_az
FROM rds_instances
WHERE publicly_accessible OR NOT storage_encrypted OR backup_retention_period = 0 OR NOT multi_az
ORDER BY account_id, region, db_instance_identifier;
