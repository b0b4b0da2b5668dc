package awsfake

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc64"
	"slices"
	"strings"
	"sync"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// s3Bucket is a bucket as the server finds it: where it lives, its objects
// sorted by key.
type s3Bucket struct {
	*fakedata.Bucket
	owner   *fakedata.Account
	region  string
	objects []*fakedata.Object // sorted by key, duplicates dropped (the first wins)
	keys    []string           // objects' keys, for binary search
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

	encOnce sync.Once
	enc     *s3Encoder // the answers of the operations in s3Roots
}

func (s *Server) s3Index() *s3Index {
	s.s3.once.Do(func() { s.s3.idx = buildS3Index(s.ds) })
	return s.s3.idx
}

func (s *Server) s3Encoder() *s3Encoder {
	s.s3.encOnce.Do(func() { s.s3.enc = newS3Encoder(s3Names()) })
	return s.s3.enc
}

func buildS3Index(ds *fakedata.Dataset) *s3Index {
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
				slices.SortStableFunc(sb.objects, func(x, y *fakedata.Object) int { return strings.Compare(x.Key, y.Key) })
				sb.objects = slices.CompactFunc(sb.objects, func(x, y *fakedata.Object) bool { return x.Key == y.Key })
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
func (b *s3Bucket) object(key string) *fakedata.Object {
	if i, ok := slices.BinarySearch(b.keys, key); ok {
		return b.objects[i]
	}
	return nil
}

// readable reports whether the account may read the bucket.
func (b *s3Bucket) readable(account string) bool {
	return account == b.owner.ID || slices.Contains(b.Readers, account)
}

// What S3 makes of an Object: its defaults and checksum.

func storageClass(o *fakedata.Object) string {
	if o.StorageClass == "" {
		return "STANDARD"
	}
	return o.StorageClass
}

func contentType(o *fakedata.Object) string {
	if o.ContentType == "" {
		return "binary/octet-stream"
	}
	return o.ContentType
}

// hasChecksum reports whether S3 stored a CRC64NVME checksum with the object.
func hasChecksum(o *fakedata.Object) bool { return !o.LastModified.Before(fakedata.S3ChecksumSince()) }

var crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// crc64NVME is the object's checksum as S3 sends it: base64 of the
// big-endian CRC64NVME of the body.
func crc64NVME(o *fakedata.Object) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], crc64.Checksum(o.Body, crc64NVMETable))
	return base64.StdEncoding.EncodeToString(b[:])
}

// archived reports whether the object must be restored before it can be
// read (GetObject answers InvalidObjectState).
func archived(o *fakedata.Object) bool {
	return o.StorageClass == "GLACIER" || o.StorageClass == "DEEP_ARCHIVE"
}
