-- An inventory summary per account: instances by state, running vCPUs, active reservations, databases and owned AMIs.
WITH i AS MATERIALIZED (
  SELECT account_id,
         count(*) AS instances,
         sum(instance_state = 'running') AS running,
         sum(instance_state = 'stopped') AS stopped,
         sum(CASE WHEN instance_state = 'running' THEN cpu_options_core_count * cpu_options_threads_per_core END) AS running_vcpus
  FROM ec2_instances WHERE instance_state <> 'terminated'
  GROUP BY account_id
), r AS MATERIALIZED (
  SELECT account_id, sum(instance_count) AS reserved FROM reserved_instances WHERE instance_state = 'active' GROUP BY account_id
), d AS MATERIALIZED (
  SELECT account_id, count(*) AS databases FROM rds_instances GROUP BY account_id
), m AS MATERIALIZED (
  SELECT account_id, count(*) AS amis FROM images GROUP BY account_id
)
SELECT a.account_id, a.name,
       coalesce(i.instances, 0) AS instances, coalesce(i.running, 0) AS running, coalesce(i.stopped, 0) AS stopped,
       coalesce(i.running_vcpus, 0) AS running_vcpus, coalesce(r.reserved, 0) AS reserved_instances,
       coalesce(d.databases, 0) AS databases, coalesce(m.amis, 0) AS owned_amis
FROM accounts a
LEFT JOIN i USING (account_id)
LEFT JOIN r USING (account_id)
LEFT JOIN d USING (account_id)
LEFT JOIN m USING (account_id)
ORDER BY a.account_id;
