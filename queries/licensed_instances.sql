-- Instances whose operating system is licensed (Windows, Red Hat, SUSE, SQL Server...), with the cores and threads licences count: the instance's own CPU options, else its instance type's defaults.
WITH i AS MATERIALIZED (
  SELECT account_id, region, instance_id, instance_type, instance_state, platform_details,
         cpu_options_core_count, cpu_options_threads_per_core, image_id, tags ->> 'Name' AS name
  FROM ec2_instances
  WHERE instance_state <> 'terminated' AND platform_details <> 'Linux/UNIX'
)
SELECT i.account_id, i.region, i.instance_id, i.instance_type, i.instance_state, i.platform_details,
       coalesce(i.cpu_options_core_count, t.default_cores) AS cores,
       coalesce(i.cpu_options_threads_per_core, t.default_threads_per_core) AS threads_per_core,
       coalesce(i.cpu_options_core_count, t.default_cores) * coalesce(i.cpu_options_threads_per_core, t.default_threads_per_core) AS vcpus,
       CASE WHEN i.cpu_options_core_count IS NOT NULL THEN 'instance'
            WHEN t.default_cores IS NOT NULL THEN 'instance type default' END AS cores_from,
       i.image_id, i.name
FROM i
-- Looked up per instance type, account and region (the same type is read once).
LEFT JOIN ec2_instance_types t
  ON t.instance_type = i.instance_type AND t.account_id = i.account_id AND t.region = i.region
ORDER BY i.platform_details, i.account_id, i.region, i.instance_id;
