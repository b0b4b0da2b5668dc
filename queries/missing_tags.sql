-- Instances missing any of the tags every instance must have (:tags, comma-separated).
-- param: tags = Owner,CostCenter  the required tag keys
WITH RECURSIVE wanted(n, key, rest) AS (
  SELECT 0, '', :tags || ','
  UNION ALL
  SELECT n + 1, trim(substr(rest, 1, instr(rest, ',') - 1)), substr(rest, instr(rest, ',') + 1)
  FROM wanted WHERE rest <> ''
),
inst AS MATERIALIZED (
  SELECT account_id, region, instance_id, instance_state, tags
  FROM ec2_instances WHERE instance_state <> 'terminated'
)
SELECT i.account_id, i.region, i.instance_id, i.instance_state,
       (SELECT group_concat(w.key, ',') FROM (SELECT key FROM wanted WHERE key <> '' ORDER BY n) w
        WHERE json_extract(i.tags, '$."' || w.key || '"') IS NULL) AS missing,
       i.tags ->> 'Name' AS name
FROM inst i
WHERE missing IS NOT NULL
ORDER BY i.account_id, i.region, i.instance_id;
