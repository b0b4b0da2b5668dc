-- The managed nodes, with the EC2 instance each runs on.
SELECT m.region, m.instance_id, m.resource_type, m.ping_status, m.platform_type, m.platform_name, m.agent_version,
       m.is_latest_version, m.association_status, m.ip_address, i.instance_type, i.instance_state
FROM ssm_managed_instances m
LEFT JOIN ec2_instances i ON i.instance_id = m.instance_id AND i.account_id = m.account_id AND i.region = m.region
ORDER BY m.region, m.instance_id;
