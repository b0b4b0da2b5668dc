-- Steampipe's aws_account: the account's ARN, aliases, title and organization.
SELECT account_id, region, arn, akas, title, account_aliases, partition, organization_id, organization_arn,
       organization_feature_set, organization_master_account_id, organization_master_account_email,
       organization_available_policy_types
FROM aws_account
ORDER BY account_id;
