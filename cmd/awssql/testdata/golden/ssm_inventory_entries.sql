-- Every node's software (AWS:Application), read node by node from the managed nodes, and one node's whole inventory by type.
SELECT m.region, m.instance_id, e.entries ->> 'Name' AS name, e.entries ->> 'Version' AS version, e.entries ->> 'Publisher' AS publisher,
       e.schema_version, e.capture_time
FROM ssm_managed_instances m
JOIN ssm_inventory_entries e ON e.account_id = m.account_id AND e.region = m.region AND e.instance_id = m.instance_id
WHERE e.type_name = 'AWS:Application'
ORDER BY m.region, m.instance_id, name, version;
SELECT type_name, count(*) AS entries
FROM ssm_inventory_entries
WHERE region = 'us-east-1' AND instance_id = (SELECT min(instance_id) FROM ssm_managed_instances WHERE region = 'us-east-1')
GROUP BY type_name
ORDER BY type_name;
