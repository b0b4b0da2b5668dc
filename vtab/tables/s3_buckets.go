package tables

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type bucket = fetch.Item[types.Bucket]

// S3Buckets is s3_buckets (Steampipe's aws_s3_bucket): ListBuckets, one
// call per account (it needs s3:ListAllMyBuckets), and the bucket's
// configuration, one call per bucket and subresource (GetBucketPolicy,
// GetBucketVersioning, ...), made only when a statement reads a column that
// needs it, in the bucket's own region, through the call cache: two columns
// of one call (versioning_enabled and versioning_mfa_delete) make it once.
// A subresource the bucket does not have is NULL (false for the public
// access block and policy status, as in Steampipe: nothing blocks, nothing
// makes it public), and any other failure of these calls fails the
// account's rows, named with the bucket.
func S3Buckets(s *fetch.Session) Table {
	get := func(call func(context.Context, *s3.Client, *string) (any, error)) func(context.Context, *fetch.Client, types.Bucket) (any, error) {
		return func(ctx context.Context, c *fetch.Client, b types.Bucket) (any, error) {
			region, client, err := bucketClient(ctx, s, c, b)
			if err != nil {
				return nil, err
			}
			v, err := call(ctx, client, b.Name)
			if err != nil {
				return nil, bucketFailure(c.Account, region, aws.ToString(b.Name), err)
			}
			return v, nil
		}
	}
	columns := bucketColumns(get)
	return define(s, regional[types.Bucket, s3.ListBucketsInput]{
		name:    "s3_buckets",
		aliases: []string{"aws_s3_bucket"},
		doc:     "S3 buckets of each account (ListBuckets), and their configuration",
		rows:    100,
		global:  true,
		ops: []fetch.Operation{
			fetch.Read[s3.ListBucketsOutput]("S3", "ListBuckets", "s3:ListAllMyBuckets"),
			fetch.Read[s3.GetBucketPolicyOutput]("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
			fetch.Read[s3.GetBucketPolicyStatusOutput]("S3", "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"),
			fetch.Read[s3.GetBucketVersioningOutput]("S3", "GetBucketVersioning", "s3:GetBucketVersioning"),
			fetch.Read[s3.GetBucketEncryptionOutput]("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
			fetch.Read[s3.GetPublicAccessBlockOutput]("S3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
			fetch.Read[s3.GetBucketAclOutput]("S3", "GetBucketAcl", "s3:GetBucketAcl"),
			fetch.Read[s3.GetBucketLifecycleConfigurationOutput]("S3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
			fetch.Read[s3.GetBucketLoggingOutput]("S3", "GetBucketLogging", "s3:GetBucketLogging"),
			fetch.Read[s3.GetObjectLockConfigurationOutput]("S3", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"),
			fetch.Read[s3.GetBucketOwnershipControlsOutput]("S3", "GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
			fetch.Read[s3.GetBucketReplicationOutput]("S3", "GetBucketReplication", "s3:GetReplicationConfiguration"),
			fetch.Read[s3.GetBucketWebsiteOutput]("S3", "GetBucketWebsite", "s3:GetBucketWebsite"),
			fetch.Read[s3.GetBucketTaggingOutput]("S3", "GetBucketTagging", "s3:GetBucketTagging"),
			fetch.Read[s3.GetBucketNotificationConfigurationOutput]("S3", "GetBucketNotificationConfiguration", "s3:GetBucketNotification"),
		},
		id: func(b types.Bucket) string { return aws.ToString(b.Name) },
		// check reads every column of the first bucket: each call a
		// statement may make.
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			out, err := fetch.S3(c).ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil || len(out.Buckets) == 0 {
				return "no bucket to read", err
			}
			for _, col := range columns {
				if col.Hydrate != nil {
					if _, err := col.Hydrate(ctx, c, out.Buckets[0]); err != nil {
						return "", err
					}
				}
			}
			return fmt.Sprintf("%d buckets; read the configuration of %s", len(out.Buckets), aws.ToString(out.Buckets[0].Name)), nil
		},
		arn:     func(b bucket) string { return "arn:" + s.Partition() + ":s3:::" + aws.ToString(b.Value.Name) },
		title:   func(b types.Bucket) any { return b.Name },
		columns: columns,
		list: func(ctx context.Context, c *fetch.Client, in *s3.ListBucketsInput, q *vtab.Query) iter.Seq2[[]types.Bucket, error] {
			p := s3.NewListBucketsPaginator(fetch.S3(c), in)
			return fetch.Pages(ctx, p, func(out *s3.ListBucketsOutput) []types.Bucket { return out.Buckets }, q.Limit)
		},
	})
}

// bucketColumns are s3_buckets' own columns; get makes a column's extra
// call in the bucket's region and names the bucket when it fails.
func bucketColumns(get func(call func(context.Context, *s3.Client, *string) (any, error)) func(context.Context, *fetch.Client, types.Bucket) (any, error)) []col[types.Bucket, s3.ListBucketsInput] {
	return []col[types.Bucket, s3.ListBucketsInput]{
		{Name: "name", Type: vtab.Text, Doc: "the bucket's name", Get: from[types.Bucket]("Name")},
		{Name: "creation_date", Type: vtab.Time, Get: from[types.Bucket]("CreationDate")},
		{Name: "region", Type: vtab.Text, Doc: "the bucket's region", Get: from[types.Bucket]("BucketRegion")},
		{Name: "bucket_policy_is_public", Type: vtab.Bool, Doc: "whether the bucket policy makes it public (GetBucketPolicyStatus); false without a policy",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b}, absent[s3.GetBucketPolicyStatusOutput]("NoSuchBucketPolicy"))
				if err != nil || out.PolicyStatus == nil {
					return false, err
				}
				return aws.ToBool(out.PolicyStatus.IsPublic), nil
			})},
		{Name: "versioning_enabled", Type: vtab.Bool, Doc: "versioning is Enabled (GetBucketVersioning); false when suspended or never enabled",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
				if err != nil {
					return nil, err
				}
				return out.Status == types.BucketVersioningStatusEnabled, nil
			})},
		{Name: "versioning_mfa_delete", Type: vtab.Bool, Doc: "deleting versions needs MFA (GetBucketVersioning)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
				if err != nil {
					return nil, err
				}
				return out.MFADelete == types.MFADeleteStatusEnabled, nil
			})},
		publicAccessBlock(get, "block_public_acls", func(p *types.PublicAccessBlockConfiguration) *bool { return p.BlockPublicAcls }),
		publicAccessBlock(get, "block_public_policy", func(p *types.PublicAccessBlockConfiguration) *bool { return p.BlockPublicPolicy }),
		publicAccessBlock(get, "ignore_public_acls", func(p *types.PublicAccessBlockConfiguration) *bool { return p.IgnorePublicAcls }),
		publicAccessBlock(get, "restrict_public_buckets", func(p *types.PublicAccessBlockConfiguration) *bool { return p.RestrictPublicBuckets }),
		{Name: "event_notification_configuration", Type: vtab.JSON, Nullable: true, Doc: "where events go (GetBucketNotificationConfiguration)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b})
				if err != nil {
					return nil, err
				}
				return notifications(out)
			})},
		{Name: "server_side_encryption_configuration", Type: vtab.JSON, Nullable: true, Doc: "default encryption (GetBucketEncryption)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b},
					absent[s3.GetBucketEncryptionOutput]("ServerSideEncryptionConfigurationNotFoundError"))
				if err != nil {
					return nil, err
				}
				return out.ServerSideEncryptionConfiguration, nil
			})},
		{Name: "acl", Type: vtab.JSON, Doc: "the access control list: Owner and Grants (GetBucketAcl)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
				if err != nil {
					return nil, err
				}
				return struct {
					Grants []types.Grant
					Owner  *types.Owner
				}{out.Grants, out.Owner}, nil
			})},
		{Name: "lifecycle_rules", Type: vtab.JSON, Nullable: true, Doc: "(GetBucketLifecycleConfiguration)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b},
					absent[s3.GetBucketLifecycleConfigurationOutput]("NoSuchLifecycleConfiguration"))
				if err != nil {
					return nil, err
				}
				return out.Rules, nil
			})},
		{Name: "logging", Type: vtab.JSON, Nullable: true, Doc: "where server access logs go (GetBucketLogging)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})
				if err != nil {
					return nil, err
				}
				return out.LoggingEnabled, nil
			})},
		{Name: "object_lock_configuration", Type: vtab.JSON, Nullable: true, Doc: "(GetObjectLockConfiguration)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b},
					absent[s3.GetObjectLockConfigurationOutput]("ObjectLockConfigurationNotFoundError"))
				if err != nil {
					return nil, err
				}
				return out.ObjectLockConfiguration, nil
			})},
		{Name: "object_ownership_controls", Type: vtab.JSON, Nullable: true, Doc: "(GetBucketOwnershipControls)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b},
					absent[s3.GetBucketOwnershipControlsOutput]("OwnershipControlsNotFoundError"))
				if err != nil {
					return nil, err
				}
				return out.OwnershipControls, nil
			})},
		{Name: "policy", Type: vtab.JSON, Nullable: true, Doc: "the bucket policy (GetBucketPolicy)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				return bucketPolicy(ctx, c, b)
			})},
		{Name: "policy_std", Type: vtab.JSON, Nullable: true, Doc: "the bucket policy in canonical form: lists everywhere, actions and condition keys in lower case, sorted",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				p, err := bucketPolicy(ctx, c, b)
				if err != nil || p == nil {
					return nil, err
				}
				return policyStd(*p)
			})},
		{Name: "replication", Type: vtab.JSON, Nullable: true, Doc: "(GetBucketReplication)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b},
					absent[s3.GetBucketReplicationOutput]("ReplicationConfigurationNotFoundError"))
				if err != nil {
					return nil, err
				}
				return out.ReplicationConfiguration, nil
			})},
		{Name: "website_configuration", Type: vtab.JSON, Nullable: true, Doc: "(GetBucketWebsite)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				out, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b}, absent[s3.GetBucketWebsiteOutput]("NoSuchWebsiteConfiguration"))
				if err != nil {
					return nil, err
				}
				return out, nil
			})},
		{Name: "tags", Type: vtab.JSON, Nullable: true, Doc: `the tags as an object {"Key": "Value"} (GetBucketTagging)`,
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				tags, err := bucketTags(ctx, c, b)
				return tagObject(tags), err
			})},
		{Name: "tags_src", Type: vtab.JSON, Nullable: true, Doc: "the tags as the API lists them (GetBucketTagging)",
			Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
				return bucketTags(ctx, c, b)
			})},
	}
}

// absent is fetch.Absent as an option of an S3 call: the error codes by
// which S3 says a subresource is not configured answer an empty output.
func absent[Out any](codes ...string) func(*s3.Options) {
	return func(o *s3.Options) { o.APIOptions = append(o.APIOptions, fetch.Absent[Out](codes...)) }
}

// bucketClient is the S3 client of the bucket's own region, with the
// credentials of the account that listed it. ListBuckets names the region;
// HeadBucket finds it when an older answer does not.
func bucketClient(ctx context.Context, s *fetch.Session, c *fetch.Client, b types.Bucket) (string, *s3.Client, error) {
	region := aws.ToString(b.BucketRegion)
	if region == "" {
		r, err := s.BucketRegion(ctx, c.Account, aws.ToString(b.Name))
		if err != nil {
			return "", nil, err
		}
		region = r
	}
	return region, fetch.S3(s.Client(fetch.Target{Account: c.Account, Region: region})), nil
}

// bucketFailure names the bucket and the region it was read in when a call
// about it fails: the failure is the account's target's, but the call went
// elsewhere.
func bucketFailure(account, region, bucket string, err error) error {
	op, code, msg := fetch.Describe(err)
	return &fetch.TargetError{Account: account, Region: region, Operation: op, Code: code,
		Message: fmt.Sprintf("bucket %q: %s", bucket, msg), Err: err}
}

func publicAccessBlock(get func(func(context.Context, *s3.Client, *string) (any, error)) func(context.Context, *fetch.Client, types.Bucket) (any, error),
	name string, field func(*types.PublicAccessBlockConfiguration) *bool) col[types.Bucket, s3.ListBucketsInput] {
	return col[types.Bucket, s3.ListBucketsInput]{Name: name, Type: vtab.Bool,
		Doc: "the bucket's public access block (GetPublicAccessBlock); false without one",
		Hydrate: get(func(ctx context.Context, c *s3.Client, b *string) (any, error) {
			out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b},
				absent[s3.GetPublicAccessBlockOutput]("NoSuchPublicAccessBlockConfiguration"))
			if err != nil || out.PublicAccessBlockConfiguration == nil {
				return false, err
			}
			return aws.ToBool(field(out.PublicAccessBlockConfiguration)), nil
		})}
}

func bucketPolicy(ctx context.Context, c *s3.Client, b *string) (*string, error) {
	out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}, absent[s3.GetBucketPolicyOutput]("NoSuchBucketPolicy"))
	if err != nil {
		return nil, err
	}
	return out.Policy, nil
}

func bucketTags(ctx context.Context, c *s3.Client, b *string) ([]types.Tag, error) {
	out, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b}, absent[s3.GetBucketTaggingOutput]("NoSuchTagSet"))
	if err != nil {
		return nil, err
	}
	return out.TagSet, nil
}

// notifications is the notification configuration as JSON. EventBridge is
// on when its element is there, empty: {"EventBridgeConfiguration": {}},
// which the engine's pruning of empty objects would otherwise drop.
func notifications(out *s3.GetBucketNotificationConfigurationOutput) (any, error) {
	m := map[string]json.RawMessage{}
	if out.EventBridgeConfiguration != nil {
		m["EventBridgeConfiguration"] = json.RawMessage("{}")
	}
	for k, v := range map[string]any{"LambdaFunctionConfigurations": out.LambdaFunctionConfigurations,
		"QueueConfigurations": out.QueueConfigurations, "TopicConfigurations": out.TopicConfigurations} {
		j, err := vtab.SQLValue(vtab.JSON, v)
		if err != nil {
			return nil, err
		}
		if j != nil {
			m[k] = json.RawMessage(j.(string))
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as the engine writes JSON
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimSpace(b.Bytes())), nil
}
