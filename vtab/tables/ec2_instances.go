package tables

import (
	"context"
	"encoding/base64"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type instance = fetch.Item[*types.Instance]

// EC2Instances is ec2_instances, Steampipe's aws_ec2_instance:
// DescribeInstances, and for the columns Steampipe reads with a call per
// instance (termination protection, shutdown behavior, user data, launch
// template data, status) that call, made only when the statement reads the
// column.
func EC2Instances(s *fetch.Session) Table {
	type column = col[*types.Instance, ec2.DescribeInstancesInput]
	return define(s, regional[*types.Instance, ec2.DescribeInstancesInput]{
		name:    "ec2_instances",
		aliases: []string{"aws_ec2_instance"},
		doc:     "EC2 instances (DescribeInstances)",
		rows:    1e5,
		ops: []fetch.Operation{
			fetch.Read[ec2.DescribeInstancesOutput]("EC2", "DescribeInstances", "ec2:DescribeInstances"),
			fetch.Read[ec2.DescribeInstanceAttributeOutput]("EC2", "DescribeInstanceAttribute", "ec2:DescribeInstanceAttribute"),
			fetch.Read[ec2.GetLaunchTemplateDataOutput]("EC2", "GetLaunchTemplateData", "ec2:GetLaunchTemplateData"),
			fetch.Read[ec2.DescribeInstanceStatusOutput]("EC2", "DescribeInstanceStatus", "ec2:DescribeInstanceStatus"),
		},
		filters: func(in *ec2.DescribeInstancesInput) *[]types.Filter { return &in.Filters },
		id:      func(i *types.Instance) string { return aws.ToString(i.InstanceId) },
		probe:   probeInstances,
		arn: func(i instance) string {
			return "arn:" + s.Partition() + ":ec2:" + i.Region + ":" + i.Account + ":instance/" + aws.ToString(i.Value.InstanceId)
		},
		title: func(i *types.Instance) any { return nameTag(i.Tags, i.InstanceId) },
		tags:  func(i *types.Instance) any { return i.Tags },
		// What id, arn, tags and the calls per instance read.
		idReads: []string{"InstanceId"}, tagsReads: []string{"Tags"},
		project: project[ec2.DescribeInstancesOutput]("Reservations.Instances"),
		columns: []column{
			// A filter, not InstanceIds: one id that does not exist would
			// fail the whole call, and an IN list may hold one.
			{Name: "instance_id", Type: vtab.Text, Field: "InstanceId", Push: filter("instance-id").selective(1e6)},
			{Name: "instance_type", Type: vtab.Text, Push: filter("instance-type"), Field: "InstanceType"},
			{Name: "instance_state", Type: vtab.Text, Push: filter("instance-state-name"), Field: "State.Name"},
			// A call per instance each, made only when read. Among the
			// first columns: SQLite tells apart only the first 63 when it
			// says which columns a statement reads.
			{Name: "disable_api_termination", Hidden: true, Type: vtab.Bool, Doc: "termination protection (DescribeInstanceAttribute, a call per instance when read)",
				Reads: []string{}, Hydrate: instanceAttribute(types.InstanceAttributeNameDisableApiTermination, func(o *ec2.DescribeInstanceAttributeOutput) any {
					// Steampipe's default: protection is off unless AWS says on.
					if o.DisableApiTermination == nil || o.DisableApiTermination.Value == nil {
						return false
					}
					return *o.DisableApiTermination.Value
				})},
			{Name: "instance_initiated_shutdown_behavior", Hidden: true, Type: vtab.Text,
				Doc:   "stop or terminate, on a shutdown from within the instance (DescribeInstanceAttribute, a call per instance when read)",
				Reads: []string{}, Hydrate: instanceAttribute(types.InstanceAttributeNameInstanceInitiatedShutdownBehavior, func(o *ec2.DescribeInstanceAttributeOutput) any {
					return attributeValue(o.InstanceInitiatedShutdownBehavior)
				})},
			{Name: "user_data", Hidden: true, Type: vtab.Text, Nullable: true,
				Doc:   "the user data, decoded from base64; left in base64 when it is not UTF-8 text (DescribeInstanceAttribute, a call per instance when read)",
				Reads: []string{}, Hydrate: instanceAttribute(types.InstanceAttributeNameUserData, func(o *ec2.DescribeInstanceAttributeOutput) any {
					return userData(attributeValue(o.UserData))
				})},
			{Name: "launch_template_data", Hidden: true, Type: vtab.JSON, Doc: "the instance's launch parameters (GetLaunchTemplateData, a call per instance when read)",
				Reads: []string{}, Hydrate: func(ctx context.Context, c *fetch.Client, v *types.Instance) (any, error) {
					out, err := fetch.Service(c, ec2.NewFromConfig).GetLaunchTemplateData(ctx, &ec2.GetLaunchTemplateDataInput{InstanceId: v.InstanceId})
					if err != nil {
						return nil, err
					}
					return out.LaunchTemplateData, nil
				}},
			{Name: "instance_status", Hidden: true, Type: vtab.JSON, Doc: "status checks and scheduled events (DescribeInstanceStatus, a call per instance when read)",
				Reads: []string{}, Hydrate: func(ctx context.Context, c *fetch.Client, v *types.Instance) (any, error) {
					out, err := fetch.Service(c, ec2.NewFromConfig).DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{
						InstanceIds: []string{aws.ToString(v.InstanceId)}, IncludeAllInstances: aws.Bool(true)})
					if err != nil || len(out.InstanceStatuses) == 0 {
						return nil, err
					}
					return out.InstanceStatuses[0], nil
				}},
			{Name: "state_code", Type: vtab.Integer, Field: "State.Code"},
			{Name: "state_transition_reason", Type: vtab.Text, Field: "StateTransitionReason"},
			{Name: "state_transition_time", Type: vtab.Time, Doc: "when a stopped or terminated instance last changed state (from state_transition_reason), else launch_time",
				Reads: []string{"StateTransitionReason", "State.Name", "LaunchTime"}, Get: func(i *instance) any { return stateTransitionTime(i.Value) }},
			{Name: "state_reason", Type: vtab.JSON, Field: "StateReason"},
			{Name: "launch_time", Type: vtab.Time, Field: "LaunchTime"},
			{Name: "ami_launch_index", Type: vtab.Integer, Field: "AmiLaunchIndex"},
			{Name: "image_id", Type: vtab.Text, Push: filter("image-id"), Field: "ImageId"},
			{Name: "key_name", Type: vtab.Text, Push: filter("key-name"), Field: "KeyName"},
			{Name: "client_token", Type: vtab.Text, Field: "ClientToken"},
			{Name: "vpc_id", Type: vtab.Text, Push: filter("vpc-id"), Field: "VpcId"},
			{Name: "subnet_id", Type: vtab.Text, Push: filter("subnet-id"), Field: "SubnetId"},
			{Name: "private_ip_address", Type: vtab.Text, Field: "PrivateIpAddress"},
			{Name: "private_dns_name", Type: vtab.Text, Field: "PrivateDnsName"},
			{Name: "public_ip_address", Type: vtab.Text, Field: "PublicIpAddress"},
			{Name: "public_dns_name", Type: vtab.Text, Field: "PublicDnsName"},
			{Name: "ipv6_address", Type: vtab.Text, Nullable: true, Doc: "the instance's primary IPv6 address", Field: "Ipv6Address"},
			{Name: "source_dest_check", Type: vtab.Bool, Field: "SourceDestCheck"},
			{Name: "placement_availability_zone", Type: vtab.Text, Push: filter("availability-zone"), Field: "Placement.AvailabilityZone"},
			{Name: "placement_tenancy", Type: vtab.Text, Push: filter("tenancy"), Doc: "default, dedicated or host", Field: "Placement.Tenancy"},
			{Name: "placement_affinity", Type: vtab.Text, Doc: "default or host, on a Dedicated Host", Field: "Placement.Affinity"},
			{Name: "placement_group_id", Type: vtab.Text, Field: "Placement.GroupId"},
			{Name: "placement_group_name", Type: vtab.Text, Field: "Placement.GroupName"},
			{Name: "placement_host_id", Type: vtab.Text, Field: "Placement.HostId"},
			{Name: "placement_host_resource_group_arn", Type: vtab.Text, Field: "Placement.HostResourceGroupArn"},
			{Name: "placement_partition_number", Type: vtab.Integer, Field: "Placement.PartitionNumber"},
			{Name: "outpost_arn", Type: vtab.Text, Field: "OutpostArn"},
			{Name: "platform", Type: vtab.Text, Nullable: true, Doc: "windows, or NULL for Linux/UNIX", Field: "Platform"},
			{Name: "platform_details", Type: vtab.Text, Field: "PlatformDetails"},
			{Name: "usage_operation", Type: vtab.Text, Field: "UsageOperation"},
			{Name: "usage_operation_update_time", Type: vtab.Text, Doc: "RFC 3339 text, as Steampipe types it", Field: "UsageOperationUpdateTime"},
			{Name: "licenses", Type: vtab.JSON, Field: "Licenses"},
			{Name: "product_codes", Type: vtab.JSON, Field: "ProductCodes"},
			{Name: "architecture", Type: vtab.Text, Push: filter("architecture"), Field: "Architecture"},
			{Name: "hypervisor", Type: vtab.Text, Field: "Hypervisor"},
			{Name: "virtualization_type", Type: vtab.Text, Push: filter("virtualization-type"), Field: "VirtualizationType"},
			{Name: "root_device_type", Type: vtab.Text, Field: "RootDeviceType"},
			{Name: "root_device_name", Type: vtab.Text, Field: "RootDeviceName"},
			{Name: "boot_mode", Type: vtab.Text, Field: "BootMode"},
			{Name: "current_instance_boot_mode", Type: vtab.Text, Field: "CurrentInstanceBootMode"},
			{Name: "tpm_support", Type: vtab.Text, Field: "TpmSupport"},
			// DescribeInstances carries the kernel, the RAM disk and the
			// Intel 82599 VF flag, which Steampipe reads with a
			// DescribeInstanceAttribute each: the same values, without the
			// calls.
			{Name: "kernel_id", Type: vtab.Text, Doc: "a paravirtual instance's kernel", Field: "KernelId"},
			{Name: "ram_disk_id", Type: vtab.Text, Doc: "a paravirtual instance's RAM disk", Field: "RamdiskId"},
			{Name: "sriov_net_support", Type: vtab.Text, Doc: "simple: enhanced networking with the Intel 82599 Virtual Function", Field: "SriovNetSupport"},
			{Name: "iam_instance_profile_arn", Type: vtab.Text, Push: filter("iam-instance-profile.arn"), Field: "IamInstanceProfile.Arn"},
			{Name: "iam_instance_profile_id", Type: vtab.Text, Field: "IamInstanceProfile.Id"},
			{Name: "instance_lifecycle", Type: vtab.Text, Push: filter("instance-lifecycle"), Doc: "spot, scheduled, capacity-block; NULL for on-demand",
				Field: "InstanceLifecycle"},
			{Name: "spot_instance_request_id", Type: vtab.Text, Field: "SpotInstanceRequestId"},
			{Name: "capacity_reservation_id", Type: vtab.Text, Field: "CapacityReservationId"},
			{Name: "capacity_reservation_specification", Type: vtab.JSON, Field: "CapacityReservationSpecification"},
			{Name: "ebs_optimized", Type: vtab.Bool, Field: "EbsOptimized"},
			{Name: "ena_support", Type: vtab.Bool, Field: "EnaSupport"},
			{Name: "monitoring_state", Type: vtab.Text, Push: filter("monitoring-state"), Doc: "enabled (detailed monitoring) or disabled", Field: "Monitoring.State"},
			{Name: "cpu_options_core_count", Type: vtab.Integer, Field: "CpuOptions.CoreCount"},
			{Name: "cpu_options_threads_per_core", Type: vtab.Integer, Field: "CpuOptions.ThreadsPerCore"},
			{Name: "security_groups", Type: vtab.JSON, Field: "SecurityGroups"},
			{Name: "network_interfaces", Type: vtab.JSON, Field: "NetworkInterfaces"},
			{Name: "block_device_mappings", Type: vtab.JSON, Field: "BlockDeviceMappings"},
			{Name: "metadata_options", Type: vtab.JSON, Field: "MetadataOptions"},
			{Name: "maintenance_options", Type: vtab.JSON, Field: "MaintenanceOptions"},
			{Name: "private_dns_name_options", Type: vtab.JSON, Field: "PrivateDnsNameOptions"},
			{Name: "enclave_options", Type: vtab.JSON, Field: "EnclaveOptions"},
			{Name: "hibernation_options", Type: vtab.JSON, Field: "HibernationOptions"},
			{Name: "elastic_gpu_associations", Type: vtab.JSON, Nullable: true, Doc: "Elastic Graphics, which AWS retired in 2024", Field: "ElasticGpuAssociations"},
			{Name: "elastic_inference_accelerator_associations", Type: vtab.JSON, Nullable: true, Doc: "Elastic Inference, which AWS retired in 2024",
				Field: "ElasticInferenceAcceleratorAssociations"},
		},
		list: listInstances,
	})
}

func listInstances(ctx context.Context, c *fetch.Client, in *ec2.DescribeInstancesInput, q *vtab.Query) iter.Seq2[[]*types.Instance, error] {
	in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
	p := ec2.NewDescribeInstancesPaginator(fetch.Service(c, ec2.NewFromConfig), in)
	pages := fetch.Pages(ctx, p, func(out *ec2.DescribeInstancesOutput) []*types.Instance {
		// By pointer: an Instance is a kilobyte, which each step from the
		// page to the row would copy.
		n := 0
		for _, r := range out.Reservations {
			n += len(r.Instances)
		}
		is := make([]*types.Instance, 0, n)
		for _, r := range out.Reservations {
			for i := range r.Instances {
				is = append(is, &r.Instances[i])
			}
		}
		return is
	}, q.Limit)
	return fetch.NotFound(pages, "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed")
}

// probeInstances reads a few instances, then makes each call of the
// columns read per instance on one of them. With no instance to ask about,
// it asks about one that does not exist: EC2 checks the permission first,
// so InvalidInstanceID.NotFound says that the call is allowed.
func probeInstances(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
	svc := fetch.Service(c, ec2.NewFromConfig)
	out, err := svc.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	if err != nil {
		return "", err
	}
	id := aws.String("i-00000000000000000")
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			if in.State != nil && in.State.Name != types.InstanceStateNameTerminated {
				id = in.InstanceId
			}
		}
	}
	for _, call := range []func() error{
		func() error {
			_, err := svc.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: id, Attribute: types.InstanceAttributeNameDisableApiTermination})
			return err
		},
		func() error {
			_, err := svc.GetLaunchTemplateData(ctx, &ec2.GetLaunchTemplateDataInput{InstanceId: id})
			return err
		},
		func() error {
			_, err := svc.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{aws.ToString(id)}, IncludeAllInstances: aws.Bool(true)})
			return err
		},
	} {
		if err := call(); err != nil && !fetch.IsCode(err, "InvalidInstanceID.NotFound") {
			return "", err
		}
	}
	return "", nil
}

// instanceAttribute reads one attribute of the instance: EC2 answers one
// per DescribeInstanceAttribute call.
func instanceAttribute(name types.InstanceAttributeName, get func(*ec2.DescribeInstanceAttributeOutput) any) func(context.Context, *fetch.Client, *types.Instance) (any, error) {
	return func(ctx context.Context, c *fetch.Client, v *types.Instance) (any, error) {
		out, err := fetch.Service(c, ec2.NewFromConfig).DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{
			InstanceId: v.InstanceId, Attribute: name})
		if err != nil {
			return nil, err
		}
		return get(out), nil
	}
}

// attributeValue is an attribute's value; NULL when the instance has none.
func attributeValue(v *types.AttributeValue) *string {
	if v == nil {
		return nil
	}
	return v.Value
}

// userData decodes user data from base64, as Steampipe does: text when it
// is UTF-8, else (a gzip'd cloud-init, say) the base64 as AWS gave it;
// NULL when there is none or it is not base64. Unlike Steampipe it keeps
// newlines and tabs, which a script needs to be read.
func userData(b64 *string) any {
	if b64 == nil || *b64 == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(*b64)
	if err != nil {
		return nil
	}
	if !utf8.Valid(raw) {
		return *b64
	}
	return string(raw)
}

// stoppedStates are the states whose state_transition_reason says when the
// instance entered them: "User initiated (2026-01-10 08:00:00 GMT)".
var stoppedStates = []types.InstanceStateName{
	types.InstanceStateNameShuttingDown, types.InstanceStateNameStopped, types.InstanceStateNameStopping, types.InstanceStateNameTerminated,
}

// stateTransitionTime is when the instance last changed state, as
// Steampipe reads it: the time in the reason of a stopped, stopping,
// shutting-down or terminated instance, else the launch time.
func stateTransitionTime(in *types.Instance) any {
	reason := aws.ToString(in.StateTransitionReason)
	if in.State != nil && slices.Contains(stoppedStates, in.State.Name) {
		if _, rest, ok := strings.Cut(reason, "("); ok {
			if at, _, ok := strings.Cut(rest, ")"); ok {
				if t, err := time.Parse("2006-01-02 15:04:05 MST", strings.TrimSpace(at)); err == nil {
					return t
				}
			}
		}
	}
	return in.LaunchTime
}

// nameTag is the value of the Name tag, else id: Steampipe's title.
func nameTag(tags []types.Tag, id *string) *string {
	for _, t := range tags {
		if aws.ToString(t.Key) == "Name" {
			return t.Value
		}
	}
	return id
}
