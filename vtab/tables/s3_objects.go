package tables

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// s3Object is one object of a listing and, when the query reads it, its
// content.
type s3Object struct {
	account, region, bucket string
	prefix                  any // the prefix the query gave, or NULL
	obj                     types.Object
	body                    any // string, []byte or nil
}

// S3Objects is s3_objects: the objects of one bucket (ListObjectsV2), and
// their content (GetObject) only when the query reads body. The bucket's
// region comes from HeadBucket; it is read with the credentials of the
// account in account_id if the query gives one, else the caller's.
func S3Objects(s *fetch.Session) Table {
	def := &vtab.Table[s3Object]{
		Name:    "s3_objects",
		Doc:     "objects of an S3 bucket (ListObjectsV2; body with GetObject)",
		Example: "bucket = 'my-bucket' (and optionally prefix = 'logs/')",
		Rows:    1e5,
		Columns: []vtab.Column[s3Object]{
			{Name: "account_id", Type: vtab.Text, Key: vtab.Exact, Doc: "the account whose credentials read the bucket",
				Push: "whose credentials read the bucket", PerValue: true, Get: func(o s3Object) any { return o.account }},
			{Name: "region", Type: vtab.Text, Doc: "the bucket's region (HeadBucket)", Get: func(o s3Object) any { return o.region }},
			{Name: "bucket", Type: vtab.Text, Key: vtab.Required, Push: "the bucket listed", Get: func(o s3Object) any { return o.bucket }},
			{Name: "prefix", Type: vtab.Text, Key: vtab.Exact, Hidden: true, Selectivity: 100, Push: "ListObjectsV2 Prefix", PerValue: true,
				Doc: "list only keys that start with it", Get: func(o s3Object) any { return o.prefix }},
			{Name: "key", Type: vtab.Text, Key: vtab.Pushed, Selectivity: 1e5, Push: "ListObjectsV2 Prefix, then the exact key", PerValue: true,
				Get: func(o s3Object) any { return o.obj.Key }},
			{Name: "size", Type: vtab.Integer, Doc: "bytes", Get: func(o s3Object) any { return o.obj.Size }},
			{Name: "last_modified", Type: vtab.Time, Get: func(o s3Object) any { return o.obj.LastModified }},
			{Name: "etag", Type: vtab.Text, Get: func(o s3Object) any { return o.obj.ETag }},
			{Name: "storage_class", Type: vtab.Text, Get: func(o s3Object) any { return str(o.obj.StorageClass) }},
			{Name: "body", Type: vtab.Text, Nullable: true, Doc: "the content (GetObject): text when valid UTF-8, else a blob; at most --max-object-bytes",
				Get: func(o s3Object) any { return o.body }},
		},
		ID: func(o s3Object) string { return o.bucket + "/" + aws.ToString(o.obj.Key) },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[s3Object, error] {
			account, _ := q.String("account_id")
			return fetch.Single(ctx, fetch.Target{Account: account}, listObjects(ctx, s, q))
		},
	}
	return Table{
		Name:  "s3_objects",
		Def:   def,
		Scope: PerBucket,
		Ops: []fetch.Operation{
			fetch.Read[s3.ListObjectsV2Output]("S3", "ListObjectsV2", "s3:ListBucket"),
			fetch.Stream("S3", "GetObject", "s3:GetObject"),
		},
		Probe: fetch.Probe{Table: "s3_objects", Actions: []string{"s3:ListBucket", "s3:GetObject"}, Call: probeObjects},
	}
}

// listObjects lists the objects of the bucket the query names.
func listObjects(ctx context.Context, s *fetch.Session, q *vtab.Query) iter.Seq2[s3Object, error] {
	return func(yield func(s3Object, error) bool) {
		bucket, _ := q.String("bucket")
		account, byAccount := q.String("account_id")
		if !byAccount {
			id, err := s.Identity(ctx)
			if err != nil {
				yield(s3Object{}, err)
				return
			}
			account = id.Account
		} else if err := s.Reach(ctx, account); err != nil {
			yield(s3Object{}, err)
			return
		}
		region, err := s.BucketRegion(ctx, account, bucket)
		if err != nil {
			yield(s3Object{}, err)
			return
		}
		c := s.Client(fetch.Target{Account: account, Region: region})
		prefix, byPrefix := q.String("prefix")
		var prefixValue any
		if byPrefix {
			prefixValue = prefix
		}
		listPrefix := prefix
		if key, ok := q.String("key"); ok {
			if !strings.HasPrefix(key, prefix) {
				return
			}
			listPrefix = key
		}
		in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(fetch.PageSize(q.Limit, 1, 1000))}
		if listPrefix != "" {
			in.Prefix = aws.String(listPrefix)
		}
		withBody := q.Uses("body")
		p := s3.NewListObjectsV2Paginator(fetch.S3(c), in)
		for page, err := range fetch.Pages(ctx, p, func(out *s3.ListObjectsV2Output) []types.Object { return out.Contents }, q.Limit) {
			if err != nil {
				yield(s3Object{}, s.BucketErr(account, bucket, err))
				return
			}
			for _, obj := range page {
				row := s3Object{account: account, region: region, bucket: bucket, prefix: prefixValue, obj: obj}
				if withBody {
					if row.body, err = readBody(ctx, s, c, bucket, obj); err != nil {
						yield(s3Object{}, err)
						return
					}
				}
				if !yield(row, nil) {
					return
				}
			}
		}
	}
}

// probeObjects reads the first object of the account's first bucket: its
// region, its listing, and the object's content (closed after the
// headers: that reading is allowed is enough).
func probeObjects(ctx context.Context, s *fetch.Session, c *fetch.Client) (string, error) {
	out, err := fetch.S3(c).ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) == 0 {
		return "no bucket to read", err
	}
	bucket := aws.ToString(out.Buckets[0].Name)
	region, err := s.BucketRegion(ctx, c.Account, bucket)
	if err != nil {
		return "", err
	}
	bc := fetch.S3(s.Client(fetch.Target{Account: c.Account, Region: region}))
	list, err := bc.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
	if err != nil {
		return "", s.BucketErr(c.Account, bucket, err)
	}
	if len(list.Contents) == 0 {
		return fmt.Sprintf("s3://%s is empty", bucket), nil
	}
	key := aws.ToString(list.Contents[0].Key)
	obj, err := bc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", s.BucketErr(c.Account, bucket, err)
	}
	obj.Body.Close()
	return fmt.Sprintf("read s3://%s/%s", bucket, key), nil
}

// readBody fetches an object's content: text when it is valid UTF-8, a
// blob otherwise. An object over the cap is an error before any byte is
// read: its size is known from the listing.
func readBody(ctx context.Context, s *fetch.Session, c *fetch.Client, bucket string, obj types.Object) (any, error) {
	key, max := aws.ToString(obj.Key), s.Options().MaxObjectBytes
	if size := aws.ToInt64(obj.Size); size > max {
		return nil, fmt.Errorf("s3://%s/%s is %d bytes, over --max-object-bytes %d: read a smaller object or raise the cap", bucket, key, size, max)
	}
	out, err := fetch.S3(c).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, fetch.WholeObject(max))
	if err != nil {
		return nil, s.BucketErr(c.Account, bucket, fmt.Errorf("s3://%s/%s: %w", bucket, key, err))
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("s3://%s/%s is over --max-object-bytes %d", bucket, key, max)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	return b, nil
}
