-- Each instance with its AMI, whoever owns it.
SELECT i.region, i.instance_id, m.name AS image_name, coalesce(nullif(m.image_owner_alias, 'self'), m.owner_id) AS image_owner
FROM ec2_instances i
LEFT JOIN images m ON m.image_id = i.image_id AND m.account_id = i.account_id AND m.region = i.region
ORDER BY i.region, i.instance_id;
