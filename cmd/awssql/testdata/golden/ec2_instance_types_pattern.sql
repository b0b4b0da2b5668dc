SELECT region, instance_type, instance_type_pattern, v_cpu_info ->> 'DefaultCores' AS default_cores, memory_info ->> 'SizeInMiB' AS memory
FROM aws_ec2_instance_type
WHERE instance_type_pattern = 'c5*' AND region IN ('us-east-1', 'us-west-2')
ORDER BY region, instance_type;
