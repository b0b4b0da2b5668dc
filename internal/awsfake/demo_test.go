package awsfake_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// setSomewhere reports whether the dotted field path (e.g.
// "NetworkInterfaces.Attachment.AttachTime") is set (a non-nil pointer, a
// non-empty slice, a non-zero value) in at least one of the records,
// looking through pointers and into every slice element.
func setSomewhere(v reflect.Value, path []string) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return false
		}
		if len(path) == 0 {
			return true
		}
		return setSomewhere(v.Elem(), path)
	case reflect.Slice:
		if len(path) == 0 {
			return v.Len() > 0
		}
		for i := 0; i < v.Len(); i++ {
			if setSomewhere(v.Index(i), path) {
				return true
			}
		}
		return false
	case reflect.Struct:
		if len(path) == 0 {
			return !v.IsZero()
		}
		f := v.FieldByName(path[0])
		if !f.IsValid() {
			panic("no field " + path[0] + " in " + v.Type().String())
		}
		return setSomewhere(f, path[1:])
	default:
		return len(path) == 0 && !v.IsZero()
	}
}

// The project's fidelity test checks that every column is non-NULL in some
// row of the demo, so the demo must fill every field the fake serializes.
func TestDemoFillsEveryField(t *testing.T) {
	ds := fakedata.Demo()
	var instances []ec2types.Instance
	var images []ec2types.Image
	var reserved []ec2types.ReservedInstances
	var dbs []rdstypes.DBInstance
	for _, r := range ds.Accounts[0].Regions {
		instances = append(instances, r.Instances...)
		images = append(images, r.Images...)
		reserved = append(reserved, r.ReservedInstances...)
		dbs = append(dbs, r.DBInstances...)
	}
	for _, imgs := range ds.PublicImages {
		images = append(images, imgs...)
	}
	check := func(records any, fields string) {
		for _, f := range strings.Fields(fields) {
			if !setSomewhere(reflect.ValueOf(records), strings.Split(f, ".")) {
				t.Errorf("%T: no record sets %s", records, f)
			}
		}
	}
	check(instances, `InstanceId InstanceType State.Code State.Name StateTransitionReason StateReason.Code StateReason.Message LaunchTime
		ImageId KeyName VpcId SubnetId PrivateIpAddress PrivateDnsName PublicIpAddress PublicDnsName AmiLaunchIndex ClientToken
		Placement.AvailabilityZone Placement.AvailabilityZoneId Placement.Tenancy Placement.GroupName Platform PlatformDetails
		UsageOperation UsageOperationUpdateTime Architecture Hypervisor VirtualizationType RootDeviceType RootDeviceName
		IamInstanceProfile.Arn IamInstanceProfile.Id InstanceLifecycle SpotInstanceRequestId EbsOptimized EnaSupport SourceDestCheck
		Monitoring.State CpuOptions.CoreCount CpuOptions.ThreadsPerCore SecurityGroups.GroupId SecurityGroups.GroupName
		NetworkInterfaces.NetworkInterfaceId NetworkInterfaces.SubnetId NetworkInterfaces.VpcId NetworkInterfaces.Description
		NetworkInterfaces.OwnerId NetworkInterfaces.Status NetworkInterfaces.MacAddress NetworkInterfaces.PrivateIpAddress
		NetworkInterfaces.PrivateDnsName NetworkInterfaces.SourceDestCheck NetworkInterfaces.InterfaceType
		NetworkInterfaces.Groups.GroupId NetworkInterfaces.Groups.GroupName
		NetworkInterfaces.Attachment.AttachmentId NetworkInterfaces.Attachment.DeviceIndex NetworkInterfaces.Attachment.Status
		NetworkInterfaces.Attachment.AttachTime NetworkInterfaces.Attachment.DeleteOnTermination
		NetworkInterfaces.Association.PublicIp NetworkInterfaces.Association.PublicDnsName NetworkInterfaces.Association.IpOwnerId
		NetworkInterfaces.PrivateIpAddresses.PrivateIpAddress NetworkInterfaces.PrivateIpAddresses.Primary
		BlockDeviceMappings.DeviceName BlockDeviceMappings.Ebs.VolumeId BlockDeviceMappings.Ebs.Status
		BlockDeviceMappings.Ebs.AttachTime BlockDeviceMappings.Ebs.DeleteOnTermination
		MetadataOptions.State MetadataOptions.HttpTokens MetadataOptions.HttpPutResponseHopLimit MetadataOptions.HttpEndpoint
		MetadataOptions.HttpProtocolIpv6 MetadataOptions.InstanceMetadataTags Tags.Key Tags.Value BootMode CurrentInstanceBootMode
		CapacityReservationSpecification.CapacityReservationPreference HibernationOptions.Configured EnclaveOptions.Enabled
		MaintenanceOptions.AutoRecovery PrivateDnsNameOptions.HostnameType TpmSupport
		Ipv6Address NetworkInterfaces.Ipv6Addresses.Ipv6Address Licenses.LicenseConfigurationArn Placement.Affinity
		Placement.GroupId Placement.HostId Placement.HostResourceGroupArn Placement.PartitionNumber CapacityReservationId
		CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId KernelId RamdiskId SriovNetSupport
		OutpostArn ProductCodes.ProductCodeId`)
	check(images, `ImageId ImageLocation State OwnerId CreationDate Public Architecture ImageType Platform PlatformDetails
		UsageOperation Name Description RootDeviceType RootDeviceName BlockDeviceMappings.DeviceName BlockDeviceMappings.Ebs.SnapshotId
		BlockDeviceMappings.Ebs.VolumeSize BlockDeviceMappings.Ebs.VolumeType BlockDeviceMappings.Ebs.DeleteOnTermination
		BlockDeviceMappings.Ebs.Encrypted BlockDeviceMappings.Ebs.Iops BlockDeviceMappings.Ebs.Throughput VirtualizationType
		Hypervisor EnaSupport SriovNetSupport BootMode TpmSupport ImdsSupport DeprecationTime ImageOwnerAlias ProductCodes.ProductCodeId
		ProductCodes.ProductCodeType Tags.Key Tags.Value LastLaunchedTime DeregistrationProtection
		SourceInstanceId SourceImageId SourceImageRegion KernelId RamdiskId StateReason.Code FreeTierEligible ImageAllowed`)
	check(reserved, `ReservedInstancesId InstanceType AvailabilityZone Scope InstanceCount Start End Duration FixedPrice UsagePrice
		RecurringCharges.Frequency RecurringCharges.Amount CurrencyCode OfferingClass OfferingType ProductDescription
		InstanceTenancy State Tags.Key Tags.Value`)
	check(dbs, `DBInstanceIdentifier DBInstanceArn DbiResourceId DBClusterIdentifier DBInstanceClass Engine EngineVersion
		DBInstanceStatus AllocatedStorage MaxAllocatedStorage StorageType Iops StorageThroughput StorageEncrypted KmsKeyId MultiAZ
		AvailabilityZone SecondaryAvailabilityZone PubliclyAccessible Endpoint.Address Endpoint.Port Endpoint.HostedZoneId DBName
		MasterUsername DBSubnetGroup.DBSubnetGroupName DBSubnetGroup.VpcId DBSubnetGroup.SubnetGroupStatus
		DBSubnetGroup.Subnets.SubnetIdentifier DBSubnetGroup.Subnets.SubnetAvailabilityZone.Name InstanceCreateTime
		LatestRestorableTime BackupRetentionPeriod DeletionProtection IAMDatabaseAuthenticationEnabled AutoMinorVersionUpgrade
		CACertificateIdentifier PerformanceInsightsEnabled PerformanceInsightsKMSKeyId PerformanceInsightsRetentionPeriod
		VpcSecurityGroups.VpcSecurityGroupId VpcSecurityGroups.Status DBParameterGroups.DBParameterGroupName
		OptionGroupMemberships.OptionGroupName TagList.Key TagList.Value ReadReplicaSourceDBInstanceIdentifier
		ReadReplicaDBInstanceIdentifiers EnabledCloudwatchLogsExports LicenseModel PromotionTier CertificateDetails.ValidTill`)
}

// The demo has the situations queries look for.
func TestDemoScenarios(t *testing.T) {
	ds := fakedata.Demo()
	acct := ds.Accounts[0]
	var all []ec2types.Instance
	for _, r := range fakedata.DemoRegions() {
		all = append(all, acct.Regions[r].Instances...)
	}
	if n := len(all); n < 30 || n > 60 {
		t.Errorf("%d instances, want 30..60", n)
	}
	has := func(what string, ok func(i ec2types.Instance) bool) {
		for _, i := range all {
			if ok(i) {
				return
			}
		}
		t.Errorf("no instance: %s", what)
	}
	for _, s := range []ec2types.InstanceStateName{"pending", "running", "shutting-down", "terminated", "stopping", "stopped"} {
		has("state "+string(s), func(i ec2types.Instance) bool { return i.State.Name == s })
	}
	has("spot", func(i ec2types.Instance) bool { return i.InstanceLifecycle == "spot" })
	has("windows", func(i ec2types.Instance) bool { return i.Platform == "windows" && *i.PlatformDetails == "Windows" })
	has("rhel", func(i ec2types.Instance) bool { return *i.PlatformDetails == "Red Hat Enterprise Linux" })
	has("linux", func(i ec2types.Instance) bool { return *i.PlatformDetails == "Linux/UNIX" })
	has("IMDSv1 with a public IP", func(i ec2types.Instance) bool {
		return i.MetadataOptions.HttpTokens == "optional" && i.PublicIpAddress != nil
	})
	stopped := regexp.MustCompile(`^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$`)
	has("stopped with a reason", func(i ec2types.Instance) bool {
		return i.State.Name == "stopped" && stopped.MatchString(aws.ToString(i.StateTransitionReason))
	})
	for _, tc := range []struct{ what, value string }{{"comma", ","}, {"quote", `"`}, {"tab", "\t"}, {"newline", "\n"}, {"unicode", "ü"}} {
		has("tag value with "+tc.what, func(i ec2types.Instance) bool {
			for _, tg := range i.Tags {
				if strings.Contains(*tg.Value, tc.value) {
					return true
				}
			}
			return false
		})
	}
	has("empty tag value", func(i ec2types.Instance) bool {
		for _, tg := range i.Tags {
			if *tg.Value == "" {
				return true
			}
		}
		return false
	})
	for _, i := range all {
		if i.LaunchTime.After(fakedata.ReferenceTime()) {
			t.Errorf("%s launched after the reference time", *i.InstanceId)
		}
	}
	// AMIs: public ones in use, own ones used and unused, deprecated in use.
	used := map[string]bool{}
	for _, i := range all {
		used[*i.ImageId] = true
	}
	var usedPublic, usedOwn, unusedOwn, usedDeprecated bool
	for region, imgs := range ds.PublicImages {
		for _, img := range acct.Regions[region].Images {
			usedOwn = usedOwn || used[*img.ImageId]
			unusedOwn = unusedOwn || !used[*img.ImageId]
			usedDeprecated = usedDeprecated || used[*img.ImageId] && img.DeprecationTime != nil
		}
		for _, img := range imgs {
			usedPublic = usedPublic || used[*img.ImageId]
			if !*img.Public || (*img.ImageOwnerAlias == "amazon") != (*img.OwnerId == fakedata.AmazonOwnerID) {
				t.Errorf("public image %s: owner %s, alias %s", *img.ImageId, *img.OwnerId, *img.ImageOwnerAlias)
			}
		}
	}
	if !usedPublic || !usedOwn || !unusedOwn || !usedDeprecated {
		t.Errorf("AMI usage: public %v own %v unused own %v deprecated %v", usedPublic, usedOwn, unusedOwn, usedDeprecated)
	}
	// Databases: encrypted and not, public and not, multi-AZ and not, no backups.
	var enc, plain, public, private, multi, single, nobackup bool
	for _, r := range acct.Regions {
		for _, db := range r.DBInstances {
			enc, plain = enc || *db.StorageEncrypted, plain || !*db.StorageEncrypted
			public, private = public || *db.PubliclyAccessible, private || !*db.PubliclyAccessible
			multi, single = multi || *db.MultiAZ, single || !*db.MultiAZ
			nobackup = nobackup || *db.BackupRetentionPeriod == 0
		}
	}
	if !enc || !plain || !public || !private || !multi || !single || !nobackup {
		t.Error("databases lack variety")
	}
	// Reserved instances: active and retired.
	states := map[ec2types.ReservedInstanceState]bool{}
	for _, r := range acct.Regions {
		for _, ri := range r.ReservedInstances {
			states[ri.State] = true
		}
	}
	if !states["active"] || !states["retired"] {
		t.Errorf("reserved instance states %v", states)
	}
	// An opted-in opt-in region with no resources.
	if acct.OptIn[fakedata.DemoOptInRegion] != "opted-in" || acct.Regions[fakedata.DemoOptInRegion] != nil {
		t.Error("opt-in region")
	}
	if !reflect.DeepEqual(fakedata.Demo(), ds) {
		t.Error("Demo is not deterministic")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	g := fakedata.GenOptions{Accounts: 3, Regions: 2, InstancesPerRegion: 20, ImagesPerRegion: 5, DBInstancesPerRegion: 3, ReservedPerRegion: 4, Seed: 9}
	a, b := fakedata.Generate(g), fakedata.Generate(g)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same options, different data")
	}
	g.Seed = 10
	if reflect.DeepEqual(a, fakedata.Generate(g)) {
		t.Error("the seed changes nothing")
	}
	if len(a.Accounts) != 3 || a.Accounts[2].ID != fakedata.GenAccountID(2) || a.Accounts[2].Keys[0].ID != fakedata.GenAccessKeyID(2) {
		t.Errorf("accounts %+v", a.Accounts[2])
	}
	for _, acct := range a.Accounts {
		if len(acct.Regions) != 2 || acct.Regions["us-east-1"] == nil || acct.Regions["us-east-2"] == nil {
			t.Errorf("regions of %s: %v", acct.ID, acct.Regions)
		}
		r := acct.Regions["us-east-2"]
		if len(r.Instances) != 20 || len(r.Images) != 5 || len(r.DBInstances) != 3 || len(r.ReservedInstances) != 4 {
			t.Errorf("sizes %d %d %d %d", len(r.Instances), len(r.Images), len(r.DBInstances), len(r.ReservedInstances))
		}
	}
}
