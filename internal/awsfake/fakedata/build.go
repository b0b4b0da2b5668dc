package fakedata

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// Builders shared by Demo and Generate. They fill records the way AWS does
// (a private instance has PublicDnsName "", a terminated one has no network
// interfaces, ...) from a few choices, deriving every id from names so the
// data sets are deterministic.

// site is one account's network in one region: the VPC, one subnet per AZ
// and the security groups instances use.
type site struct {
	account, region, partition string
	vpc                        string
	subnets                    []subnet
	groups                     []ec2types.GroupIdentifier
}

type subnet struct {
	id, az, azID string
	octet        int // third octet of the subnet: 10.0.<octet>.0/24
}

func newSite(partition, account, region string, azs int) *site {
	s := &site{account: account, region: region, partition: partition,
		vpc: "vpc-" + hexDigest("vpc:"+account+region, 17)}
	short := regionShortName(region)
	for i := 0; i < azs; i++ {
		az := region + string(rune('a'+i))
		s.subnets = append(s.subnets, subnet{
			id:    "subnet-" + hexDigest("subnet:"+account+az, 17),
			az:    az,
			azID:  fmt.Sprintf("%s-az%d", short, i+1),
			octet: 10 * (i + 1),
		})
	}
	for _, name := range []string{"default", "web", "db"} {
		s.groups = append(s.groups, ec2types.GroupIdentifier{
			GroupId:   aws.String("sg-" + hexDigest("sg:"+account+region+name, 17)),
			GroupName: aws.String(name),
		})
	}
	return s
}

// regionShortName turns us-east-1 into use1, as AZ ids do.
func regionShortName(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	dir := parts[1][:1]
	switch parts[1] {
	case "northeast", "southeast", "northwest", "southwest":
		dir += parts[1][5:6]
	}
	return parts[0] + dir + parts[2]
}

func (s *site) privateDNS(ip string) string {
	name := "ip-" + strings.ReplaceAll(ip, ".", "-")
	if s.region == "us-east-1" {
		return name + ".ec2.internal"
	}
	return name + "." + s.region + ".compute.internal"
}

func (s *site) publicDNS(ip string) string {
	name := "ec2-" + strings.ReplaceAll(ip, ".", "-")
	if s.region == "us-east-1" {
		return name + ".compute-1.amazonaws.com"
	}
	return name + "." + s.region + ".compute.amazonaws.com"
}

// platform is what an instance or AMI runs, as billing sees it.
type platform int

const (
	linux platform = iota
	windows
	rhel
)

func (p platform) details() string {
	return [...]string{"Linux/UNIX", "Windows", "Red Hat Enterprise Linux"}[p]
}

func (p platform) usageOperation() string {
	return [...]string{"RunInstances", "RunInstances:0002", "RunInstances:0010"}[p]
}

// value is the platform field: "windows" or absent. EC2 sends it in lower
// case, unlike the SDK's PlatformValuesWindows constant ("Windows").
func (p platform) value() ec2types.PlatformValues {
	if p == windows {
		return "windows"
	}
	return ""
}

// instanceSpec is the choices that make an instance interesting; build
// fills in the rest.
type instanceSpec struct {
	name     string
	typ      ec2types.InstanceType
	state    ec2types.InstanceStateName
	az       int // index into the site's subnets
	platform platform
	arch     ec2types.ArchitectureValues // default x86_64
	image    string
	spot     bool
	// lifecycle, when set: scheduled, capacity-block (spot sets spot).
	lifecycle ec2types.InstanceLifecycleType
	publicIP  bool
	imdsV1    bool // HttpTokens optional
	profile   string
	key       string
	launched  time.Time
	changed   time.Time // state change, for stopped/terminated/stopping
	tags      []ec2types.Tag
	ipHost    int // last octet of the private IP
	cores     int32
	group     string // placement group
}

// stateCode is the numeric code EC2 pairs with each state name.
func stateCode(s ec2types.InstanceStateName) int32 {
	switch s {
	case ec2types.InstanceStateNameRunning:
		return 16
	case ec2types.InstanceStateNameShuttingDown:
		return 32
	case ec2types.InstanceStateNameTerminated:
		return 48
	case ec2types.InstanceStateNameStopping:
		return 64
	case ec2types.InstanceStateNameStopped:
		return 80
	}
	return 0 // pending
}

func gmt(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 GMT") }

func (s *site) instance(sp instanceSpec) ec2types.Instance {
	id := "i-" + hexDigest("instance:"+s.account+s.region+sp.name, 17)
	sn := s.subnets[sp.az%len(s.subnets)]
	arch := sp.arch
	if arch == "" {
		arch = ec2types.ArchitectureValuesX8664
	}
	cores := sp.cores
	if cores == 0 {
		cores = 1
	}
	ip := fmt.Sprintf("10.0.%d.%d", sn.octet, sp.ipHost)
	launched := sp.launched.UTC()
	in := ec2types.Instance{
		InstanceId:               aws.String(id),
		ImageId:                  aws.String(sp.image),
		InstanceType:             sp.typ,
		State:                    &ec2types.InstanceState{Code: aws.Int32(stateCode(sp.state)), Name: sp.state},
		LaunchTime:               aws.Time(launched),
		AmiLaunchIndex:           aws.Int32(0),
		Architecture:             arch,
		Hypervisor:               ec2types.HypervisorTypeXen,
		VirtualizationType:       ec2types.VirtualizationTypeHvm,
		RootDeviceType:           ec2types.DeviceTypeEbs,
		RootDeviceName:           aws.String("/dev/xvda"),
		EbsOptimized:             aws.Bool(sp.typ != "t2.micro"),
		EnaSupport:               aws.Bool(true),
		ClientToken:              aws.String(hexDigest("token:"+id, 32)),
		Platform:                 sp.platform.value(),
		PlatformDetails:          aws.String(sp.platform.details()),
		UsageOperation:           aws.String(sp.platform.usageOperation()),
		UsageOperationUpdateTime: aws.Time(launched),
		Placement: &ec2types.Placement{
			AvailabilityZone:   aws.String(sn.az),
			AvailabilityZoneId: aws.String(sn.azID),
			GroupName:          aws.String(sp.group),
			Tenancy:            ec2types.TenancyDefault,
		},
		Monitoring: &ec2types.Monitoring{State: ec2types.MonitoringStateDisabled},
		CpuOptions: &ec2types.CpuOptions{CoreCount: aws.Int32(cores), ThreadsPerCore: aws.Int32(2)},
		CapacityReservationSpecification: &ec2types.CapacityReservationSpecificationResponse{
			CapacityReservationPreference: ec2types.CapacityReservationPreferenceOpen,
		},
		HibernationOptions: &ec2types.HibernationOptions{Configured: aws.Bool(false)},
		EnclaveOptions:     &ec2types.EnclaveOptions{Enabled: aws.Bool(false)},
		MaintenanceOptions: &ec2types.InstanceMaintenanceOptions{AutoRecovery: ec2types.InstanceAutoRecoveryStateDefault},
		MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{
			State:                   ec2types.InstanceMetadataOptionsStateApplied,
			HttpTokens:              ec2types.HttpTokensStateRequired,
			HttpPutResponseHopLimit: aws.Int32(2),
			HttpEndpoint:            ec2types.InstanceMetadataEndpointStateEnabled,
			HttpProtocolIpv6:        ec2types.InstanceMetadataProtocolStateDisabled,
			InstanceMetadataTags:    ec2types.InstanceMetadataTagsStateDisabled,
		},
		PrivateDnsNameOptions: &ec2types.PrivateDnsNameOptionsResponse{
			HostnameType:                    ec2types.HostnameTypeIpName,
			EnableResourceNameDnsARecord:    aws.Bool(false),
			EnableResourceNameDnsAAAARecord: aws.Bool(false),
		},
		Tags:                append([]ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(sp.name)}}, sp.tags...),
		ProductCodes:        []ec2types.ProductCode{},
		SecurityGroups:      []ec2types.GroupIdentifier{},
		NetworkInterfaces:   []ec2types.InstanceNetworkInterface{},
		BlockDeviceMappings: []ec2types.InstanceBlockDeviceMapping{},
	}
	if sp.imdsV1 {
		in.MetadataOptions.HttpTokens = ec2types.HttpTokensStateOptional
		in.MetadataOptions.HttpPutResponseHopLimit = aws.Int32(1)
	}
	if sp.key != "" {
		in.KeyName = aws.String(sp.key)
	}
	if sp.arch == ec2types.ArchitectureValuesArm64 || sp.platform == windows {
		in.BootMode = ec2types.BootModeValuesUefi
		in.CurrentInstanceBootMode = ec2types.InstanceBootModeValuesUefi
	} else {
		in.CurrentInstanceBootMode = ec2types.InstanceBootModeValuesLegacyBios
	}
	if sp.platform == windows {
		in.TpmSupport = aws.String("v2.0")
	}
	if sp.profile != "" {
		in.IamInstanceProfile = &ec2types.IamInstanceProfile{
			Arn: aws.String(fmt.Sprintf("arn:%s:iam::%s:instance-profile/%s", s.partition, s.account, sp.profile)),
			Id:  aws.String("AIPA" + strings.ToUpper(hexDigest("profile:"+s.account+sp.profile, 17))),
		}
	}
	if sp.spot {
		in.InstanceLifecycle = ec2types.InstanceLifecycleTypeSpot
		in.SpotInstanceRequestId = aws.String("sir-" + hexDigest("spot:"+id, 8))
	}
	if sp.lifecycle != "" {
		in.InstanceLifecycle = sp.lifecycle
	}

	// What the state leaves of the instance, as AWS reports it.
	switch sp.state {
	case ec2types.InstanceStateNameTerminated:
		in.StateTransitionReason = aws.String(fmt.Sprintf("User initiated (%s)", gmt(sp.changed)))
		in.StateReason = &ec2types.StateReason{
			Code:    aws.String("Client.UserInitiatedShutdown"),
			Message: aws.String("Client.UserInitiatedShutdown: User initiated shutdown"),
		}
		in.PrivateDnsName = aws.String("")
		in.PublicDnsName = aws.String("")
		in.Monitoring.State = ec2types.MonitoringStateDisabled
		return in
	case ec2types.InstanceStateNameStopped, ec2types.InstanceStateNameStopping, ec2types.InstanceStateNameShuttingDown:
		in.StateTransitionReason = aws.String(fmt.Sprintf("User initiated (%s)", gmt(sp.changed)))
		in.StateReason = &ec2types.StateReason{
			Code:    aws.String("Client.UserInitiatedShutdown"),
			Message: aws.String("Client.UserInitiatedShutdown: User initiated shutdown"),
		}
	case ec2types.InstanceStateNamePending:
		in.StateTransitionReason = aws.String("")
		in.StateReason = &ec2types.StateReason{Code: aws.String("pending"), Message: aws.String("pending")}
	default:
		in.StateTransitionReason = aws.String("")
	}
	running := sp.state == ec2types.InstanceStateNameRunning || sp.state == ec2types.InstanceStateNamePending
	in.VpcId = aws.String(s.vpc)
	in.SubnetId = aws.String(sn.id)
	in.PrivateIpAddress = aws.String(ip)
	in.PrivateDnsName = aws.String(s.privateDNS(ip))
	in.PublicDnsName = aws.String("")
	in.SourceDestCheck = aws.Bool(true)
	groups := []ec2types.GroupIdentifier{s.groups[0]}
	if sp.publicIP {
		groups = append(groups, s.groups[1])
	}
	in.SecurityGroups = groups
	eni := ec2types.InstanceNetworkInterface{
		NetworkInterfaceId: aws.String("eni-" + hexDigest("eni:"+id, 17)),
		SubnetId:           aws.String(sn.id),
		VpcId:              aws.String(s.vpc),
		Description:        aws.String(""),
		OwnerId:            aws.String(s.account),
		Status:             ec2types.NetworkInterfaceStatusInUse,
		MacAddress:         aws.String(macAddress(id)),
		PrivateIpAddress:   aws.String(ip),
		PrivateDnsName:     aws.String(s.privateDNS(ip)),
		SourceDestCheck:    aws.Bool(true),
		Groups:             groups,
		InterfaceType:      aws.String("interface"),
		Attachment: &ec2types.InstanceNetworkInterfaceAttachment{
			AttachmentId:        aws.String("eni-attach-" + hexDigest("attach:"+id, 17)),
			DeviceIndex:         aws.Int32(0),
			NetworkCardIndex:    aws.Int32(0),
			Status:              ec2types.AttachmentStatusAttached,
			AttachTime:          aws.Time(launched),
			DeleteOnTermination: aws.Bool(true),
		},
		PrivateIpAddresses: []ec2types.InstancePrivateIpAddress{{
			PrivateIpAddress: aws.String(ip),
			PrivateDnsName:   aws.String(s.privateDNS(ip)),
			Primary:          aws.Bool(true),
		}},
		Ipv6Addresses: []ec2types.InstanceIpv6Address{},
	}
	if sp.publicIP && running {
		pub := publicIP(id)
		in.PublicIpAddress = aws.String(pub)
		in.PublicDnsName = aws.String(s.publicDNS(pub))
		assoc := &ec2types.InstanceNetworkInterfaceAssociation{
			PublicIp:      aws.String(pub),
			PublicDnsName: aws.String(s.publicDNS(pub)),
			IpOwnerId:     aws.String("amazon"),
		}
		eni.Association = assoc
		eni.PrivateIpAddresses[0].Association = assoc
	}
	in.NetworkInterfaces = []ec2types.InstanceNetworkInterface{eni}
	in.BlockDeviceMappings = []ec2types.InstanceBlockDeviceMapping{{
		DeviceName: aws.String("/dev/xvda"),
		Ebs: &ec2types.EbsInstanceBlockDevice{
			VolumeId:            aws.String("vol-" + hexDigest("vol:"+id, 17)),
			Status:              ec2types.AttachmentStatusAttached,
			AttachTime:          aws.Time(launched.Add(2 * time.Second)),
			DeleteOnTermination: aws.Bool(true),
		},
	}}
	if sp.state == ec2types.InstanceStateNameRunning {
		in.Monitoring.State = ec2types.MonitoringStateEnabled
	}
	return in
}

func macAddress(id string) string {
	h := hexDigest("mac:"+id, 10)
	return "0a:" + h[0:2] + ":" + h[2:4] + ":" + h[4:6] + ":" + h[6:8] + ":" + h[8:10]
}

// publicIP derives a stable address in 203.0.113.0/24 and 198.51.100.0/24
// (documentation ranges), so no demo address is anyone's real one.
func publicIP(id string) string {
	h := hexDigest("pub:"+id, 4)
	var a, b int
	fmt.Sscanf(h, "%02x%02x", &a, &b)
	if a%2 == 0 {
		return fmt.Sprintf("203.0.113.%d", 1+b%254)
	}
	return fmt.Sprintf("198.51.100.%d", 1+b%254)
}

// imageSpec is the choices for an AMI.
type imageSpec struct {
	name, description string
	owner, alias      string // alias "amazon" for Amazon's
	platform          platform
	arch              ec2types.ArchitectureValues
	created           time.Time
	deprecated        time.Time // zero: not deprecated
	public            bool
	state             ec2types.ImageState // default available
	tags              []ec2types.Tag
	productCode       string
	sizeGiB           int32
	encrypted         bool
}

func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func imageID(owner, region, name string) string {
	return "ami-" + hexDigest("image:"+owner+region+name, 17)
}

func (s *site) image(sp imageSpec) ec2types.Image {
	arch := sp.arch
	if arch == "" {
		arch = ec2types.ArchitectureValuesX8664
	}
	state := sp.state
	if state == "" {
		state = ec2types.ImageStateAvailable
	}
	size := sp.sizeGiB
	if size == 0 {
		size = 8
	}
	id := imageID(sp.owner, s.region, sp.name)
	location := sp.owner + "/" + sp.name
	if sp.alias != "" {
		location = sp.alias + "/" + sp.name
	}
	img := ec2types.Image{
		ImageId:            aws.String(id),
		ImageLocation:      aws.String(location),
		State:              state,
		OwnerId:            aws.String(sp.owner),
		CreationDate:       aws.String(isoMillis(sp.created)),
		Public:             aws.Bool(sp.public),
		Architecture:       arch,
		ImageType:          ec2types.ImageTypeValuesMachine,
		Platform:           sp.platform.value(),
		PlatformDetails:    aws.String(sp.platform.details()),
		UsageOperation:     aws.String(sp.platform.usageOperation()),
		Name:               aws.String(sp.name),
		Description:        aws.String(sp.description),
		RootDeviceType:     ec2types.DeviceTypeEbs,
		RootDeviceName:     aws.String("/dev/xvda"),
		VirtualizationType: ec2types.VirtualizationTypeHvm,
		Hypervisor:         ec2types.HypervisorTypeXen,
		EnaSupport:         aws.Bool(true),
		SriovNetSupport:    aws.String("simple"),
		BlockDeviceMappings: []ec2types.BlockDeviceMapping{{
			DeviceName: aws.String("/dev/xvda"),
			Ebs: &ec2types.EbsBlockDevice{
				SnapshotId:          aws.String("snap-" + hexDigest("snap:"+id, 17)),
				VolumeSize:          aws.Int32(size),
				VolumeType:          ec2types.VolumeTypeGp3,
				Iops:                aws.Int32(3000),
				Throughput:          aws.Int32(125),
				DeleteOnTermination: aws.Bool(true),
				Encrypted:           aws.Bool(sp.encrypted),
			},
		}},
		Tags:         list(sp.tags),
		ProductCodes: []ec2types.ProductCode{},
	}
	if sp.alias != "" {
		img.ImageOwnerAlias = aws.String(sp.alias)
	}
	switch {
	case sp.platform == windows:
		img.BootMode = ec2types.BootModeValuesUefi
		img.TpmSupport = ec2types.TpmSupportValuesV20
		img.RootDeviceName = aws.String("/dev/sda1")
		img.BlockDeviceMappings[0].DeviceName = aws.String("/dev/sda1")
	case arch == ec2types.ArchitectureValuesArm64:
		img.BootMode = ec2types.BootModeValuesUefi
		img.ImdsSupport = ec2types.ImdsSupportValuesV20
	default:
		img.BootMode = ec2types.BootModeValuesUefiPreferred
		img.ImdsSupport = ec2types.ImdsSupportValuesV20
	}
	if !sp.deprecated.IsZero() {
		img.DeprecationTime = aws.String(isoMillis(sp.deprecated))
	}
	if sp.productCode != "" {
		img.ProductCodes = []ec2types.ProductCode{{ProductCodeId: aws.String(sp.productCode), ProductCodeType: ec2types.ProductCodeValuesMarketplace}}
	}
	if sp.owner != AmazonOwnerID {
		img.DeregistrationProtection = aws.String("disabled")
		img.LastLaunchedTime = aws.String(isoMillis(sp.created.Add(72 * time.Hour)))
	}
	return img
}

// riSpec is the choices for a reservation.
type riSpec struct {
	typ      ec2types.InstanceType
	az       string // "" = Region scope
	product  ec2types.RIProductDescription
	count    int32
	state    ec2types.ReservedInstanceState
	start    time.Time
	years    int
	offering ec2types.OfferingTypeValues
	class    ec2types.OfferingClassType
	fixed    float32
	hourly   float64
	tags     []ec2types.Tag
}

func (s *site) reserved(n int, sp riSpec) ec2types.ReservedInstances {
	h := hexDigest(fmt.Sprintf("ri:%s%s%d", s.account, s.region, n), 32)
	id := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	duration := int64(sp.years) * 31536000
	ri := ec2types.ReservedInstances{
		ReservedInstancesId: aws.String(id),
		InstanceType:        sp.typ,
		InstanceCount:       aws.Int32(sp.count),
		ProductDescription:  sp.product,
		State:               sp.state,
		Start:               aws.Time(sp.start.UTC()),
		End:                 aws.Time(sp.start.UTC().Add(time.Duration(duration) * time.Second)),
		Duration:            aws.Int64(duration),
		FixedPrice:          aws.Float32(sp.fixed),
		UsagePrice:          aws.Float32(0),
		CurrencyCode:        ec2types.CurrencyCodeValuesUsd,
		InstanceTenancy:     ec2types.TenancyDefault,
		OfferingType:        sp.offering,
		OfferingClass:       sp.class,
		Scope:               ec2types.ScopeRegional,
		RecurringCharges: []ec2types.RecurringCharge{{
			Frequency: ec2types.RecurringChargeFrequencyHourly,
			Amount:    aws.Float64(sp.hourly),
		}},
		Tags: list(sp.tags),
	}
	if sp.az != "" {
		ri.Scope = ec2types.ScopeAvailabilityZone
		ri.AvailabilityZone = aws.String(sp.az)
	}
	return ri
}

// dbSpec is the choices for an RDS DB instance.
type dbSpec struct {
	id, engine, version, class string
	status                     string // default available
	az                         int
	multiAZ, encrypted, public bool
	backupDays                 int32
	storage                    int32
	storageType                string // default gp3
	iops                       int32
	cluster                    string
	replicaOf                  string
	replicas                   []string
	created                    time.Time
	tags                       []rdstypes.Tag
	licenseModel               string
	logs                       []string
	ca                         string // default: RDSDefaultCertificate
	monitoring                 bool   // enhanced monitoring every minute
	pending                    *rdstypes.PendingModifiedValues
	features                   []rdstypes.ProcessorFeature // set when not the class's defaults
	timezone                   string                      // SQL Server's, when chosen at creation
	directory                  string                      // the Active Directory joined (SQL Server)
}

func enginePort(engine string) int32 {
	switch {
	case strings.Contains(engine, "postgres"):
		return 5432
	case strings.HasPrefix(engine, "sqlserver"):
		return 1433
	case strings.HasPrefix(engine, "oracle"):
		return 1521
	default:
		return 3306
	}
}

func (s *site) dbInstance(sp dbSpec) rdstypes.DBInstance {
	sn := s.subnets[sp.az%len(s.subnets)]
	status := sp.status
	if status == "" {
		status = "available"
	}
	storageType := sp.storageType
	if storageType == "" {
		storageType = "gp3"
	}
	port := enginePort(sp.engine)
	license := sp.licenseModel
	if license == "" {
		license = map[bool]string{true: "postgresql-license", false: "general-public-license"}[strings.Contains(sp.engine, "postgres")]
	}
	arn := fmt.Sprintf("arn:%s:rds:%s:%s:db:%s", s.partition, s.region, s.account, sp.id)
	ca := sp.ca
	if ca == "" {
		ca = RDSDefaultCertificate
	}
	pending := sp.pending
	if pending == nil {
		pending = &rdstypes.PendingModifiedValues{} // RDS always sends the element, empty without changes
	}
	db := rdstypes.DBInstance{
		DBInstanceIdentifier:             aws.String(sp.id),
		DBInstanceArn:                    aws.String(arn),
		DbiResourceId:                    aws.String("db-" + strings.ToUpper(hexDigest("dbi:"+arn, 26))),
		DBInstanceClass:                  aws.String(sp.class),
		Engine:                           aws.String(sp.engine),
		EngineVersion:                    aws.String(sp.version),
		DBInstanceStatus:                 aws.String(status),
		MasterUsername:                   aws.String("admin"),
		AllocatedStorage:                 aws.Int32(sp.storage),
		StorageType:                      aws.String(storageType),
		StorageEncrypted:                 aws.Bool(sp.encrypted),
		MultiAZ:                          aws.Bool(sp.multiAZ),
		AvailabilityZone:                 aws.String(sn.az),
		PubliclyAccessible:               aws.Bool(sp.public),
		InstanceCreateTime:               aws.Time(sp.created.UTC()),
		BackupRetentionPeriod:            aws.Int32(sp.backupDays),
		PreferredBackupWindow:            aws.String("03:00-03:30"),
		PreferredMaintenanceWindow:       aws.String("sun:05:00-sun:05:30"),
		DeletionProtection:               aws.Bool(sp.multiAZ),
		IAMDatabaseAuthenticationEnabled: aws.Bool(sp.encrypted && !sp.public),
		AutoMinorVersionUpgrade:          aws.Bool(true),
		CACertificateIdentifier:          aws.String(ca),
		PerformanceInsightsEnabled:       aws.Bool(sp.multiAZ),
		CopyTagsToSnapshot:               aws.Bool(true),
		MonitoringInterval:               aws.Int32(0),
		DbInstancePort:                   aws.Int32(0),
		LicenseModel:                     aws.String(license),
		NetworkType:                      aws.String("IPV4"),
		CustomerOwnedIpEnabled:           aws.Bool(false),
		DedicatedLogVolume:               aws.Bool(false),
		EngineLifecycleSupport:           aws.String("open-source-rds-extended-support-disabled"),
		TagList:                          list(sp.tags),
		EnabledCloudwatchLogsExports:     list(sp.logs),
		PendingModifiedValues:            pending,
		ProcessorFeatures:                sp.features,
		ReadReplicaDBClusterIdentifiers:  []string{},
		AssociatedRoles:                  []rdstypes.DBInstanceRole{},
		DomainMemberships:                []rdstypes.DomainMembership{},
		VpcSecurityGroups: []rdstypes.VpcSecurityGroupMembership{{
			VpcSecurityGroupId: s.groups[2].GroupId,
			Status:             aws.String("active"),
		}},
		DBParameterGroups: []rdstypes.DBParameterGroupStatus{{
			DBParameterGroupName: aws.String("default." + sp.engine),
			ParameterApplyStatus: aws.String("in-sync"),
		}},
		OptionGroupMemberships: []rdstypes.OptionGroupMembership{{
			OptionGroupName: aws.String("default:" + sp.engine),
			Status:          aws.String("in-sync"),
		}},
		DBSubnetGroup: &rdstypes.DBSubnetGroup{
			DBSubnetGroupName:        aws.String("private-db"),
			DBSubnetGroupDescription: aws.String("private subnets for databases"),
			DBSubnetGroupArn:         aws.String(fmt.Sprintf("arn:%s:rds:%s:%s:subgrp:private-db", s.partition, s.region, s.account)),
			VpcId:                    aws.String(s.vpc),
			SubnetGroupStatus:        aws.String("Complete"),
		},
		CertificateDetails: &rdstypes.CertificateDetails{
			CAIdentifier: aws.String(ca),
			ValidTill:    aws.Time(sp.created.UTC().AddDate(1, 0, 0)),
		},
	}
	switch {
	case strings.HasPrefix(sp.engine, "oracle"):
		db.CharacterSetName, db.NcharCharacterSetName = aws.String("AL32UTF8"), aws.String("AL16UTF16")
	case strings.HasPrefix(sp.engine, "sqlserver"):
		db.CharacterSetName = aws.String("SQL_Latin1_General_CP1_CI_AS")
		// The role SQL Server's native backups to S3 use.
		db.AssociatedRoles = []rdstypes.DBInstanceRole{{
			RoleArn:     aws.String(fmt.Sprintf("arn:%s:iam::%s:role/rds-s3-integration", s.partition, s.account)),
			FeatureName: aws.String("S3_INTEGRATION"),
			Status:      aws.String("ACTIVE"),
		}}
	}
	if sp.timezone != "" {
		db.Timezone = aws.String(sp.timezone)
	}
	if sp.directory != "" {
		db.DomainMemberships = []rdstypes.DomainMembership{{
			Domain:      aws.String(sp.directory),
			FQDN:        aws.String("corp.example.com"),
			IAMRoleName: aws.String("rds-directoryservice-access-role"),
			Status:      aws.String("joined"),
		}}
	}
	if sp.monitoring {
		db.MonitoringInterval = aws.Int32(60)
		db.MonitoringRoleArn = aws.String(fmt.Sprintf("arn:%s:iam::%s:role/rds-monitoring-role", s.partition, s.account))
		db.EnhancedMonitoringResourceArn = aws.String(fmt.Sprintf("arn:%s:logs:%s:%s:log-group:RDSOSMetrics:log-stream:%s",
			s.partition, s.region, s.account, *db.DbiResourceId))
	}
	for _, sub := range s.subnets {
		db.DBSubnetGroup.Subnets = append(db.DBSubnetGroup.Subnets, rdstypes.Subnet{
			SubnetIdentifier:       aws.String(sub.id),
			SubnetAvailabilityZone: &rdstypes.AvailabilityZone{Name: aws.String(sub.az)},
			SubnetStatus:           aws.String("Active"),
		})
	}
	if status != "creating" {
		db.Endpoint = &rdstypes.Endpoint{
			Address:      aws.String(fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", sp.id, hexDigest("ep:"+s.account+s.region, 10), s.region)),
			Port:         aws.Int32(port),
			HostedZoneId: aws.String("Z" + strings.ToUpper(hexDigest("zone:"+s.region, 13))),
		}
		db.LatestRestorableTime = aws.Time(ReferenceTime().Add(-5 * time.Minute))
	}
	if sp.engine != "aurora-postgresql" && sp.engine != "aurora-mysql" {
		db.DBName = aws.String(strings.ReplaceAll(sp.id, "-", "_"))
		db.MaxAllocatedStorage = aws.Int32(sp.storage * 4)
	} else {
		db.StorageType = aws.String("aurora")
		db.AllocatedStorage = aws.Int32(1)
	}
	if sp.cluster != "" {
		db.DBClusterIdentifier = aws.String(sp.cluster)
		db.PromotionTier = aws.Int32(1)
	}
	if sp.multiAZ {
		db.SecondaryAvailabilityZone = aws.String(s.subnets[(sp.az+1)%len(s.subnets)].az)
		db.PerformanceInsightsKMSKeyId = aws.String(s.kmsKey("rds"))
		db.PerformanceInsightsRetentionPeriod = aws.Int32(7)
	}
	if sp.encrypted {
		db.KmsKeyId = aws.String(s.kmsKey("rds"))
	}
	if sp.iops > 0 {
		db.Iops = aws.Int32(sp.iops)
		db.StorageThroughput = aws.Int32(500)
	} else if storageType == "gp3" {
		db.Iops = aws.Int32(3000)
		db.StorageThroughput = aws.Int32(125)
	}
	if sp.replicaOf != "" {
		db.ReadReplicaSourceDBInstanceIdentifier = aws.String(sp.replicaOf)
		db.StatusInfos = []rdstypes.DBInstanceStatusInfo{{
			StatusType: aws.String("read replication"), Normal: aws.Bool(true), Status: aws.String("replicating"),
		}}
	}
	db.ReadReplicaDBInstanceIdentifiers = list(sp.replicas)
	return db
}

func (s *site) kmsKey(alias string) string {
	h := hexDigest("kms:"+s.account+s.region+alias, 32)
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s-%s-%s-%s-%s", s.partition, s.region, s.account, h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// list is xs, or an empty list for nil: AWS sends these lists even when
// they are empty (<tagSet/>), so clients decode them as empty, not nil.
func list[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func tag(k, v string) ec2types.Tag { return ec2types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func dbTag(k, v string) rdstypes.Tag { return rdstypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
