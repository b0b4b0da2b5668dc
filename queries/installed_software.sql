-- Installed software across the organization (SSM inventory, AWS:Application): each application name and version, on how many managed nodes, in how many accounts and regions.
-- param: name = %  the applications to list: a LIKE pattern on the name (default: all)
WITH nodes AS MATERIALIZED (
  SELECT account_id, region, instance_id FROM ssm_managed_instances
),
apps AS MATERIALIZED (
  SELECT n.account_id, n.region, n.instance_id,
         e.entries ->> 'Name' AS name, e.entries ->> 'Version' AS version, e.entries ->> 'Publisher' AS publisher
  FROM nodes n
  CROSS JOIN ssm_inventory_entries e
    ON e.account_id = n.account_id AND e.region = n.region AND e.instance_id = n.instance_id AND e.type_name = 'AWS:Application'
)
SELECT name, version, publisher, count(DISTINCT account_id || '/' || region || '/' || instance_id) AS nodes,
       count(DISTINCT account_id) AS accounts, count(DISTINCT region) AS regions
FROM apps
WHERE name LIKE :name
GROUP BY name, version, publisher
ORDER BY name, version, publisher;
