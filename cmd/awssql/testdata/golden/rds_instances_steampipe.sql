-- Written for Steampipe's aws_rds_db_instance: columns of the DBInstance, and certificate from DescribeCertificates.
SELECT region, db_instance_identifier, port, license_model, preferred_backup_window, storage_throughput,
       db_subnet_group_arn, subnets ->> '$[0].SubnetAvailabilityZone.Name' AS first_subnet_zone,
       certificate ->> 'CertificateIdentifier' AS certificate, certificate ->> 'ValidTill' AS certificate_valid_till,
       pending_maintenance_actions, processor_features, title, akas, tags
FROM aws_rds_db_instance
ORDER BY region, db_instance_identifier;
