package awsfake_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// s3 is a path-style S3 client, as awssql builds one for an endpoint URL.
func (e endpoint) s3(region string, opts ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(e.config(region), append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, opts...)...)
}

// demoBucket returns a bucket of the demo data set.
func demoBucket(t *testing.T, name string) fakedata.Bucket {
	t.Helper()
	for _, a := range fakedata.Demo().Accounts {
		for _, r := range a.Regions {
			for _, b := range r.Buckets {
				if b.Name == name {
					return b
				}
			}
		}
	}
	t.Fatalf("no demo bucket %s", name)
	return fakedata.Bucket{}
}

// sortedKeys returns the bucket's keys under prefix in UTF-8 binary order.
func sortedKeys(b fakedata.Bucket, prefix string) []string {
	var keys []string
	for _, o := range b.Objects {
		if strings.HasPrefix(o.Key, prefix) {
			keys = append(keys, o.Key)
		}
	}
	slices.Sort(keys)
	return keys
}

func objectNamed(t *testing.T, b fakedata.Bucket, key string) fakedata.Object {
	t.Helper()
	for _, o := range b.Objects {
		if o.Key == key {
			return o
		}
	}
	t.Fatalf("no object %q in %s", key, b.Name)
	return fakedata.Object{}
}

func etag(body []byte, parts ...int) string {
	sum := md5.Sum(body)
	if len(parts) == 0 {
		return `"` + hex.EncodeToString(sum[:]) + `"`
	}
	// A multipart upload's: the MD5 of the parts' MD5s, and their number.
	var sums []byte
	for _, n := range parts {
		part := md5.Sum(body[:n])
		sums, body = append(sums, part[:]...), body[n:]
	}
	sum = md5.Sum(sums)
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sum[:]), len(parts))
}

// listAll pages through ListObjectsV2 with the SDK's paginator and returns
// every key and common prefix in the order received, and the pages.
func listAll(t *testing.T, c *s3.Client, in *s3.ListObjectsV2Input) (keys, prefixes []string, pages []*s3.ListObjectsV2Output) {
	t.Helper()
	p := s3.NewListObjectsV2Paginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("page %d: %v", len(pages)+1, err)
		}
		pages = append(pages, out)
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, cp := range out.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
	}
	return keys, prefixes, pages
}

func TestS3ListBuckets(t *testing.T) {
	e := demoEndpoint(t)
	want := []s3types.Bucket{
		{Name: aws.String(fakedata.DemoDataBucket), CreationDate: aws.Time(time.Date(2023, 3, 1, 8, 30, 0, 0, time.UTC)), BucketRegion: aws.String("us-east-1")},
		{Name: aws.String(fakedata.DemoArchiveBucket), CreationDate: aws.Time(time.Date(2023, 6, 1, 12, 0, 0, 0, time.UTC)), BucketRegion: aws.String("eu-west-1")},
		{Name: aws.String(fakedata.DemoLogsBucket), CreationDate: aws.Time(time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)), BucketRegion: aws.String("us-east-1")},
	}
	// ListBuckets answers the same in every region: the account's buckets.
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
		out, err := e.s3(region).ListBuckets(ctx(t), &s3.ListBucketsInput{})
		if err != nil {
			t.Fatalf("%s: %v", region, err)
		}
		if diff := cmp.Diff(want, out.Buckets, cmpOpts...); diff != "" {
			t.Errorf("%s: buckets (-want +got):\n%s", region, diff)
		}
		wantOwner := &s3types.Owner{ID: aws.String(fakedata.CanonicalUserID(fakedata.DemoAccountID))}
		if diff := cmp.Diff(wantOwner, out.Owner, cmpOpts...); diff != "" {
			t.Errorf("owner (-want +got):\n%s", diff)
		}
		if len(*out.Owner.ID) != 64 || out.ContinuationToken != nil || out.Prefix != nil {
			t.Errorf("owner id %q, token %v, prefix %v", *out.Owner.ID, out.ContinuationToken, out.Prefix)
		}
	}

	// Paged one bucket at a time by the SDK's paginator.
	var names []string
	p := s3.NewListBucketsPaginator(e.s3("us-east-1"), &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, b := range out.Buckets {
			names = append(names, *b.Name)
		}
	}
	if want := []string{fakedata.DemoDataBucket, fakedata.DemoArchiveBucket, fakedata.DemoLogsBucket}; !slices.Equal(names, want) || pages != 3 {
		t.Errorf("paged: %v in %d pages, want %v in 3", names, pages, want)
	}

	// Prefix and region filters.
	out, err := e.s3("us-east-1").ListBuckets(ctx(t), &s3.ListBucketsInput{Prefix: aws.String("awssql-demo-"), BucketRegion: aws.String("us-east-1")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buckets) != 2 || *out.Buckets[0].Name != fakedata.DemoDataBucket || *out.Buckets[1].Name != fakedata.DemoLogsBucket ||
		aws.ToString(out.Prefix) != "awssql-demo-" {
		t.Errorf("filtered: %+v prefix %v", out.Buckets, out.Prefix)
	}
	if _, err := e.s3("us-east-1").ListBuckets(ctx(t), &s3.ListBucketsInput{MaxBuckets: aws.Int32(0)}); err == nil {
		t.Error("max-buckets 0 accepted")
	} else {
		apiError(t, err, "InvalidArgument")
	}
	if n := e.srv.Count("ListBuckets", fakedata.DemoAccountID, ""); n != 3+3+1+1 {
		t.Errorf("%d ListBuckets counted", n)
	}
}

func TestS3ListObjectsV2Paging(t *testing.T) {
	e := demoEndpoint(t)
	c := e.s3("us-east-1")
	data := demoBucket(t, fakedata.DemoDataBucket)
	want := sortedKeys(data, "")
	for _, maxKeys := range []int32{0, 1, 2, 3, 7, 1000} {
		e.srv.Reset()
		in := &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket)}
		if maxKeys != 0 {
			in.MaxKeys = aws.Int32(maxKeys)
		}
		keys, _, pages := listAll(t, c, in)
		if !slices.Equal(keys, want) {
			t.Errorf("max-keys %d: keys\n%q\nwant\n%q", maxKeys, keys, want)
		}
		per := int(maxKeys)
		if per == 0 {
			per = 1000
		}
		if wantPages := (len(want) + per - 1) / per; len(pages) != wantPages {
			t.Errorf("max-keys %d: %d pages, want %d", maxKeys, len(pages), wantPages)
		}
		for i, p := range pages {
			last := i == len(pages)-1
			if aws.ToBool(p.IsTruncated) == last || (p.NextContinuationToken != nil) == last ||
				int(aws.ToInt32(p.KeyCount)) != len(p.Contents) || aws.ToString(p.Name) != fakedata.DemoDataBucket ||
				(maxKeys != 0 && aws.ToInt32(p.MaxKeys) != maxKeys) || (maxKeys == 0 && aws.ToInt32(p.MaxKeys) != 1000) ||
				(i > 0) != (p.ContinuationToken != nil) {
				t.Errorf("max-keys %d page %d: truncated %v next %v keycount %v name %v maxkeys %v token %v", maxKeys, i,
					aws.ToBool(p.IsTruncated), p.NextContinuationToken, aws.ToInt32(p.KeyCount), aws.ToString(p.Name),
					aws.ToInt32(p.MaxKeys), p.ContinuationToken)
			}
		}
		if n := e.srv.Count("ListObjectsV2", fakedata.DemoAccountID, "us-east-1"); n != len(pages) {
			t.Errorf("max-keys %d: %d requests counted for %d pages", maxKeys, n, len(pages))
		}
	}

	// max-keys 0 answers an empty, untruncated page; above 1000 a page of
	// at most 1000, echoing what was asked.
	out, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket), MaxKeys: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 0 || aws.ToBool(out.IsTruncated) || aws.ToInt32(out.KeyCount) != 0 || aws.ToInt32(out.MaxKeys) != 0 {
		t.Errorf("max-keys 0: %+v", out)
	}
	big := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, BucketsPerRegion: 1, ObjectsPerBucket: 2500, Seed: 3})
	srv, u := awsfaketest.NewServer(t, big)
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	ge := endpoint{srv: srv, url: u, key: key, secret: secret}
	bucket := big.Accounts[0].Regions["us-east-1"].Buckets[0]
	keys, _, pages := listAll(t, ge.s3("us-east-1"), &s3.ListObjectsV2Input{Bucket: aws.String(bucket.Name), MaxKeys: aws.Int32(5000)})
	if !slices.Equal(keys, sortedKeys(bucket, "")) || len(pages) != 3 || len(pages[0].Contents) != 1000 || len(pages[2].Contents) != 500 ||
		aws.ToInt32(pages[0].MaxKeys) != 5000 {
		t.Errorf("generated bucket: %d keys in %d pages (first %d, max-keys %d)", len(keys), len(pages), len(pages[0].Contents), aws.ToInt32(pages[0].MaxKeys))
	}
}

func TestS3ListObjectsV2Contents(t *testing.T) {
	e := demoEndpoint(t)
	data := demoBucket(t, fakedata.DemoDataBucket)
	out, err := e.s3("us-east-1").ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket), FetchOwner: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var want []s3types.Object
	for _, k := range sortedKeys(data, "") {
		o := objectNamed(t, data, k)
		w := s3types.Object{
			Key:          aws.String(o.Key),
			LastModified: aws.Time(o.LastModified),
			ETag:         aws.String(etag(o.Body, o.Parts...)),
			Size:         aws.Int64(int64(len(o.Body))),
			StorageClass: s3types.ObjectStorageClassStandard,
			Owner:        &s3types.Owner{ID: aws.String(fakedata.CanonicalUserID(fakedata.DemoAccountID))},
		}
		if o.StorageClass != "" {
			w.StorageClass = s3types.ObjectStorageClass(o.StorageClass)
		}
		if !o.LastModified.Before(fakedata.S3ChecksumSince()) {
			w.ChecksumAlgorithm = []s3types.ChecksumAlgorithm{s3types.ChecksumAlgorithmCrc64nvme}
			w.ChecksumType = s3types.ChecksumTypeFullObject
		}
		want = append(want, w)
	}
	if diff := cmp.Diff(want, out.Contents, cmpOpts...); diff != "" {
		t.Errorf("contents (-want +got):\n%s", diff)
	}
	// Spot checks that do not derive from the same data.
	for _, o := range out.Contents {
		switch *o.Key {
		case "legacy/old-notes.txt":
			if o.ChecksumAlgorithm != nil || o.ChecksumType != "" {
				t.Errorf("legacy object has a checksum: %v %v", o.ChecksumAlgorithm, o.ChecksumType)
			}
		case "empty.txt":
			if *o.Size != 0 || *o.ETag != `"d41d8cd98f00b204e9800998ecf8427e"` {
				t.Errorf("empty object: size %d etag %s", *o.Size, *o.ETag)
			}
		case "reports/2025/annual report.pdf":
			if o.StorageClass != s3types.ObjectStorageClassStandardIa {
				t.Errorf("storage class %q", o.StorageClass)
			}
		}
	}
	// Without fetch-owner there is no owner.
	out, err = e.s3("us-east-1").ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket), MaxKeys: aws.Int32(1)})
	if err != nil || out.Contents[0].Owner != nil || aws.ToString(out.Prefix) != "" || out.Delimiter != nil || out.EncodingType != "" {
		t.Errorf("plain listing: %v owner %v prefix %v delimiter %v encoding %q", err, out.Contents[0].Owner, out.Prefix, out.Delimiter, out.EncodingType)
	}
}

func TestS3ListObjectsV2PrefixDelimiter(t *testing.T) {
	e := demoEndpoint(t)
	c := e.s3("us-east-1")
	logs := demoBucket(t, fakedata.DemoLogsBucket)
	tests := []struct {
		name, prefix, delimiter, startAfter string
		keys, prefixes                      []string
	}{
		{name: "top", delimiter: "/", prefixes: []string{"logs/"}},
		{name: "logs/", prefix: "logs/", delimiter: "/", keys: []string{"logs/README.txt"},
			prefixes: []string{"logs/2024/", "logs/2025/", "logs/2026/"}},
		{name: "days", prefix: "logs/2026/", delimiter: "/", prefixes: []string{"logs/2026/10/", "logs/2026/11/"}},
		{name: "one day", prefix: "logs/2026/10/30/", delimiter: "/",
			keys: []string{"logs/2026/10/30/access.log", "logs/2026/10/30/app-00.log", "logs/2026/10/30/app-01.log"}},
		{name: "prefix without delimiter", prefix: "logs/2026/10/3", keys: sortedKeys(logs, "logs/2026/10/3")},
		{name: "partial prefix with delimiter", prefix: "logs/2026/10/3", delimiter: "/",
			prefixes: []string{"logs/2026/10/30/", "logs/2026/10/31/"}},
		{name: "multi-character delimiter", prefix: "logs/2026/10/", delimiter: "/app-",
			keys:     []string{"logs/2026/10/30/access.log", "logs/2026/10/31/access.log"},
			prefixes: []string{"logs/2026/10/29/app-", "logs/2026/10/30/app-", "logs/2026/10/31/app-"}},
		{name: "start-after", prefix: "logs/2026/10/", startAfter: "logs/2026/10/30/app-01.log", keys: sortedKeys(logs, "logs/2026/10/31/")},
		{name: "start-after with delimiter", delimiter: "/", startAfter: "logs/2026/", prefixes: []string{"logs/"}},
		{name: "start-after past everything", startAfter: "m"},
		{name: "no match", prefix: "nothing/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, maxKeys := range []int32{1, 2, 1000} {
				in := &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoLogsBucket), MaxKeys: aws.Int32(maxKeys)}
				if tc.prefix != "" {
					in.Prefix = aws.String(tc.prefix)
				}
				if tc.delimiter != "" {
					in.Delimiter = aws.String(tc.delimiter)
				}
				if tc.startAfter != "" {
					in.StartAfter = aws.String(tc.startAfter)
				}
				keys, prefixes, pages := listAll(t, c, in)
				if !slices.Equal(keys, tc.keys) || !slices.Equal(prefixes, tc.prefixes) {
					t.Errorf("max-keys %d: keys %q prefixes %q, want %q %q", maxKeys, keys, prefixes, tc.keys, tc.prefixes)
				}
				first := pages[0]
				if aws.ToString(first.Prefix) != tc.prefix || aws.ToString(first.Delimiter) != tc.delimiter ||
					aws.ToString(first.StartAfter) != tc.startAfter {
					t.Errorf("echo: prefix %v delimiter %v start-after %v", first.Prefix, first.Delimiter, first.StartAfter)
				}
				// A continued page echoes its token and not StartAfter.
				if len(pages) > 1 && (pages[1].StartAfter != nil || pages[1].ContinuationToken == nil) {
					t.Errorf("page 2: start-after %v token %v", pages[1].StartAfter, pages[1].ContinuationToken)
				}
			}
		})
	}
}

func TestS3TrickyKeys(t *testing.T) {
	e := demoEndpoint(t)
	c := e.s3("us-east-1")
	data := demoBucket(t, fakedata.DemoDataBucket)
	want := sortedKeys(data, "")
	keys, _, _ := listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket), MaxKeys: aws.Int32(4)})
	if !slices.Equal(keys, want) {
		t.Fatalf("keys\n%q\nwant\n%q", keys, want)
	}
	// Every key read back by the name listed gives its bytes.
	for _, k := range keys {
		o := objectNamed(t, data, k)
		if o.StorageClass == "GLACIER" || o.StorageClass == "DEEP_ARCHIVE" {
			continue
		}
		out, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoDataBucket), Key: aws.String(k)})
		if err != nil {
			t.Errorf("GetObject %q: %v", k, err)
			continue
		}
		body, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(body, o.Body) {
			t.Errorf("GetObject %q: %d bytes (%v), want %d", k, len(body), err, len(o.Body))
		}
		// The server saw exactly the key.
		reqs := e.srv.Requests()
		if got := reqs[len(reqs)-1].Params.Get("Key"); got != k {
			t.Errorf("server saw key %q for %q", got, k)
		}
	}

	// encoding-type=url: the SDK does not decode, so the keys and the
	// echoed prefix arrive URL-encoded (a space as "+").
	out, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{
		Bucket: aws.String(fakedata.DemoDataBucket), Prefix: aws.String("tricky/"), Delimiter: aws.String("/"),
		EncodingType: s3types.EncodingTypeUrl,
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.EncodingType != s3types.EncodingTypeUrl || aws.ToString(out.Prefix) != "tricky/" || aws.ToString(out.Delimiter) != "/" {
		t.Errorf("echo: %q %v %v", out.EncodingType, out.Prefix, out.Delimiter)
	}
	var decoded []string
	encoded := map[string]string{}
	for _, o := range out.Contents {
		k, err := url.QueryUnescape(*o.Key)
		if err != nil {
			t.Errorf("undecodable %q: %v", *o.Key, err)
		}
		decoded = append(decoded, k)
		encoded[k] = *o.Key
	}
	var direct []string
	for _, k := range sortedKeys(data, "tricky/") {
		if !strings.Contains(k[len("tricky/"):], "/") {
			direct = append(direct, k)
		}
	}
	if !slices.Equal(decoded, direct) {
		t.Errorf("decoded\n%q\nwant\n%q", decoded, direct)
	}
	for k, enc := range map[string]string{
		"tricky/a+b.txt":                  "tricky/a%2Bb.txt",
		"tricky/50% off.txt":              "tricky/50%25+off.txt",
		"tricky/rock & roll.txt":          "tricky/rock+%26+roll.txt",
		"tricky/<tag>.xml":                "tricky/%3Ctag%3E.xml",
		"tricky/~tilde=eq;semi,comma.txt": "tricky/%7Etilde%3Deq%3Bsemi%2Ccomma.txt",
	} {
		if encoded[k] != enc {
			t.Errorf("%q encoded as %q, want %q", k, encoded[k], enc)
		}
	}
	cps := []string{}
	for _, cp := range out.CommonPrefixes {
		cps = append(cps, *cp.Prefix)
	}
	// In the order of the keys, not of their encodings.
	if want := []string{"tricky/double/", "tricky/%E6%97%A5%E6%9C%AC%E8%AA%9E/"}; !slices.Equal(cps, want) {
		t.Errorf("encoded common prefixes %q, want %q", cps, want)
	}
	// The encoded prefix is echoed encoded.
	out, err = c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket),
		Prefix: aws.String("reports/2026/Überblick"), EncodingType: s3types.EncodingTypeUrl})
	if err != nil || aws.ToString(out.Prefix) != "reports/2026/%C3%9Cberblick" || len(out.Contents) != 1 {
		t.Errorf("unicode prefix: %v %v %d", err, out.Prefix, len(out.Contents))
	}
}

func TestS3ListObjectsV2Errors(t *testing.T) {
	e := demoEndpoint(t)
	c := e.s3("us-east-1")
	bucket := aws.String(fakedata.DemoDataBucket)
	tests := []struct {
		name   string
		in     *s3.ListObjectsV2Input
		client *s3.Client
		code   string
		status int
	}{
		{"negative max-keys", &s3.ListObjectsV2Input{Bucket: bucket, MaxKeys: aws.Int32(-1)}, c, "InvalidArgument", 400},
		{"bad token", &s3.ListObjectsV2Input{Bucket: bucket, ContinuationToken: aws.String("not-a-token")}, c, "InvalidArgument", 400},
		{"bad encoding", &s3.ListObjectsV2Input{Bucket: bucket, EncodingType: "base64"}, c, "InvalidArgument", 400},
		{"no such bucket", &s3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket-anywhere")}, c, "NoSuchBucket", 404},
		{"wrong region", &s3.ListObjectsV2Input{Bucket: bucket}, e.s3("eu-west-1"), "PermanentRedirect", 301},
		{"other account", &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoForbiddenBucket)}, e.s3("us-west-2"), "AccessDenied", 403},
		{"expected owner", &s3.ListObjectsV2Input{Bucket: bucket, ExpectedBucketOwner: aws.String("999999999999")}, c, "AccessDenied", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.ListObjectsV2(ctx(t), tc.in)
			apiError(t, err, tc.code)
			if s := statusOf(t, err); s != tc.status {
				t.Errorf("status %d, want %d", s, tc.status)
			}
		})
	}
	// A token of one bucket is no good for another.
	out, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: bucket, MaxKeys: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoLogsBucket), ContinuationToken: out.NextContinuationToken})
	apiError(t, err, "InvalidArgument")

	// What the SDK cannot send, and the error documents' extra elements.
	for _, tc := range []struct {
		target, region string
		status         int
		want           []string
		bucketRegion   string
	}{
		{"/awssql-demo-data?list-type=2&max-keys=ten", "us-east-1", 400, []string{"<Code>InvalidArgument</Code>",
			"<Message>Provided max-keys not an integer or within integer range</Message>",
			"<ArgumentName>max-keys</ArgumentName><ArgumentValue>ten</ArgumentValue>"}, ""},
		{"/awssql-demo-data?list-type=2&max-keys=-3", "us-east-1", 400, []string{
			"<Message>Argument maxKeys must be an integer between 0 and 2147483647</Message>",
			"<ArgumentName>maxKeys</ArgumentName><ArgumentValue>-3</ArgumentValue>"}, ""},
		{"/awssql-demo-data?list-type=2&marker=a", "us-east-1", 400, []string{"<Code>InvalidArgument</Code>",
			"<ArgumentName>marker</ArgumentName>"}, ""},
		{"/awssql-demo-data?list-type=2", "eu-west-1", 301, []string{"<Code>PermanentRedirect</Code>",
			"<Endpoint>awssql-demo-data.s3.amazonaws.com</Endpoint><Bucket>awssql-demo-data</Bucket>"}, "us-east-1"},
		{"/no-such-bucket-anywhere?list-type=2", "us-east-1", 404, []string{"<Code>NoSuchBucket</Code>",
			"<Message>The specified bucket does not exist</Message><BucketName>no-such-bucket-anywhere</BucketName><RequestId>"}, ""},
		{"/awssql-demo-data/no/such/key", "us-east-1", 404, []string{"<Code>NoSuchKey</Code>", "<Key>no/such/key</Key>"}, ""},
	} {
		resp, body := e.rawS3(t, http.MethodGet, tc.region, tc.target, nil, true)
		if resp.StatusCode != tc.status || resp.Header.Get("X-Amz-Bucket-Region") != tc.bucketRegion {
			t.Errorf("%s: status %d region %q, want %d %q", tc.target, resp.StatusCode, resp.Header.Get("X-Amz-Bucket-Region"), tc.status, tc.bucketRegion)
		}
		if !strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>") || !strings.HasSuffix(string(body), "</HostId></Error>") {
			t.Errorf("%s: body %s", tc.target, body)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s: body %s lacks %s", tc.target, body, w)
			}
		}
		if id := resp.Header.Get("X-Amz-Request-Id"); len(id) != 16 || !strings.Contains(string(body), "<RequestId>"+id+"</RequestId>") {
			t.Errorf("%s: request id %q in %s", tc.target, id, body)
		}
	}
}

// rawS3 sends an S3 request by hand (signed with e's key when sign is set,
// with the empty body's hash) and returns the answer and its body.
func (e endpoint) rawS3(t *testing.T, method, region, target string, header http.Header, sign bool) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, e.url+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if sign {
		if req.Header.Get("X-Amz-Content-Sha256") == "" {
			sum := sha256.Sum256(nil)
			req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		}
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		creds := aws.Credentials{AccessKeyID: e.key, SecretAccessKey: e.secret}
		if err := signer.SignHTTP(ctx(t), creds, req, req.Header.Get("X-Amz-Content-Sha256"), "s3", region, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := fetch.RaceFree(awshttp.NewBuildableClient()).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestS3HeadBucket(t *testing.T) {
	e := demoEndpoint(t)
	for _, tc := range []struct{ bucket, region string }{
		{fakedata.DemoDataBucket, "us-east-1"},
		{fakedata.DemoArchiveBucket, "eu-west-1"},
		{fakedata.DemoExportsBucket, "us-east-1"}, // another account's, readable by this one
	} {
		out, err := e.s3(tc.region).HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(tc.bucket)})
		if err != nil {
			t.Errorf("%s: %v", tc.bucket, err)
			continue
		}
		if aws.ToString(out.BucketRegion) != tc.region || out.AccessPointAlias == nil || *out.AccessPointAlias {
			t.Errorf("%s: region %v alias %v", tc.bucket, out.BucketRegion, out.AccessPointAlias)
		}
	}

	// HEAD answers have no body: the SDK names the error after the status
	// (NotFound is modelled), and the region is in the header.
	tests := []struct {
		name, bucket, region, code string
		status                     int
		bucketRegion               string
	}{
		{"wrong region", fakedata.DemoDataBucket, "eu-west-1", "MovedPermanently", 301, "us-east-1"},
		{"wrong region too", fakedata.DemoArchiveBucket, "us-east-1", "MovedPermanently", 301, "eu-west-1"},
		{"other account", fakedata.DemoForbiddenBucket, "us-west-2", "Forbidden", 403, "us-west-2"},
		{"missing", "no-such-bucket-anywhere", "us-east-1", "NotFound", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s3(tc.region).HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(tc.bucket)})
			apiError(t, err, tc.code)
			if s := statusOf(t, err); s != tc.status {
				t.Errorf("status %d, want %d", s, tc.status)
			}
			var re *awshttp.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("no response in %v", err)
			}
			if got := re.Response.Header.Get("X-Amz-Bucket-Region"); got != tc.bucketRegion {
				t.Errorf("x-amz-bucket-region %q, want %q", got, tc.bucketRegion)
			}
			if tc.status == 404 {
				var nf *s3types.NotFound
				if !errors.As(err, &nf) {
					t.Errorf("%T is not *types.NotFound", err)
				}
			}
		})
	}
}

func TestS3GetObject(t *testing.T) {
	e := demoEndpoint(t)
	// As config.LoadDefaultConfig sets it: the SDK asks for checksums
	// (x-amz-checksum-mode: ENABLED) and validates the body against them.
	c := e.s3("us-east-1", func(o *s3.Options) { o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported })
	data := demoBucket(t, fakedata.DemoDataBucket)
	logs := demoBucket(t, fakedata.DemoLogsBucket)
	get := func(bucket, key string, opt ...func(*s3.GetObjectInput)) (*s3.GetObjectOutput, []byte, error) {
		in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
		for _, o := range opt {
			o(in)
		}
		out, err := c.GetObject(ctx(t), in)
		if err != nil {
			return nil, nil, err
		}
		defer out.Body.Close()
		body, err := io.ReadAll(out.Body) // the SDK validates the checksum as it reads
		return out, body, err
	}

	for _, tc := range []struct {
		bucket fakedata.Bucket
		key    string
	}{
		{data, "README.md"}, {data, "images/logo.png"}, {data, "data/blob.bin"}, {data, "empty.txt"},
		{data, "reports/2025/annual report.pdf"}, {data, "legacy/old-notes.txt"}, {data, "reports/2026/Überblick – été.txt"},
		{logs, "logs/2026/10/31/access.log"},
	} {
		o := objectNamed(t, tc.bucket, tc.key)
		out, body, err := get(tc.bucket.Name, tc.key)
		if err != nil {
			t.Errorf("%s: %v", tc.key, err)
			continue
		}
		if !bytes.Equal(body, o.Body) {
			t.Errorf("%s: %d bytes differ from the %d stored", tc.key, len(body), len(o.Body))
		}
		wantType := o.ContentType
		if wantType == "" {
			wantType = "binary/octet-stream"
		}
		wantClass := s3types.StorageClass(o.StorageClass)
		if aws.ToInt64(out.ContentLength) != int64(len(o.Body)) || aws.ToString(out.ContentType) != wantType ||
			aws.ToString(out.ETag) != etag(o.Body, o.Parts...) || !aws.ToTime(out.LastModified).Equal(o.LastModified) ||
			out.StorageClass != wantClass || aws.ToString(out.AcceptRanges) != "bytes" || out.ServerSideEncryption != "AES256" {
			t.Errorf("%s: length %d type %q etag %q modified %v class %q ranges %v sse %q", tc.key, aws.ToInt64(out.ContentLength),
				aws.ToString(out.ContentType), aws.ToString(out.ETag), aws.ToTime(out.LastModified), out.StorageClass,
				out.AcceptRanges, out.ServerSideEncryption)
		}
		// Objects written since S3 stores checksums have one.
		if hasSum := !o.LastModified.Before(fakedata.S3ChecksumSince()); (out.ChecksumCRC64NVME != nil) != hasSum ||
			(out.ChecksumType == s3types.ChecksumTypeFullObject) != hasSum {
			t.Errorf("%s: checksum %v type %q", tc.key, out.ChecksumCRC64NVME, out.ChecksumType)
		}
	}
	// Not asked for, no checksum.
	if out, err := e.s3("us-east-1").GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoDataBucket), Key: aws.String("README.md")}); err != nil ||
		out.ChecksumCRC64NVME != nil || out.ChecksumType != "" {
		t.Errorf("unasked checksum: %v", err)
	} else {
		out.Body.Close()
	}
	if len(objectNamed(t, logs, "logs/2026/10/31/access.log").Body) < 300<<10 {
		t.Error("the large log is not large")
	}
	if utf8Valid := strings.ToValidUTF8(string(objectNamed(t, data, "images/logo.png").Body), "") == string(objectNamed(t, data, "images/logo.png").Body); utf8Valid {
		t.Error("the binary object is valid UTF-8")
	}

	// Ranges: 206 with Content-Range.
	blob := objectNamed(t, data, "data/blob.bin").Body
	n := len(blob)
	for _, tc := range []struct {
		rng        string
		start, end int
	}{
		{"bytes=0-9", 0, 9}, {"bytes=100-", 100, n - 1}, {"bytes=-16", n - 16, n - 1}, {"bytes=10-999999999", 10, n - 1},
		{"bytes=-999999999", 0, n - 1},
	} {
		out, body, err := get(fakedata.DemoDataBucket, "data/blob.bin", func(in *s3.GetObjectInput) { in.Range = aws.String(tc.rng) })
		if err != nil {
			t.Errorf("%s: %v", tc.rng, err)
			continue
		}
		if !bytes.Equal(body, blob[tc.start:tc.end+1]) || aws.ToString(out.ContentRange) != fmt.Sprintf("bytes %d-%d/%d", tc.start, tc.end, n) ||
			aws.ToInt64(out.ContentLength) != int64(tc.end-tc.start+1) || out.ChecksumCRC64NVME != nil {
			t.Errorf("%s: %d bytes, range %v, length %d, checksum %v", tc.rng, len(body), out.ContentRange, aws.ToInt64(out.ContentLength), out.ChecksumCRC64NVME)
		}
	}
	if r := e.srv.Requests(); r[len(r)-1].Params.Get("Range") != "bytes=-999999999" || r[len(r)-1].Status != http.StatusPartialContent {
		t.Errorf("recorded %+v", r[len(r)-1])
	}
	// A malformed range is ignored: the whole object.
	if out, body, err := get(fakedata.DemoDataBucket, "data/blob.bin", func(in *s3.GetObjectInput) { in.Range = aws.String("bytes=9-1") }); err != nil ||
		!bytes.Equal(body, blob) || out.ContentRange != nil {
		t.Errorf("malformed range: %v, %d bytes", err, len(body))
	}
	// response-* parameters override headers.
	if out, _, err := get(fakedata.DemoDataBucket, "README.md", func(in *s3.GetObjectInput) {
		in.ResponseContentType = aws.String("text/plain")
		in.ResponseContentDisposition = aws.String(`attachment; filename="readme.md"`)
	}); err != nil || aws.ToString(out.ContentType) != "text/plain" || aws.ToString(out.ContentDisposition) != `attachment; filename="readme.md"` {
		t.Errorf("overrides: %v", err)
	}

	// Errors, as the SDK decodes them.
	_, _, err := get(fakedata.DemoDataBucket, "no/such/key")
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) || statusOf(t, err) != 404 {
		t.Errorf("missing key: %v", err)
	}
	_, _, err = get("no-such-bucket-anywhere", "x")
	apiError(t, err, "NoSuchBucket")
	_, _, err = get(fakedata.DemoDataBucket, "data/blob.bin", func(in *s3.GetObjectInput) { in.Range = aws.String(fmt.Sprintf("bytes=%d-", n)) })
	apiError(t, err, "InvalidRange")
	if statusOf(t, err) != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("status %d", statusOf(t, err))
	}
	_, _, err = get(fakedata.DemoDataBucket, "empty.txt", func(in *s3.GetObjectInput) { in.Range = aws.String("bytes=0-0") })
	apiError(t, err, "InvalidRange")
	_, _, err = get(fakedata.DemoDataBucket, "README.md", func(in *s3.GetObjectInput) { in.VersionId = aws.String("3HL4kqtJlcpXroDTDmJ") })
	apiError(t, err, "InvalidArgument")

	w2 := e.s3("us-west-2")
	_, err = w2.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoForbiddenBucket), Key: aws.String("notes.txt")})
	apiError(t, err, "AccessDenied")
	if statusOf(t, err) != 403 {
		t.Errorf("status %d", statusOf(t, err))
	}
	_, err = w2.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoDataBucket), Key: aws.String("README.md")})
	apiError(t, err, "PermanentRedirect")

	eu := e.s3("eu-west-1")
	_, err = eu.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoArchiveBucket), Key: aws.String("backups/db/2023-12-31.dump")})
	var ios *s3types.InvalidObjectState
	if !errors.As(err, &ios) || ios.StorageClass != s3types.StorageClassGlacier || statusOf(t, err) != 403 {
		t.Errorf("glacier object: %v", err)
	}
	out, err := eu.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoArchiveBucket), Key: aws.String("backups/db/2025-06-30.dump")})
	if err != nil || out.StorageClass != s3types.StorageClassGlacierIr {
		t.Errorf("glacier instant retrieval object: %v", err)
	} else {
		out.Body.Close()
	}

	// Another account's bucket that grants this one read access.
	out, err = c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoExportsBucket), Key: aws.String("manifest.json")})
	if err != nil {
		t.Fatalf("cross-account read: %v", err)
	}
	out.Body.Close()
	if r := e.srv.Requests(); r[len(r)-1].Account != fakedata.DemoAccountID || r[len(r)-1].Params.Get("Bucket") != fakedata.DemoExportsBucket {
		t.Errorf("recorded %+v", r[len(r)-1])
	}
}

// TestS3VirtualHosted sends the SDK's virtual-hosted requests
// (Host: BUCKET.s3.localhost:PORT) to the server through a dialer that
// connects every host to its listener.
func TestS3VirtualHosted(t *testing.T) {
	srv := awsfake.New(fakedata.Demo())
	var mu sync.Mutex
	var hosts, paths []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts, paths = append(hosts, r.Host), append(paths, r.URL.EscapedPath())
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	addr := hs.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	client := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
	})
	key, secret := srv.Credentials(fakedata.DemoAccountID)
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint:     aws.String("http://s3.localhost:" + port),
		HTTPClient:       fetch.RaceFree(client),
		RetryMaxAttempts: 1,
	}
	data := demoBucket(t, fakedata.DemoDataBucket)
	for _, pathStyle := range []bool{false, true} {
		mu.Lock()
		hosts, paths = nil, nil
		mu.Unlock()
		c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle })
		keys, _, _ := listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket), MaxKeys: aws.Int32(10)})
		if !slices.Equal(keys, sortedKeys(data, "")) {
			t.Errorf("path-style %v: keys %q", pathStyle, keys)
		}
		for _, k := range []string{"tricky/50% off.txt", "tricky/日本語/ファイル.txt", "tricky/double//slash.txt", "tricky/#hash?query.txt"} {
			out, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoDataBucket), Key: aws.String(k)})
			if err != nil {
				t.Errorf("path-style %v: %s: %v", pathStyle, k, err)
				continue
			}
			body, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if !bytes.Equal(body, objectNamed(t, data, k).Body) {
				t.Errorf("path-style %v: %s: body %q", pathStyle, k, body)
			}
		}
		head, err := c.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(fakedata.DemoLogsBucket)})
		if err != nil || aws.ToString(head.BucketRegion) != "us-east-1" {
			t.Errorf("path-style %v: HeadBucket %v", pathStyle, err)
		}
		if _, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{}); err != nil {
			t.Errorf("path-style %v: ListBuckets %v", pathStyle, err)
		}
		mu.Lock()
		wantHost := fakedata.DemoDataBucket + ".s3.localhost:" + port
		if pathStyle {
			wantHost = "s3.localhost:" + port
		}
		if hosts[0] != wantHost || pathStyle != strings.HasPrefix(paths[0], "/"+fakedata.DemoDataBucket) || hosts[len(hosts)-1] != "s3.localhost:"+port {
			t.Errorf("path-style %v: hosts %q paths %q", pathStyle, hosts, paths)
		}
		mu.Unlock()
	}
	if ops := srv.Operations(); !slices.Equal(ops, []string{"s3:GetObject", "s3:HeadBucket", "s3:ListBuckets", "s3:ListObjectsV2"}) {
		t.Errorf("operations %v", ops)
	}
}

// TestS3SignaturesPerServer: two fakes in one process that give the same
// access key id different secrets (generated data sets of two seeds) each
// verify S3 signatures with their own secret. The SDK's signer keeps the
// key it derived by region, service and access key id, not by secret: a
// signer shared by the fakes verified one's request with the other's key
// and answered SignatureDoesNotMatch, so that whether a test passed
// depended on the S3 tests run before it in the same process.
func TestS3SignaturesPerServer(t *testing.T) {
	var es []endpoint
	for _, seed := range []int64{1, 2} {
		ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, BucketsPerRegion: 1, Seed: seed})
		srv, url := awsfaketest.NewServer(t, ds)
		key, secret := srv.Credentials(ds.Accounts[0].ID)
		es = append(es, endpoint{srv: srv, url: url, key: key, secret: secret})
	}
	if es[0].key != es[1].key || es[0].secret == es[1].secret {
		t.Fatalf("the data sets should share the key id and not the secret: %s %s", es[0].key, es[1].key)
	}
	for i, at := range []int{0, 1, 0, 1} {
		if _, err := es[at].s3("us-east-1").ListBuckets(ctx(t), &s3.ListBucketsInput{}); err != nil {
			t.Errorf("call %d, to fake %d: %v", i+1, at, err)
		}
	}
}

func TestS3Authentication(t *testing.T) {
	e := demoEndpoint(t)
	withCreds := func(p aws.CredentialsProvider, region string) *s3.Client {
		return s3.NewFromConfig(e.as(p, region), func(o *s3.Options) { o.UsePathStyle = true })
	}
	static := func(key, secret, token string) *s3.Client {
		return withCreds(credentials.NewStaticCredentialsProvider(key, secret, token), "us-east-1")
	}
	list := func(c *s3.Client, bucket string) error {
		_, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		return err
	}
	anon := withCreds(aws.AnonymousCredentials{}, "us-east-1")
	tests := []struct {
		name   string
		err    error
		code   string
		status int
	}{
		{"anonymous", list(anon, fakedata.DemoDataBucket), "AccessDenied", 403},
		{"anonymous, no bucket", list(anon, "no-such-bucket-anywhere"), "NoSuchBucket", 404},
		{"anonymous ListBuckets", func() error { _, err := anon.ListBuckets(ctx(t), &s3.ListBucketsInput{}); return err }(), "AccessDenied", 403},
		{"unknown key", list(static("AKIAUNKNOWN000000000", e.secret, ""), fakedata.DemoDataBucket), "InvalidAccessKeyId", 403},
		{"bad secret", list(static(e.key, "wrong", ""), fakedata.DemoDataBucket), "SignatureDoesNotMatch", 403},
		{"long-term key with a token", list(static(e.key, e.secret, "token"), fakedata.DemoDataBucket), "InvalidAccessKeyId", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			apiError(t, tc.err, tc.code)
			if s := statusOf(t, tc.err); s != tc.status {
				t.Errorf("status %d, want %d", s, tc.status)
			}
		})
	}
	// An anonymous HEAD learns the bucket's region, as the SDK's bucket
	// region lookup (feature/s3/manager.GetBucketRegion) relies on.
	_, err := anon.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(fakedata.DemoArchiveBucket)})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 || re.Response.Header.Get("X-Amz-Bucket-Region") != "eu-west-1" {
		t.Errorf("anonymous HEAD: %v", err)
	}
	for _, r := range e.srv.Requests() {
		if r.Account != "" || r.Service != "s3" {
			t.Errorf("refused request recorded as %+v", r)
		}
	}

	// By hand: a body hash that does not match, a missing one, a broken
	// signature, and UNSIGNED-PAYLOAD (accepted).
	target := "/" + fakedata.DemoDataBucket + "?list-type=2&max-keys=1"
	for _, tc := range []struct {
		name   string
		header http.Header
		sign   bool
		status int
		code   string
	}{
		{"unsigned payload", http.Header{"X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}}, true, 200, ""},
		{"wrong payload hash", http.Header{"X-Amz-Content-Sha256": {strings.Repeat("ab", 32)}}, true, 400, "XAmzContentSHA256Mismatch"},
		{"bad payload hash", http.Header{"X-Amz-Content-Sha256": {"yes"}}, true, 400, "InvalidArgument"},
		{"garbled authorization", http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=x"}}, false, 400, "AuthorizationHeaderMalformed"},
		{"signature v2", http.Header{"Authorization": {"AWS " + e.key + ":c2lnbmF0dXJl"}}, false, 400, "InvalidRequest"},
	} {
		resp, body := e.rawS3(t, http.MethodGet, "us-east-1", target, tc.header, tc.sign)
		if resp.StatusCode != tc.status || (tc.code != "" && !strings.Contains(string(body), "<Code>"+tc.code+"</Code>")) {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
		}
	}
	// A signature over another request does not verify.
	req, _ := http.NewRequestWithContext(ctx(t), http.MethodGet, e.url+target, nil)
	sum := sha256.Sum256(nil)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(ctx(t), aws.Credentials{AccessKeyID: e.key, SecretAccessKey: e.secret}, req, hex.EncodeToString(sum[:]), "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	req.URL.RawQuery = "list-type=2&max-keys=2"
	resp, err := fetch.RaceFree(awshttp.NewBuildableClient()).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("tampered query: %d %s", resp.StatusCode, body)
	}

	// Session credentials: a member's role reads the member's bucket.
	member := e.chain(e.base(), fakedata.DemoExternalID, append(fakedata.DemoRoleChain(), "arn:aws:iam::345678901234:role/"+fakedata.DemoMemberRole)...)
	mc := withCreds(member, "us-east-1")
	out, err := mc.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != 1 || *out.Buckets[0].Name != fakedata.DemoExportsBucket {
		t.Fatalf("member ListBuckets: %v %+v", err, out)
	}
	if err := list(mc, fakedata.DemoExportsBucket); err != nil {
		t.Errorf("member ListObjectsV2: %v", err)
	}
	// ... and not the management account's, which grants it nothing.
	apiError(t, list(mc, fakedata.DemoDataBucket), "AccessDenied")
	if n := e.srv.Count("ListObjectsV2", "345678901234", "us-east-1"); n != 2 {
		t.Errorf("%d member ListObjectsV2 counted", n)
	}
}

func TestS3Regions(t *testing.T) {
	// A bucket in an opt-in region is not redirected to: S3 refuses.
	ds := fakedata.Demo()
	ds.Accounts[0].Regions[fakedata.DemoOptInRegion] = &fakedata.Region{Buckets: []fakedata.Bucket{{Name: "cape-town-bucket", Created: fakedata.ReferenceTime().AddDate(-1, 0, 0)}}}
	srv, u := awsfaketest.NewServer(t, ds)
	e := endpoint{srv: srv, url: u, key: fakedata.DemoAccessKeyID, secret: fakedata.DemoSecretAccessKey}
	_, err := e.s3("us-east-1").ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("cape-town-bucket")})
	apiError(t, err, "IllegalLocationConstraintException")
	out, err := e.s3(fakedata.DemoOptInRegion).ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("cape-town-bucket")})
	if err != nil || aws.ToInt32(out.KeyCount) != 0 {
		t.Errorf("in its region: %v", err)
	}
	// A region the account has not enabled refuses the credentials.
	_, err = e.s3("me-south-1").ListBuckets(ctx(t), &s3.ListBucketsInput{})
	apiError(t, err, "InvalidAccessKeyId")
}

func TestS3CountsAndFaults(t *testing.T) {
	e := demoEndpoint(t)
	cfg := e.config("us-east-1")
	cfg.Retryer, cfg.RetryMaxAttempts = fastRetries(3), 0
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	e.srv.AddFault(awsfake.Fault{Service: "s3", Operation: "GetObject", Code: "SlowDown", Times: 1,
		Match: func(r awsfake.Request) bool { return r.Params.Get("Key") == "README.md" }})
	out, err := c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(fakedata.DemoDataBucket), Key: aws.String("README.md")})
	if err != nil {
		t.Fatalf("retried GetObject: %v", err)
	}
	out.Body.Close()
	reqs := e.srv.Requests()
	if len(reqs) != 2 || reqs[0].Code != "SlowDown" || reqs[0].Status != 503 || reqs[1].Status != 200 {
		t.Fatalf("requests %+v", reqs)
	}
	want := awsfake.Request{Service: "s3", Operation: "GetObject", Region: "us-east-1", Account: fakedata.DemoAccountID,
		Caller: fakedata.DemoAccountID, CallerARN: "arn:aws:iam::" + fakedata.DemoAccountID + ":user/" + fakedata.DemoUserName,
		Params: url.Values{"Bucket": {fakedata.DemoDataBucket}, "Key": {"README.md"}}, Status: 200}
	if diff := cmp.Diff(want, reqs[1]); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}

	// A fault on one bucket's listing, through the paginator.
	e.srv.Reset()
	e.srv.ClearFaults()
	e.srv.AddFault(awsfake.Fault{Service: "s3", Operation: "ListObjectsV2", Code: "InternalError",
		Match: func(r awsfake.Request) bool {
			return r.Params.Get("Bucket") == fakedata.DemoLogsBucket && r.Params.Has("continuation-token")
		}})
	_, _, pages := listAll(t, c, &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoDataBucket), MaxKeys: aws.Int32(10)})
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(fakedata.DemoLogsBucket), MaxKeys: aws.Int32(5)})
	if _, err := p.NextPage(ctx(t)); err != nil {
		t.Fatal(err)
	}
	_, err = p.NextPage(ctx(t))
	apiError(t, err, "InternalError")
	if n := e.srv.Count("ListObjectsV2", fakedata.DemoAccountID, "us-east-1"); n != len(pages)+1+3 {
		t.Errorf("%d ListObjectsV2 counted, want %d", n, len(pages)+1+3)
	}

	// Latency, and a client that gives up during it.
	e.srv.ClearFaults()
	e.srv.Reset()
	e.srv.AddFault(awsfake.Fault{Service: "s3", Operation: "HeadBucket", Latency: time.Minute})
	short, cancel := context.WithTimeout(ctx(t), 100*time.Millisecond)
	defer cancel()
	if _, err := c.HeadBucket(short, &s3.HeadBucketInput{Bucket: aws.String(fakedata.DemoDataBucket)}); err == nil {
		t.Fatal("HeadBucket outlived the latency")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := e.srv.Requests()
		if len(r) == 1 && r[0].Canceled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests %+v", r)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Operations the fake does not serve are named and refused.
	e.srv.ClearFaults()
	_, err = c.GetBucketLocation(ctx(t), &s3.GetBucketLocationInput{Bucket: aws.String(fakedata.DemoDataBucket)})
	apiError(t, err, "NotImplemented")
	_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(fakedata.DemoDataBucket), Key: aws.String("new.txt"), Body: strings.NewReader("x")})
	apiError(t, err, "NotImplemented")
	ops := e.srv.Operations()
	for _, op := range []string{"s3:GetBucketLocation", "s3:PutObject", "s3:HeadBucket"} {
		if !slices.Contains(ops, op) {
			t.Errorf("operations %v lack %s", ops, op)
		}
	}
}

func TestS3DemoData(t *testing.T) {
	a, b := fakedata.Demo(), fakedata.Demo()
	logs := demoBucket(t, fakedata.DemoLogsBucket)
	if len(logs.Objects) == 0 || len(sortedKeys(logs, "logs/2026/10/")) < 8 {
		t.Fatalf("logs bucket: %d objects", len(logs.Objects))
	}
	// Each Demo is a fresh copy, equal to the others.
	first := func(ds *fakedata.Dataset) *fakedata.Object {
		for i := range ds.Accounts[0].Regions["us-east-1"].Buckets {
			bk := &ds.Accounts[0].Regions["us-east-1"].Buckets[i]
			if bk.Name == fakedata.DemoLogsBucket {
				for j := range bk.Objects {
					if strings.HasSuffix(bk.Objects[j].Key, "access.log") {
						return &bk.Objects[j]
					}
				}
			}
		}
		t.Fatal("no access log")
		return nil
	}
	oa, ob := first(a), first(b)
	if !bytes.Equal(oa.Body, ob.Body) || len(oa.Body) < 200<<10 {
		t.Fatalf("access logs differ or are small: %d, %d bytes", len(oa.Body), len(ob.Body))
	}
	oa.Body[0] ^= 0xff
	if oa.Body[0] == ob.Body[0] || bytes.Equal(first(fakedata.Demo()).Body, oa.Body) {
		t.Error("demo bodies are shared between copies")
	}
	// Every timestamp lies before ReferenceTime, and every bucket name is unique.
	seen := map[string]bool{}
	for _, acct := range a.Accounts {
		for _, r := range acct.Regions {
			for _, bk := range r.Buckets {
				if seen[bk.Name] || !bk.Created.Before(fakedata.ReferenceTime()) {
					t.Errorf("bucket %s: duplicate %v, created %v", bk.Name, seen[bk.Name], bk.Created)
				}
				seen[bk.Name] = true
				for _, o := range bk.Objects {
					if !o.LastModified.Before(fakedata.ReferenceTime()) || o.LastModified.Before(bk.Created) {
						t.Errorf("%s/%s modified %v", bk.Name, o.Key, o.LastModified)
					}
				}
			}
		}
	}
	if len(seen) != 5 {
		t.Errorf("%d demo buckets", len(seen))
	}
}

// The real S3 client lists the demo's log folders: path-style addressing
// (as for any endpoint URL), the bucket's region, a delimiter.
func Example_s3() {
	srv := awsfake.New(fakedata.Demo())
	hs := httptest.NewServer(srv)
	defer hs.Close()

	key, secret := srv.Credentials(fakedata.DemoAccountID)
	client := s3.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(hs.URL),
		HTTPClient:   fetch.RaceFree(awshttp.NewBuildableClient()),
	}, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
		Bucket: aws.String(fakedata.DemoLogsBucket), Prefix: aws.String("logs/"), Delimiter: aws.String("/"),
	})
	if err != nil {
		panic(err)
	}
	for _, p := range out.CommonPrefixes {
		fmt.Println(*p.Prefix)
	}
	for _, o := range out.Contents {
		fmt.Println(*o.Key, *o.Size)
	}
	fmt.Println(srv.Operations(), srv.Count("ListObjectsV2", fakedata.DemoAccountID, "us-east-1"))
	// Output:
	// logs/2024/
	// logs/2025/
	// logs/2026/
	// logs/README.txt 55
	// [s3:ListObjectsV2] 1
}
