-- Reserved-instance utilisation: active reservations against the running instances they can cover, by account, region, type and platform: unused reservations and uncovered instances. Exact instance types only (size flexibility within a family is not counted); zonal and regional reservations both count for their region.
WITH ri AS MATERIALIZED (
  SELECT account_id, region, instance_type,
         CASE WHEN product_description LIKE '%Windows%' THEN 'Windows'
              WHEN product_description LIKE '%Red Hat%' THEN 'Red Hat Enterprise Linux'
              WHEN product_description LIKE '%SUSE%' THEN 'SUSE Linux'
              ELSE 'Linux/UNIX' END AS platform,
         sum(instance_count) AS reserved
  FROM reserved_instances WHERE instance_state = 'active'
  GROUP BY 1, 2, 3, 4
), running AS MATERIALIZED (
  SELECT account_id, region, instance_type,
         CASE WHEN platform_details LIKE 'Windows%' THEN 'Windows'
              WHEN platform_details LIKE 'Red Hat%' THEN 'Red Hat Enterprise Linux'
              WHEN platform_details LIKE 'SUSE%' THEN 'SUSE Linux'
              ELSE 'Linux/UNIX' END AS platform,
         count(*) AS running
  FROM ec2_instances WHERE instance_state = 'running'
  GROUP BY 1, 2, 3, 4
), keys AS (
  SELECT account_id, region, instance_type, platform FROM ri
  UNION
  SELECT account_id, region, instance_type, platform FROM running
)
SELECT k.account_id, k.region, k.instance_type, k.platform,
       coalesce(ri.reserved, 0) AS reserved,
       coalesce(r.running, 0) AS running,
       max(coalesce(ri.reserved, 0) - coalesce(r.running, 0), 0) AS unused_reservations,
       max(coalesce(r.running, 0) - coalesce(ri.reserved, 0), 0) AS uncovered_instances
FROM keys k
LEFT JOIN ri USING (account_id, region, instance_type, platform)
LEFT JOIN running r USING (account_id, region, instance_type, platform)
ORDER BY k.account_id, k.region, k.instance_type, k.platform;
