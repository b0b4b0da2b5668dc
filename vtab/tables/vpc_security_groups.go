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

type securityGroupItem = fetch.Item[types.SecurityGroup]

// VPCSecurityGroups is vpc_security_groups: DescribeSecurityGroups, with
// the rules as the API gives them (JSON).
func VPCSecurityGroups(s *fetch.Session) Table {
	return define(s, regional[types.SecurityGroup, ec2.DescribeSecurityGroupsInput]{
		name:    "vpc_security_groups",
		aliases: []string{"aws_vpc_security_group"},
		doc:     "VPC security groups and their rules (DescribeSecurityGroups)",
		rows:    1e4,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeSecurityGroupsOutput]("EC2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups")},
		filters: func(in *ec2.DescribeSecurityGroupsInput) *[]types.Filter { return &in.Filters },
		id:      func(v types.SecurityGroup) string { return aws.ToString(v.GroupId) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ec2.NewFromConfig).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(5)})
			return "", err
		},
		arn: func(v securityGroupItem) string {
			if a := aws.ToString(v.Value.SecurityGroupArn); a != "" {
				return a
			}
			return "arn:" + s.Partition() + ":ec2:" + v.Region + ":" + v.Account + ":security-group/" + aws.ToString(v.Value.GroupId)
		},
		tags: func(v types.SecurityGroup) any { return v.Tags },
		columns: []col[types.SecurityGroup, ec2.DescribeSecurityGroupsInput]{
			// A filter, not GroupIds: one id that does not exist would fail
			// the whole call, and an IN list may hold one.
			{Name: "group_id", Type: vtab.Text, Get: from[types.SecurityGroup]("GroupId"), Push: filter("group-id").selective(1e4)},
			{Name: "group_name", Type: vtab.Text, Get: from[types.SecurityGroup]("GroupName"), Push: filter("group-name").selective(10)},
			{Name: "title", Type: vtab.Text, Doc: "the group's name, as Steampipe titles it", Get: from[types.SecurityGroup]("GroupName")},
			{Name: "description", Type: vtab.Text, Get: from[types.SecurityGroup]("Description"), Push: filter("description")},
			{Name: "vpc_id", Type: vtab.Text, Get: from[types.SecurityGroup]("VpcId"), Push: filter("vpc-id")},
			{Name: "owner_id", Type: vtab.Text, Get: from[types.SecurityGroup]("OwnerId"), Push: filter("owner-id").values(accountID)},
			{Name: "ip_permissions", Type: vtab.JSON,
				Doc: `inbound rules: [{"IpProtocol": "tcp" or "-1" (all), "FromPort", "ToPort", "IpRanges": [{"CidrIp"}], "Ipv6Ranges": [{"CidrIpv6"}], "UserIdGroupPairs": [{"GroupId"}], "PrefixListIds"}]; [] when none`,
				Get: func(g *securityGroupItem) any { return emptyList(g.Value.IpPermissions) }},
			{Name: "ip_permissions_egress", Type: vtab.JSON, Doc: "outbound rules, as ip_permissions; [] when none",
				Get: func(g *securityGroupItem) any { return emptyList(g.Value.IpPermissionsEgress) }},
		},
		list: func(ctx context.Context, c *fetch.Client, in *ec2.DescribeSecurityGroupsInput, q *vtab.Query) iter.Seq2[[]types.SecurityGroup, error] {
			in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
			p := ec2.NewDescribeSecurityGroupsPaginator(fetch.Service(c, ec2.NewFromConfig), in)
			pages := fetch.Pages(ctx, p, func(out *ec2.DescribeSecurityGroupsOutput) []types.SecurityGroup { return out.SecurityGroups }, q.Limit)
			return fetch.NotFound(pages, "InvalidGroup.NotFound", "InvalidGroupId.Malformed")
		},
	})
}
