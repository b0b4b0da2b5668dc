package fakedata

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The instance types DescribeInstanceTypes answers: every type the demo's
// and the generated instances run, and a few more so that every field is
// set somewhere (bare metal, a previous generation, GPUs, an FPGA, Neuron
// and media accelerators, instance storage). The figures are AWS's for
// these types, as DescribeInstanceTypes gives them.

// typeSpec is the choices that make an instance type.
type typeSpec struct {
	name              ec2types.InstanceType
	vcpus, cores, tpc int32
	validCores        []int32 // nil: the type's cores cannot be changed
	mib               int64
	arch              []ec2types.ArchitectureType // default x86_64
	maker             string                      // default Intel
	ghz               float64
	xen, metal        bool // default nitro
	burst, freeTier   bool
	previous          bool // a previous generation
	network           string
	enis, ipv4        int32
	// Instance storage: count disks of gb each (NVMe SSD).
	disks, diskGB int64
	accel         func(*ec2types.InstanceTypeInfo)
	// regions: where the type is offered; nil: every region.
	regions []string
}

// instanceTypeSpecs lists the types; the big and special ones are offered
// only in some of the demo's regions, as AWS offers them.
func instanceTypeSpecs() []typeSpec {
	big := []string{"us-east-1", "us-west-2", "eu-west-1"}
	mib := func(n int32) *int32 { return aws.Int32(n) }
	return []typeSpec{
		{name: "t2.micro", vcpus: 1, cores: 1, tpc: 1, mib: 1024, arch: []ec2types.ArchitectureType{"i386", "x86_64"}, ghz: 2.5, xen: true,
			burst: true, freeTier: true, network: "Low to Moderate", enis: 2, ipv4: 2},
		{name: "m1.small", vcpus: 1, cores: 1, tpc: 1, mib: 1740, arch: []ec2types.ArchitectureType{"i386", "x86_64"}, ghz: 2.0, xen: true,
			previous: true, network: "Low", enis: 2, ipv4: 4},
		{name: "t3.micro", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 1024, ghz: 2.5, burst: true, freeTier: true,
			network: "Up to 5 Gigabit", enis: 2, ipv4: 2},
		{name: "t3.small", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 2048, ghz: 2.5, burst: true,
			network: "Up to 5 Gigabit", enis: 3, ipv4: 4},
		{name: "t3.medium", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 4096, ghz: 2.5, burst: true,
			network: "Up to 5 Gigabit", enis: 3, ipv4: 6},
		{name: "t3.large", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 8192, ghz: 2.5, burst: true,
			network: "Up to 5 Gigabit", enis: 3, ipv4: 12},
		{name: "t4g.medium", vcpus: 2, cores: 2, tpc: 1, validCores: []int32{1, 2}, mib: 4096, arch: []ec2types.ArchitectureType{"arm64"},
			maker: "AWS", ghz: 2.5, burst: true, network: "Up to 5 Gigabit", enis: 3, ipv4: 6},
		{name: "m4.large", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 8192, ghz: 2.4, xen: true, previous: true,
			network: "Moderate", enis: 2, ipv4: 10},
		{name: "m5.large", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 8192, ghz: 3.1, network: "Up to 10 Gigabit", enis: 3, ipv4: 10},
		{name: "m5.xlarge", vcpus: 4, cores: 2, tpc: 2, validCores: []int32{2}, mib: 16384, ghz: 3.1, network: "Up to 10 Gigabit", enis: 4, ipv4: 15},
		{name: "m5.metal", vcpus: 96, cores: 48, tpc: 2, mib: 393216, ghz: 3.1, metal: true, network: "25 Gigabit", enis: 15, ipv4: 50},
		{name: "m6g.large", vcpus: 2, cores: 2, tpc: 1, validCores: []int32{1, 2}, mib: 8192, arch: []ec2types.ArchitectureType{"arm64"},
			maker: "AWS", ghz: 2.5, network: "Up to 10 Gigabit", enis: 3, ipv4: 10},
		{name: "c5.large", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 4096, ghz: 3.4, network: "Up to 10 Gigabit", enis: 3, ipv4: 10},
		{name: "c5.xlarge", vcpus: 4, cores: 2, tpc: 2, validCores: []int32{2}, mib: 8192, ghz: 3.4, network: "Up to 10 Gigabit", enis: 4, ipv4: 15},
		{name: "c5.2xlarge", vcpus: 8, cores: 4, tpc: 2, validCores: []int32{2, 4}, mib: 16384, ghz: 3.4, network: "Up to 10 Gigabit", enis: 4, ipv4: 15},
		{name: "c6i.large", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 4096, ghz: 3.5, network: "Up to 12.5 Gigabit", enis: 3, ipv4: 10},
		{name: "r5.large", vcpus: 2, cores: 1, tpc: 2, validCores: []int32{1}, mib: 16384, ghz: 3.1, network: "Up to 10 Gigabit", enis: 3, ipv4: 10},
		{name: "r5.xlarge", vcpus: 4, cores: 2, tpc: 2, validCores: []int32{2}, mib: 32768, ghz: 3.1, network: "Up to 10 Gigabit", enis: 4, ipv4: 15},
		{name: "g4dn.xlarge", vcpus: 4, cores: 2, tpc: 2, validCores: []int32{2}, mib: 16384, ghz: 2.5, network: "Up to 25 Gigabit", enis: 3, ipv4: 10,
			disks: 1, diskGB: 125, accel: func(t *ec2types.InstanceTypeInfo) {
				t.GpuInfo = &ec2types.GpuInfo{TotalGpuMemoryInMiB: mib(16384), Gpus: []ec2types.GpuDeviceInfo{{Count: aws.Int32(1),
					Manufacturer: aws.String("NVIDIA"), Name: aws.String("T4"), MemoryInfo: &ec2types.GpuDeviceMemoryInfo{SizeInMiB: mib(16384)}}}}
			}},
		{name: "p4d.24xlarge", vcpus: 96, cores: 48, tpc: 2, mib: 1179648, ghz: 3.0, network: "4x 100 Gigabit", enis: 60, ipv4: 50,
			disks: 8, diskGB: 1000, regions: []string{"us-east-1", "us-west-2"}, accel: func(t *ec2types.InstanceTypeInfo) {
				t.GpuInfo = &ec2types.GpuInfo{TotalGpuMemoryInMiB: mib(327680), Gpus: []ec2types.GpuDeviceInfo{{Count: aws.Int32(8),
					Manufacturer: aws.String("NVIDIA"), Name: aws.String("A100"), MemoryInfo: &ec2types.GpuDeviceMemoryInfo{SizeInMiB: mib(40960)}}}}
				t.NetworkInfo.EfaSupported = aws.Bool(true)
				t.NetworkInfo.EfaInfo = &ec2types.EfaInfo{MaximumEfaInterfaces: aws.Int32(4)}
				t.SupportedUsageClasses = append(t.SupportedUsageClasses, ec2types.UsageClassTypeCapacityBlock)
			}},
		{name: "f1.2xlarge", vcpus: 8, cores: 4, tpc: 2, validCores: []int32{1, 2, 3, 4}, mib: 124928, ghz: 2.3, xen: true,
			network: "Up to 10 Gigabit", enis: 4, ipv4: 15, disks: 1, diskGB: 470, regions: big, accel: func(t *ec2types.InstanceTypeInfo) {
				t.FpgaInfo = &ec2types.FpgaInfo{TotalFpgaMemoryInMiB: mib(65536), Fpgas: []ec2types.FpgaDeviceInfo{{Count: aws.Int32(1),
					Manufacturer: aws.String("Xilinx"), Name: aws.String("Virtex UltraScale (VU9P)"), MemoryInfo: &ec2types.FpgaDeviceMemoryInfo{SizeInMiB: mib(65536)}}}}
			}},
		{name: "inf1.xlarge", vcpus: 4, cores: 2, tpc: 2, validCores: []int32{2}, mib: 8192, ghz: 3.0, network: "Up to 25 Gigabit", enis: 4, ipv4: 10,
			regions: big, accel: func(t *ec2types.InstanceTypeInfo) {
				t.InferenceAcceleratorInfo = &ec2types.InferenceAcceleratorInfo{TotalInferenceMemoryInMiB: mib(8192),
					Accelerators: []ec2types.InferenceDeviceInfo{{Count: aws.Int32(1), Manufacturer: aws.String("AWS"), Name: aws.String("Inferentia"),
						MemoryInfo: &ec2types.InferenceDeviceMemoryInfo{SizeInMiB: mib(8192)}}}}
				t.NeuronInfo = &ec2types.NeuronInfo{TotalNeuronDeviceMemoryInMiB: mib(8192),
					NeuronDevices: []ec2types.NeuronDeviceInfo{{Count: aws.Int32(1), Name: aws.String("Inferentia"),
						CoreInfo:   &ec2types.NeuronDeviceCoreInfo{Count: aws.Int32(4), Version: aws.Int32(1)},
						MemoryInfo: &ec2types.NeuronDeviceMemoryInfo{SizeInMiB: mib(8192)}}}}
			}},
		{name: "vt1.3xlarge", vcpus: 12, cores: 6, tpc: 2, validCores: []int32{6}, mib: 24576, ghz: 2.5, network: "3.125 Gigabit", enis: 4, ipv4: 15,
			regions: []string{"us-east-1", "us-west-2"}, accel: func(t *ec2types.InstanceTypeInfo) {
				t.MediaAcceleratorInfo = &ec2types.MediaAcceleratorInfo{TotalMediaMemoryInMiB: mib(24576),
					Accelerators: []ec2types.MediaDeviceInfo{{Count: aws.Int32(1), Manufacturer: aws.String("Xilinx"), Name: aws.String("U30"),
						MemoryInfo: &ec2types.MediaDeviceMemoryInfo{SizeInMiB: mib(24576)}}}}
			}},
	}
}

// InstanceTypesOf returns the instance types a region offers.
func InstanceTypesOf(region string) []ec2types.InstanceTypeInfo {
	var out []ec2types.InstanceTypeInfo
	for _, sp := range instanceTypeSpecs() {
		if sp.regions == nil || slices.Contains(sp.regions, region) {
			out = append(out, sp.info())
		}
	}
	return out
}

func (sp typeSpec) info() ec2types.InstanceTypeInfo {
	arch := sp.arch
	if arch == nil {
		arch = []ec2types.ArchitectureType{ec2types.ArchitectureTypeX8664}
	}
	maker := sp.maker
	if maker == "" {
		maker = "Intel"
	}
	nitro := !sp.xen && !sp.metal
	tpcs := []int32{1}
	if sp.tpc == 2 {
		tpcs = []int32{1, 2}
	}
	t := ec2types.InstanceTypeInfo{
		InstanceType:                  sp.name,
		CurrentGeneration:             aws.Bool(!sp.previous),
		FreeTierEligible:              aws.Bool(sp.freeTier),
		SupportedUsageClasses:         []ec2types.UsageClassType{ec2types.UsageClassTypeOnDemand, ec2types.UsageClassTypeSpot},
		SupportedRootDeviceTypes:      []ec2types.RootDeviceType{ec2types.RootDeviceTypeEbs},
		SupportedVirtualizationTypes:  []ec2types.VirtualizationType{ec2types.VirtualizationTypeHvm},
		BareMetal:                     aws.Bool(sp.metal),
		ProcessorInfo:                 &ec2types.ProcessorInfo{SupportedArchitectures: arch, SustainedClockSpeedInGhz: aws.Float64(sp.ghz), Manufacturer: aws.String(maker)},
		VCpuInfo:                      &ec2types.VCpuInfo{DefaultVCpus: aws.Int32(sp.vcpus), DefaultCores: aws.Int32(sp.cores), DefaultThreadsPerCore: aws.Int32(sp.tpc)},
		MemoryInfo:                    &ec2types.MemoryInfo{SizeInMiB: aws.Int64(sp.mib)},
		InstanceStorageSupported:      aws.Bool(sp.disks > 0),
		HibernationSupported:          aws.Bool(!sp.metal && sp.disks == 0 && sp.mib <= 153600),
		BurstablePerformanceSupported: aws.Bool(sp.burst),
		DedicatedHostsSupported:       aws.Bool(!sp.burst || sp.name == "t3.large"),
		AutoRecoverySupported:         aws.Bool(sp.disks == 0),
		SupportedBootModes:            []ec2types.BootModeType{ec2types.BootModeTypeLegacyBios, ec2types.BootModeTypeUefi},
		NitroEnclavesSupport:          ec2types.NitroEnclavesSupportUnsupported,
		NitroTpmSupport:               ec2types.NitroTpmSupportUnsupported,
		PlacementGroupInfo: &ec2types.PlacementGroupInfo{SupportedStrategies: []ec2types.PlacementGroupStrategy{
			ec2types.PlacementGroupStrategyCluster, ec2types.PlacementGroupStrategyPartition, ec2types.PlacementGroupStrategySpread}},
		NetworkInfo: &ec2types.NetworkInfo{
			NetworkPerformance:           aws.String(sp.network),
			MaximumNetworkInterfaces:     aws.Int32(sp.enis),
			MaximumNetworkCards:          aws.Int32(1),
			DefaultNetworkCardIndex:      aws.Int32(0),
			NetworkCards:                 []ec2types.NetworkCardInfo{{NetworkCardIndex: aws.Int32(0), NetworkPerformance: aws.String(sp.network), MaximumNetworkInterfaces: aws.Int32(sp.enis)}},
			Ipv4AddressesPerInterface:    aws.Int32(sp.ipv4),
			Ipv6AddressesPerInterface:    aws.Int32(sp.ipv4),
			Ipv6Supported:                aws.Bool(true),
			EnaSupport:                   ec2types.EnaSupportRequired,
			EfaSupported:                 aws.Bool(false),
			EncryptionInTransitSupported: aws.Bool(nitro && !sp.burst),
		},
		EbsInfo: &ec2types.EbsInfo{
			EbsOptimizedSupport: ec2types.EbsOptimizedSupportDefault,
			EncryptionSupport:   ec2types.EbsEncryptionSupportSupported,
			NvmeSupport:         ec2types.EbsNvmeSupportRequired,
			EbsOptimizedInfo: &ec2types.EbsOptimizedInfo{
				BaselineBandwidthInMbps: aws.Int32(650 * sp.vcpus), BaselineThroughputInMBps: aws.Float64(81.25 * float64(sp.vcpus)),
				BaselineIops: aws.Int32(3600 * sp.vcpus), MaximumBandwidthInMbps: aws.Int32(4750 * min(sp.vcpus, 4)),
				MaximumThroughputInMBps: aws.Float64(593.75 * float64(min(sp.vcpus, 4))), MaximumIops: aws.Int32(18750 * min(sp.vcpus, 4)),
			},
		},
	}
	if sp.validCores != nil {
		t.VCpuInfo.ValidCores, t.VCpuInfo.ValidThreadsPerCore = sp.validCores, tpcs
	}
	switch {
	case sp.metal:
		t.SupportedVirtualizationTypes = nil // no hypervisor
	case sp.xen:
		t.Hypervisor = ec2types.InstanceTypeHypervisorXen
		t.SupportedBootModes = []ec2types.BootModeType{ec2types.BootModeTypeLegacyBios}
		t.SupportedVirtualizationTypes = []ec2types.VirtualizationType{ec2types.VirtualizationTypeHvm, ec2types.VirtualizationTypeParavirtual}
		t.NetworkInfo.EnaSupport = ec2types.EnaSupportSupported
		t.EbsInfo.NvmeSupport = ec2types.EbsNvmeSupportUnsupported
	default:
		t.Hypervisor = ec2types.InstanceTypeHypervisorNitro
		t.NitroTpmSupport = ec2types.NitroTpmSupportSupported
		t.NitroTpmInfo = &ec2types.NitroTpmInfo{SupportedVersions: []string{"2.0"}}
	}
	if slices.Contains(arch, ec2types.ArchitectureTypeArm64) {
		t.SupportedBootModes = []ec2types.BootModeType{ec2types.BootModeTypeUefi}
	}
	if nitro && sp.vcpus >= 4 {
		t.NitroEnclavesSupport = ec2types.NitroEnclavesSupportSupported
	}
	if sp.name == "t2.micro" {
		t.SupportedRootDeviceTypes = append(t.SupportedRootDeviceTypes, ec2types.RootDeviceTypeInstanceStore)
		t.EbsInfo.EbsOptimizedSupport, t.EbsInfo.EbsOptimizedInfo = ec2types.EbsOptimizedSupportUnsupported, nil
	}
	if sp.burst {
		// Burstable types cannot go in a cluster placement group.
		t.PlacementGroupInfo.SupportedStrategies = t.PlacementGroupInfo.SupportedStrategies[1:]
	}
	if sp.disks > 0 {
		t.InstanceStorageInfo = &ec2types.InstanceStorageInfo{
			TotalSizeInGB:     aws.Int64(sp.disks * sp.diskGB),
			Disks:             []ec2types.DiskInfo{{SizeInGB: aws.Int64(sp.diskGB), Count: aws.Int32(int32(sp.disks)), Type: ec2types.DiskTypeSsd}},
			NvmeSupport:       ec2types.EphemeralNvmeSupportRequired,
			EncryptionSupport: ec2types.InstanceStorageEncryptionSupportRequired,
		}
	}
	if sp.accel != nil {
		sp.accel(&t)
	}
	return t
}
