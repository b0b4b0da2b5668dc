-- Steampipe's name and columns for reserved instances, with the changes made to each.
SELECT region, reserved_instance_id, title, arn, instance_state,
       reserved_instances_modifications -> '$[0]' ->> 'Status' AS modification,
       reserved_instances_modifications ->> '$[0].ModificationResults[0].ReservedInstancesId' AS made
FROM aws_ec2_reserved_instance
ORDER BY region, reserved_instance_id;
