package tables

import (
	"context"
	"iter"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type managedInstance = fetch.Item[types.InstanceInformation]

// ssmInstanceIDRE is a managed node's id as SSM takes it: an EC2 instance
// (i-) or an on-premises node (mi-). A value that is not one matches no
// node, and is not sent: SSM would refuse the whole call.
var ssmInstanceIDRE = regexp.MustCompile(`^(i-(\w{8}|\w{17})|mi-\w{17})$`)

func ssmInstanceID(v string) (string, bool) { return v, ssmInstanceIDRE.MatchString(v) }

// ssmFilterValues is how many values one DescribeInstanceInformation filter
// takes.
const ssmFilterValues = 100

// ssmFilter pushes a column as a DescribeInstanceInformation filter.
func ssmFilter(key string, batch int) *push {
	return param("filter "+key, batch, func(in *ssm.DescribeInstanceInformationInput, vals []string) {
		in.Filters = append(in.Filters, types.InstanceInformationStringFilter{Key: aws.String(key), Values: vals})
	})
}

// SSMManagedInstances is ssm_managed_instances (Steampipe's
// aws_ssm_managed_instance): DescribeInstanceInformation, the nodes Systems
// Manager manages in each region: EC2 instances that run (SSM leaves out
// stopped and terminated ones) and activated on-premises servers (mi-).
func SSMManagedInstances(s *fetch.Session) Table {
	return define(s, regional[types.InstanceInformation, ssm.DescribeInstanceInformationInput]{
		name:    "ssm_managed_instances",
		aliases: []string{"aws_ssm_managed_instance"},
		doc:     "nodes managed by Systems Manager: running EC2 instances and on-premises servers (DescribeInstanceInformation)",
		rows:    1e4,
		ops:     []fetch.Operation{fetch.Read[ssm.DescribeInstanceInformationOutput]("SSM", "DescribeInstanceInformation", "ssm:DescribeInstanceInformation")},
		id:      func(i types.InstanceInformation) string { return aws.ToString(i.InstanceId) },
		arn: func(i managedInstance) string {
			return "arn:" + s.Partition() + ":ssm:" + i.Region + ":" + i.Account + ":managed-instance/" + aws.ToString(i.Value.InstanceId)
		},
		title: func(i types.InstanceInformation) any { return i.InstanceId },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ssm.NewFromConfig).DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(5)})
			return "", err
		},
		columns: []col[types.InstanceInformation, ssm.DescribeInstanceInformationInput]{
			// A node that is not managed here fails the whole call
			// (InvalidInstanceId): one id a call, and a list is one scan.
			{Name: "instance_id", Type: vtab.Text, Get: from[types.InstanceInformation]("InstanceId"),
				Push: ssmFilter("InstanceIds", 1).values(ssmInstanceID).selective(1e3)},
			{Name: "name", Type: vtab.Text, Doc: "an on-premises node's name; NULL for EC2 instances", Get: from[types.InstanceInformation]("Name")},
			{Name: "iam_role", Type: vtab.Text, Doc: "the role of an on-premises node, or of an instance managed by Default Host Management",
				Get: from[types.InstanceInformation]("IamRole")},
			{Name: "source_id", Type: vtab.Text, Get: from[types.InstanceInformation]("SourceId")},
			{Name: "source_type", Type: vtab.Text, Get: func(i *managedInstance) any { return enum(&i.Value.SourceType) }},
			{Name: "resource_type", Type: vtab.Text, Doc: "EC2Instance or ManagedInstance", Get: func(i *managedInstance) any { return enum(&i.Value.ResourceType) },
				// SSM takes one ResourceType a call.
				Push: ssmFilter("ResourceType", 1).values(oneOf(enumValues[types.ResourceType]()...))},
			{Name: "ping_status", Type: vtab.Text, Doc: "Online, ConnectionLost or Inactive", Get: func(i *managedInstance) any { return enum(&i.Value.PingStatus) },
				Push: ssmFilter("PingStatus", ssmFilterValues).values(oneOf(enumValues[types.PingStatus]()...))},
			{Name: "activation_id", Type: vtab.Text, Doc: "an on-premises node's activation", Get: from[types.InstanceInformation]("ActivationId"),
				// SSM does not document how it compares these: re-checked.
				Push: ssmFilter("ActivationIds", ssmFilterValues).loose()},
			{Name: "agent_version", Type: vtab.Text, Get: from[types.InstanceInformation]("AgentVersion"),
				Push: ssmFilter("AgentVersion", ssmFilterValues).loose()},
			{Name: "association_status", Type: vtab.Text, Doc: "Success, Pending or Failed", Get: from[types.InstanceInformation]("AssociationStatus"),
				Push: ssmFilter("AssociationStatus", ssmFilterValues).values(oneOf("Success", "Pending", "Failed"))},
			{Name: "computer_name", Type: vtab.Text, Get: from[types.InstanceInformation]("ComputerName")},
			{Name: "ip_address", Type: vtab.Text, Get: from[types.InstanceInformation]("IPAddress")},
			{Name: "is_latest_version", Type: vtab.Bool, Doc: "the node runs the latest SSM Agent (Linux)", Get: from[types.InstanceInformation]("IsLatestVersion")},
			{Name: "last_association_execution_date", Type: vtab.Time, Get: from[types.InstanceInformation]("LastAssociationExecutionDate")},
			{Name: "last_ping_date_time", Type: vtab.Time, Get: from[types.InstanceInformation]("LastPingDateTime")},
			{Name: "last_successful_association_execution_date", Type: vtab.Time, Get: from[types.InstanceInformation]("LastSuccessfulAssociationExecutionDate")},
			{Name: "platform_name", Type: vtab.Text, Get: from[types.InstanceInformation]("PlatformName")},
			{Name: "platform_type", Type: vtab.Text, Doc: "Windows, Linux or MacOS", Get: func(i *managedInstance) any { return enum(&i.Value.PlatformType) },
				Push: ssmFilter("PlatformTypes", ssmFilterValues).values(oneOf(enumValues[types.PlatformType]()...))},
			{Name: "platform_version", Type: vtab.Text, Get: from[types.InstanceInformation]("PlatformVersion")},
			{Name: "registration_date", Type: vtab.Time, Doc: "when an on-premises node was activated", Get: from[types.InstanceInformation]("RegistrationDate")},
			{Name: "association_overview", Type: vtab.JSON, Get: from[types.InstanceInformation]("AssociationOverview")},
		},
		list: listManagedInstances,
	})
}

func listManagedInstances(ctx context.Context, c *fetch.Client, in *ssm.DescribeInstanceInformationInput, q *vtab.Query) iter.Seq2[[]types.InstanceInformation, error] {
	in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 50))
	p := ssm.NewDescribeInstanceInformationPaginator(fetch.Service(c, ssm.NewFromConfig), in)
	pages := fetch.Pages(ctx, p, func(out *ssm.DescribeInstanceInformationOutput) []types.InstanceInformation {
		return out.InstanceInformationList
	}, q.Limit)
	if _, byID := q.Values("instance_id"); byID {
		// The id is not a managed node here: no rows, not a failure.
		return fetch.NotFound(pages, "InvalidInstanceId")
	}
	return pages
}
