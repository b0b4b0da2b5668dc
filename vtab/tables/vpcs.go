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

type vpcItem = fetch.Item[types.Vpc]

// VPCs is vpcs: DescribeVpcs.
func VPCs(s *fetch.Session) Table {
	return define(s, regional[types.Vpc, ec2.DescribeVpcsInput]{
		name:    "vpcs",
		aliases: []string{"aws_vpc"},
		doc:     "VPCs (DescribeVpcs)",
		rows:    1e3,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeVpcsOutput]("EC2", "DescribeVpcs", "ec2:DescribeVpcs")},
		filters: func(in *ec2.DescribeVpcsInput) *[]types.Filter { return &in.Filters },
		id:      func(v types.Vpc) string { return aws.ToString(v.VpcId) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ec2.NewFromConfig).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(5)})
			return "", err
		},
		arn: func(v vpcItem) string {
			return "arn:" + s.Partition() + ":ec2:" + v.Region + ":" + v.Account + ":vpc/" + aws.ToString(v.Value.VpcId)
		},
		title: func(v types.Vpc) any { return nameTagOr(v.Tags, v.VpcId) },
		tags:  func(v types.Vpc) any { return v.Tags },
		columns: []col[types.Vpc, ec2.DescribeVpcsInput]{
			// A filter, not VpcIds: one id that does not exist would fail
			// the whole call, and an IN list may hold one.
			{Name: "vpc_id", Type: vtab.Text, Get: from[types.Vpc]("VpcId"), Push: filter("vpc-id").selective(1e3)},
			{Name: "cidr_block", Type: vtab.Text, Doc: "the primary IPv4 CIDR block", Get: from[types.Vpc]("CidrBlock"),
				Push: filter("cidr")},
			{Name: "state", Type: vtab.Text, Doc: "pending or available", Get: func(v *vpcItem) any { return enum(&v.Value.State) },
				Push: filter("state")},
			{Name: "is_default", Type: vtab.Bool, Get: from[types.Vpc]("IsDefault"), Push: filter("is-default").values(ec2BoolValue)},
			{Name: "dhcp_options_id", Type: vtab.Text, Get: from[types.Vpc]("DhcpOptionsId"), Push: filter("dhcp-options-id")},
			{Name: "instance_tenancy", Type: vtab.Text, Doc: "default, dedicated or host", Get: func(v *vpcItem) any { return enum(&v.Value.InstanceTenancy) }},
			{Name: "owner_id", Type: vtab.Text, Doc: "the account that owns the VPC (another one's, for a shared VPC)",
				Get: from[types.Vpc]("OwnerId"), Push: filter("owner-id").values(accountID)},
			{Name: "cidr_block_association_set", Type: vtab.JSON, Doc: "the IPv4 CIDR blocks", Get: from[types.Vpc]("CidrBlockAssociationSet")},
			{Name: "ipv6_cidr_block_association_set", Type: vtab.JSON, Nullable: true, Doc: "the IPv6 CIDR blocks; NULL without",
				Get: from[types.Vpc]("Ipv6CidrBlockAssociationSet")},
		},
		list: func(ctx context.Context, c *fetch.Client, in *ec2.DescribeVpcsInput, q *vtab.Query) iter.Seq2[[]types.Vpc, error] {
			in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
			p := ec2.NewDescribeVpcsPaginator(fetch.Service(c, ec2.NewFromConfig), in)
			pages := fetch.Pages(ctx, p, func(out *ec2.DescribeVpcsOutput) []types.Vpc { return out.Vpcs }, q.Limit)
			return fetch.NotFound(pages, "InvalidVpcID.NotFound", "InvalidVpcID.Malformed")
		},
	})
}
