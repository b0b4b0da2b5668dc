package tables

import (
	"context"
	"fmt"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type instance = fetch.Item[types.Instance]

// EC2Instances is ec2_instances: DescribeInstances.
func EC2Instances(s *fetch.Session) Table {
	return define(s, regional[types.Instance, ec2.DescribeInstancesInput]{
		name:    "ec2_instances",
		doc:     "EC2 instances (DescribeInstances)",
		rows:    1e5,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeInstancesOutput]("EC2", "DescribeInstances", "ec2:DescribeInstances")},
		filters: func(in *ec2.DescribeInstancesInput) *[]types.Filter { return &in.Filters },
		id:      func(i types.Instance) string { return aws.ToString(i.InstanceId) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
			return "", err
		},
		columns: []col[types.Instance, ec2.DescribeInstancesInput]{
			{Name: "instance_id", Type: vtab.Text, Get: func(i instance) any { return i.Value.InstanceId },
				// A filter, not InstanceIds: one id that does not exist would
				// fail the whole call, and an IN list may hold one.
				Push: filter("instance-id").selective(1e6)},
			{Name: "arn", Type: vtab.Text, Get: func(i instance) any {
				return fmt.Sprintf("arn:%s:ec2:%s:%s:instance/%s", s.Partition(), i.Region, i.Account, aws.ToString(i.Value.InstanceId))
			}},
			{Name: "instance_type", Type: vtab.Text, Push: filter("instance-type"), Get: func(i instance) any { return str(i.Value.InstanceType) }},
			{Name: "instance_state", Type: vtab.Text, Push: filter("instance-state-name"), Get: func(i instance) any {
				if i.Value.State == nil {
					return nil
				}
				return str(i.Value.State.Name)
			}},
			{Name: "state_code", Type: vtab.Integer, Get: func(i instance) any {
				if i.Value.State == nil {
					return nil
				}
				return i.Value.State.Code
			}},
			{Name: "state_transition_reason", Type: vtab.Text, Get: func(i instance) any { return i.Value.StateTransitionReason }},
			{Name: "launch_time", Type: vtab.Time, Get: func(i instance) any { return i.Value.LaunchTime }},
			{Name: "image_id", Type: vtab.Text, Push: filter("image-id"), Get: func(i instance) any { return i.Value.ImageId }},
			{Name: "key_name", Type: vtab.Text, Push: filter("key-name"), Get: func(i instance) any { return i.Value.KeyName }},
			{Name: "vpc_id", Type: vtab.Text, Push: filter("vpc-id"), Get: func(i instance) any { return i.Value.VpcId }},
			{Name: "subnet_id", Type: vtab.Text, Push: filter("subnet-id"), Get: func(i instance) any { return i.Value.SubnetId }},
			{Name: "private_ip_address", Type: vtab.Text, Get: func(i instance) any { return i.Value.PrivateIpAddress }},
			{Name: "private_dns_name", Type: vtab.Text, Get: func(i instance) any { return i.Value.PrivateDnsName }},
			{Name: "public_ip_address", Type: vtab.Text, Get: func(i instance) any { return i.Value.PublicIpAddress }},
			{Name: "public_dns_name", Type: vtab.Text, Get: func(i instance) any { return i.Value.PublicDnsName }},
			{Name: "placement_availability_zone", Type: vtab.Text, Push: filter("availability-zone"), Get: func(i instance) any {
				if i.Value.Placement == nil {
					return nil
				}
				return i.Value.Placement.AvailabilityZone
			}},
			{Name: "placement_tenancy", Type: vtab.Text, Get: func(i instance) any {
				if i.Value.Placement == nil {
					return nil
				}
				return str(i.Value.Placement.Tenancy)
			}},
			{Name: "platform", Type: vtab.Text, Nullable: true, Doc: "windows, or NULL for Linux/UNIX", Get: func(i instance) any { return str(i.Value.Platform) }},
			{Name: "platform_details", Type: vtab.Text, Get: func(i instance) any { return i.Value.PlatformDetails }},
			{Name: "architecture", Type: vtab.Text, Push: filter("architecture"), Get: func(i instance) any { return str(i.Value.Architecture) }},
			{Name: "hypervisor", Type: vtab.Text, Get: func(i instance) any { return str(i.Value.Hypervisor) }},
			{Name: "virtualization_type", Type: vtab.Text, Get: func(i instance) any { return str(i.Value.VirtualizationType) }},
			{Name: "root_device_type", Type: vtab.Text, Get: func(i instance) any { return str(i.Value.RootDeviceType) }},
			{Name: "root_device_name", Type: vtab.Text, Get: func(i instance) any { return i.Value.RootDeviceName }},
			{Name: "iam_instance_profile_arn", Type: vtab.Text, Get: func(i instance) any {
				if i.Value.IamInstanceProfile == nil {
					return nil
				}
				return i.Value.IamInstanceProfile.Arn
			}},
			{Name: "instance_lifecycle", Type: vtab.Text, Push: filter("instance-lifecycle"), Doc: "spot, scheduled, capacity-block; NULL for on-demand",
				Get: func(i instance) any { return str(i.Value.InstanceLifecycle) }},
			{Name: "spot_instance_request_id", Type: vtab.Text, Get: func(i instance) any { return i.Value.SpotInstanceRequestId }},
			{Name: "ebs_optimized", Type: vtab.Bool, Get: func(i instance) any { return i.Value.EbsOptimized }},
			{Name: "ena_support", Type: vtab.Bool, Get: func(i instance) any { return i.Value.EnaSupport }},
			{Name: "monitoring_state", Type: vtab.Text, Get: func(i instance) any {
				if i.Value.Monitoring == nil {
					return nil
				}
				return str(i.Value.Monitoring.State)
			}},
			{Name: "cpu_options_core_count", Type: vtab.Integer, Get: func(i instance) any {
				if i.Value.CpuOptions == nil {
					return nil
				}
				return i.Value.CpuOptions.CoreCount
			}},
			{Name: "cpu_options_threads_per_core", Type: vtab.Integer, Get: func(i instance) any {
				if i.Value.CpuOptions == nil {
					return nil
				}
				return i.Value.CpuOptions.ThreadsPerCore
			}},
			{Name: "boot_mode", Type: vtab.Text, Get: func(i instance) any { return str(i.Value.BootMode) }},
			{Name: "security_groups", Type: vtab.JSON, Get: func(i instance) any { return i.Value.SecurityGroups }},
			{Name: "network_interfaces", Type: vtab.JSON, Get: func(i instance) any { return i.Value.NetworkInterfaces }},
			{Name: "block_device_mappings", Type: vtab.JSON, Get: func(i instance) any { return i.Value.BlockDeviceMappings }},
			{Name: "metadata_options", Type: vtab.JSON, Get: func(i instance) any { return i.Value.MetadataOptions }},
			{Name: "tags", Type: vtab.JSON, Get: func(i instance) any { return ec2Tags(i.Value.Tags) }},
		},
		list: listInstances,
	})
}

func listInstances(ctx context.Context, c *fetch.Client, in *ec2.DescribeInstancesInput, q *vtab.Query) iter.Seq2[[]types.Instance, error] {
	in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
	p := ec2.NewDescribeInstancesPaginator(fetch.Service(c, ec2.NewFromConfig), in)
	pages := fetch.Pages(ctx, p, func(out *ec2.DescribeInstancesOutput) []types.Instance {
		var is []types.Instance
		for _, r := range out.Reservations {
			is = append(is, r.Instances...)
		}
		return is
	}, q.Limit)
	return fetch.NotFound(pages, "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")
}
