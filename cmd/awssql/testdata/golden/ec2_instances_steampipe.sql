-- Steampipe's name and columns: those read from the instance, and those read with a call per instance.
SELECT instance_id, title, instance_state, state_transition_time, akas ->> '$[0]' = arn AS aka_is_arn,
       disable_api_termination, instance_initiated_shutdown_behavior, user_data,
       launch_template_data ->> 'ImageId' = image_id AS template_image, instance_status -> 'InstanceStatus' ->> 'Status' AS status,
       tags_src ->> '$[0].Key' AS first_tag, usage_operation_update_time, partition
FROM aws_ec2_instance
WHERE region = 'us-east-1'
ORDER BY instance_id;
