package awsfake

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc64"
	"slices"
	"strings"
	"sync"
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

func (o *Object) storageClass() string {
	if o.StorageClass == "" {
		return "STANDARD"
	}
	return o.StorageClass
}

func (o *Object) contentType() string {
	if o.ContentType == "" {
		return "binary/octet-stream"
	}
	return o.ContentType
}

// hasChecksum reports whether S3 stored a CRC64NVME checksum with the object.
func (o *Object) hasChecksum() bool { return !o.LastModified.Before(S3ChecksumSince()) }

var crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// crc64NVME is the object's checksum as S3 sends it: base64 of the
// big-endian CRC64NVME of the body.
func (o *Object) crc64NVME() string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], crc64.Checksum(o.Body, crc64NVMETable))
	return base64.StdEncoding.EncodeToString(b[:])
}

// archived reports whether the object must be restored before it can be
// read (GetObject answers InvalidObjectState).
func (o *Object) archived() bool {
	return o.StorageClass == "GLACIER" || o.StorageClass == "DEEP_ARCHIVE"
}

// s3Bucket is a bucket as the server finds it: where it lives, its objects
// sorted by key.
type s3Bucket struct {
	*Bucket
	owner   *Account
	region  string
	objects []*Object // sorted by key, duplicates dropped (the first wins)
	keys    []string  // objects' keys, for binary search
}

// s3Index is every bucket of the data set by name, built on first use (the
// Dataset does not change after New).
type s3Index struct {
	buckets map[string]*s3Bucket
	byOwner map[string][]*s3Bucket // account id -> its buckets sorted by name
}

type s3Cache struct {
	once sync.Once
	idx  *s3Index
}

func (s *Server) s3Index() *s3Index {
	s.s3.once.Do(func() { s.s3.idx = buildS3Index(s.ds) })
	return s.s3.idx
}

func buildS3Index(ds *Dataset) *s3Index {
	idx := &s3Index{buckets: map[string]*s3Bucket{}, byOwner: map[string][]*s3Bucket{}}
	for _, a := range ds.Accounts {
		regions := make([]string, 0, len(a.Regions))
		for name := range a.Regions {
			regions = append(regions, name)
		}
		slices.Sort(regions)
		for _, region := range regions {
			r := a.Regions[region]
			if r == nil {
				continue
			}
			for i := range r.Buckets {
				b := &r.Buckets[i]
				if _, dup := idx.buckets[b.Name]; dup || b.Name == "" {
					continue
				}
				sb := &s3Bucket{Bucket: b, owner: a, region: region}
				for j := range b.Objects {
					sb.objects = append(sb.objects, &b.Objects[j])
				}
				slices.SortStableFunc(sb.objects, func(x, y *Object) int { return strings.Compare(x.Key, y.Key) })
				sb.objects = slices.CompactFunc(sb.objects, func(x, y *Object) bool { return x.Key == y.Key })
				for _, o := range sb.objects {
					sb.keys = append(sb.keys, o.Key)
				}
				idx.buckets[b.Name] = sb
				idx.byOwner[a.ID] = append(idx.byOwner[a.ID], sb)
			}
		}
	}
	for _, bs := range idx.byOwner {
		slices.SortFunc(bs, func(x, y *s3Bucket) int { return strings.Compare(x.Name, y.Name) })
	}
	return idx
}

// object returns the object with the key, or nil.
func (b *s3Bucket) object(key string) *Object {
	if i, ok := slices.BinarySearch(b.keys, key); ok {
		return b.objects[i]
	}
	return nil
}

// readable reports whether the account may read the bucket.
func (b *s3Bucket) readable(account string) bool {
	return account == b.owner.ID || slices.Contains(b.Readers, account)
}
