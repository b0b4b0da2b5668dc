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
func Regions(s *fetch.Session) vtab.Def {
	return define(s, regional[types.Region]{
		name:   "regions",
		doc:    "regions of the partition and whether each is enabled (DescribeRegions)",
		rows:   40,
		global: true,
		push:   map[string]string{"region": "RegionNames"},
		id:     func(r types.Region) string { return aws.ToString(r.RegionName) },
		columns: []vtab.Column[region]{
			{Name: "region", Type: vtab.Text, Key: vtab.Exact, Get: func(r region) any { return r.Value.RegionName }},
			{Name: "endpoint", Type: vtab.Text, Get: func(r region) any { return r.Value.Endpoint }},
			{Name: "opt_in_status", Type: vtab.Text, Doc: "opt-in-not-required, opted-in or not-opted-in", Get: func(r region) any { return r.Value.OptInStatus }},
		},
		list: func(ctx context.Context, c *fetch.Client, q *vtab.Query) iter.Seq2[[]types.Region, error] {
			in := &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)}
			name, byName := q.String("region")
			if byName {
				if fetch.CheckRegion(name, false) != nil {
					return done[types.Region]()
				}
				in.RegionNames = []string{name}
			}
			call := fetch.One(ctx, func(ctx context.Context) ([]types.Region, error) {
				out, err := c.EC2.DescribeRegions(ctx, in)
				if err != nil {
					return nil, err
				}
				return out.Regions, nil
			})
			if byName {
				return fetch.NotFound(call, "InvalidParameterValue")
			}
			return call
		},
	})
}
