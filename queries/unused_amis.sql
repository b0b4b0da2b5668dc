-- AMIs the account owns that no instance in the same account and region uses, oldest first.
WITH used AS MATERIALIZED (
  SELECT DISTINCT account_id, region, image_id FROM ec2_instances
)
SELECT m.account_id, m.region, m.image_id, m.name, m.state, m.creation_date, m.deprecation_time
FROM images m
WHERE NOT EXISTS (
  SELECT 1 FROM used u
  WHERE u.account_id = m.account_id AND u.region = m.region AND u.image_id = m.image_id
)
ORDER BY m.creation_date, m.account_id, m.region, m.image_id;
