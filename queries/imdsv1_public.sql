-- Instances that allow IMDSv1 (HttpTokens optional) and have a public IP address.
SELECT account_id, region, instance_id, instance_state, public_ip_address,
       metadata_options ->> 'HttpTokens' AS http_tokens,
       tags ->> 'Name' AS name
FROM ec2_instances
WHERE metadata_options ->> 'HttpTokens' = 'optional'
  AND public_ip_address IS NOT NULL
  AND instance_state <> 'terminated'
ORDER BY account_id, region, instance_id;
