package fakedata

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"time"

	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Bucket is an S3 general purpose bucket. Its owner is the account whose
// Region holds it, its region the key of that Region in Account.Regions.
// Bucket names are global: a name used twice in a Dataset is served from its
// first holder (accounts in order, their regions in name order).
type Bucket struct {
	Name    string
	Created time.Time
	Objects []Object // any order; served sorted by key (UTF-8 binary order)
	// Readers lists other account ids allowed to read it (besides its owner), for cross-account tests.
	Readers []string

	// The bucket's configuration, as S3's Get calls on its subresources
	// answer it. A zero value is "not configured", which S3 answers with an
	// error of its own (NoSuchBucketPolicy, NoSuchTagSet, ...), except where
	// S3 always has an answer: the ACL (the owner's FULL_CONTROL, and Grants
	// besides), versioning, logging and notifications (an empty document).
	Policy            string // the bucket policy, JSON
	Versioning        s3types.BucketVersioningStatus
	MFADelete         s3types.MFADeleteStatus
	Encryption        *s3types.ServerSideEncryptionConfiguration
	PublicAccessBlock *s3types.PublicAccessBlockConfiguration
	Grants            []s3types.Grant
	Lifecycle         []s3types.LifecycleRule
	Logging           *s3types.LoggingEnabled
	ObjectLock        *s3types.ObjectLockConfiguration
	Ownership         s3types.ObjectOwnership
	Replication       *s3types.ReplicationConfiguration
	Website           *s3types.WebsiteConfiguration
	Tags              []s3types.Tag
	Notification      *s3types.NotificationConfiguration
}

// Object is an S3 object. Its ETag is the quoted hex MD5 of Body (a
// single-part upload). Objects last modified on or after S3ChecksumSince
// carry a full-object CRC64NVME checksum, as S3 adds to every upload since
// December 2024: ListObjectsV2 names it (ChecksumAlgorithm, ChecksumType)
// and GetObject returns it when asked (x-amz-checksum-mode: ENABLED), so the
// SDK validates the body. Older objects have none.
type Object struct {
	Key          string
	Body         []byte
	LastModified time.Time
	StorageClass string // "" = STANDARD
	ContentType  string // "" = binary/octet-stream, S3's default

	// What HeadObject (and GetObjectAcl, GetObjectTagging) tell besides.
	Metadata           map[string]string // x-amz-meta-*, keys in lower case as S3 keeps them
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	Expires            time.Time                    // zero: none
	Encryption         s3types.ServerSideEncryption // "" = AES256, S3's default since 2023
	KMSKeyID           string                       // with aws:kms
	BucketKeyEnabled   bool                         // with aws:kms
	VersionID          string                       // in a versioned bucket
	Tags               []s3types.Tag                // GetObjectTagging
	Grants             []s3types.Grant              // GetObjectAcl, besides the owner's FULL_CONTROL
	LockMode           s3types.ObjectLockMode       // with a retention period
	RetainUntil        time.Time                    // with LockMode
	LegalHold          s3types.ObjectLockLegalHoldStatus
	ReplicationStatus  s3types.ReplicationStatus
	Restore            string // x-amz-restore, as S3 writes it: an archived object being or having been restored
	WebsiteRedirect    string // x-amz-website-redirect-location
	// Parts are the sizes of the parts of a multipart upload, in order,
	// summing to len(Body); nil: a single-part upload.
	Parts []int
}

// S3ChecksumSince is when S3 began storing a CRC64NVME checksum with every
// new object; see Object.
func S3ChecksumSince() time.Time { return time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC) }

// CanonicalUserID is the S3 canonical user id of an account: 64 lower-case
// hex digits, as ListBuckets and ListObjectsV2 (fetch-owner) report owners.
func CanonicalUserID(account string) string { return hexDigest("s3-canonical-user:"+account, 64) }

// ETag returns the object's ETag as S3 reports it, in double quotes: the hex
// MD5 of its body; for a multipart upload, the MD5 of its parts' MD5s, a
// dash and the number of parts.
func (o *Object) ETag() string {
	if len(o.Parts) == 0 {
		sum := md5.Sum(o.Body)
		return `"` + hex.EncodeToString(sum[:]) + `"`
	}
	var sums []byte
	at := 0
	for _, n := range o.Parts {
		sum := md5.Sum(o.Body[at : at+n])
		sums = append(sums, sum[:]...)
		at += n
	}
	sum := md5.Sum(sums)
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sum[:]), len(o.Parts))
}
