-- Running EC2 instances by account, region and instance type.
SELECT account_id, region, instance_type, count(*) AS instances
FROM ec2_instances
WHERE instance_state = 'running'
GROUP BY account_id, region, instance_type
ORDER BY account_id, region, instances DESC, instance_type;
