-- Written for Steampipe's aws_s3_bucket; the configuration columns call per bucket.
SELECT account_id, name, region, versioning_enabled, versioning_mfa_delete, bucket_policy_is_public,
       block_public_acls, restrict_public_buckets,
       server_side_encryption_configuration ->> '$.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm' AS sse,
       object_ownership_controls ->> '$.Rules[0].ObjectOwnership' AS ownership,
       tags, policy IS NULL AS no_policy, lifecycle_rules IS NULL AS no_lifecycle, arn
FROM aws_s3_bucket
ORDER BY name;
