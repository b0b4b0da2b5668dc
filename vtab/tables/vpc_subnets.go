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

type subnetItem = fetch.Item[types.Subnet]

// VPCSubnets is vpc_subnets: DescribeSubnets.
func VPCSubnets(s *fetch.Session) Table {
	return define(s, regional[types.Subnet, ec2.DescribeSubnetsInput]{
		name:    "vpc_subnets",
		aliases: []string{"aws_vpc_subnet"},
		doc:     "VPC subnets (DescribeSubnets)",
		rows:    1e4,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeSubnetsOutput]("EC2", "DescribeSubnets", "ec2:DescribeSubnets")},
		filters: func(in *ec2.DescribeSubnetsInput) *[]types.Filter { return &in.Filters },
		id:      func(v types.Subnet) string { return aws.ToString(v.SubnetId) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ec2.NewFromConfig).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5)})
			return "", err
		},
		title: func(v types.Subnet) any { return nameTagOr(v.Tags, v.SubnetId) },
		tags:  func(v types.Subnet) any { return v.Tags },
		columns: []col[types.Subnet, ec2.DescribeSubnetsInput]{
			// A filter, not SubnetIds: one id that does not exist would fail
			// the whole call, and an IN list may hold one.
			{Name: "subnet_id", Type: vtab.Text, Get: from[types.Subnet]("SubnetId"), Push: filter("subnet-id").selective(1e4)},
			// Steampipe names the ARN subnet_arn; akas holds it too.
			{Name: "subnet_arn", Type: vtab.Text, Get: from[types.Subnet]("SubnetArn"), Push: filter("subnet-arn").selective(1e4)},
			{Name: "vpc_id", Type: vtab.Text, Get: from[types.Subnet]("VpcId"), Push: filter("vpc-id")},
			{Name: "cidr_block", Type: vtab.Text, Doc: "the IPv4 CIDR block", Get: from[types.Subnet]("CidrBlock"), Push: filter("cidr-block")},
			{Name: "state", Type: vtab.Text, Doc: "pending, available, unavailable, failed", Get: func(v *subnetItem) any { return enum(&v.Value.State) },
				Push: filter("state")},
			{Name: "owner_id", Type: vtab.Text, Doc: "the account that owns the subnet (another one's, for a shared subnet)",
				Get: from[types.Subnet]("OwnerId"), Push: filter("owner-id").values(accountID)},
			{Name: "assign_ipv6_address_on_creation", Type: vtab.Bool, Get: from[types.Subnet]("AssignIpv6AddressOnCreation")},
			{Name: "available_ip_address_count", Type: vtab.Integer, Doc: "unused private IPv4 addresses (a stopped instance's are used)",
				Get: from[types.Subnet]("AvailableIpAddressCount"), Push: filter("available-ip-address-count")},
			{Name: "availability_zone", Type: vtab.Text, Get: from[types.Subnet]("AvailabilityZone"), Push: filter("availability-zone")},
			{Name: "availability_zone_id", Type: vtab.Text, Get: from[types.Subnet]("AvailabilityZoneId"), Push: filter("availability-zone-id")},
			{Name: "customer_owned_ipv4_pool", Type: vtab.Text, Nullable: true, Doc: "on an Outpost only",
				Get: from[types.Subnet]("CustomerOwnedIpv4Pool")},
			{Name: "default_for_az", Type: vtab.Bool, Doc: "a default subnet (of the default VPC)", Get: from[types.Subnet]("DefaultForAz"),
				Push: filter("default-for-az").values(ec2BoolValue)},
			{Name: "map_customer_owned_ip_on_launch", Type: vtab.Bool, Get: from[types.Subnet]("MapCustomerOwnedIpOnLaunch")},
			{Name: "map_public_ip_on_launch", Type: vtab.Bool, Doc: "instances launched here get a public IPv4 address",
				Get: from[types.Subnet]("MapPublicIpOnLaunch"), Push: filter("map-public-ip-on-launch").values(ec2BoolValue)},
			{Name: "outpost_arn", Type: vtab.Text, Nullable: true, Doc: "on an Outpost only", Get: from[types.Subnet]("OutpostArn")},
			{Name: "ipv6_cidr_block_association_set", Type: vtab.JSON, Nullable: true, Doc: "the IPv6 CIDR blocks; NULL without",
				Get: from[types.Subnet]("Ipv6CidrBlockAssociationSet")},
			{Name: "akas", Type: vtab.JSON, Doc: "the subnet's ARN as a list, as Steampipe names it", Get: func(v *subnetItem) any {
				if v.Value.SubnetArn == nil {
					return nil
				}
				return []string{*v.Value.SubnetArn}
			}},
		},
		list: func(ctx context.Context, c *fetch.Client, in *ec2.DescribeSubnetsInput, q *vtab.Query) iter.Seq2[[]types.Subnet, error] {
			in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
			p := ec2.NewDescribeSubnetsPaginator(fetch.Service(c, ec2.NewFromConfig), in)
			pages := fetch.Pages(ctx, p, func(out *ec2.DescribeSubnetsOutput) []types.Subnet { return out.Subnets }, q.Limit)
			return fetch.NotFound(pages, "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed")
		},
	})
}
