package fakedata

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// InstanceDetails is what EC2 keeps of an instance that DescribeInstances
// does not show: the attributes DescribeInstanceAttribute reads (which
// GetLaunchTemplateData repeats) and the health DescribeInstanceStatus
// reports. The zero value is EC2's defaults.
type InstanceDetails struct {
	DisableAPITermination bool
	// ShutdownBehavior is what a shutdown from within the instance does:
	// stop (the default, when empty) or terminate.
	ShutdownBehavior ec2types.ShutdownBehavior
	// UserData is the user data given at launch, as given: EC2 answers it
	// base64-encoded.
	UserData string
	// ImpairedSince, when set, is when the instance began to fail its
	// reachability check (a running instance's status is then impaired).
	ImpairedSince time.Time
	// Events are the instance's scheduled events (reboot, retirement).
	Events []ec2types.InstanceStatusEvent
}

// Shutdown is the instance's shutdown behavior, stop unless set.
func (d InstanceDetails) Shutdown() ec2types.ShutdownBehavior {
	if d.ShutdownBehavior == "" {
		return ec2types.ShutdownBehaviorStop
	}
	return d.ShutdownBehavior
}

// demoEC2Details gives the demo's instances, images and reservations what a
// query of every Steampipe column needs to find: instances on a dedicated
// host, in placement groups, with an IPv6 address, a license configuration,
// a capacity reservation, a Marketplace product code, a paravirtual kernel;
// attributes (termination protection, user data, shutdown behavior), an
// impaired instance with a scheduled event; images shared with accounts and
// an organization; and modified reservations.
func demoEC2Details(ds *Dataset) {
	mgmt := ds.Accounts[0]
	org := "arn:aws:organizations::" + DemoManagementAccount + ":organization/" + DemoOrganizationID
	mgmt.Aliases = []string{"acme-demo"}
	for _, a := range ds.Accounts {
		if a.Name == "web-prod" {
			a.Aliases = []string{"acme-web-prod"}
		}
	}

	use1 := mgmt.Regions["us-east-1"]
	inst := func(r *Region, name string) *ec2types.Instance {
		for i := range r.Instances {
			for _, t := range r.Instances[i].Tags {
				if aws.ToString(t.Key) == "Name" && aws.ToString(t.Value) == name {
					return &r.Instances[i]
				}
			}
		}
		panic("fakedata: no demo instance " + name)
	}
	id := func(in *ec2types.Instance) string { return aws.ToString(in.InstanceId) }

	// Windows with its own licenses, on a dedicated host.
	win := inst(use1, "win-app-1")
	win.Placement.Tenancy = ec2types.TenancyHost
	win.Placement.Affinity = aws.String("host")
	win.Placement.HostId = aws.String("h-" + hexDigest("host:"+id(win), 17))
	win.Placement.HostResourceGroupArn = aws.String("arn:aws:resource-groups:us-east-1:" + DemoAccountID + ":group/windows-byol-hosts")
	win.Licenses = []ec2types.LicenseConfiguration{{
		LicenseConfigurationArn: aws.String("arn:aws:license-manager:us-east-1:" + DemoAccountID + ":license-configuration:lic-" + hexDigest("lic:windows", 32)),
	}}
	// The batch cluster's placement group.
	for _, name := range []string{"batch-1", "batch-2"} {
		inst(use1, name).Placement.GroupId = aws.String("pg-" + hexDigest("pg:batch-cluster", 17))
	}
	// A capacity reservation that api-1 runs in.
	api := inst(use1, "api-1")
	cr := "cr-" + hexDigest("cr:api", 17)
	api.CapacityReservationId = aws.String(cr)
	api.CapacityReservationSpecification = &ec2types.CapacityReservationSpecificationResponse{
		CapacityReservationTarget: &ec2types.CapacityReservationTargetResponse{CapacityReservationId: aws.String(cr)},
	}
	// An old paravirtual instance with its kernel and RAM disk, and the
	// Intel 82599 virtual function.
	legacy := inst(use1, "legacy-1")
	legacy.InstanceType = ec2types.InstanceTypeM1Small
	legacy.VirtualizationType = ec2types.VirtualizationTypeParavirtual
	legacy.KernelId = aws.String("aki-" + hexDigest("aki:pv-grub", 8))
	legacy.RamdiskId = aws.String("ari-" + hexDigest("ari:pv-grub", 8))
	legacy.SriovNetSupport = aws.String("simple")
	legacy.EnaSupport = aws.Bool(false)
	// An instance on an Outpost.
	inst(use1, "web-3").OutpostArn = aws.String("arn:aws:outposts:us-east-1:" + DemoAccountID + ":outpost/op-" + hexDigest("outpost", 17))

	usw2 := mgmt.Regions["us-west-2"]
	for i, name := range []string{"gw-1", "gw-2"} {
		in := inst(usw2, name)
		in.Placement.GroupName = aws.String("graviton-partitions")
		in.Placement.GroupId = aws.String("pg-" + hexDigest("pg:graviton-partitions", 17))
		in.Placement.PartitionNumber = aws.Int32(int32(i + 1))
	}

	euw1 := mgmt.Regions["eu-west-1"]
	// IPv6, on the instance and its interface.
	web := inst(euw1, "eu-web-1")
	v6 := "2a05:d018:" + hexDigest("v6:"+id(web), 4) + ":" + hexDigest("v6net", 4) + "::1e"
	web.Ipv6Address = aws.String(v6)
	web.NetworkInterfaces[0].Ipv6Addresses = []ec2types.InstanceIpv6Address{{Ipv6Address: aws.String(v6), IsPrimaryIpv6: aws.Bool(true)}}
	// A Marketplace appliance, and its product code.
	jump := inst(euw1, "eu-jump")
	jump.ImageId = aws.String(imageNamed(ds.PublicImages["eu-west-1"], "acme-firewall-7.2-x86_64"))
	jump.ProductCodes = []ec2types.ProductCode{{ProductCodeId: aws.String("acmefw72"), ProductCodeType: ec2types.ProductCodeValuesMarketplace}}

	details := func(r *Region, name string, d InstanceDetails) {
		if r.InstanceDetails == nil {
			r.InstanceDetails = map[string]InstanceDetails{}
		}
		r.InstanceDetails[id(inst(r, name))] = d
	}
	const cloudInit = "#!/bin/bash\nset -euo pipefail\n# configure the web tier\nyum install -y nginx\nsystemctl enable --now nginx\n"
	details(use1, "web-1", InstanceDetails{DisableAPITermination: true, UserData: cloudInit})
	details(use1, "web-2", InstanceDetails{DisableAPITermination: true, UserData: cloudInit,
		ImpairedSince: day(2026, 10, 31, 22),
		Events: []ec2types.InstanceStatusEvent{{
			Code:            ec2types.EventCodeSystemReboot,
			Description:     aws.String("scheduled reboot"),
			InstanceEventId: aws.String("instance-event-" + hexDigest("event:web-2", 17)),
			NotBefore:       aws.Time(day(2026, 11, 8, 2)),
			NotAfter:        aws.Time(day(2026, 11, 8, 4)),
		}}})
	details(use1, "rhel-db-1", InstanceDetails{DisableAPITermination: true,
		UserData: "#cloud-config\npackages: [postgresql]\nwrite_files:\n  - path: /etc/motd\n    content: \"données — ünïcode ✓\"\n"})
	details(use1, "worker-spot-1", InstanceDetails{ShutdownBehavior: ec2types.ShutdownBehaviorTerminate})
	details(use1, "worker-spot-2", InstanceDetails{ShutdownBehavior: ec2types.ShutdownBehaviorTerminate})
	details(use1, "batch-1", InstanceDetails{ShutdownBehavior: ec2types.ShutdownBehaviorTerminate, UserData: "#!/bin/sh\nexec /opt/batch/run --queue default\n"})
	details(use1, "win-app-1", InstanceDetails{UserData: "<powershell>\nInstall-WindowsFeature Web-Server\n</powershell>\n<persist>true</persist>"})
	// User data that is not text: gzip's magic bytes.
	details(usw2, "gw-1", InstanceDetails{UserData: "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"})
	details(euw1, "eu-web-1", InstanceDetails{DisableAPITermination: true, UserData: cloudInit})

	// Where the images came from: app-base-v2 was built from web-1 and
	// copied to the other regions; retired-2024 was disabled with a
	// reason; old-unused is paravirtual, with its kernel and RAM disk.
	img := func(r *Region, name string) *ec2types.Image {
		for i := range r.Images {
			if aws.ToString(r.Images[i].Name) == name {
				return &r.Images[i]
			}
		}
		panic("fakedata: no demo image " + name)
	}
	built := img(use1, "app-base-v2")
	built.SourceInstanceId = aws.String(id(inst(use1, "web-1")))
	for _, r := range []*Region{usw2, euw1} {
		cp := img(r, "app-base-v2")
		cp.SourceImageId, cp.SourceImageRegion = built.ImageId, aws.String("us-east-1")
	}
	img(use1, "retired-2024").StateReason = &ec2types.StateReason{Code: aws.String("Client.UserInitiated"), Message: aws.String("disabled by its owner")}
	pv := img(usw2, "old-unused")
	pv.VirtualizationType = ec2types.VirtualizationTypeParavirtual
	pv.KernelId, pv.RamdiskId = legacy.KernelId, legacy.RamdiskId
	// The account allows only some AMIs (Allowed AMIs): its own, and
	// Amazon's, some of which are free-tier eligible.
	for _, r := range mgmt.Regions {
		for i := range r.Images {
			r.Images[i].ImageAllowed, r.Images[i].FreeTierEligible = aws.Bool(true), aws.Bool(false)
		}
	}
	for _, imgs := range ds.PublicImages {
		for i := range imgs {
			amazon := aws.ToString(imgs[i].ImageOwnerAlias) == "amazon"
			imgs[i].FreeTierEligible = aws.Bool(amazon && imgs[i].Platform == "")
		}
	}

	// Images shared with a member account and with the organization.
	v2 := imageNamed(use1.Images, "app-base-v2")
	use1.ImageLaunchPermissions = map[string][]ec2types.LaunchPermission{
		v2:                                     {{UserId: aws.String("210987654321")}, {UserId: aws.String("345678901234")}},
		imageNamed(use1.Images, "app-base-v3"): {{OrganizationArn: aws.String(org)}},
	}
	usw2.ImageLaunchPermissions = map[string][]ec2types.LaunchPermission{
		imageNamed(usw2.Images, "app-base-arm"): {{OrganizationalUnitArn: aws.String(
			"arn:aws:organizations::" + DemoManagementAccount + ":ou/" + DemoOrganizationID + "/" + demoProductionOU)}},
	}

	// The us-east-1 zonal t3.micro reservation was moved to its zone from
	// a regional one; a later change to the Windows one is still pending.
	ri := use1.ReservedInstances
	use1.ReservedInstancesModifications = []ec2types.ReservedInstancesModification{
		riModification(ri[1], "fulfilled", day(2025, 9, 2, 10), &ec2types.ReservedInstancesConfiguration{
			AvailabilityZone: ri[1].AvailabilityZone, InstanceCount: aws.Int32(1), InstanceType: ri[1].InstanceType,
			Platform: aws.String("EC2-VPC"), Scope: ec2types.ScopeAvailabilityZone}),
		riModification(ri[3], "processing", day(2026, 10, 30, 16), &ec2types.ReservedInstancesConfiguration{
			InstanceCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeM5Xlarge, Platform: aws.String("EC2-VPC"),
			Scope: ec2types.ScopeRegional}),
	}
}

// riModification is a change to a reservation: a fulfilled one names the
// reservation it made (which the data sets leave out of their lists).
func riModification(ri ec2types.ReservedInstances, status string, at time.Time, target *ec2types.ReservedInstancesConfiguration) ec2types.ReservedInstancesModification {
	id := aws.ToString(ri.ReservedInstancesId)
	h := hexDigest("rimod:"+id+status, 32)
	m := ec2types.ReservedInstancesModification{
		ReservedInstancesModificationId: aws.String("rimod-" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]),
		ClientToken:                     aws.String(hexDigest("rimod-token:"+id, 32)),
		CreateDate:                      aws.Time(at),
		UpdateDate:                      aws.Time(at.Add(time.Hour)),
		Status:                          aws.String(status),
		ReservedInstancesIds:            []ec2types.ReservedInstancesId{{ReservedInstancesId: aws.String(id)}},
		ModificationResults:             []ec2types.ReservedInstancesModificationResult{{TargetConfiguration: target}},
	}
	switch status {
	case "fulfilled":
		m.EffectiveDate = aws.Time(at.Add(time.Hour))
		m.StatusMessage = aws.String("")
		made := hexDigest("ri-made:"+id, 32)
		m.ModificationResults[0].ReservedInstancesId = aws.String(made[0:8] + "-" + made[8:12] + "-" + made[12:16] + "-" + made[16:20] + "-" + made[20:32])
	case "processing":
		m.StatusMessage = aws.String("Your modification request is being processed.")
	}
	return m
}

// generatedEC2Details gives a generated data set's instances their
// attributes, deterministically from their ids (not from the data set's
// random source, whose draws decide the resources themselves): about one
// in four has user data, one in eight termination protection, one in eight
// running ones an impaired status. Every reservation bought more than a
// year before ReferenceTime was modified once. Every account has an alias.
func generatedEC2Details(ds *Dataset) {
	for _, a := range ds.Accounts {
		a.Aliases = []string{"acme-" + a.Name}
		for _, r := range a.Regions {
			for _, in := range r.Instances {
				id := aws.ToString(in.InstanceId)
				h := hexDigest("details:"+id, 2)
				var d InstanceDetails
				set := true
				switch {
				case h[0] < '4':
					d.UserData = fmt.Sprintf("#!/bin/bash\necho %s > /etc/instance-name\n", strings.TrimPrefix(id, "i-"))
				case h[0] < '6':
					d.DisableAPITermination = true
				case h[0] < '8' && in.State != nil && in.State.Name == ec2types.InstanceStateNameRunning:
					d.ImpairedSince = aws.ToTime(in.LaunchTime).Add(24 * time.Hour)
				default:
					set = false
				}
				if in.InstanceLifecycle == ec2types.InstanceLifecycleTypeSpot {
					d.ShutdownBehavior, set = ec2types.ShutdownBehaviorTerminate, true
				}
				if !set {
					continue
				}
				if r.InstanceDetails == nil {
					r.InstanceDetails = map[string]InstanceDetails{}
				}
				r.InstanceDetails[id] = d
			}
			for _, ri := range r.ReservedInstances {
				start := aws.ToTime(ri.Start)
				if start.Before(ReferenceTime().AddDate(-1, 0, 0)) {
					r.ReservedInstancesModifications = append(r.ReservedInstancesModifications,
						riModification(ri, "fulfilled", start.AddDate(0, 1, 0), &ec2types.ReservedInstancesConfiguration{
							InstanceCount: ri.InstanceCount, InstanceType: ri.InstanceType, Platform: aws.String("EC2-VPC"), Scope: ri.Scope}))
				}
			}
		}
	}
}
