-- Instances whose operating system is licensed (Windows, Red Hat, SUSE, SQL Server...), with cores and threads, for software-asset management.
SELECT account_id, region, instance_id, instance_type, instance_state, platform_details,
       cpu_options_core_count AS cores, cpu_options_threads_per_core AS threads_per_core,
       image_id, tags ->> 'Name' AS name
FROM ec2_instances
WHERE instance_state <> 'terminated' AND platform_details <> 'Linux/UNIX'
ORDER BY platform_details, account_id, region, instance_id;
