package awsfake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestS3BucketNotConfigured: a bucket without a subresource is answered
// as S3 answers it, a 404 with S3's code for that subresource, through the
// real client; the subresources S3 always has answer with empty documents.
func TestS3BucketNotConfigured(t *testing.T) {
	e := demoEndpoint(t)
	// sandbox-dev owns the bucket with nothing configured; it is read
	// through its member role.
	member := e.chain(e.chain(e.base(), fakedata.DemoExternalID, fakedata.DemoRoleChain()...), fakedata.DemoExternalID,
		"arn:aws:iam::456789012345:role/"+fakedata.DemoMemberRole)
	c := s3.NewFromConfig(e.as(member, "us-west-2"), func(o *s3.Options) { o.UsePathStyle = true })
	b := aws.String(fakedata.DemoForbiddenBucket)
	calls := map[string]func() error{
		"NoSuchBucketPolicy": func() error { _, err := c.GetBucketPolicy(ctx(t), &s3.GetBucketPolicyInput{Bucket: b}); return err },
		"NoSuchBucketPolicy (status)": func() error {
			_, err := c.GetBucketPolicyStatus(ctx(t), &s3.GetBucketPolicyStatusInput{Bucket: b})
			return err
		},
		"ServerSideEncryptionConfigurationNotFoundError": func() error {
			_, err := c.GetBucketEncryption(ctx(t), &s3.GetBucketEncryptionInput{Bucket: b})
			return err
		},
		"NoSuchPublicAccessBlockConfiguration": func() error {
			_, err := c.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: b})
			return err
		},
		"NoSuchLifecycleConfiguration": func() error {
			_, err := c.GetBucketLifecycleConfiguration(ctx(t), &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
			return err
		},
		"ObjectLockConfigurationNotFoundError": func() error {
			_, err := c.GetObjectLockConfiguration(ctx(t), &s3.GetObjectLockConfigurationInput{Bucket: b})
			return err
		},
		"OwnershipControlsNotFoundError": func() error {
			_, err := c.GetBucketOwnershipControls(ctx(t), &s3.GetBucketOwnershipControlsInput{Bucket: b})
			return err
		},
		"ReplicationConfigurationNotFoundError": func() error {
			_, err := c.GetBucketReplication(ctx(t), &s3.GetBucketReplicationInput{Bucket: b})
			return err
		},
		"NoSuchWebsiteConfiguration": func() error { _, err := c.GetBucketWebsite(ctx(t), &s3.GetBucketWebsiteInput{Bucket: b}); return err },
		"NoSuchTagSet":               func() error { _, err := c.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: b}); return err },
	}
	for code, call := range calls {
		t.Run(code, func(t *testing.T) {
			err := call()
			apiError(t, err, strings.Fields(code)[0])
			if got := statusOf(t, err); got != http.StatusNotFound {
				t.Errorf("status %d, want 404", got)
			}
		})
	}
	v, err := c.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil || v.Status != "" || v.MFADelete != "" {
		t.Errorf("versioning never enabled: %+v, %v; want an empty answer", v, err)
	}
	l, err := c.GetBucketLogging(ctx(t), &s3.GetBucketLoggingInput{Bucket: b})
	if err != nil || l.LoggingEnabled != nil {
		t.Errorf("no logging: %+v, %v; want an empty answer", l, err)
	}
	n, err := c.GetBucketNotificationConfiguration(ctx(t), &s3.GetBucketNotificationConfigurationInput{Bucket: b})
	if err != nil || n.EventBridgeConfiguration != nil || len(n.QueueConfigurations)+len(n.TopicConfigurations)+len(n.LambdaFunctionConfigurations) != 0 {
		t.Errorf("no notifications: %+v, %v; want an empty answer", n, err)
	}
	acl, err := c.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: b})
	owner := fakedata.CanonicalUserID("456789012345")
	if err != nil || aws.ToString(acl.Owner.ID) != owner || len(acl.Grants) != 1 || aws.ToString(acl.Grants[0].Grantee.ID) != owner ||
		acl.Grants[0].Grantee.Type != s3types.TypeCanonicalUser || acl.Grants[0].Permission != s3types.PermissionFullControl {
		t.Errorf("the ACL of a bucket without grants: %+v, %v; want the owner's FULL_CONTROL", acl, err)
	}
	// Another account may not read the configuration.
	if _, err := e.s3("us-west-2").GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: b}); err == nil {
		t.Error("the management account read sandbox-dev's bucket tags")
	} else {
		apiError(t, err, "AccessDenied")
	}
}

// TestS3BucketConfiguration reads the demo buckets' configuration back
// through the real client.
func TestS3BucketConfiguration(t *testing.T) {
	e := demoEndpoint(t)
	c := e.s3("us-east-1")
	logs, data := demoBucket(t, fakedata.DemoLogsBucket), demoBucket(t, fakedata.DemoDataBucket)
	for _, tt := range []struct {
		b      fakedata.Bucket
		public bool
	}{{logs, false}, {data, true}} {
		st, err := c.GetBucketPolicyStatus(ctx(t), &s3.GetBucketPolicyStatusInput{Bucket: aws.String(tt.b.Name)})
		if err != nil || aws.ToBool(st.PolicyStatus.IsPublic) != tt.public {
			t.Errorf("%s policy status: %+v, %v; want public %v", tt.b.Name, st, err, tt.public)
		}
		p, err := c.GetBucketPolicy(ctx(t), &s3.GetBucketPolicyInput{Bucket: aws.String(tt.b.Name)})
		if err != nil || aws.ToString(p.Policy) != tt.b.Policy {
			t.Errorf("%s policy: %v %v", tt.b.Name, p, err)
		}
	}
	tags, err := c.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(logs.Name)})
	if err != nil || !cmp.Equal(tags.TagSet, logs.Tags, cmpOpts...) {
		t.Errorf("tags: %v %v", tags, err)
	}
	lc, err := c.GetBucketLifecycleConfiguration(ctx(t), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(logs.Name)})
	if err != nil || !cmp.Equal(lc.Rules, logs.Lifecycle, cmpOpts...) {
		t.Errorf("lifecycle (-want +got):\n%s %v", cmp.Diff(logs.Lifecycle, lc.Rules, cmpOpts...), err)
	}
	w, err := c.GetBucketWebsite(ctx(t), &s3.GetBucketWebsiteInput{Bucket: aws.String(data.Name)})
	if err != nil || aws.ToString(w.IndexDocument.Suffix) != "index.html" || len(w.RoutingRules) != 1 {
		t.Errorf("website: %+v %v", w, err)
	}
	enc, err := c.GetBucketEncryption(ctx(t), &s3.GetBucketEncryptionInput{Bucket: aws.String(data.Name)})
	if err != nil || !cmp.Equal(enc.ServerSideEncryptionConfiguration, data.Encryption, cmpOpts...) {
		t.Errorf("encryption: %+v %v", enc, err)
	}
	archive := demoBucket(t, fakedata.DemoArchiveBucket)
	eu := e.s3("eu-west-1")
	lock, err := eu.GetObjectLockConfiguration(ctx(t), &s3.GetObjectLockConfigurationInput{Bucket: aws.String(archive.Name)})
	if err != nil || !cmp.Equal(lock.ObjectLockConfiguration, archive.ObjectLock, cmpOpts...) {
		t.Errorf("object lock: %+v %v", lock, err)
	}
	rep, err := eu.GetBucketReplication(ctx(t), &s3.GetBucketReplicationInput{Bucket: aws.String(archive.Name)})
	if err != nil || !cmp.Equal(rep.ReplicationConfiguration, archive.Replication, cmpOpts...) {
		t.Errorf("replication: %+v %v", rep, err)
	}
	// In another region, the bucket is a redirect, as for every call.
	if _, err := c.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(archive.Name)}); statusOf(t, err) != http.StatusMovedPermanently {
		t.Errorf("a bucket asked in the wrong region: %v, want 301", err)
	}
}

// TestS3ObjectMetadata reads objects' headers, attributes, ACLs and tags.
func TestS3ObjectMetadata(t *testing.T) {
	e := demoEndpoint(t)
	c := e.s3("us-east-1")
	data := demoBucket(t, fakedata.DemoDataBucket)
	b := aws.String(data.Name)

	q3 := objectNamed(t, data, "reports/2026/q3 summary.txt")
	h, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: b, Key: aws.String(q3.Key)})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(h.Metadata, q3.Metadata) || aws.ToString(h.ContentDisposition) != q3.ContentDisposition ||
		h.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(h.SSEKMSKeyId) != q3.KMSKeyID ||
		!aws.ToBool(h.BucketKeyEnabled) || aws.ToInt32(h.TagCount) != 2 || aws.ToInt64(h.ContentLength) != int64(len(q3.Body)) ||
		aws.ToString(h.ETag) != etag(q3.Body) || aws.ToString(h.AcceptRanges) != "bytes" || h.VersionId != nil {
		t.Errorf("HeadObject %s: %+v", q3.Key, h)
	}
	logo := objectNamed(t, data, "images/logo.png")
	h, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: b, Key: aws.String(logo.Key)})
	if err != nil || !aws.ToTime(h.Expires).Equal(logo.Expires) || aws.ToString(h.ExpiresString) != "Fri, 01 Jan 2027 00:00:00 GMT" {
		t.Errorf("HeadObject %s: Expires %v %v, %v", logo.Key, h.Expires, aws.ToString(h.ExpiresString), err)
	}
	old := objectNamed(t, data, "legacy/old-notes.txt")
	h, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: b, Key: aws.String(old.Key)})
	if err != nil || h.ServerSideEncryption != s3types.ServerSideEncryptionAes256 || h.SSEKMSKeyId != nil || aws.ToString(h.WebsiteRedirectLocation) != "/README.md" {
		t.Errorf("HeadObject %s: SSE %v %v, redirect %v, %v", old.Key, h.ServerSideEncryption, h.SSEKMSKeyId, h.WebsiteRedirectLocation, err)
	}
	if _, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: b, Key: aws.String("no/such/key")}); statusOf(t, err) != http.StatusNotFound {
		t.Errorf("HeadObject of a missing key: %v, want 404", err)
	} else {
		apiError(t, err, "NotFound") // HEAD has no body: the SDK names the status
	}

	// A logs object: versioned, and expiring by the bucket's lifecycle.
	logs := demoBucket(t, fakedata.DemoLogsBucket)
	readme := objectNamed(t, logs, "logs/README.txt")
	h, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(logs.Name), Key: aws.String(readme.Key)})
	if err != nil || aws.ToString(h.VersionId) != readme.VersionID || readme.VersionID == "" ||
		aws.ToString(h.Expiration) != `expiry-date="Sun, 03 Jan 2027 00:00:00 GMT", rule-id="archive-logs"` {
		t.Errorf("HeadObject %s: version %v, expiration %v, %v", readme.Key, aws.ToString(h.VersionId), aws.ToString(h.Expiration), err)
	}
	// An archived object: locked, held, replicated, restored.
	archive := demoBucket(t, fakedata.DemoArchiveBucket)
	dump := objectNamed(t, archive, "backups/db/2023-12-31.dump")
	h, err = e.s3("eu-west-1").HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(archive.Name), Key: aws.String(dump.Key)})
	if err != nil || h.ObjectLockMode != s3types.ObjectLockModeGovernance || !aws.ToTime(h.ObjectLockRetainUntilDate).Equal(dump.RetainUntil) ||
		h.ObjectLockLegalHoldStatus != s3types.ObjectLockLegalHoldStatusOn || h.ReplicationStatus != s3types.ReplicationStatusCompleted ||
		aws.ToString(h.Restore) != dump.Restore || h.StorageClass != s3types.StorageClassGlacier {
		t.Errorf("HeadObject %s: %+v %v", dump.Key, h, err)
	}

	orders := objectNamed(t, data, "exports/2026-10/orders.csv")
	attrs, err := c.GetObjectAttributes(ctx(t), &s3.GetObjectAttributesInput{Bucket: b, Key: aws.String(orders.Key),
		ObjectAttributes: []s3types.ObjectAttributes{s3types.ObjectAttributesChecksum, s3types.ObjectAttributesObjectParts, s3types.ObjectAttributesEtag}})
	if err != nil || attrs.ObjectParts == nil || aws.ToInt32(attrs.ObjectParts.TotalPartsCount) != 2 ||
		aws.ToInt64(attrs.ObjectParts.Parts[0].Size)+aws.ToInt64(attrs.ObjectParts.Parts[1].Size) != int64(len(orders.Body)) ||
		attrs.Checksum == nil || attrs.Checksum.ChecksumType != s3types.ChecksumTypeFullObject ||
		aws.ToString(attrs.ETag) != strings.Trim(etag(orders.Body, orders.Parts...), `"`) || attrs.ObjectSize != nil {
		t.Errorf("GetObjectAttributes %s: %+v %v", orders.Key, attrs, err)
	}
	// Without the header naming the attributes, S3 refuses the request;
	// the SDK sends it, so a raw request shows it.
	resp, _ := e.rawS3(t, http.MethodGet, "us-east-1", "/"+data.Name+"/README.md?attributes", nil, true)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GetObjectAttributes without x-amz-object-attributes: %d, want 400", resp.StatusCode)
	}

	acl, err := c.GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: b, Key: aws.String(logo.Key)})
	if err != nil || len(acl.Grants) != 2 || aws.ToString(acl.Grants[1].Grantee.URI) != "http://acs.amazonaws.com/groups/global/AllUsers" ||
		acl.Grants[1].Permission != s3types.PermissionRead || acl.Grants[1].Grantee.Type != s3types.TypeGroup {
		t.Errorf("GetObjectAcl %s: %+v %v", logo.Key, acl, err)
	}
	tags, err := c.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("README.md")})
	if err != nil || tags.TagSet == nil || len(tags.TagSet) != 0 {
		t.Errorf("GetObjectTagging of an object without tags: %+v %v; want an empty TagSet", tags, err)
	}
	tags, err = c.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String(q3.Key)})
	if err != nil || !cmp.Equal(tags.TagSet, q3.Tags, cmpOpts...) {
		t.Errorf("GetObjectTagging %s: %+v %v", q3.Key, tags, err)
	}
}
