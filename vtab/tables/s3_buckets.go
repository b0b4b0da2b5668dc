package tables

import (
	"context"
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
func S3Buckets(s *fetch.Session) vtab.Def {
	return define(s, regional[types.Bucket]{
		name:   "s3_buckets",
		doc:    "S3 buckets of each account (ListBuckets)",
		rows:   100,
		global: true,
		id:     func(b types.Bucket) string { return aws.ToString(b.Name) },
		columns: []vtab.Column[bucket]{
			{Name: "bucket", Type: vtab.Text, Get: func(b bucket) any { return b.Value.Name }},
			{Name: "creation_date", Type: vtab.Time, Get: func(b bucket) any { return b.Value.CreationDate }},
			{Name: "region", Type: vtab.Text, Doc: "the bucket's region", Get: func(b bucket) any { return b.Value.BucketRegion }},
		},
		list: func(ctx context.Context, c *fetch.Client, q *vtab.Query) iter.Seq2[[]types.Bucket, error] {
			p := s3.NewListBucketsPaginator(c.S3, &s3.ListBucketsInput{})
			return fetch.Pages(ctx, p, func(out *s3.ListBucketsOutput) []types.Bucket { return out.Buckets }, q.Limit)
		},
	})
}
