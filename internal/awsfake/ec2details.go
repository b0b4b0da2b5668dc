package awsfake

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// EC2 operations that read more of an instance, an image or a reservation
// than its Describe record: DescribeInstanceAttribute, GetLaunchTemplateData,
// DescribeInstanceStatus, DescribeImageAttribute and
// DescribeReservedInstancesModifications. They read the caller's account in
// the region of the request's credential scope, as the others do.

// instanceByID finds one of the caller's instances by the InstanceId
// parameter, with EC2's errors for a missing, malformed or unknown id.
func (c *call) instanceByID() (*ec2types.Instance, fakedata.InstanceDetails, *apiError) {
	id := c.params.Get("InstanceId")
	switch {
	case id == "":
		return nil, fakedata.InstanceDetails{}, errorf(http.StatusBadRequest, "MissingParameter",
			"The request must contain the parameter instanceId")
	case !validID(id, "i-"):
		return nil, fakedata.InstanceDetails{}, errorf(http.StatusBadRequest, "InvalidInstanceID.Malformed", "Invalid id: %q", id)
	}
	r := resources(c.account, c.region)
	for i := range r.Instances {
		if deref(r.Instances[i].InstanceId) == id {
			return &r.Instances[i], r.InstanceDetails[id], nil
		}
	}
	return nil, fakedata.InstanceDetails{}, errorf(http.StatusBadRequest, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
}

// --- DescribeInstanceAttribute ---

// describeInstanceAttribute answers one attribute of one instance; an
// attribute the instance lacks (a kernel, user data) is an empty element,
// as EC2 sends it.
func (c *call) describeInstanceAttribute() (any, *apiError) {
	attr := c.params.Get("Attribute")
	if attr == "" {
		return nil, errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter attribute")
	}
	in, d, aerr := c.instanceByID()
	if aerr != nil {
		return nil, aerr
	}
	value := func(s *string) *ec2types.AttributeValue { return &ec2types.AttributeValue{Value: s} }
	boolean := func(b *bool) *ec2types.AttributeBooleanValue { return &ec2types.AttributeBooleanValue{Value: b} }
	out := &ec2.DescribeInstanceAttributeOutput{InstanceId: in.InstanceId}
	switch ec2types.InstanceAttributeName(attr) {
	case ec2types.InstanceAttributeNameInstanceType:
		out.InstanceType = value(aws.String(string(in.InstanceType)))
	case ec2types.InstanceAttributeNameKernel:
		out.KernelId = value(in.KernelId)
	case ec2types.InstanceAttributeNameRamdisk:
		out.RamdiskId = value(in.RamdiskId)
	case ec2types.InstanceAttributeNameUserData:
		out.UserData = value(nil)
		if d.UserData != "" {
			out.UserData = value(aws.String(base64.StdEncoding.EncodeToString([]byte(d.UserData))))
		}
	case ec2types.InstanceAttributeNameDisableApiTermination:
		out.DisableApiTermination = boolean(aws.Bool(d.DisableAPITermination))
	case ec2types.InstanceAttributeNameDisableApiStop:
		out.DisableApiStop = boolean(aws.Bool(false))
	case ec2types.InstanceAttributeNameInstanceInitiatedShutdownBehavior:
		out.InstanceInitiatedShutdownBehavior = value(aws.String(string(d.Shutdown())))
	case ec2types.InstanceAttributeNameRootDeviceName:
		out.RootDeviceName = value(in.RootDeviceName)
	case ec2types.InstanceAttributeNameBlockDeviceMapping:
		out.BlockDeviceMappings = in.BlockDeviceMappings
	case ec2types.InstanceAttributeNameProductCodes:
		out.ProductCodes = in.ProductCodes
	case ec2types.InstanceAttributeNameSourceDestCheck:
		out.SourceDestCheck = boolean(in.SourceDestCheck)
	case ec2types.InstanceAttributeNameGroupSet:
		out.Groups = in.SecurityGroups
	case ec2types.InstanceAttributeNameEbsOptimized:
		out.EbsOptimized = boolean(in.EbsOptimized)
	case ec2types.InstanceAttributeNameSriovNetSupport:
		out.SriovNetSupport = value(in.SriovNetSupport)
	case ec2types.InstanceAttributeNameEnaSupport:
		out.EnaSupport = boolean(in.EnaSupport)
	case ec2types.InstanceAttributeNameEnclaveOptions:
		out.EnclaveOptions = in.EnclaveOptions
	default:
		return nil, invalidParameterValue("Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}

// --- GetLaunchTemplateData ---

// getLaunchTemplateData answers the launch parameters of an instance, as
// EC2 derives them from the instance and its attributes.
func (c *call) getLaunchTemplateData() (any, *apiError) {
	in, d, aerr := c.instanceByID()
	if aerr != nil {
		return nil, aerr
	}
	lt := &ec2types.ResponseLaunchTemplateData{
		ImageId:                           in.ImageId,
		InstanceType:                      in.InstanceType,
		KeyName:                           in.KeyName,
		EbsOptimized:                      in.EbsOptimized,
		DisableApiTermination:             aws.Bool(d.DisableAPITermination),
		DisableApiStop:                    aws.Bool(false),
		InstanceInitiatedShutdownBehavior: d.Shutdown(),
	}
	if d.UserData != "" {
		lt.UserData = aws.String(base64.StdEncoding.EncodeToString([]byte(d.UserData)))
	}
	if in.IamInstanceProfile != nil {
		lt.IamInstanceProfile = &ec2types.LaunchTemplateIamInstanceProfileSpecification{Arn: in.IamInstanceProfile.Arn}
	}
	if in.Monitoring != nil {
		lt.Monitoring = &ec2types.LaunchTemplatesMonitoring{Enabled: aws.Bool(in.Monitoring.State == ec2types.MonitoringStateEnabled)}
	}
	if p := in.Placement; p != nil {
		lt.Placement = &ec2types.LaunchTemplatePlacement{AvailabilityZone: p.AvailabilityZone, Tenancy: p.Tenancy,
			Affinity: p.Affinity, HostId: p.HostId, HostResourceGroupArn: p.HostResourceGroupArn, PartitionNumber: p.PartitionNumber}
		if deref(p.GroupName) != "" {
			lt.Placement.GroupName, lt.Placement.GroupId = p.GroupName, p.GroupId
		}
	}
	if o := in.CpuOptions; o != nil {
		lt.CpuOptions = &ec2types.LaunchTemplateCpuOptions{CoreCount: o.CoreCount, ThreadsPerCore: o.ThreadsPerCore}
	}
	if s := in.CapacityReservationSpecification; s != nil {
		lt.CapacityReservationSpecification = &ec2types.LaunchTemplateCapacityReservationSpecificationResponse{
			CapacityReservationPreference: s.CapacityReservationPreference, CapacityReservationTarget: s.CapacityReservationTarget}
	}
	if o := in.HibernationOptions; o != nil {
		lt.HibernationOptions = &ec2types.LaunchTemplateHibernationOptions{Configured: o.Configured}
	}
	if o := in.EnclaveOptions; o != nil {
		lt.EnclaveOptions = &ec2types.LaunchTemplateEnclaveOptions{Enabled: o.Enabled}
	}
	if o := in.MetadataOptions; o != nil {
		lt.MetadataOptions = &ec2types.LaunchTemplateInstanceMetadataOptions{
			State: ec2types.LaunchTemplateInstanceMetadataOptionsState(o.State), HttpTokens: ec2types.LaunchTemplateHttpTokensState(o.HttpTokens),
			HttpPutResponseHopLimit: o.HttpPutResponseHopLimit, HttpEndpoint: ec2types.LaunchTemplateInstanceMetadataEndpointState(o.HttpEndpoint),
			HttpProtocolIpv6:     ec2types.LaunchTemplateInstanceMetadataProtocolIpv6(o.HttpProtocolIpv6),
			InstanceMetadataTags: ec2types.LaunchTemplateInstanceMetadataTagsState(o.InstanceMetadataTags)}
	}
	if o := in.MaintenanceOptions; o != nil {
		lt.MaintenanceOptions = &ec2types.LaunchTemplateInstanceMaintenanceOptions{AutoRecovery: ec2types.LaunchTemplateAutoRecoveryState(o.AutoRecovery)}
	}
	if o := in.PrivateDnsNameOptions; o != nil {
		lt.PrivateDnsNameOptions = &ec2types.LaunchTemplatePrivateDnsNameOptions{HostnameType: o.HostnameType,
			EnableResourceNameDnsARecord: o.EnableResourceNameDnsARecord, EnableResourceNameDnsAAAARecord: o.EnableResourceNameDnsAAAARecord}
	}
	if in.InstanceLifecycle == ec2types.InstanceLifecycleTypeSpot {
		lt.InstanceMarketOptions = &ec2types.LaunchTemplateInstanceMarketOptions{MarketType: ec2types.MarketTypeSpot}
	}
	for _, l := range in.Licenses {
		lt.LicenseSpecifications = append(lt.LicenseSpecifications, ec2types.LaunchTemplateLicenseConfiguration{LicenseConfigurationArn: l.LicenseConfigurationArn})
	}
	for _, n := range in.NetworkInterfaces {
		spec := ec2types.LaunchTemplateInstanceNetworkInterfaceSpecification{
			NetworkInterfaceId: n.NetworkInterfaceId, SubnetId: n.SubnetId, Description: n.Description, InterfaceType: n.InterfaceType,
			AssociatePublicIpAddress: aws.Bool(n.Association != nil),
		}
		if a := n.Attachment; a != nil {
			spec.DeviceIndex, spec.NetworkCardIndex, spec.DeleteOnTermination = a.DeviceIndex, a.NetworkCardIndex, a.DeleteOnTermination
		}
		for _, g := range n.Groups {
			spec.Groups = append(spec.Groups, deref(g.GroupId))
		}
		for _, p := range n.PrivateIpAddresses {
			spec.PrivateIpAddresses = append(spec.PrivateIpAddresses, ec2types.PrivateIpAddressSpecification{PrivateIpAddress: p.PrivateIpAddress, Primary: p.Primary})
		}
		for _, a := range n.Ipv6Addresses {
			spec.Ipv6Addresses = append(spec.Ipv6Addresses, ec2types.InstanceIpv6Address{Ipv6Address: a.Ipv6Address, IsPrimaryIpv6: a.IsPrimaryIpv6})
		}
		lt.NetworkInterfaces = append(lt.NetworkInterfaces, spec)
	}
	for _, b := range in.BlockDeviceMappings {
		m := ec2types.LaunchTemplateBlockDeviceMapping{DeviceName: b.DeviceName}
		if b.Ebs != nil {
			m.Ebs = &ec2types.LaunchTemplateEbsBlockDevice{DeleteOnTermination: b.Ebs.DeleteOnTermination}
		}
		lt.BlockDeviceMappings = append(lt.BlockDeviceMappings, m)
	}
	if len(in.Tags) > 0 {
		lt.TagSpecifications = []ec2types.LaunchTemplateTagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: in.Tags}}
	}
	return &ec2.GetLaunchTemplateDataOutput{LaunchTemplateData: lt}, nil
}

// --- DescribeInstanceStatus ---

// instanceStatus is an instance's health as EC2 reports it: checks pass
// while it runs (unless it is impaired), they initialize while it is
// pending, and they do not apply otherwise.
func instanceStatus(in *ec2types.Instance, d fakedata.InstanceDetails) ec2types.InstanceStatus {
	st := ec2types.InstanceStatus{InstanceId: in.InstanceId, InstanceState: in.State, OutpostArn: in.OutpostArn, Events: d.Events}
	if p := in.Placement; p != nil {
		st.AvailabilityZone, st.AvailabilityZoneId = p.AvailabilityZone, p.AvailabilityZoneId
	}
	summary := func(status ec2types.SummaryStatus, detail ec2types.StatusType, since *time.Time) *ec2types.InstanceStatusSummary {
		s := &ec2types.InstanceStatusSummary{Status: status}
		if detail != "" {
			s.Details = []ec2types.InstanceStatusDetails{{Name: ec2types.StatusNameReachability, Status: detail, ImpairedSince: since}}
		}
		return s
	}
	state := ec2types.InstanceStateName("")
	if in.State != nil {
		state = in.State.Name
	}
	switch {
	case state == ec2types.InstanceStateNameRunning && !d.ImpairedSince.IsZero():
		st.InstanceStatus = summary(ec2types.SummaryStatusImpaired, ec2types.StatusTypeFailed, aws.Time(d.ImpairedSince))
		st.SystemStatus = summary(ec2types.SummaryStatusOk, ec2types.StatusTypePassed, nil)
	case state == ec2types.InstanceStateNameRunning:
		st.InstanceStatus = summary(ec2types.SummaryStatusOk, ec2types.StatusTypePassed, nil)
		st.SystemStatus = summary(ec2types.SummaryStatusOk, ec2types.StatusTypePassed, nil)
	case state == ec2types.InstanceStateNamePending:
		st.InstanceStatus = summary(ec2types.SummaryStatusInitializing, ec2types.StatusTypeInitializing, nil)
		st.SystemStatus = summary(ec2types.SummaryStatusInitializing, ec2types.StatusTypeInitializing, nil)
	default:
		st.InstanceStatus = summary(ec2types.SummaryStatusNotApplicable, "", nil)
		st.SystemStatus = summary(ec2types.SummaryStatusNotApplicable, "", nil)
	}
	if state == ec2types.InstanceStateNameRunning {
		st.AttachedEbsStatus = &ec2types.EbsStatusSummary{Status: ec2types.SummaryStatusOk,
			Details: []ec2types.EbsStatusDetails{{Name: ec2types.StatusNameReachability, Status: ec2types.StatusTypePassed}}}
	}
	return st
}

func statusFields() ec2Fields[ec2types.InstanceStatus] {
	type S = ec2types.InstanceStatus
	summary := func(get func(*S) *ec2types.InstanceStatusSummary, reach bool) func(*S) []string {
		return func(s *S) []string {
			sum := get(s)
			switch {
			case sum == nil:
				return nil
			case !reach:
				return nonEmpty(string(sum.Status))
			}
			var out []string
			for _, d := range sum.Details {
				out = append(out, nonEmpty(string(d.Status))...)
			}
			return out
		}
	}
	events := func(get func(ec2types.InstanceStatusEvent) string) func(*S) []string {
		return func(s *S) []string {
			var out []string
			for _, e := range s.Events {
				out = append(out, nonEmpty(get(e))...)
			}
			return out
		}
	}
	return ec2Fields[S]{
		"availability-zone": func(s *S) []string { return strs(s.AvailabilityZone) },
		"instance-state-name": func(s *S) []string {
			if s.InstanceState == nil {
				return nil
			}
			return nonEmpty(string(s.InstanceState.Name))
		},
		"instance-state-code": func(s *S) []string {
			if s.InstanceState == nil || s.InstanceState.Code == nil {
				return nil
			}
			return str(strconv.Itoa(int(*s.InstanceState.Code)))
		},
		"instance-status.status":       summary(func(s *S) *ec2types.InstanceStatusSummary { return s.InstanceStatus }, false),
		"instance-status.reachability": summary(func(s *S) *ec2types.InstanceStatusSummary { return s.InstanceStatus }, true),
		"system-status.status":         summary(func(s *S) *ec2types.InstanceStatusSummary { return s.SystemStatus }, false),
		"system-status.reachability":   summary(func(s *S) *ec2types.InstanceStatusSummary { return s.SystemStatus }, true),
		"attached-ebs-status.status": func(s *S) []string {
			if s.AttachedEbsStatus == nil {
				return nil
			}
			return nonEmpty(string(s.AttachedEbsStatus.Status))
		},
		"event.code":              events(func(e ec2types.InstanceStatusEvent) string { return string(e.Code) }),
		"event.description":       events(func(e ec2types.InstanceStatusEvent) string { return deref(e.Description) }),
		"event.instance-event-id": events(func(e ec2types.InstanceStatusEvent) string { return deref(e.InstanceEventId) }),
		"event.not-after":         events(func(e ec2types.InstanceStatusEvent) string { return ec2Time(e.NotAfter) }),
		"event.not-before":        events(func(e ec2types.InstanceStatusEvent) string { return ec2Time(e.NotBefore) }),
	}
}

// describeInstanceStatus answers the health of the caller's instances:
// running ones only unless IncludeAllInstances, those named by InstanceId
// (all of which must exist), paged by MaxResults, which cannot be combined
// with InstanceId.
func (c *call) describeInstanceStatus() (any, *apiError) {
	ids := listParam(c.params, "InstanceId")
	if _, _, aerr := c.maxResults(ids, "instancesSet"); aerr != nil {
		return nil, aerr
	}
	for _, id := range ids {
		if !validID(id, "i-") {
			return nil, errorf(http.StatusBadRequest, "InvalidInstanceID.Malformed", "Invalid id: %q", id)
		}
	}
	pred, aerr := compileEC2Filters(ec2Filters(c.params), statusFields(), nil)
	if aerr != nil {
		return nil, aerr
	}
	r := resources(c.account, c.region)
	var missing []string
	for _, id := range ids {
		if !slices.ContainsFunc(r.Instances, func(i ec2types.Instance) bool { return deref(i.InstanceId) == id }) && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, errorf(http.StatusBadRequest, "InvalidInstanceID.NotFound", "%s",
			notFoundMessage("The instance ID '%s' does not exist", "The instance IDs '%s' do not exist", missing))
	}
	all := c.boolParam("IncludeAllInstances")
	var matched []ec2types.InstanceStatus
	for i := range r.Instances {
		in := &r.Instances[i]
		switch {
		case len(ids) > 0 && !slices.Contains(ids, deref(in.InstanceId)):
			continue
		case !all && (in.State == nil || in.State.Name != ec2types.InstanceStateNameRunning):
			continue
		}
		st := instanceStatus(in, r.InstanceDetails[deref(in.InstanceId)])
		if pred(&st) {
			matched = append(matched, st)
		}
	}
	lo, hi, next, aerr := c.ec2Page(len(matched), ids, "instancesSet")
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeInstanceStatusOutput{InstanceStatuses: append([]ec2types.InstanceStatus{}, matched[lo:hi]...), NextToken: optional(next)}, nil
}

// --- DescribeImageAttribute ---

// describeImageAttribute answers an attribute of one of the caller's own
// images. Only an image's owner may read its attributes: anyone else's,
// even a public one, is AuthFailure, as AWS answers it.
func (c *call) describeImageAttribute() (any, *apiError) {
	attr, id := c.params.Get("Attribute"), c.params.Get("ImageId")
	switch {
	case attr == "":
		return nil, errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter attribute")
	case id == "":
		return nil, errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter imageId")
	case !validID(id, "ami-"):
		return nil, errorf(http.StatusBadRequest, "InvalidAMIID.Malformed", `Invalid id: %q (expecting "ami-...")`, id)
	}
	var img *ec2types.Image
	for _, v := range c.visibleImages() {
		if deref(v.ImageId) == id {
			img = v
		}
	}
	switch {
	case img == nil:
		return nil, errorf(http.StatusBadRequest, "InvalidAMIID.NotFound", "The image id '[%s]' does not exist", id)
	case deref(img.OwnerId) != c.account.ID:
		return nil, errorf(http.StatusUnauthorized, "AuthFailure", "Not authorized for image:%s", id)
	}
	out := &ec2.DescribeImageAttributeOutput{ImageId: img.ImageId}
	value := func(s *string) *ec2types.AttributeValue { return &ec2types.AttributeValue{Value: s} }
	switch ec2types.ImageAttributeName(attr) {
	case ec2types.ImageAttributeNameLaunchPermission:
		out.LaunchPermissions = []ec2types.LaunchPermission{}
		if deref(img.Public) {
			out.LaunchPermissions = append(out.LaunchPermissions, ec2types.LaunchPermission{Group: ec2types.PermissionGroupAll})
		}
		out.LaunchPermissions = append(out.LaunchPermissions, resources(c.account, c.region).ImageLaunchPermissions[id]...)
	case ec2types.ImageAttributeNameDescription:
		out.Description = value(img.Description)
	case ec2types.ImageAttributeNameKernel:
		out.KernelId = value(img.KernelId)
	case ec2types.ImageAttributeNameRamdisk:
		out.RamdiskId = value(img.RamdiskId)
	case ec2types.ImageAttributeNameProductCodes:
		out.ProductCodes = img.ProductCodes
	case ec2types.ImageAttributeNameBlockDeviceMapping:
		out.BlockDeviceMappings = img.BlockDeviceMappings
	case ec2types.ImageAttributeNameSriovNetSupport:
		out.SriovNetSupport = value(img.SriovNetSupport)
	case ec2types.ImageAttributeNameBootMode:
		out.BootMode = value(aws.String(string(img.BootMode)))
	case ec2types.ImageAttributeNameTpmSupport:
		out.TpmSupport = value(aws.String(string(img.TpmSupport)))
	case ec2types.ImageAttributeNameImdsSupport:
		out.ImdsSupport = value(aws.String(string(img.ImdsSupport)))
	case ec2types.ImageAttributeNameLastLaunchedTime:
		out.LastLaunchedTime = value(img.LastLaunchedTime)
	case ec2types.ImageAttributeNameDeregistrationProtection:
		out.DeregistrationProtection = value(img.DeregistrationProtection)
	default:
		return nil, invalidParameterValue("Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}

// --- DescribeReservedInstancesModifications ---

func modificationFields() ec2Fields[ec2types.ReservedInstancesModification] {
	type M = ec2types.ReservedInstancesModification
	target := func(get func(*ec2types.ReservedInstancesConfiguration) []string) func(*M) []string {
		return func(m *M) []string {
			var out []string
			for _, r := range m.ModificationResults {
				if r.TargetConfiguration != nil {
					out = append(out, get(r.TargetConfiguration)...)
				}
			}
			return out
		}
	}
	return ec2Fields[M]{
		"client-token":                       func(m *M) []string { return strs(m.ClientToken) },
		"create-date":                        func(m *M) []string { return nonEmpty(ec2Time(m.CreateDate)) },
		"effective-date":                     func(m *M) []string { return nonEmpty(ec2Time(m.EffectiveDate)) },
		"update-date":                        func(m *M) []string { return nonEmpty(ec2Time(m.UpdateDate)) },
		"status":                             func(m *M) []string { return strs(m.Status) },
		"status-message":                     func(m *M) []string { return strs(m.StatusMessage) },
		"reserved-instances-modification-id": func(m *M) []string { return strs(m.ReservedInstancesModificationId) },
		"reserved-instances-id": func(m *M) []string {
			var out []string
			for _, r := range m.ReservedInstancesIds {
				out = append(out, strs(r.ReservedInstancesId)...)
			}
			return out
		},
		"modification-result.reserved-instances-id": func(m *M) []string {
			var out []string
			for _, r := range m.ModificationResults {
				out = append(out, strs(r.ReservedInstancesId)...)
			}
			return out
		},
		"modification-result.target-configuration.availability-zone": target(func(t *ec2types.ReservedInstancesConfiguration) []string {
			return strs(t.AvailabilityZone)
		}),
		"modification-result.target-configuration.instance-count": target(func(t *ec2types.ReservedInstancesConfiguration) []string {
			if t.InstanceCount == nil {
				return nil
			}
			return str(strconv.Itoa(int(*t.InstanceCount)))
		}),
		"modification-result.target-configuration.instance-type": target(func(t *ec2types.ReservedInstancesConfiguration) []string {
			return nonEmpty(string(t.InstanceType))
		}),
		"modification-result.target-configuration.platform": target(func(t *ec2types.ReservedInstancesConfiguration) []string {
			return strs(t.Platform)
		}),
	}
}

// describeReservedInstancesModifications answers the changes made to the
// caller's reservations, by ReservedInstancesModificationId and filters.
// The operation takes no MaxResults: the fake's page size (WithPageSize)
// pages it, with NextToken.
func (c *call) describeReservedInstancesModifications() (any, *apiError) {
	ids := listParam(c.params, "ReservedInstancesModificationId")
	pred, aerr := compileEC2Filters(ec2Filters(c.params), modificationFields(), nil)
	if aerr != nil {
		return nil, aerr
	}
	all := resources(c.account, c.region).ReservedInstancesModifications
	var matched []ec2types.ReservedInstancesModification
	for i := range all {
		m := &all[i]
		if len(ids) > 0 && !slices.Contains(ids, deref(m.ReservedInstancesModificationId)) {
			continue
		}
		if pred(m) {
			matched = append(matched, *m)
		}
	}
	lo, hi, next, aerr := c.ec2Page(len(matched), nil, "")
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeReservedInstancesModificationsOutput{
		ReservedInstancesModifications: append([]ec2types.ReservedInstancesModification{}, matched[lo:hi]...), NextToken: optional(next)}, nil
}
