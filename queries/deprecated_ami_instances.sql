-- Instances whose AMI is deprecated (as of :today), whoever owns the AMI.
-- param: today date = now  the day to judge deprecation on (YYYY-MM-DD)
WITH inst AS MATERIALIZED (
  SELECT account_id, region, instance_id, instance_state, image_id
  FROM ec2_instances WHERE instance_state <> 'terminated'
)
SELECT i.account_id, i.region, i.instance_id, i.instance_state, i.image_id,
       m.name AS image_name, coalesce(nullif(m.image_owner_alias, 'self'), m.owner_id) AS image_owner, m.deprecation_time
FROM inst i
CROSS JOIN images m ON m.image_id = i.image_id AND m.account_id = i.account_id AND m.region = i.region
WHERE m.deprecation_time <= strftime('%Y-%m-%dT%H:%M:%SZ', :today)
ORDER BY i.account_id, i.region, i.instance_id;
