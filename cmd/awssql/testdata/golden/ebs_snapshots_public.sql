SELECT s.region, s.snapshot_id, s.owner_id, s.owner_alias, s.volume_size, s.description, s.arn
FROM aws_ebs_snapshot AS s
WHERE s.owner_alias IN ('amazon', 'aws-marketplace') AND s.region = 'us-east-2'
ORDER BY s.snapshot_id;
