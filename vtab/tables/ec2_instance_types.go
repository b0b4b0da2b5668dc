package tables

import (
	"context"
	"iter"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// InstanceTypeRow is a row of ec2_instance_types: a type the region offers
// and, when the query gave one, the wildcard pattern it was listed by
// (Steampipe's instance_type_pattern, an input rather than data).
type InstanceTypeRow struct {
	types.InstanceTypeInfo
	Pattern *string
}

type instanceTypeItem = fetch.Item[InstanceTypeRow]

// instanceTypesInput is DescribeInstanceTypes' input and the pattern the
// query gave.
type instanceTypesInput struct {
	ec2.DescribeInstanceTypesInput
	pattern *string
}

// EC2InstanceTypes is ec2_instance_types: DescribeInstanceTypes, the
// instance types each region offers, with their vCPUs, cores, threads,
// memory, architectures, accelerators and what they support.
func EC2InstanceTypes(s *fetch.Session) Table {
	vcpu := func(get func(*types.VCpuInfo) *int32) func(*instanceTypeItem) any {
		return func(t *instanceTypeItem) any {
			if t.Value.VCpuInfo == nil {
				return nil
			}
			return get(t.Value.VCpuInfo)
		}
	}
	return define(s, regional[InstanceTypeRow, instanceTypesInput]{
		name:    "ec2_instance_types",
		aliases: []string{"aws_ec2_instance_type"},
		doc:     "the instance types each region offers (DescribeInstanceTypes)",
		rows:    1e3,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeInstanceTypesOutput]("EC2", "DescribeInstanceTypes", "ec2:DescribeInstanceTypes")},
		filters: func(in *instanceTypesInput) *[]types.Filter { return &in.Filters },
		id: func(t InstanceTypeRow) string {
			// A pattern is part of the row: the same type listed by two
			// patterns (an OR) is two rows.
			return string(t.InstanceType) + "/" + aws.ToString(t.Pattern)
		},
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ec2.NewFromConfig).DescribeInstanceTypes(ctx, &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(5)})
			return "", err
		},
		columns: []col[InstanceTypeRow, instanceTypesInput]{
			{Name: "instance_type", Type: vtab.Text, Get: func(t *instanceTypeItem) any { return enum(&t.Value.InstanceType) },
				Push: filter("instance-type").selective(100)},
			{Name: "instance_type_pattern", Type: vtab.Text, Hidden: true, Nullable: true,
				Doc: "list only the types matching a wildcard pattern ('c5*', 't?.micro'), as Steampipe's; NULL when none was given",
				Get: from[InstanceTypeRow]("Pattern"),
				Push: param("filter instance-type, as a wildcard", 1, func(in *instanceTypesInput, v []string) {
					in.pattern = &v[0]
				}).selective(10).perCall()},
			{Name: "title", Type: vtab.Text, Doc: "the instance type, as Steampipe titles it", Get: func(t *instanceTypeItem) any { return enum(&t.Value.InstanceType) }},
			{Name: "akas", Type: vtab.JSON, Doc: "the type's ARN as a list, as Steampipe names it", Get: func(t *instanceTypeItem) any {
				return []string{"arn:" + s.Partition() + ":ec2:::instance-type/" + string(t.Value.InstanceType)}
			}},
			// Convenience columns: the figures software-asset management and
			// capacity planning read most, out of the JSON below.
			{Name: "default_vcpus", Type: vtab.Integer, Get: vcpu(func(v *types.VCpuInfo) *int32 { return v.DefaultVCpus })},
			{Name: "default_cores", Type: vtab.Integer, Get: vcpu(func(v *types.VCpuInfo) *int32 { return v.DefaultCores })},
			{Name: "default_threads_per_core", Type: vtab.Integer, Get: vcpu(func(v *types.VCpuInfo) *int32 { return v.DefaultThreadsPerCore })},
			{Name: "memory_mib", Type: vtab.Integer, Get: from[InstanceTypeRow]("MemoryInfo.SizeInMiB")},
			{Name: "auto_recovery_supported", Type: vtab.Bool, Get: from[InstanceTypeRow]("AutoRecoverySupported")},
			{Name: "bare_metal", Type: vtab.Bool, Get: from[InstanceTypeRow]("BareMetal")},
			{Name: "burstable_performance_supported", Type: vtab.Bool, Get: from[InstanceTypeRow]("BurstablePerformanceSupported")},
			{Name: "current_generation", Type: vtab.Bool, Get: from[InstanceTypeRow]("CurrentGeneration")},
			{Name: "dedicated_hosts_supported", Type: vtab.Bool, Get: from[InstanceTypeRow]("DedicatedHostsSupported")},
			{Name: "free_tier_eligible", Type: vtab.Bool, Get: from[InstanceTypeRow]("FreeTierEligible")},
			{Name: "nitro_enclaves_support", Type: vtab.Text, Doc: "supported or unsupported",
				Get: func(t *instanceTypeItem) any { return enum(&t.Value.NitroEnclavesSupport) }},
			{Name: "nitro_tpm_support", Type: vtab.Text, Doc: "supported or unsupported",
				Get: func(t *instanceTypeItem) any { return enum(&t.Value.NitroTpmSupport) }},
			{Name: "hibernation_supported", Type: vtab.Bool, Get: from[InstanceTypeRow]("HibernationSupported")},
			{Name: "hypervisor", Type: vtab.Text, Doc: "nitro or xen; NULL for bare metal", Get: func(t *instanceTypeItem) any { return enum(&t.Value.Hypervisor) }},
			// Text, as Steampipe types it: 'true' or 'false'.
			{Name: "instance_storage_supported", Type: vtab.Text, Doc: "'true' or 'false' (text, as Steampipe's)", Get: func(t *instanceTypeItem) any {
				if t.Value.InstanceStorageSupported == nil {
					return nil
				}
				return strconv.FormatBool(*t.Value.InstanceStorageSupported)
			}},
			{Name: "ebs_info", Type: vtab.JSON, Get: from[InstanceTypeRow]("EbsInfo")},
			// DescribeInstanceTypes describes the types of the region it is
			// called in.
			{Name: "location_type", Type: vtab.Text, Doc: "region: the types are those the region offers",
				Get: func(*instanceTypeItem) any { return string(types.LocationTypeRegion) }},
			{Name: "memory_info", Type: vtab.JSON, Doc: `{"SizeInMiB"}`, Get: from[InstanceTypeRow]("MemoryInfo")},
			{Name: "network_info", Type: vtab.JSON, Get: from[InstanceTypeRow]("NetworkInfo")},
			{Name: "placement_group_info", Type: vtab.JSON, Get: from[InstanceTypeRow]("PlacementGroupInfo")},
			{Name: "processor_info", Type: vtab.JSON, Doc: `{"SupportedArchitectures", "SustainedClockSpeedInGhz", "Manufacturer"}`,
				Get: from[InstanceTypeRow]("ProcessorInfo")},
			{Name: "supported_root_device_types", Type: vtab.JSON, Get: from[InstanceTypeRow]("SupportedRootDeviceTypes")},
			{Name: "supported_usage_classes", Type: vtab.JSON, Doc: "on-demand, spot, capacity-block", Get: from[InstanceTypeRow]("SupportedUsageClasses")},
			{Name: "supported_virtualization_types", Type: vtab.JSON, Nullable: true, Doc: "hvm, paravirtual; NULL for bare metal",
				Get: from[InstanceTypeRow]("SupportedVirtualizationTypes")},
			{Name: "v_cpu_info", Type: vtab.JSON, Doc: `{"DefaultVCpus", "DefaultCores", "DefaultThreadsPerCore", "ValidCores", "ValidThreadsPerCore"}`,
				Get: from[InstanceTypeRow]("VCpuInfo")},
			{Name: "gpu_info", Type: vtab.JSON, Nullable: true, Doc: "NULL without GPUs", Get: from[InstanceTypeRow]("GpuInfo")},
			{Name: "fpga_info", Type: vtab.JSON, Nullable: true, Doc: "NULL without FPGAs", Get: from[InstanceTypeRow]("FpgaInfo")},
			{Name: "inference_accelerator_info", Type: vtab.JSON, Nullable: true, Doc: "NULL without", Get: from[InstanceTypeRow]("InferenceAcceleratorInfo")},
			{Name: "instance_storage_info", Type: vtab.JSON, Nullable: true, Doc: "NULL without instance storage", Get: from[InstanceTypeRow]("InstanceStorageInfo")},
			{Name: "media_accelerator_info", Type: vtab.JSON, Nullable: true, Doc: "NULL without", Get: from[InstanceTypeRow]("MediaAcceleratorInfo")},
			{Name: "neuron_info", Type: vtab.JSON, Nullable: true, Doc: "NULL without Neuron devices", Get: from[InstanceTypeRow]("NeuronInfo")},
			{Name: "nitro_tpm_info", Type: vtab.JSON, Nullable: true, Doc: "NULL without NitroTPM", Get: from[InstanceTypeRow]("NitroTpmInfo")},
			{Name: "supported_boot_modes", Type: vtab.JSON, Doc: "legacy-bios, uefi", Get: from[InstanceTypeRow]("SupportedBootModes")},
		},
		list: func(ctx context.Context, c *fetch.Client, in *instanceTypesInput, q *vtab.Query) iter.Seq2[[]InstanceTypeRow, error] {
			// The pattern is the API's own wildcard filter, unescaped; with
			// instance_type given too, the exact filter already narrows the
			// call, and the pattern is matched here, the way EC2 does.
			local := ""
			if in.pattern != nil {
				if len(in.Filters) == 0 {
					in.Filters = []types.Filter{{Name: aws.String("instance-type"), Values: []string{*in.pattern}}}
				} else {
					local = *in.pattern
				}
			}
			in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 100))
			p := ec2.NewDescribeInstanceTypesPaginator(fetch.Service(c, ec2.NewFromConfig), &in.DescribeInstanceTypesInput)
			return fetch.Pages(ctx, p, func(out *ec2.DescribeInstanceTypesOutput) []InstanceTypeRow {
				rows := make([]InstanceTypeRow, 0, len(out.InstanceTypes))
				for _, t := range out.InstanceTypes {
					if local == "" || ec2Wildcard(local, string(t.InstanceType)) {
						rows = append(rows, InstanceTypeRow{InstanceTypeInfo: t, Pattern: in.pattern})
					}
				}
				return rows
			}, q.Limit)
		},
	})
}

// ec2Wildcard reports whether s matches an EC2 filter value: '*' matches
// any run of characters, '?' one, and a backslash makes the next '*', '?'
// or '\' literal.
func ec2Wildcard(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	if len(p) == 0 {
		return len(t) == 0
	}
	switch {
	case p[0] == '*':
		for i := 0; i <= len(t); i++ {
			if ec2Wildcard(string(p[1:]), string(t[i:])) {
				return true
			}
		}
		return false
	case len(t) == 0:
		return false
	case p[0] == '?':
		return ec2Wildcard(string(p[1:]), string(t[1:]))
	case p[0] == '\\' && len(p) > 1 && (p[1] == '*' || p[1] == '?' || p[1] == '\\'):
		return t[0] == p[1] && ec2Wildcard(string(p[2:]), string(t[1:]))
	}
	return t[0] == p[0] && ec2Wildcard(string(p[1:]), string(t[1:]))
}
