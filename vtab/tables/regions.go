package tables

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type region = fetch.Item[types.Region]

// Regions is regions: DescribeRegions with AllRegions, one call per account
// to the home region. Every region of the partition is listed with its
// opt-in status. The unconstrained call is the one region discovery makes,
// so the two share one cached answer.
func Regions(s *fetch.Session) Table {
	return define(s, regional[types.Region, ec2.DescribeRegionsInput]{
		name:    "regions",
		aliases: []string{"aws_region"},
		doc:     "regions of the partition and whether each is enabled (DescribeRegions)",
		rows:    40,
		global:  true,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeRegionsOutput]("EC2", "DescribeRegions", "ec2:DescribeRegions")},
		id:      func(r types.Region) string { return aws.ToString(r.RegionName) },
		arn: func(r region) string {
			return "arn:" + s.Partition() + "::" + aws.ToString(r.Value.RegionName) + ":" + r.Account
		},
		title: func(r types.Region) any { return r.RegionName },
		missing: map[string]string{
			"steampipe_available": "Steampipe's own connection setting; awssql's regions are --regions, and opt_in_status says which are enabled",
			"steampipe_default":   "Steampipe's own connection setting; awssql's regions are --regions, and opt_in_status says which are enabled",
		},
		columns: []col[types.Region, ec2.DescribeRegionsInput]{
			// A filter, not RegionNames: a name the partition does not have
			// would fail the whole call.
			{Name: "region", Type: vtab.Text, Get: func(r *region) any { return r.Value.RegionName }, Push: filter("region-name")},
			{Name: "name", Type: vtab.Text, Doc: "the region, as Steampipe names it", Get: func(r *region) any { return r.Value.RegionName },
				Push: filter("region-name")},
			{Name: "endpoint", Type: vtab.Text, Get: func(r *region) any { return r.Value.Endpoint }},
			{Name: "opt_in_status", Type: vtab.Text, Doc: "opt-in-not-required, opted-in or not-opted-in", Get: func(r *region) any { return r.Value.OptInStatus }},
		},
		filters: func(in *ec2.DescribeRegionsInput) *[]types.Filter { return &in.Filters },
		list: func(ctx context.Context, c *fetch.Client, in *ec2.DescribeRegionsInput, _ *vtab.Query) iter.Seq2[[]types.Region, error] {
			in.AllRegions = aws.Bool(true)
			return fetch.One(ctx, func(ctx context.Context) ([]types.Region, error) {
				out, err := fetch.Service(c, ec2.NewFromConfig).DescribeRegions(ctx, in)
				if err != nil {
					return nil, err
				}
				return out.Regions, nil
			})
		},
	})
}
