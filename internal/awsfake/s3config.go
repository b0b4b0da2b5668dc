package awsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// The bucket subresources and object metadata S3 serves, answered with the
// SDK's output types, which s3Encoder writes (wire_s3.go). What a bucket
// does not have configured is answered as S3 answers it: an error of its
// own, 404, naming the bucket; except where S3 always has an answer (the
// ACL, versioning, logging, notifications, an object's tags).

// s3Encoded are the operations answered through s3Encoder; each must be in
// s3Roots.
var s3Encoded = map[string]func(*s3Call) (any, *s3Error){
	"GetBucketAcl":                       (*s3Call).getBucketACL,
	"GetBucketEncryption":                (*s3Call).getBucketEncryption,
	"GetBucketLifecycleConfiguration":    (*s3Call).getBucketLifecycle,
	"GetBucketLogging":                   (*s3Call).getBucketLogging,
	"GetBucketNotificationConfiguration": (*s3Call).getBucketNotification,
	"GetBucketOwnershipControls":         (*s3Call).getBucketOwnershipControls,
	"GetBucketPolicy":                    (*s3Call).getBucketPolicy,
	"GetBucketPolicyStatus":              (*s3Call).getBucketPolicyStatus,
	"GetBucketReplication":               (*s3Call).getBucketReplication,
	"GetBucketTagging":                   (*s3Call).getBucketTagging,
	"GetBucketVersioning":                (*s3Call).getBucketVersioning,
	"GetBucketWebsite":                   (*s3Call).getBucketWebsite,
	"GetObjectAcl":                       (*s3Call).getObjectACL,
	"GetObjectAttributes":                (*s3Call).getObjectAttributes,
	"GetObjectLockConfiguration":         (*s3Call).getObjectLockConfiguration,
	"GetObjectTagging":                   (*s3Call).getObjectTagging,
	"GetPublicAccessBlock":               (*s3Call).getPublicAccessBlock,
	"HeadObject":                         (*s3Call).headObject,
}

// s3Handler returns the handler of an S3 operation served, or nil.
func s3Handler(op string) func(*s3Call) (*s3Response, *s3Error) {
	if h := s3Handlers[op]; h != nil {
		return h
	}
	h := s3Encoded[op]
	if h == nil {
		return nil
	}
	return func(sc *s3Call) (*s3Response, *s3Error) {
		out, serr := h(sc)
		if serr != nil {
			return nil, serr
		}
		header, body, err := sc.s.s3Encoder().encode(op, out)
		if err != nil {
			return nil, s3Errorf(http.StatusInternalServerError, "InternalError", "awsfake: "+err.Error())
		}
		if s3Roots[op] != "" && body != nil {
			header.Set("Content-Type", "application/xml")
		}
		return &s3Response{header: header, body: body}, nil
	}
}

// notConfigured is S3's answer for a subresource the bucket does not have.
func notConfigured(b *s3Bucket, code, message string) *s3Error {
	return s3Errorf(http.StatusNotFound, code, message, s3Field{"BucketName", b.Name})
}

func (sc *s3Call) getBucketPolicy() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.Policy == "":
		return nil, notConfigured(b, "NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(b.Policy)}, nil
}

// getBucketPolicyStatus says whether the policy makes the bucket public:
// an Allow to everyone ("*", or {"AWS": "*"}) without a condition.
func (sc *s3Call) getBucketPolicyStatus() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.Policy == "":
		return nil, notConfigured(b, "NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(policyIsPublic(b.Policy))}}, nil
}

func policyIsPublic(policy string) bool {
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	type statement struct {
		Effect    string
		Principal any
		Condition map[string]any
	}
	var stmts []statement
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one statement
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		stmts = []statement{one}
	}
	everyone := func(p any) bool {
		switch p := p.(type) {
		case string:
			return p == "*"
		case map[string]any:
			switch aws := p["AWS"].(type) {
			case string:
				return aws == "*"
			case []any:
				return slices.Contains(aws, any("*"))
			}
		}
		return false
	}
	for _, st := range stmts {
		if st.Effect == "Allow" && everyone(st.Principal) && len(st.Condition) == 0 {
			return true
		}
	}
	return false
}

func (sc *s3Call) getBucketVersioning() (any, *s3Error) {
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, serr
	}
	return &s3.GetBucketVersioningOutput{Status: b.Versioning, MFADelete: b.MFADelete}, nil
}

func (sc *s3Call) getBucketEncryption() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.Encryption == nil:
		return nil, notConfigured(b, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: b.Encryption}, nil
}

func (sc *s3Call) getPublicAccessBlock() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.PublicAccessBlock == nil:
		return nil, notConfigured(b, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b.PublicAccessBlock}, nil
}

// ownerGrants is an ACL: the owner's FULL_CONTROL, which S3 always lists
// first, then the grants given.
func ownerGrants(owner string, grants []s3types.Grant) (*s3types.Owner, []s3types.Grant) {
	id := fakedata.CanonicalUserID(owner)
	all := []s3types.Grant{{Grantee: &s3types.Grantee{ID: aws.String(id), Type: s3types.TypeCanonicalUser}, Permission: s3types.PermissionFullControl}}
	return &s3types.Owner{ID: aws.String(id)}, append(all, grants...)
}

func (sc *s3Call) getBucketACL() (any, *s3Error) {
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, serr
	}
	owner, grants := ownerGrants(b.owner.ID, b.Grants)
	return &s3.GetBucketAclOutput{Owner: owner, Grants: grants}, nil
}

func (sc *s3Call) getBucketLifecycle() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case len(b.Lifecycle) == 0:
		return nil, notConfigured(b, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
	}
	// S3 sends the default for buckets whose rules were set since
	// September 2024.
	return &s3.GetBucketLifecycleConfigurationOutput{Rules: b.Lifecycle,
		TransitionDefaultMinimumObjectSize: s3types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k}, nil
}

func (sc *s3Call) getBucketLogging() (any, *s3Error) {
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, serr
	}
	return &s3.GetBucketLoggingOutput{LoggingEnabled: b.Logging}, nil
}

func (sc *s3Call) getObjectLockConfiguration() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.ObjectLock == nil:
		return nil, notConfigured(b, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
	}
	return &s3.GetObjectLockConfigurationOutput{ObjectLockConfiguration: b.ObjectLock}, nil
}

func (sc *s3Call) getBucketOwnershipControls() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.Ownership == "":
		return nil, notConfigured(b, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
	}
	return &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: b.Ownership}}}}, nil
}

func (sc *s3Call) getBucketReplication() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.Replication == nil:
		return nil, notConfigured(b, "ReplicationConfigurationNotFoundError", "The replication configuration was not found")
	}
	return &s3.GetBucketReplicationOutput{ReplicationConfiguration: b.Replication}, nil
}

func (sc *s3Call) getBucketWebsite() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case b.Website == nil:
		return nil, notConfigured(b, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")
	}
	w := b.Website
	return &s3.GetBucketWebsiteOutput{ErrorDocument: w.ErrorDocument, IndexDocument: w.IndexDocument,
		RedirectAllRequestsTo: w.RedirectAllRequestsTo, RoutingRules: w.RoutingRules}, nil
}

func (sc *s3Call) getBucketTagging() (any, *s3Error) {
	b, serr := sc.bucketFor()
	switch {
	case serr != nil:
		return nil, serr
	case len(b.Tags) == 0:
		return nil, notConfigured(b, "NoSuchTagSet", "The TagSet does not exist")
	}
	return &s3.GetBucketTaggingOutput{TagSet: b.Tags}, nil
}

func (sc *s3Call) getBucketNotification() (any, *s3Error) {
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, serr
	}
	n := b.Notification
	if n == nil {
		return &s3.GetBucketNotificationConfigurationOutput{}, nil
	}
	return &s3.GetBucketNotificationConfigurationOutput{EventBridgeConfiguration: n.EventBridgeConfiguration,
		LambdaFunctionConfigurations: n.LambdaFunctionConfigurations, QueueConfigurations: n.QueueConfigurations,
		TopicConfigurations: n.TopicConfigurations}, nil
}

// objectFor finds the call's object in its bucket, and checks the version
// asked for: the object's own, or "null" in a bucket that never had
// versioning (the fake keeps one version of each key).
func (sc *s3Call) objectFor() (*s3Bucket, *fakedata.Object, *s3Error) {
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, nil, serr
	}
	o := b.object(sc.key)
	if o == nil {
		return nil, nil, s3Errorf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", s3Field{"Key", sc.key})
	}
	if v := sc.query.Get("versionId"); sc.query.Has("versionId") && v != o.VersionID && !(v == "null" && o.VersionID == "") {
		return nil, nil, errInvalidArgument("Invalid version id specified", "versionId", v)
	}
	return b, o, nil
}

// versionID is an object's version as S3 names it in headers: none in a
// bucket that never had versioning.
func versionID(o *fakedata.Object) *string {
	if o.VersionID == "" {
		return nil
	}
	return aws.String(o.VersionID)
}

// headObject answers HeadObject: the object's metadata in headers. A
// missing key is a bare 404 (HEAD has no body), which the SDK reads as
// NotFound.
func (sc *s3Call) headObject() (any, *s3Error) {
	b, o, serr := sc.objectFor()
	if serr != nil {
		return nil, serr
	}
	out := &s3.HeadObjectOutput{
		AcceptRanges:  aws.String("bytes"),
		ContentLength: aws.Int64(int64(len(o.Body))),
		ContentType:   aws.String(contentType(o)),
		ETag:          aws.String(o.ETag()),
		LastModified:  aws.Time(o.LastModified.UTC().Truncate(time.Second)),
		Metadata:      o.Metadata,
		VersionId:     versionID(o),
		Restore:       strPtr(o.Restore),
		Expiration:    expiration(b, o),
	}
	if class := storageClass(o); class != "STANDARD" {
		out.StorageClass = s3types.StorageClass(class)
	}
	out.ServerSideEncryption = o.Encryption
	if out.ServerSideEncryption == "" {
		out.ServerSideEncryption = s3types.ServerSideEncryptionAes256
	}
	if o.Encryption == s3types.ServerSideEncryptionAwsKms {
		out.SSEKMSKeyId = aws.String(o.KMSKeyID)
		if o.BucketKeyEnabled {
			out.BucketKeyEnabled = aws.Bool(true)
		}
	}
	out.CacheControl, out.ContentDisposition = strPtr(o.CacheControl), strPtr(o.ContentDisposition)
	out.ContentEncoding, out.ContentLanguage = strPtr(o.ContentEncoding), strPtr(o.ContentLanguage)
	if !o.Expires.IsZero() {
		out.Expires = aws.Time(o.Expires.UTC())
		out.ExpiresString = aws.String(o.Expires.UTC().Format(http.TimeFormat))
	}
	if len(o.Tags) > 0 {
		out.TagCount = aws.Int32(int32(len(o.Tags)))
	}
	out.ObjectLockMode, out.ObjectLockLegalHoldStatus = o.LockMode, o.LegalHold
	if !o.RetainUntil.IsZero() {
		out.ObjectLockRetainUntilDate = aws.Time(o.RetainUntil.UTC())
	}
	out.ReplicationStatus = o.ReplicationStatus
	out.WebsiteRedirectLocation = strPtr(o.WebsiteRedirect)
	if hasChecksum(o) && strings.EqualFold(sc.r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") {
		out.ChecksumCRC64NVME, out.ChecksumType = aws.String(crc64NVME(o)), s3types.ChecksumTypeFullObject
	}
	return out, nil
}

// expiration is x-amz-expiration: when the first enabled lifecycle rule
// that expires the object's key will, counted from the day after it was
// last modified, at midnight UTC, as S3 rounds it.
func expiration(b *s3Bucket, o *fakedata.Object) *string {
	for _, r := range b.Lifecycle {
		if r.Status != s3types.ExpirationStatusEnabled || r.Expiration == nil || r.Expiration.Days == nil {
			continue
		}
		prefix := aws.ToString(r.Prefix)
		if r.Filter != nil && r.Filter.Prefix != nil {
			prefix = *r.Filter.Prefix
		}
		if !strings.HasPrefix(o.Key, prefix) {
			continue
		}
		day := o.LastModified.UTC().Truncate(24*time.Hour).AddDate(0, 0, int(*r.Expiration.Days)+1)
		return aws.String(fmt.Sprintf(`expiry-date="%s", rule-id="%s"`, day.Format(http.TimeFormat), aws.ToString(r.ID)))
	}
	return nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// getObjectAttributes answers GetObjectAttributes with the attributes
// x-amz-object-attributes asks for.
func (sc *s3Call) getObjectAttributes() (any, *s3Error) {
	want := map[string]bool{}
	for _, v := range sc.r.Header.Values("X-Amz-Object-Attributes") {
		for _, a := range strings.Split(v, ",") {
			want[strings.TrimSpace(a)] = true
		}
	}
	if len(want) == 0 {
		return nil, s3Errorf(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-object-attributes")
	}
	for a := range want {
		if !slices.Contains(s3types.ObjectAttributes("").Values(), s3types.ObjectAttributes(a)) {
			return nil, errInvalidArgument("Invalid attribute name specified.", "x-amz-object-attributes", a)
		}
	}
	_, o, serr := sc.objectFor()
	if serr != nil {
		return nil, serr
	}
	out := &s3.GetObjectAttributesOutput{LastModified: aws.Time(o.LastModified.UTC().Truncate(time.Second)), VersionId: versionID(o)}
	if want["ETag"] {
		out.ETag = aws.String(strings.Trim(o.ETag(), `"`)) // unquoted here, unlike everywhere else
	}
	if want["ObjectSize"] {
		out.ObjectSize = aws.Int64(int64(len(o.Body)))
	}
	if want["StorageClass"] {
		out.StorageClass = s3types.StorageClass(storageClass(o))
	}
	if want["Checksum"] && hasChecksum(o) {
		out.Checksum = &s3types.Checksum{ChecksumCRC64NVME: aws.String(crc64NVME(o)), ChecksumType: s3types.ChecksumTypeFullObject}
	}
	if want["ObjectParts"] && len(o.Parts) > 0 {
		parts := &s3types.GetObjectAttributesParts{TotalPartsCount: aws.Int32(int32(len(o.Parts))), PartNumberMarker: aws.String("0"),
			NextPartNumberMarker: aws.String(fmt.Sprint(len(o.Parts))), MaxParts: aws.Int32(1000), IsTruncated: aws.Bool(false)}
		for i, n := range o.Parts {
			parts.Parts = append(parts.Parts, s3types.ObjectPart{PartNumber: aws.Int32(int32(i + 1)), Size: aws.Int64(int64(n))})
		}
		out.ObjectParts = parts
	}
	return out, nil
}

func (sc *s3Call) getObjectACL() (any, *s3Error) {
	b, o, serr := sc.objectFor()
	if serr != nil {
		return nil, serr
	}
	owner, grants := ownerGrants(b.owner.ID, o.Grants)
	return &s3.GetObjectAclOutput{Owner: owner, Grants: grants}, nil
}

// getObjectTagging answers GetObjectTagging: an empty TagSet for an
// object without tags (not an error, unlike a bucket's).
func (sc *s3Call) getObjectTagging() (any, *s3Error) {
	_, o, serr := sc.objectFor()
	if serr != nil {
		return nil, serr
	}
	return &s3.GetObjectTaggingOutput{TagSet: append([]s3types.Tag{}, o.Tags...), VersionId: versionID(o)}, nil
}
