-- RDS instances that are publicly accessible or not encrypted at rest.
SELECT account_id, region, db_instance_identifier, engine, class,
       publicly_accessible, storage_encrypted, endpoint_address
FROM rds_instances
WHERE publicly_accessible = 1 OR storage_encrypted = 0
ORDER BY account_id, region, db_instance_identifier;
