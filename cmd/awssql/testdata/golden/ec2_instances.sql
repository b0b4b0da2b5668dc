SELECT account_id, region, instance_id, instance_type, instance_state, state_code,
       launch_time, image_id, platform_details, instance_lifecycle, public_ip_address IS NOT NULL AS has_public_ip,
       json_extract(metadata_options, '$.HttpTokens') AS http_tokens, tags ->> 'Environment' AS environment
FROM ec2_instances
ORDER BY region, instance_id;
