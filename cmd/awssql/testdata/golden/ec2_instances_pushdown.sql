-- Several pushed filters at once, and one SQLite checks itself.
SELECT region, instance_id, instance_type, instance_state, placement_availability_zone
FROM ec2_instances
WHERE instance_state IN ('running', 'stopped') AND region IN ('us-east-1', 'us-west-2')
  AND instance_type LIKE 't3.%'
ORDER BY region, instance_id;
