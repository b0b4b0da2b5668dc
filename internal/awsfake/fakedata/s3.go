package fakedata

import (
	"crypto/md5"
	"encoding/hex"
	"time"
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
}

// S3ChecksumSince is when S3 began storing a CRC64NVME checksum with every
// new object; see Object.
func S3ChecksumSince() time.Time { return time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC) }

// CanonicalUserID is the S3 canonical user id of an account: 64 lower-case
// hex digits, as ListBuckets and ListObjectsV2 (fetch-owner) report owners.
func CanonicalUserID(account string) string { return hexDigest("s3-canonical-user:"+account, 64) }

// ETag returns the object's ETag as S3 reports it: the hex MD5 of its body,
// in double quotes.
func (o *Object) ETag() string {
	sum := md5.Sum(o.Body)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}
