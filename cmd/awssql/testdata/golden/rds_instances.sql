SELECT region, db_instance_identifier, engine, engine_version, class, status, multi_az, storage_encrypted,
       publicly_accessible, backup_retention_period, endpoint_port, create_time
FROM rds_instances
ORDER BY region, db_instance_identifier;
