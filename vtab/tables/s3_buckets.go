package tables

import (
	"context"
	"fmt"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type bucket = fetch.Item[types.Bucket]

// S3Buckets is s3_buckets: ListBuckets, one call per account (it needs
// s3:ListAllMyBuckets).
func S3Buckets(s *fetch.Session) Table {
	return define(s, regional[types.Bucket, s3.ListBucketsInput]{
		name:   "s3_buckets",
		doc:    "S3 buckets of each account (ListBuckets)",
		rows:   100,
		global: true,
		ops:    []fetch.Operation{fetch.Read[s3.ListBucketsOutput]("S3", "ListBuckets", "s3:ListAllMyBuckets")},
		id:     func(b types.Bucket) string { return aws.ToString(b.Name) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			out, err := fetch.S3(c).ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%d buckets", len(out.Buckets)), nil
		},
		columns: []col[types.Bucket, s3.ListBucketsInput]{
			{Name: "bucket", Type: vtab.Text, Get: func(b bucket) any { return b.Value.Name }},
			{Name: "creation_date", Type: vtab.Time, Get: func(b bucket) any { return b.Value.CreationDate }},
			{Name: "region", Type: vtab.Text, Doc: "the bucket's region", Get: func(b bucket) any { return b.Value.BucketRegion }},
		},
		list: func(ctx context.Context, c *fetch.Client, in *s3.ListBucketsInput, q *vtab.Query) iter.Seq2[[]types.Bucket, error] {
			p := s3.NewListBucketsPaginator(fetch.S3(c), in)
			return fetch.Pages(ctx, p, func(out *s3.ListBucketsOutput) []types.Bucket { return out.Buckets }, q.Limit)
		},
	})
}
