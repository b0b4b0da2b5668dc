package awsfake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// The XML documents of the S3 operations served. Element names and order
// are S3's; the SDK's decoder would silently skip a misnamed one.

type s3Owner struct {
	ID string `xml:"ID"`
	// No DisplayName: S3 stopped returning it in November 2025.
}

type s3ListAllMyBucketsResult struct {
	XMLName           xml.Name     `xml:"ListAllMyBucketsResult"`
	Xmlns             string       `xml:"xmlns,attr"`
	Owner             s3Owner      `xml:"Owner"`
	Buckets           s3BucketList `xml:"Buckets"`
	ContinuationToken string       `xml:"ContinuationToken,omitempty"`
	Prefix            *string      `xml:"Prefix,omitempty"`
}

type s3BucketList struct {
	Bucket []s3BucketEntry `xml:"Bucket"`
}

type s3BucketEntry struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

type s3ListBucketResult struct {
	XMLName               xml.Name         `xml:"ListBucketResult"`
	Xmlns                 string           `xml:"xmlns,attr"`
	Name                  string           `xml:"Name"`
	Prefix                string           `xml:"Prefix"`
	ContinuationToken     *string          `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string           `xml:"NextContinuationToken,omitempty"`
	KeyCount              int              `xml:"KeyCount"`
	MaxKeys               int              `xml:"MaxKeys"`
	Delimiter             string           `xml:"Delimiter,omitempty"`
	EncodingType          string           `xml:"EncodingType,omitempty"`
	IsTruncated           bool             `xml:"IsTruncated"`
	StartAfter            *string          `xml:"StartAfter,omitempty"`
	Contents              []s3ObjectEntry  `xml:"Contents"`
	CommonPrefixes        []s3CommonPrefix `xml:"CommonPrefixes"`
}

type s3ObjectEntry struct {
	Key               string   `xml:"Key"`
	LastModified      string   `xml:"LastModified"`
	ETag              string   `xml:"ETag"`
	ChecksumAlgorithm string   `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
	Size              int      `xml:"Size"`
	Owner             *s3Owner `xml:"Owner,omitempty"`
	StorageClass      string   `xml:"StorageClass"`
}

type s3CommonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// Continuation tokens are opaque to clients: base64 of a version byte, the
// kind of the last entry of the page ('K' a key, 'P' a common prefix), the
// entry, and a digest binding them to the bucket (or account) they page.

func s3Token(scope string, kind byte, marker string) string {
	b := append([]byte{1, kind}, marker...)
	sum := sha256.Sum256(append([]byte(scope+"\x00"), b...))
	return base64.StdEncoding.EncodeToString(append(b, sum[:6]...))
}

func parseS3Token(scope, token string) (kind byte, marker string, ok bool) {
	b, err := base64.StdEncoding.DecodeString(token)
	if err != nil || len(b) < 8 || b[0] != 1 || (b[1] != 'K' && b[1] != 'P') {
		return 0, "", false
	}
	payload := b[:len(b)-6]
	if s3Token(scope, payload[1], string(payload[2:])) != token {
		return 0, "", false
	}
	return payload[1], string(payload[2:]), true
}

func s3Time(t time.Time) string { return t.UTC().Format(s3TimeFormat) }

// listBuckets answers ListBuckets: the caller's own buckets, sorted by
// name, paged when max-buckets is given.
func (sc *s3Call) listBuckets() (*s3Response, *s3Error) {
	q := sc.query
	limit := s3MaxBucketsPerReq
	paged := q.Has("max-buckets")
	if paged {
		n, err := strconv.Atoi(q.Get("max-buckets"))
		if err != nil || n < 1 || n > s3MaxBucketsPerReq {
			return nil, errInvalidArgument("Argument max-buckets must be an integer between 1 and 10000", "max-buckets", q.Get("max-buckets"))
		}
		limit = n
	}
	owner := sc.principal.Account
	after := ""
	if q.Has("continuation-token") {
		_, marker, ok := parseS3Token("buckets:"+owner, q.Get("continuation-token"))
		if !ok {
			return nil, errInvalidArgument("The continuation token provided is incorrect", "continuation-token", q.Get("continuation-token"))
		}
		after = marker
	}
	prefix, region := q.Get("prefix"), q.Get("bucket-region")
	out := s3ListAllMyBucketsResult{Xmlns: s3Namespace, Owner: s3Owner{ID: fakedata.CanonicalUserID(owner)}}
	if q.Has("prefix") {
		out.Prefix = &prefix
	}
	for _, b := range sc.s.s3Index().byOwner[owner] {
		if b.Name <= after || !strings.HasPrefix(b.Name, prefix) || (region != "" && b.region != region) {
			continue
		}
		if len(out.Buckets.Bucket) == limit {
			if paged {
				last := out.Buckets.Bucket[limit-1].Name
				out.ContinuationToken = s3Token("buckets:"+owner, 'K', last)
			}
			break
		}
		out.Buckets.Bucket = append(out.Buckets.Bucket, s3BucketEntry{
			Name: b.Name, CreationDate: s3Time(b.Created), BucketRegion: b.region,
		})
	}
	return &s3Response{doc: out}, nil
}

// headBucket answers HeadBucket: the bucket's region in a header.
func (sc *s3Call) headBucket() (*s3Response, *s3Error) {
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, serr
	}
	h := http.Header{}
	h.Set("X-Amz-Bucket-Region", b.region)
	h.Set("X-Amz-Access-Point-Alias", "false")
	h.Set("Content-Type", "application/xml")
	return &s3Response{header: h}, nil
}

// listObjectsV2 answers ListObjectsV2: keys in UTF-8 binary order, under a
// prefix, rolled up into common prefixes at a delimiter, after start-after
// or a continuation token, max-keys (at most 1000) entries a page.
func (sc *s3Call) listObjectsV2() (*s3Response, *s3Error) {
	q := sc.query
	maxKeys, requested := s3DefaultMaxKeys, s3DefaultMaxKeys
	if q.Has("max-keys") {
		raw := q.Get("max-keys")
		n, err := strconv.ParseInt(raw, 10, 32)
		if err != nil {
			return nil, errInvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", raw)
		}
		if n < 0 {
			return nil, errInvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", raw)
		}
		requested, maxKeys = int(n), min(int(n), s3DefaultMaxKeys)
	}
	if q.Has("marker") {
		return nil, s3Errorf(http.StatusBadRequest, "InvalidArgument", "Marker unsupported with REST.GET.BUCKET in list-type=2",
			s3Field{"ArgumentName", "marker"})
	}
	encoding := q.Get("encoding-type")
	if q.Has("encoding-type") && !strings.EqualFold(encoding, "url") {
		return nil, errInvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding)
	}
	enc := func(s string) string { return s }
	if encoding != "" {
		enc = s3URLEncode
	}
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, serr
	}
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	out := s3ListBucketResult{
		Xmlns: s3Namespace, Name: b.Name, Prefix: enc(prefix), MaxKeys: requested,
		Delimiter: enc(delim), EncodingType: encoding,
	}

	after, skip := "", "" // list keys after `after`, skipping those under the common prefix `skip`
	if q.Has("continuation-token") {
		token := q.Get("continuation-token")
		kind, marker, ok := parseS3Token("objects:"+b.Name, token)
		if !ok {
			return nil, errInvalidArgument("The continuation token provided is incorrect", "continuation-token", token)
		}
		out.ContinuationToken = &token
		after = marker
		if kind == 'P' {
			skip = marker
		}
	} else if q.Has("start-after") {
		sa := q.Get("start-after")
		encSA := enc(sa)
		out.StartAfter = &encSA
		after = sa
	}

	keys := b.keys
	i := sort.SearchStrings(keys, prefix)
	if after != "" {
		i = max(i, sort.Search(len(keys), func(j int) bool { return keys[j] > after }))
	}
	// pastPrefix returns the index of the first key from i on without the
	// prefix p (the keys with it follow each other).
	pastPrefix := func(i int, p string) int {
		return i + sort.Search(len(keys)-i, func(j int) bool { return !strings.HasPrefix(keys[i+j], p) })
	}
	var lastKind byte
	var last string
	for i < len(keys) && strings.HasPrefix(keys[i], prefix) {
		k := keys[i]
		if skip != "" && strings.HasPrefix(k, skip) {
			i = pastPrefix(i, skip)
			continue
		}
		if out.KeyCount == maxKeys {
			break
		}
		if delim != "" {
			if d := strings.Index(k[len(prefix):], delim); d >= 0 {
				cp := k[:len(prefix)+d+len(delim)]
				out.CommonPrefixes = append(out.CommonPrefixes, s3CommonPrefix{Prefix: enc(cp)})
				out.KeyCount++
				lastKind, last, skip = 'P', cp, cp
				i = pastPrefix(i, cp)
				continue
			}
		}
		o := b.objects[i]
		e := s3ObjectEntry{
			Key:          enc(k),
			LastModified: s3Time(o.LastModified),
			ETag:         o.ETag(),
			Size:         len(o.Body),
			StorageClass: storageClass(o),
		}
		if hasChecksum(o) {
			e.ChecksumAlgorithm, e.ChecksumType = "CRC64NVME", "FULL_OBJECT"
		}
		if q.Get("fetch-owner") == "true" {
			e.Owner = &s3Owner{ID: fakedata.CanonicalUserID(b.owner.ID)}
		}
		out.Contents = append(out.Contents, e)
		out.KeyCount++
		lastKind, last = 'K', k
		i++
	}
	if maxKeys > 0 && i < len(keys) && strings.HasPrefix(keys[i], prefix) && out.KeyCount == maxKeys {
		out.IsTruncated = true
		out.NextContinuationToken = s3Token("objects:"+b.Name, lastKind, last)
	}
	return &s3Response{doc: out}, nil
}

// s3URLEncode encodes a key as S3 does under encoding-type=url: form
// encoding (a space is "+"), upper-case %XX for every byte but letters,
// digits, "-", "_", ".", "*" and "/".
func s3URLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-_.*/", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// getObject answers GetObject: the body and its metadata, or the bytes of
// one Range (206).
func (sc *s3Call) getObject() (*s3Response, *s3Error) {
	b, serr := sc.bucketFor()
	if serr != nil {
		return nil, serr
	}
	q := sc.query
	if v := q.Get("versionId"); q.Has("versionId") && v != "null" {
		return nil, errInvalidArgument("Invalid version id specified", "versionId", v)
	}
	if q.Has("partNumber") {
		return nil, s3Errorf(http.StatusNotImplemented, "NotImplemented",
			"A header you provided implies functionality that is not implemented", s3Field{"Header", "partNumber"})
	}
	o := b.object(sc.key)
	if o == nil {
		return nil, s3Errorf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", s3Field{"Key", sc.key})
	}
	if archived(o) {
		return nil, s3Errorf(http.StatusForbidden, "InvalidObjectState", "The operation is not valid for the object's storage class",
			s3Field{"StorageClass", o.StorageClass})
	}
	h := http.Header{}
	h.Set("Last-Modified", o.LastModified.UTC().Format(http.TimeFormat))
	h.Set("ETag", o.ETag())
	h.Set("Content-Type", contentType(o))
	h.Set("Accept-Ranges", "bytes")
	h.Set("X-Amz-Server-Side-Encryption", "AES256")
	if class := storageClass(o); class != "STANDARD" {
		h.Set("X-Amz-Storage-Class", class)
	}
	for param, header := range map[string]string{
		"response-cache-control": "Cache-Control", "response-content-disposition": "Content-Disposition",
		"response-content-encoding": "Content-Encoding", "response-content-language": "Content-Language",
		"response-content-type": "Content-Type", "response-expires": "Expires",
	} {
		if q.Has(param) {
			h.Set(header, q.Get(param))
		}
	}

	size := int64(len(o.Body))
	rng := sc.r.Header.Get("Range")
	start, end, ok, satisfiable := parseRange(rng, size)
	switch {
	case ok && !satisfiable:
		e := s3Errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable",
			s3Field{"RangeRequested", rng}, s3Field{"ActualObjectSize", strconv.FormatInt(size, 10)})
		e.header = http.Header{"Content-Range": {fmt.Sprintf("bytes */%d", size)}}
		return nil, e
	case ok:
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, size))
		return &s3Response{status: http.StatusPartialContent, header: h, body: o.Body[start : end+1]}, nil
	}
	if hasChecksum(o) && strings.EqualFold(sc.r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") {
		h.Set("X-Amz-Checksum-Crc64nvme", crc64NVME(o))
		h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	}
	return &s3Response{header: h, body: o.Body}, nil
}

// parseRange parses a Range header of one byte range (bytes=a-b, bytes=a-,
// bytes=-n) against an object of size bytes. ok is false when there is no
// usable header (absent, malformed, or several ranges, which S3 ignores:
// the whole object is sent); satisfiable is false when the range lies
// outside the object (416).
func parseRange(h string, size int64) (start, end int64, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	num := func(s string) (int64, bool) {
		if s == "" || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	if first == "" { // suffix: the last n bytes
		n, valid := num(last)
		if !valid {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, true, false
		}
		return max(size-n, 0), size - 1, true, true
	}
	start, valid := num(first)
	if !valid {
		return 0, 0, false, false
	}
	end = size - 1
	if last != "" {
		if end, valid = num(last); !valid || end < start {
			return 0, 0, false, false
		}
	}
	if start >= size {
		return 0, 0, true, false
	}
	return start, min(end, size-1), true, true
}
