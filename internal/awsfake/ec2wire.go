package awsfake

import (
	"encoding/xml"
	"strconv"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2 wire structs. Element names follow the EC2 API reference and were
// checked against the SDK's generated deserializers (ec2 v1.344.3,
// awsEc2query_deserializeDocument*): the decoder silently ignores unknown
// elements, so a misspelt name would only show up as a nil field. Nil
// pointers and empty enums are left out, as AWS leaves out absent values.

const ec2TimeFormat = "2006-01-02T15:04:05.000Z"

func ec2Time(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(ec2TimeFormat)
}

// float32s travel as the shortest decimal that parses back to the same
// float32, so values round-trip exactly.
func fmtFloat32(f *float32) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(float64(*f), 'f', -1, 32)
}

func fmtFloat64(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

type ec2Tag struct {
	Key   *string `xml:"key"`
	Value *string `xml:"value"`
}

func toEC2Tags(tags []ec2types.Tag) []ec2Tag {
	out := make([]ec2Tag, len(tags))
	for i, t := range tags {
		out[i] = ec2Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

type ec2Group struct {
	GroupID   *string `xml:"groupId"`
	GroupName *string `xml:"groupName"`
}

func toEC2Groups(gs []ec2types.GroupIdentifier) []ec2Group {
	out := make([]ec2Group, len(gs))
	for i, g := range gs {
		out[i] = ec2Group{GroupID: g.GroupId, GroupName: g.GroupName}
	}
	return out
}

type ec2ProductCode struct {
	ProductCode *string `xml:"productCode"`
	Type        string  `xml:"type,omitempty"`
}

func toEC2ProductCodes(pcs []ec2types.ProductCode) []ec2ProductCode {
	out := make([]ec2ProductCode, len(pcs))
	for i, p := range pcs {
		out[i] = ec2ProductCode{ProductCode: p.ProductCodeId, Type: string(p.ProductCodeType)}
	}
	return out
}

type ec2StateReason struct {
	Code    *string `xml:"code"`
	Message *string `xml:"message"`
}

func toEC2StateReason(r *ec2types.StateReason) *ec2StateReason {
	if r == nil {
		return nil
	}
	return &ec2StateReason{Code: r.Code, Message: r.Message}
}

// --- DescribeInstances ---

type describeInstancesResponse struct {
	XMLName      xml.Name         `xml:"http://ec2.amazonaws.com/doc/2016-11-15/ DescribeInstancesResponse"`
	RequestID    string           `xml:"requestId"`
	Reservations []ec2Reservation `xml:"reservationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

type ec2Reservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Groups        []ec2Group    `xml:"groupSet>item"`
	Instances     []ec2Instance `xml:"instancesSet>item"`
}

type ec2Instance struct {
	InstanceID                       *string                              `xml:"instanceId"`
	ImageID                          *string                              `xml:"imageId"`
	State                            *ec2InstanceState                    `xml:"instanceState"`
	PrivateDNSName                   *string                              `xml:"privateDnsName"`
	PublicDNSName                    *string                              `xml:"dnsName"`
	StateTransitionReason            *string                              `xml:"reason"`
	KeyName                          *string                              `xml:"keyName"`
	AmiLaunchIndex                   *int32                               `xml:"amiLaunchIndex"`
	ProductCodes                     []ec2ProductCode                     `xml:"productCodes>item"`
	InstanceType                     string                               `xml:"instanceType,omitempty"`
	LaunchTime                       string                               `xml:"launchTime,omitempty"`
	Placement                        *ec2Placement                        `xml:"placement"`
	KernelID                         *string                              `xml:"kernelId"`
	RamdiskID                        *string                              `xml:"ramdiskId"`
	Platform                         string                               `xml:"platform,omitempty"`
	Monitoring                       *ec2Monitoring                       `xml:"monitoring"`
	SubnetID                         *string                              `xml:"subnetId"`
	VpcID                            *string                              `xml:"vpcId"`
	PrivateIPAddress                 *string                              `xml:"privateIpAddress"`
	PublicIPAddress                  *string                              `xml:"ipAddress"`
	SourceDestCheck                  *bool                                `xml:"sourceDestCheck"`
	SecurityGroups                   []ec2Group                           `xml:"groupSet>item"`
	StateReason                      *ec2StateReason                      `xml:"stateReason"`
	Architecture                     string                               `xml:"architecture,omitempty"`
	RootDeviceType                   string                               `xml:"rootDeviceType,omitempty"`
	RootDeviceName                   *string                              `xml:"rootDeviceName"`
	BlockDeviceMappings              []ec2InstanceBlockDevice             `xml:"blockDeviceMapping>item"`
	VirtualizationType               string                               `xml:"virtualizationType,omitempty"`
	ClientToken                      *string                              `xml:"clientToken"`
	Tags                             []ec2Tag                             `xml:"tagSet>item"`
	Hypervisor                       string                               `xml:"hypervisor,omitempty"`
	NetworkInterfaces                []ec2NetworkInterface                `xml:"networkInterfaceSet>item"`
	IamInstanceProfile               *ec2IamInstanceProfile               `xml:"iamInstanceProfile"`
	EbsOptimized                     *bool                                `xml:"ebsOptimized"`
	EnaSupport                       *bool                                `xml:"enaSupport"`
	SriovNetSupport                  *string                              `xml:"sriovNetSupport"`
	CPUOptions                       *ec2CPUOptions                       `xml:"cpuOptions"`
	CapacityReservationID            *string                              `xml:"capacityReservationId"`
	CapacityReservationSpecification *ec2CapacityReservationSpecification `xml:"capacityReservationSpecification"`
	HibernationOptions               *ec2Configured                       `xml:"hibernationOptions"`
	EnclaveOptions                   *ec2Enabled                          `xml:"enclaveOptions"`
	MetadataOptions                  *ec2MetadataOptions                  `xml:"metadataOptions"`
	MaintenanceOptions               *ec2MaintenanceOptions               `xml:"maintenanceOptions"`
	BootMode                         string                               `xml:"bootMode,omitempty"`
	CurrentInstanceBootMode          string                               `xml:"currentInstanceBootMode,omitempty"`
	PlatformDetails                  *string                              `xml:"platformDetails"`
	UsageOperation                   *string                              `xml:"usageOperation"`
	UsageOperationUpdateTime         string                               `xml:"usageOperationUpdateTime,omitempty"`
	PrivateDNSNameOptions            *ec2PrivateDNSNameOptions            `xml:"privateDnsNameOptions"`
	Ipv6Address                      *string                              `xml:"ipv6Address"`
	TpmSupport                       *string                              `xml:"tpmSupport"`
	InstanceLifecycle                string                               `xml:"instanceLifecycle,omitempty"`
	SpotInstanceRequestID            *string                              `xml:"spotInstanceRequestId"`
	OutpostArn                       *string                              `xml:"outpostArn"`
	CapacityBlockID                  *string                              `xml:"capacityBlockId"`
}

type ec2InstanceState struct {
	Code *int32 `xml:"code"`
	Name string `xml:"name,omitempty"`
}

type ec2Placement struct {
	AvailabilityZone   *string `xml:"availabilityZone"`
	AvailabilityZoneID *string `xml:"availabilityZoneId"`
	GroupName          *string `xml:"groupName"`
	GroupID            *string `xml:"groupId"`
	PartitionNumber    *int32  `xml:"partitionNumber"`
	HostID             *string `xml:"hostId"`
	Affinity           *string `xml:"affinity"`
	Tenancy            string  `xml:"tenancy,omitempty"`
}

type ec2Monitoring struct {
	State string `xml:"state,omitempty"`
}

type ec2InstanceBlockDevice struct {
	DeviceName *string           `xml:"deviceName"`
	Ebs        *ec2EbsInstanceBD `xml:"ebs"`
}

type ec2EbsInstanceBD struct {
	VolumeID            *string `xml:"volumeId"`
	Status              string  `xml:"status,omitempty"`
	AttachTime          string  `xml:"attachTime,omitempty"`
	DeleteOnTermination *bool   `xml:"deleteOnTermination"`
	VolumeOwnerID       *string `xml:"volumeOwnerId"`
}

type ec2NetworkInterface struct {
	NetworkInterfaceID *string               `xml:"networkInterfaceId"`
	SubnetID           *string               `xml:"subnetId"`
	VpcID              *string               `xml:"vpcId"`
	Description        *string               `xml:"description"`
	OwnerID            *string               `xml:"ownerId"`
	Status             string                `xml:"status,omitempty"`
	MacAddress         *string               `xml:"macAddress"`
	PrivateIPAddress   *string               `xml:"privateIpAddress"`
	PrivateDNSName     *string               `xml:"privateDnsName"`
	SourceDestCheck    *bool                 `xml:"sourceDestCheck"`
	Groups             []ec2Group            `xml:"groupSet>item"`
	Attachment         *ec2NIAttachment      `xml:"attachment"`
	Association        *ec2NIAssociation     `xml:"association"`
	PrivateIPAddresses []ec2PrivateIPAddress `xml:"privateIpAddressesSet>item"`
	Ipv6Addresses      []ec2Ipv6Address      `xml:"ipv6AddressesSet>item"`
	InterfaceType      *string               `xml:"interfaceType"`
}

type ec2NIAttachment struct {
	AttachmentID        *string `xml:"attachmentId"`
	DeviceIndex         *int32  `xml:"deviceIndex"`
	NetworkCardIndex    *int32  `xml:"networkCardIndex"`
	Status              string  `xml:"status,omitempty"`
	AttachTime          string  `xml:"attachTime,omitempty"`
	DeleteOnTermination *bool   `xml:"deleteOnTermination"`
}

type ec2NIAssociation struct {
	PublicIP      *string `xml:"publicIp"`
	PublicDNSName *string `xml:"publicDnsName"`
	IPOwnerID     *string `xml:"ipOwnerId"`
	CarrierIP     *string `xml:"carrierIp"`
}

type ec2PrivateIPAddress struct {
	PrivateIPAddress *string           `xml:"privateIpAddress"`
	PrivateDNSName   *string           `xml:"privateDnsName"`
	Primary          *bool             `xml:"primary"`
	Association      *ec2NIAssociation `xml:"association"`
}

type ec2Ipv6Address struct {
	Ipv6Address   *string `xml:"ipv6Address"`
	IsPrimaryIpv6 *bool   `xml:"isPrimaryIpv6"`
}

type ec2IamInstanceProfile struct {
	Arn *string `xml:"arn"`
	ID  *string `xml:"id"`
}

type ec2CPUOptions struct {
	CoreCount      *int32 `xml:"coreCount"`
	ThreadsPerCore *int32 `xml:"threadsPerCore"`
}

type ec2CapacityReservationSpecification struct {
	Preference string `xml:"capacityReservationPreference,omitempty"`
}

type ec2Configured struct {
	Configured *bool `xml:"configured"`
}

type ec2Enabled struct {
	Enabled *bool `xml:"enabled"`
}

type ec2MetadataOptions struct {
	State                   string `xml:"state,omitempty"`
	HTTPTokens              string `xml:"httpTokens,omitempty"`
	HTTPPutResponseHopLimit *int32 `xml:"httpPutResponseHopLimit"`
	HTTPEndpoint            string `xml:"httpEndpoint,omitempty"`
	HTTPProtocolIpv6        string `xml:"httpProtocolIpv6,omitempty"`
	InstanceMetadataTags    string `xml:"instanceMetadataTags,omitempty"`
}

type ec2MaintenanceOptions struct {
	AutoRecovery string `xml:"autoRecovery,omitempty"`
}

type ec2PrivateDNSNameOptions struct {
	HostnameType                    string `xml:"hostnameType,omitempty"`
	EnableResourceNameDNSARecord    *bool  `xml:"enableResourceNameDnsARecord"`
	EnableResourceNameDNSAAAARecord *bool  `xml:"enableResourceNameDnsAAAARecord"`
}

func toEC2Instance(in *ec2types.Instance) ec2Instance {
	out := ec2Instance{
		InstanceID:               in.InstanceId,
		ImageID:                  in.ImageId,
		PrivateDNSName:           in.PrivateDnsName,
		PublicDNSName:            in.PublicDnsName,
		StateTransitionReason:    in.StateTransitionReason,
		KeyName:                  in.KeyName,
		AmiLaunchIndex:           in.AmiLaunchIndex,
		ProductCodes:             toEC2ProductCodes(in.ProductCodes),
		InstanceType:             string(in.InstanceType),
		LaunchTime:               ec2Time(in.LaunchTime),
		KernelID:                 in.KernelId,
		RamdiskID:                in.RamdiskId,
		Platform:                 string(in.Platform),
		SubnetID:                 in.SubnetId,
		VpcID:                    in.VpcId,
		PrivateIPAddress:         in.PrivateIpAddress,
		PublicIPAddress:          in.PublicIpAddress,
		SourceDestCheck:          in.SourceDestCheck,
		SecurityGroups:           toEC2Groups(in.SecurityGroups),
		StateReason:              toEC2StateReason(in.StateReason),
		Architecture:             string(in.Architecture),
		RootDeviceType:           string(in.RootDeviceType),
		RootDeviceName:           in.RootDeviceName,
		VirtualizationType:       string(in.VirtualizationType),
		ClientToken:              in.ClientToken,
		Tags:                     toEC2Tags(in.Tags),
		Hypervisor:               string(in.Hypervisor),
		EbsOptimized:             in.EbsOptimized,
		EnaSupport:               in.EnaSupport,
		SriovNetSupport:          in.SriovNetSupport,
		CapacityReservationID:    in.CapacityReservationId,
		BootMode:                 string(in.BootMode),
		CurrentInstanceBootMode:  string(in.CurrentInstanceBootMode),
		PlatformDetails:          in.PlatformDetails,
		UsageOperation:           in.UsageOperation,
		UsageOperationUpdateTime: ec2Time(in.UsageOperationUpdateTime),
		Ipv6Address:              in.Ipv6Address,
		TpmSupport:               in.TpmSupport,
		InstanceLifecycle:        string(in.InstanceLifecycle),
		SpotInstanceRequestID:    in.SpotInstanceRequestId,
		OutpostArn:               in.OutpostArn,
		CapacityBlockID:          in.CapacityBlockId,
	}
	if s := in.State; s != nil {
		out.State = &ec2InstanceState{Code: s.Code, Name: string(s.Name)}
	}
	if p := in.Placement; p != nil {
		out.Placement = &ec2Placement{
			AvailabilityZone: p.AvailabilityZone, AvailabilityZoneID: p.AvailabilityZoneId,
			GroupName: p.GroupName, GroupID: p.GroupId, PartitionNumber: p.PartitionNumber,
			HostID: p.HostId, Affinity: p.Affinity, Tenancy: string(p.Tenancy),
		}
	}
	if m := in.Monitoring; m != nil {
		out.Monitoring = &ec2Monitoring{State: string(m.State)}
	}
	for _, b := range in.BlockDeviceMappings {
		w := ec2InstanceBlockDevice{DeviceName: b.DeviceName}
		if e := b.Ebs; e != nil {
			w.Ebs = &ec2EbsInstanceBD{
				VolumeID: e.VolumeId, Status: string(e.Status), AttachTime: ec2Time(e.AttachTime),
				DeleteOnTermination: e.DeleteOnTermination, VolumeOwnerID: e.VolumeOwnerId,
			}
		}
		out.BlockDeviceMappings = append(out.BlockDeviceMappings, w)
	}
	for _, n := range in.NetworkInterfaces {
		out.NetworkInterfaces = append(out.NetworkInterfaces, toEC2NetworkInterface(&n))
	}
	if p := in.IamInstanceProfile; p != nil {
		out.IamInstanceProfile = &ec2IamInstanceProfile{Arn: p.Arn, ID: p.Id}
	}
	if c := in.CpuOptions; c != nil {
		out.CPUOptions = &ec2CPUOptions{CoreCount: c.CoreCount, ThreadsPerCore: c.ThreadsPerCore}
	}
	if c := in.CapacityReservationSpecification; c != nil {
		out.CapacityReservationSpecification = &ec2CapacityReservationSpecification{Preference: string(c.CapacityReservationPreference)}
	}
	if h := in.HibernationOptions; h != nil {
		out.HibernationOptions = &ec2Configured{Configured: h.Configured}
	}
	if e := in.EnclaveOptions; e != nil {
		out.EnclaveOptions = &ec2Enabled{Enabled: e.Enabled}
	}
	if m := in.MetadataOptions; m != nil {
		out.MetadataOptions = &ec2MetadataOptions{
			State: string(m.State), HTTPTokens: string(m.HttpTokens),
			HTTPPutResponseHopLimit: m.HttpPutResponseHopLimit, HTTPEndpoint: string(m.HttpEndpoint),
			HTTPProtocolIpv6: string(m.HttpProtocolIpv6), InstanceMetadataTags: string(m.InstanceMetadataTags),
		}
	}
	if m := in.MaintenanceOptions; m != nil {
		out.MaintenanceOptions = &ec2MaintenanceOptions{AutoRecovery: string(m.AutoRecovery)}
	}
	if o := in.PrivateDnsNameOptions; o != nil {
		out.PrivateDNSNameOptions = &ec2PrivateDNSNameOptions{
			HostnameType:                    string(o.HostnameType),
			EnableResourceNameDNSARecord:    o.EnableResourceNameDnsARecord,
			EnableResourceNameDNSAAAARecord: o.EnableResourceNameDnsAAAARecord,
		}
	}
	return out
}

func toEC2Association(a *ec2types.InstanceNetworkInterfaceAssociation) *ec2NIAssociation {
	if a == nil {
		return nil
	}
	return &ec2NIAssociation{PublicIP: a.PublicIp, PublicDNSName: a.PublicDnsName, IPOwnerID: a.IpOwnerId, CarrierIP: a.CarrierIp}
}

func toEC2NetworkInterface(n *ec2types.InstanceNetworkInterface) ec2NetworkInterface {
	out := ec2NetworkInterface{
		NetworkInterfaceID: n.NetworkInterfaceId,
		SubnetID:           n.SubnetId,
		VpcID:              n.VpcId,
		Description:        n.Description,
		OwnerID:            n.OwnerId,
		Status:             string(n.Status),
		MacAddress:         n.MacAddress,
		PrivateIPAddress:   n.PrivateIpAddress,
		PrivateDNSName:     n.PrivateDnsName,
		SourceDestCheck:    n.SourceDestCheck,
		Groups:             toEC2Groups(n.Groups),
		Association:        toEC2Association(n.Association),
		InterfaceType:      n.InterfaceType,
	}
	if a := n.Attachment; a != nil {
		out.Attachment = &ec2NIAttachment{
			AttachmentID: a.AttachmentId, DeviceIndex: a.DeviceIndex, NetworkCardIndex: a.NetworkCardIndex,
			Status: string(a.Status), AttachTime: ec2Time(a.AttachTime), DeleteOnTermination: a.DeleteOnTermination,
		}
	}
	for _, p := range n.PrivateIpAddresses {
		out.PrivateIPAddresses = append(out.PrivateIPAddresses, ec2PrivateIPAddress{
			PrivateIPAddress: p.PrivateIpAddress, PrivateDNSName: p.PrivateDnsName,
			Primary: p.Primary, Association: toEC2Association(p.Association),
		})
	}
	for _, a := range n.Ipv6Addresses {
		out.Ipv6Addresses = append(out.Ipv6Addresses, ec2Ipv6Address{Ipv6Address: a.Ipv6Address, IsPrimaryIpv6: a.IsPrimaryIpv6})
	}
	return out
}

// --- DescribeImages ---

type describeImagesResponse struct {
	XMLName   xml.Name   `xml:"http://ec2.amazonaws.com/doc/2016-11-15/ DescribeImagesResponse"`
	RequestID string     `xml:"requestId"`
	Images    []ec2Image `xml:"imagesSet>item"`
	NextToken string     `xml:"nextToken,omitempty"`
}

type ec2Image struct {
	ImageID                  *string               `xml:"imageId"`
	ImageLocation            *string               `xml:"imageLocation"`
	State                    string                `xml:"imageState,omitempty"`
	OwnerID                  *string               `xml:"imageOwnerId"`
	CreationDate             *string               `xml:"creationDate"`
	Public                   *bool                 `xml:"isPublic"`
	ProductCodes             []ec2ProductCode      `xml:"productCodes>item"`
	Architecture             string                `xml:"architecture,omitempty"`
	ImageType                string                `xml:"imageType,omitempty"`
	KernelID                 *string               `xml:"kernelId"`
	RamdiskID                *string               `xml:"ramdiskId"`
	Platform                 string                `xml:"platform,omitempty"`
	PlatformDetails          *string               `xml:"platformDetails"`
	UsageOperation           *string               `xml:"usageOperation"`
	StateReason              *ec2StateReason       `xml:"stateReason"`
	ImageOwnerAlias          *string               `xml:"imageOwnerAlias"`
	Name                     *string               `xml:"name"`
	Description              *string               `xml:"description"`
	RootDeviceType           string                `xml:"rootDeviceType,omitempty"`
	RootDeviceName           *string               `xml:"rootDeviceName"`
	BlockDeviceMappings      []ec2ImageBlockDevice `xml:"blockDeviceMapping>item"`
	VirtualizationType       string                `xml:"virtualizationType,omitempty"`
	Tags                     []ec2Tag              `xml:"tagSet>item"`
	Hypervisor               string                `xml:"hypervisor,omitempty"`
	EnaSupport               *bool                 `xml:"enaSupport"`
	SriovNetSupport          *string               `xml:"sriovNetSupport"`
	BootMode                 string                `xml:"bootMode,omitempty"`
	TpmSupport               string                `xml:"tpmSupport,omitempty"`
	ImdsSupport              string                `xml:"imdsSupport,omitempty"`
	DeprecationTime          *string               `xml:"deprecationTime"`
	LastLaunchedTime         *string               `xml:"lastLaunchedTime"`
	SourceInstanceID         *string               `xml:"sourceInstanceId"`
	DeregistrationProtection *string               `xml:"deregistrationProtection"`
	SourceImageID            *string               `xml:"sourceImageId"`
	SourceImageRegion        *string               `xml:"sourceImageRegion"`
	FreeTierEligible         *bool                 `xml:"freeTierEligible"`
	ImageAllowed             *bool                 `xml:"imageAllowed"`
	PublicSsmParameterName   *string               `xml:"publicSsmParameterName"`
}

type ec2ImageBlockDevice struct {
	DeviceName  *string        `xml:"deviceName"`
	VirtualName *string        `xml:"virtualName"`
	NoDevice    *string        `xml:"noDevice"`
	Ebs         *ec2EbsImageBD `xml:"ebs"`
}

type ec2EbsImageBD struct {
	SnapshotID          *string `xml:"snapshotId"`
	VolumeSize          *int32  `xml:"volumeSize"`
	DeleteOnTermination *bool   `xml:"deleteOnTermination"`
	VolumeType          string  `xml:"volumeType,omitempty"`
	Iops                *int32  `xml:"iops"`
	Throughput          *int32  `xml:"throughput"`
	Encrypted           *bool   `xml:"encrypted"`
	KmsKeyID            *string `xml:"kmsKeyId"`
}

func toEC2Image(in *ec2types.Image) ec2Image {
	out := ec2Image{
		ImageID:                  in.ImageId,
		ImageLocation:            in.ImageLocation,
		State:                    string(in.State),
		OwnerID:                  in.OwnerId,
		CreationDate:             in.CreationDate,
		Public:                   in.Public,
		ProductCodes:             toEC2ProductCodes(in.ProductCodes),
		Architecture:             string(in.Architecture),
		ImageType:                string(in.ImageType),
		KernelID:                 in.KernelId,
		RamdiskID:                in.RamdiskId,
		Platform:                 string(in.Platform),
		PlatformDetails:          in.PlatformDetails,
		UsageOperation:           in.UsageOperation,
		StateReason:              toEC2StateReason(in.StateReason),
		ImageOwnerAlias:          in.ImageOwnerAlias,
		Name:                     in.Name,
		Description:              in.Description,
		RootDeviceType:           string(in.RootDeviceType),
		RootDeviceName:           in.RootDeviceName,
		VirtualizationType:       string(in.VirtualizationType),
		Tags:                     toEC2Tags(in.Tags),
		Hypervisor:               string(in.Hypervisor),
		EnaSupport:               in.EnaSupport,
		SriovNetSupport:          in.SriovNetSupport,
		BootMode:                 string(in.BootMode),
		TpmSupport:               string(in.TpmSupport),
		ImdsSupport:              string(in.ImdsSupport),
		DeprecationTime:          in.DeprecationTime,
		LastLaunchedTime:         in.LastLaunchedTime,
		SourceInstanceID:         in.SourceInstanceId,
		DeregistrationProtection: in.DeregistrationProtection,
		SourceImageID:            in.SourceImageId,
		SourceImageRegion:        in.SourceImageRegion,
		FreeTierEligible:         in.FreeTierEligible,
		ImageAllowed:             in.ImageAllowed,
		PublicSsmParameterName:   in.PublicSsmParameterName,
	}
	for _, b := range in.BlockDeviceMappings {
		w := ec2ImageBlockDevice{DeviceName: b.DeviceName, VirtualName: b.VirtualName, NoDevice: b.NoDevice}
		if e := b.Ebs; e != nil {
			w.Ebs = &ec2EbsImageBD{
				SnapshotID: e.SnapshotId, VolumeSize: e.VolumeSize, DeleteOnTermination: e.DeleteOnTermination,
				VolumeType: string(e.VolumeType), Iops: e.Iops, Throughput: e.Throughput,
				Encrypted: e.Encrypted, KmsKeyID: e.KmsKeyId,
			}
		}
		out.BlockDeviceMappings = append(out.BlockDeviceMappings, w)
	}
	return out
}

// --- DescribeReservedInstances ---

type describeReservedInstancesResponse struct {
	XMLName           xml.Name               `xml:"http://ec2.amazonaws.com/doc/2016-11-15/ DescribeReservedInstancesResponse"`
	RequestID         string                 `xml:"requestId"`
	ReservedInstances []ec2ReservedInstances `xml:"reservedInstancesSet>item"`
}

type ec2ReservedInstances struct {
	ReservedInstancesID *string              `xml:"reservedInstancesId"`
	InstanceType        string               `xml:"instanceType,omitempty"`
	AvailabilityZone    *string              `xml:"availabilityZone"`
	AvailabilityZoneID  *string              `xml:"availabilityZoneId"`
	Start               string               `xml:"start,omitempty"`
	End                 string               `xml:"end,omitempty"`
	Duration            *int64               `xml:"duration"`
	UsagePrice          string               `xml:"usagePrice,omitempty"`
	FixedPrice          string               `xml:"fixedPrice,omitempty"`
	InstanceCount       *int32               `xml:"instanceCount"`
	ProductDescription  string               `xml:"productDescription,omitempty"`
	State               string               `xml:"state,omitempty"`
	Tags                []ec2Tag             `xml:"tagSet>item"`
	InstanceTenancy     string               `xml:"instanceTenancy,omitempty"`
	CurrencyCode        string               `xml:"currencyCode,omitempty"`
	OfferingType        string               `xml:"offeringType,omitempty"`
	RecurringCharges    []ec2RecurringCharge `xml:"recurringCharges>item"`
	OfferingClass       string               `xml:"offeringClass,omitempty"`
	Scope               string               `xml:"scope,omitempty"`
}

type ec2RecurringCharge struct {
	Frequency string `xml:"frequency,omitempty"`
	Amount    string `xml:"amount,omitempty"`
}

func toEC2ReservedInstances(in *ec2types.ReservedInstances) ec2ReservedInstances {
	out := ec2ReservedInstances{
		ReservedInstancesID: in.ReservedInstancesId,
		InstanceType:        string(in.InstanceType),
		AvailabilityZone:    in.AvailabilityZone,
		AvailabilityZoneID:  in.AvailabilityZoneId,
		Start:               ec2Time(in.Start),
		End:                 ec2Time(in.End),
		Duration:            in.Duration,
		UsagePrice:          fmtFloat32(in.UsagePrice),
		FixedPrice:          fmtFloat32(in.FixedPrice),
		InstanceCount:       in.InstanceCount,
		ProductDescription:  string(in.ProductDescription),
		State:               string(in.State),
		Tags:                toEC2Tags(in.Tags),
		InstanceTenancy:     string(in.InstanceTenancy),
		CurrencyCode:        string(in.CurrencyCode),
		OfferingType:        string(in.OfferingType),
		OfferingClass:       string(in.OfferingClass),
		Scope:               string(in.Scope),
	}
	for _, r := range in.RecurringCharges {
		out.RecurringCharges = append(out.RecurringCharges, ec2RecurringCharge{Frequency: string(r.Frequency), Amount: fmtFloat64(r.Amount)})
	}
	return out
}

// --- DescribeRegions ---

type describeRegionsResponse struct {
	XMLName   xml.Name    `xml:"http://ec2.amazonaws.com/doc/2016-11-15/ DescribeRegionsResponse"`
	RequestID string      `xml:"requestId"`
	Regions   []ec2Region `xml:"regionInfo>item"`
}

type ec2Region struct {
	RegionName  string `xml:"regionName"`
	Endpoint    string `xml:"regionEndpoint"`
	OptInStatus string `xml:"optInStatus"`
}
