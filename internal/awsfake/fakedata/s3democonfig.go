package fakedata

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// configureDemoBucket gives a demo bucket, and its objects, the
// configuration a query of s3_buckets and s3_objects shows: every kind of
// subresource set somewhere, and each one missing somewhere (which S3
// answers with an error of its own: no policy, no tags, ...).
//
//	awssql-demo-logs        versioned, SSE-S3, all public access blocked, lifecycle, a
//	                        TLS-only policy, tags, EventBridge notifications
//	awssql-demo-data        versioning suspended, SSE-KMS with a bucket key, a public
//	                        policy on images/, a website, access logs, a queue
//	                        notification, ACL grants; objects with metadata and tags
//	awssql-demo-eu-archive  versioned with MFA delete, Object Lock, replication; no
//	                        public access block, policy or tags
//	data-prod-exports       a cross-account read policy
//	sandbox-dev-scratch     nothing configured, not even default encryption
func configureDemoBucket(b *Bucket, account, region string) {
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, account, resource)
	}
	kms := arn("kms", "key/"+uuid("kms:"+b.Name))
	sseS3 := &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
		BucketKeyEnabled:                   aws.Bool(false),
	}}}
	blockAll := &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
		BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	tags := func(kv ...string) []s3types.Tag {
		var out []s3types.Tag
		for i := 0; i < len(kv); i += 2 {
			out = append(out, s3types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		return out
	}
	versioned := func() {
		for i := range b.Objects {
			b.Objects[i].VersionID = hexDigest("version:"+b.Name+"/"+b.Objects[i].Key, 32)
		}
	}
	group := func(uri string, p s3types.Permission) s3types.Grant {
		return s3types.Grant{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/" + uri)}, Permission: p}
	}
	object := func(key string) *Object {
		for i := range b.Objects {
			if b.Objects[i].Key == key {
				return &b.Objects[i]
			}
		}
		panic("fakedata: no demo object " + b.Name + "/" + key)
	}

	switch b.Name {
	case DemoLogsBucket:
		b.Versioning, b.MFADelete = s3types.BucketVersioningStatusEnabled, s3types.MFADeleteStatusDisabled
		b.Encryption, b.PublicAccessBlock, b.Ownership = sseS3, blockAll, s3types.ObjectOwnershipBucketOwnerEnforced
		b.Lifecycle = []s3types.LifecycleRule{{
			ID: aws.String("archive-logs"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Transitions: []s3types.Transition{{Days: aws.Int32(30), StorageClass: s3types.TransitionStorageClassStandardIa},
				{Days: aws.Int32(365), StorageClass: s3types.TransitionStorageClassGlacier}},
			Expiration:                  &s3types.LifecycleExpiration{Days: aws.Int32(730)},
			NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(30)},
		}, {
			ID: aws.String("abort-uploads"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)},
		}}
		b.Policy = fmt.Sprintf(`{"Version":"2012-10-17","Id":"logs-policy","Statement":[`+
			`{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},`+
			`{"Sid":"ServerAccessLogs","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::%[1]s/s3-access/*",`+
			`"Condition":{"StringEquals":{"aws:SourceAccount":"%[2]s"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::awssql-demo-*"}}}]}`, b.Name, account)
		b.Tags = tags("Environment", "prod", "Team", "platform", "CostCenter", "cc-1001")
		b.Notification = &s3types.NotificationConfiguration{EventBridgeConfiguration: &s3types.EventBridgeConfiguration{}}
		versioned()
		for i := range b.Objects {
			o := &b.Objects[i]
			if strings.HasSuffix(o.Key, ".log") {
				o.Metadata = map[string]string{"source": "app", "host": "web-" + fmt.Sprint(1+i%2)}
			}
		}
		object("logs/2025/12/31/app-00.log.gz").ContentEncoding = "gzip"
		object("logs/2024/06/30/app-00.log").Restore = `ongoing-request="true"`

	case DemoDataBucket:
		b.Versioning = s3types.BucketVersioningStatusSuspended
		b.Encryption = &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(kms)},
			BucketKeyEnabled:                   aws.Bool(true),
		}}}
		b.PublicAccessBlock = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
		b.Ownership = s3types.ObjectOwnershipBucketOwnerPreferred
		b.Grants = []s3types.Grant{group("s3/LogDelivery", s3types.PermissionReadAcp)}
		b.Policy = fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Sid":"PublicImages","Effect":"Allow","Principal":"*",`+
			`"Action":["s3:GetObject","s3:GetObject"],"Resource":"arn:aws:s3:::%s/images/*"}}`, b.Name)
		b.Website = &s3types.WebsiteConfiguration{IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
			ErrorDocument: &s3types.ErrorDocument{Key: aws.String("error.html")},
			RoutingRules: []s3types.RoutingRule{{Condition: &s3types.Condition{KeyPrefixEquals: aws.String("docs/")},
				Redirect: &s3types.Redirect{ReplaceKeyPrefixWith: aws.String("reports/")}}}}
		b.Logging = &s3types.LoggingEnabled{TargetBucket: aws.String(DemoLogsBucket), TargetPrefix: aws.String("s3-access/" + b.Name + "/")}
		b.Notification = &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			Id: aws.String("exports-created"), QueueArn: aws.String(arn("sqs", "exports")), Events: []s3types.Event{"s3:ObjectCreated:*"},
			Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{
				{Name: s3types.FilterRuleNamePrefix, Value: aws.String("exports/")}}}},
		}}}
		b.Tags = tags("Environment", "demo", "Team", "analytics")
		for i := range b.Objects {
			o := &b.Objects[i]
			if o.Key == "legacy/old-notes.txt" { // written before the bucket was encrypted with KMS
				continue
			}
			o.Encryption, o.KMSKeyID, o.BucketKeyEnabled = s3types.ServerSideEncryptionAwsKms, kms, true
		}
		readme := object("README.md")
		readme.CacheControl, readme.ContentLanguage = "max-age=300", "en"
		q3 := object("reports/2026/q3 summary.txt")
		q3.Metadata = map[string]string{"author": "finance", "reviewed": "2026-10-05"}
		q3.ContentDisposition = `attachment; filename="q3 summary.txt"`
		q3.Tags = tags("Classification", "internal", "Quarter", "Q3")
		logo := object("images/logo.png")
		logo.CacheControl, logo.Expires = "public, max-age=86400", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		logo.Grants = []s3types.Grant{group("global/AllUsers", s3types.PermissionRead)}
		logo.Tags = tags("Public", "yes")
		// Uploaded in two parts (S3 wants parts of 5 MiB but the last; the
		// demo keeps its objects small).
		orders := object("exports/2026-10/orders.csv")
		orders.Parts = []int{200 << 10, len(orders.Body) - 200<<10}
		object("legacy/old-notes.txt").WebsiteRedirect = "/README.md"

	case DemoArchiveBucket:
		b.Versioning, b.MFADelete = s3types.BucketVersioningStatusEnabled, s3types.MFADeleteStatusEnabled
		b.Encryption, b.Ownership = sseS3, s3types.ObjectOwnershipBucketOwnerEnforced
		b.ObjectLock = &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled,
			Rule: &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionModeGovernance, Days: aws.Int32(365)}}}
		b.Replication = &s3types.ReplicationConfiguration{Role: aws.String(fmt.Sprintf("arn:aws:iam::%s:role/s3-replication", account)),
			Rules: []s3types.ReplicationRule{{
				ID: aws.String("backups-to-dr"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
				Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("backups/")},
				DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
				Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::awssql-demo-eu-archive-dr"), StorageClass: s3types.StorageClassGlacierIr},
			}}}
		versioned()
		for i := range b.Objects {
			o := &b.Objects[i]
			o.LockMode, o.RetainUntil = s3types.ObjectLockModeGovernance, o.LastModified.UTC().AddDate(1, 0, 0).Truncate(24*time.Hour)
			if strings.HasPrefix(o.Key, "backups/") {
				o.ReplicationStatus = s3types.ReplicationStatusCompleted
			}
		}
		first := object("backups/db/2023-12-31.dump")
		first.LegalHold = s3types.ObjectLockLegalHoldStatusOn
		first.Restore = `ongoing-request="false", expiry-date="Fri, 06 Nov 2026 00:00:00 GMT"`
		object("backups/db/2025-06-30.dump").ReplicationStatus = s3types.ReplicationStatusPending

	case DemoExportsBucket:
		b.Encryption, b.PublicAccessBlock, b.Ownership = sseS3, blockAll, s3types.ObjectOwnershipBucketOwnerEnforced
		b.Policy = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"ManagementReads","Effect":"Allow",`+
			`"Principal":{"AWS":["arn:aws:iam::%[2]s:root"]},"Action":["s3:ListBucket","s3:GetObject"],`+
			`"Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"]}]}`, b.Name, DemoAccountID)
		b.Tags = tags("Environment", "prod", "Team", "data")
		object("manifest.json").Metadata = map[string]string{"generator": "etl-1"}
	}
}

// modernDefaults is what S3 gives a bucket created since April 2023:
// encryption with its own keys, every public access blocked, ACLs
// disabled.
func modernDefaults(b *Bucket) {
	b.Encryption = &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
		BucketKeyEnabled:                   aws.Bool(false),
	}}}
	b.PublicAccessBlock = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
		BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	b.Ownership = s3types.ObjectOwnershipBucketOwnerEnforced
}

// uuid is a UUID-shaped id derived from s.
func uuid(s string) string {
	h := hexDigest(s, 32)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
