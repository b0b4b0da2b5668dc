package awsfake_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// Demo member accounts the network tests look at.
const (
	demoWebProd  = "210987654321"
	demoDataProd = "345678901234"
)

// pagesOf reads every page of a listing in pages of five, the least EC2
// allows, so that paging is exercised.
func pagesOf[In, Out, T any](t *testing.T, in *In, call func(*In) (*Out, error), items func(*Out) []T, next func(*Out) *string, setNext func(*In, *string)) []T {
	t.Helper()
	var all []T
	for {
		out, err := call(in)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, items(out)...)
		tok := next(out)
		if tok == nil {
			return all
		}
		setNext(in, tok)
	}
}

// TestNetworkFidelity: each listing, read through the real client page by
// page, is the demo's records, field for field.
func TestNetworkFidelity(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo()
	for _, region := range fakedata.DemoRegions() {
		t.Run(region, func(t *testing.T) {
			c := e.ec2(region)
			r := demo.Accounts[0].Regions[region]
			five := aws.Int32(5)
			check := func(what string, want, got any) {
				t.Helper()
				if d := cmp.Diff(want, got, cmpOpts...); d != "" {
					t.Errorf("%s (-want +got):\n%s", what, d)
				}
			}
			check("vpcs", r.Vpcs, pagesOf(t, &ec2.DescribeVpcsInput{MaxResults: five},
				func(in *ec2.DescribeVpcsInput) (*ec2.DescribeVpcsOutput, error) { return c.DescribeVpcs(ctx(t), in) },
				func(o *ec2.DescribeVpcsOutput) []ec2types.Vpc { return o.Vpcs },
				func(o *ec2.DescribeVpcsOutput) *string { return o.NextToken },
				func(in *ec2.DescribeVpcsInput, tok *string) { in.NextToken = tok }))
			check("subnets", r.Subnets, pagesOf(t, &ec2.DescribeSubnetsInput{MaxResults: five},
				func(in *ec2.DescribeSubnetsInput) (*ec2.DescribeSubnetsOutput, error) {
					return c.DescribeSubnets(ctx(t), in)
				},
				func(o *ec2.DescribeSubnetsOutput) []ec2types.Subnet { return o.Subnets },
				func(o *ec2.DescribeSubnetsOutput) *string { return o.NextToken },
				func(in *ec2.DescribeSubnetsInput, tok *string) { in.NextToken = tok }))
			check("security groups", r.SecurityGroups, pagesOf(t, &ec2.DescribeSecurityGroupsInput{MaxResults: five},
				func(in *ec2.DescribeSecurityGroupsInput) (*ec2.DescribeSecurityGroupsOutput, error) {
					return c.DescribeSecurityGroups(ctx(t), in)
				},
				func(o *ec2.DescribeSecurityGroupsOutput) []ec2types.SecurityGroup { return o.SecurityGroups },
				func(o *ec2.DescribeSecurityGroupsOutput) *string { return o.NextToken },
				func(in *ec2.DescribeSecurityGroupsInput, tok *string) { in.NextToken = tok }))
			check("volumes", r.Volumes, pagesOf(t, &ec2.DescribeVolumesInput{MaxResults: five},
				func(in *ec2.DescribeVolumesInput) (*ec2.DescribeVolumesOutput, error) {
					return c.DescribeVolumes(ctx(t), in)
				},
				func(o *ec2.DescribeVolumesOutput) []ec2types.Volume { return o.Volumes },
				func(o *ec2.DescribeVolumesOutput) *string { return o.NextToken },
				func(in *ec2.DescribeVolumesInput, tok *string) { in.NextToken = tok }))
			check("own snapshots", r.Snapshots, pagesOf(t, &ec2.DescribeSnapshotsInput{MaxResults: five, OwnerIds: []string{"self"}},
				func(in *ec2.DescribeSnapshotsInput) (*ec2.DescribeSnapshotsOutput, error) {
					return c.DescribeSnapshots(ctx(t), in)
				},
				func(o *ec2.DescribeSnapshotsOutput) []ec2types.Snapshot { return o.Snapshots },
				func(o *ec2.DescribeSnapshotsOutput) *string { return o.NextToken },
				func(in *ec2.DescribeSnapshotsInput, tok *string) { in.NextToken = tok }))
			check("instance types", demo.InstanceTypes[region], pagesOf(t, &ec2.DescribeInstanceTypesInput{MaxResults: five},
				func(in *ec2.DescribeInstanceTypesInput) (*ec2.DescribeInstanceTypesOutput, error) {
					return c.DescribeInstanceTypes(ctx(t), in)
				},
				func(o *ec2.DescribeInstanceTypesOutput) []ec2types.InstanceTypeInfo { return o.InstanceTypes },
				func(o *ec2.DescribeInstanceTypesOutput) *string { return o.NextToken },
				func(in *ec2.DescribeInstanceTypesInput, tok *string) { in.NextToken = tok }))
		})
	}
}

// TestDemoNetworkConsistent: what the instances name exists, and is what
// they say: their VPC, subnet and security groups, their root volume
// attached to them, their AMI's snapshot, their instance type in their
// region.
func TestDemoNetworkConsistent(t *testing.T) {
	ds := fakedata.Demo()
	for _, a := range ds.Accounts {
		for region, r := range a.Regions {
			has := func(what, id string, ok bool) {
				if !ok {
					t.Errorf("%s %s: %s %s does not exist", a.ID, region, what, id)
				}
			}
			snapshots := slices.Concat(r.Snapshots, ds.PublicSnapshots[region])
			for _, in := range r.Instances {
				has("instance type", string(in.InstanceType), slices.ContainsFunc(ds.InstanceTypes[region], func(t ec2types.InstanceTypeInfo) bool {
					return t.InstanceType == in.InstanceType
				}))
				if in.State.Name == ec2types.InstanceStateNameTerminated {
					continue
				}
				has("vpc", *in.VpcId, slices.ContainsFunc(r.Vpcs, func(v ec2types.Vpc) bool { return *v.VpcId == *in.VpcId }))
				has("subnet", *in.SubnetId, slices.ContainsFunc(r.Subnets, func(s ec2types.Subnet) bool {
					return *s.SubnetId == *in.SubnetId && *s.VpcId == *in.VpcId && *s.AvailabilityZone == *in.Placement.AvailabilityZone
				}))
				for _, g := range in.SecurityGroups {
					has("security group", *g.GroupId, slices.ContainsFunc(r.SecurityGroups, func(sg ec2types.SecurityGroup) bool {
						return *sg.GroupId == *g.GroupId && *sg.GroupName == *g.GroupName && *sg.VpcId == *in.VpcId
					}))
				}
				vol := *in.BlockDeviceMappings[0].Ebs.VolumeId
				i := slices.IndexFunc(r.Volumes, func(v ec2types.Volume) bool { return *v.VolumeId == vol })
				has("root volume", vol, i >= 0)
				if i < 0 {
					continue
				}
				v := r.Volumes[i]
				if v.State != ec2types.VolumeStateInUse || len(v.Attachments) != 1 || *v.Attachments[0].InstanceId != *in.InstanceId {
					t.Errorf("%s: volume %s is not attached to it: %+v", *in.InstanceId, vol, v.Attachments)
				}
				has("snapshot", *v.SnapshotId, slices.ContainsFunc(snapshots, func(s ec2types.Snapshot) bool { return *s.SnapshotId == *v.SnapshotId }))
			}
			for _, s := range r.Snapshots {
				if *s.OwnerId != a.ID || !strings.HasPrefix(*s.VolumeId, "vol-") {
					t.Errorf("snapshot %s: owner %s, volume %s", *s.SnapshotId, *s.OwnerId, *s.VolumeId)
				}
			}
			for _, sn := range r.Subnets {
				if n := *sn.AvailableIpAddressCount; n < 0 || n > 4091 {
					t.Errorf("subnet %s: %d addresses free", *sn.SubnetId, n)
				}
			}
		}
	}
}

// ids lists the ids of the records keep selects.
func ids[T any](xs []T, id func(T) *string, keep func(T) bool) []string {
	var out []string
	for _, x := range xs {
		if keep(x) {
			out = append(out, *id(x))
		}
	}
	return out
}

// TestNetworkSelection: each filter, id list and owner selects what a Go
// predicate over the demo's records selects, and something, but not all.
func TestNetworkSelection(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo()
	r := demo.Accounts[0].Regions["us-east-1"]
	c := e.ec2("us-east-1")
	f := func(name string, values ...string) []ec2types.Filter {
		return []ec2types.Filter{filterOf(name, values...)}
	}
	vpcID := func(v ec2types.Vpc) *string { return v.VpcId }
	subnetID := func(s ec2types.Subnet) *string { return s.SubnetId }
	groupID := func(g ec2types.SecurityGroup) *string { return g.GroupId }
	volumeID := func(v ec2types.Volume) *string { return v.VolumeId }
	snapshotID := func(s ec2types.Snapshot) *string { return s.SnapshotId }
	vpcs := func(in ec2.DescribeVpcsInput) func() ([]string, error) {
		return func() ([]string, error) {
			out, err := c.DescribeVpcs(ctx(t), &in)
			if err != nil {
				return nil, err
			}
			return ids(out.Vpcs, vpcID, func(ec2types.Vpc) bool { return true }), nil
		}
	}
	subnets := func(in ec2.DescribeSubnetsInput) func() ([]string, error) {
		return func() ([]string, error) {
			out, err := c.DescribeSubnets(ctx(t), &in)
			if err != nil {
				return nil, err
			}
			return ids(out.Subnets, subnetID, func(ec2types.Subnet) bool { return true }), nil
		}
	}
	groups := func(in ec2.DescribeSecurityGroupsInput) func() ([]string, error) {
		return func() ([]string, error) {
			out, err := c.DescribeSecurityGroups(ctx(t), &in)
			if err != nil {
				return nil, err
			}
			return ids(out.SecurityGroups, groupID, func(ec2types.SecurityGroup) bool { return true }), nil
		}
	}
	volumes := func(in ec2.DescribeVolumesInput) func() ([]string, error) {
		return func() ([]string, error) {
			out, err := c.DescribeVolumes(ctx(t), &in)
			if err != nil {
				return nil, err
			}
			return ids(out.Volumes, volumeID, func(ec2types.Volume) bool { return true }), nil
		}
	}
	snapshots := func(in ec2.DescribeSnapshotsInput) func() ([]string, error) {
		return func() ([]string, error) {
			out, err := c.DescribeSnapshots(ctx(t), &in)
			if err != nil {
				return nil, err
			}
			return ids(out.Snapshots, snapshotID, func(ec2types.Snapshot) bool { return true }), nil
		}
	}
	types := func(in ec2.DescribeInstanceTypesInput) func() ([]string, error) {
		return func() ([]string, error) {
			out, err := c.DescribeInstanceTypes(ctx(t), &in)
			if err != nil {
				return nil, err
			}
			var names []string
			for _, it := range out.InstanceTypes {
				names = append(names, string(it.InstanceType))
			}
			return names, nil
		}
	}
	typeNames := func(keep func(ec2types.InstanceTypeInfo) bool) []string {
		var out []string
		for _, it := range demo.InstanceTypes["us-east-1"] {
			if keep(it) {
				out = append(out, string(it.InstanceType))
			}
		}
		return out
	}
	mainVPC := *r.Vpcs[0].VpcId
	web := *r.SecurityGroups[1].GroupId
	own := r.Snapshots
	visible := slices.Concat(own, demo.PublicSnapshots["us-east-1"])
	for _, a := range demo.Accounts[1:] {
		if reg := a.Regions["us-east-1"]; reg != nil {
			for _, s := range reg.Snapshots {
				for _, p := range reg.SnapshotPermissions[*s.SnapshotId] {
					if p.Group == "all" || aws.ToString(p.UserId) == fakedata.DemoAccountID {
						visible = append(visible, s)
						break
					}
				}
			}
		}
	}
	tests := []struct {
		name  string
		call  func() ([]string, error)
		want  []string
		total int // how many there are without the selection
	}{
		{"vpc ids", vpcs(ec2.DescribeVpcsInput{VpcIds: []string{mainVPC}}), []string{mainVPC}, len(r.Vpcs)},
		{"default vpc", vpcs(ec2.DescribeVpcsInput{Filters: f("is-default", "true")}),
			ids(r.Vpcs, vpcID, func(v ec2types.Vpc) bool { return *v.IsDefault }), len(r.Vpcs)},
		{"vpc cidr", vpcs(ec2.DescribeVpcsInput{Filters: f("cidr", "10.0.0.0/16")}),
			ids(r.Vpcs, vpcID, func(v ec2types.Vpc) bool { return *v.CidrBlock == "10.0.0.0/16" }), len(r.Vpcs)},
		{"vpc ipv6", vpcs(ec2.DescribeVpcsInput{Filters: f("ipv6-cidr-block-association.ipv6-cidr-block", "2600:*")}),
			ids(r.Vpcs, vpcID, func(v ec2types.Vpc) bool { return len(v.Ipv6CidrBlockAssociationSet) > 0 }), len(r.Vpcs)},
		{"vpc tag", vpcs(ec2.DescribeVpcsInput{Filters: f("tag:Name", "main")}), []string{mainVPC}, len(r.Vpcs)},
		{"subnets of a vpc", subnets(ec2.DescribeSubnetsInput{Filters: f("vpc-id", mainVPC)}),
			ids(r.Subnets, subnetID, func(s ec2types.Subnet) bool { return *s.VpcId == mainVPC }), len(r.Subnets)},
		{"default subnets", subnets(ec2.DescribeSubnetsInput{Filters: f("default-for-az", "true")}),
			ids(r.Subnets, subnetID, func(s ec2types.Subnet) bool { return *s.DefaultForAz }), len(r.Subnets)},
		{"subnet az", subnets(ec2.DescribeSubnetsInput{Filters: f("availability-zone", "us-east-1b")}),
			ids(r.Subnets, subnetID, func(s ec2types.Subnet) bool { return *s.AvailabilityZone == "us-east-1b" }), len(r.Subnets)},
		{"free addresses", subnets(ec2.DescribeSubnetsInput{Filters: f("available-ip-address-count", "4091")}),
			ids(r.Subnets, subnetID, func(s ec2types.Subnet) bool { return *s.AvailableIpAddressCount == 4091 }), len(r.Subnets)},
		{"group by name", groups(ec2.DescribeSecurityGroupsInput{Filters: f("group-name", "web")}), []string{web}, len(r.SecurityGroups)},
		{"groups open to anyone", groups(ec2.DescribeSecurityGroupsInput{Filters: f("ip-permission.cidr", "0.0.0.0/0")}),
			[]string{web}, len(r.SecurityGroups)},
		{"groups open on 22", groups(ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{filterOf("ip-permission.from-port", "22"),
			filterOf("ip-permission.cidr", "0.0.0.0/0")}}), []string{web}, len(r.SecurityGroups)},
		{"groups of the main vpc", groups(ec2.DescribeSecurityGroupsInput{Filters: f("vpc-id", mainVPC)}),
			ids(r.SecurityGroups, groupID, func(g ec2types.SecurityGroup) bool { return *g.VpcId == mainVPC }), len(r.SecurityGroups)},
		{"default vpc's group by name", groups(ec2.DescribeSecurityGroupsInput{GroupNames: []string{"default"}}),
			[]string{*r.SecurityGroups[3].GroupId}, len(r.SecurityGroups)},
		{"unattached volumes", volumes(ec2.DescribeVolumesInput{Filters: f("status", "available")}),
			ids(r.Volumes, volumeID, func(v ec2types.Volume) bool { return v.State == "available" }), len(r.Volumes)},
		{"unencrypted volumes", volumes(ec2.DescribeVolumesInput{Filters: f("encrypted", "false")}),
			ids(r.Volumes, volumeID, func(v ec2types.Volume) bool { return !*v.Encrypted }), len(r.Volumes)},
		{"volume of an instance", volumes(ec2.DescribeVolumesInput{Filters: f("attachment.instance-id", *r.Instances[0].InstanceId)}),
			[]string{*r.Instances[0].BlockDeviceMappings[0].Ebs.VolumeId}, len(r.Volumes)},
		{"volume ids", volumes(ec2.DescribeVolumesInput{VolumeIds: []string{*r.Volumes[2].VolumeId, *r.Volumes[0].VolumeId}}),
			[]string{*r.Volumes[0].VolumeId, *r.Volumes[2].VolumeId}, len(r.Volumes)},
		{"large volumes", volumes(ec2.DescribeVolumesInput{Filters: f("size", "500", "1000")}),
			ids(r.Volumes, volumeID, func(v ec2types.Volume) bool { return *v.Size == 500 || *v.Size == 1000 }), len(r.Volumes)},
		{"every visible snapshot", snapshots(ec2.DescribeSnapshotsInput{}),
			ids(visible, snapshotID, func(ec2types.Snapshot) bool { return true }), len(visible) + 1},
		{"own snapshots", snapshots(ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}}),
			ids(own, snapshotID, func(ec2types.Snapshot) bool { return true }), len(visible)},
		{"amazon's snapshots", snapshots(ec2.DescribeSnapshotsInput{OwnerIds: []string{"amazon"}}),
			ids(visible, snapshotID, func(s ec2types.Snapshot) bool { return aws.ToString(s.OwnerAlias) == "amazon" }), len(visible)},
		{"shared with me by an account", snapshots(ec2.DescribeSnapshotsInput{OwnerIds: []string{demoDataProd}}),
			ids(visible, snapshotID, func(s ec2types.Snapshot) bool { return *s.OwnerId == demoDataProd }), len(visible)},
		{"restorable by another account", snapshots(ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, RestorableByUserIds: []string{demoWebProd}}),
			ids(own, snapshotID, func(s ec2types.Snapshot) bool {
				return slices.ContainsFunc(r.SnapshotPermissions[*s.SnapshotId], func(p ec2types.CreateVolumePermission) bool {
					return p.Group == "all" || aws.ToString(p.UserId) == demoWebProd
				})
			}), len(own)},
		{"public ones I own", snapshots(ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, RestorableByUserIds: []string{"all"}}),
			ids(own, snapshotID, func(s ec2types.Snapshot) bool {
				return slices.ContainsFunc(r.SnapshotPermissions[*s.SnapshotId], func(p ec2types.CreateVolumePermission) bool { return p.Group == "all" })
			}), len(own)},
		{"snapshots by alias filter", snapshots(ec2.DescribeSnapshotsInput{Filters: f("owner-alias", "aws-marketplace")}),
			ids(visible, snapshotID, func(s ec2types.Snapshot) bool { return aws.ToString(s.OwnerAlias) == "aws-marketplace" }), len(visible)},
		{"pending snapshots", snapshots(ec2.DescribeSnapshotsInput{Filters: f("status", "pending")}),
			ids(visible, snapshotID, func(s ec2types.Snapshot) bool { return s.State == "pending" }), len(visible)},
		{"archived snapshots", snapshots(ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, Filters: f("storage-tier", "archive")}),
			ids(own, snapshotID, func(s ec2types.Snapshot) bool { return s.StorageTier == "archive" }), len(own)},
		{"a snapshot of anyone's by id", snapshots(ec2.DescribeSnapshotsInput{SnapshotIds: []string{*demo.PublicSnapshots["us-east-1"][0].SnapshotId}}),
			[]string{*demo.PublicSnapshots["us-east-1"][0].SnapshotId}, len(visible)},
		{"instance type names", types(ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{"m5.large", "t3.micro"}}),
			typeNames(func(t ec2types.InstanceTypeInfo) bool {
				return t.InstanceType == "m5.large" || t.InstanceType == "t3.micro"
			}),
			len(demo.InstanceTypes["us-east-1"])},
		{"instance type wildcard", types(ec2.DescribeInstanceTypesInput{Filters: f("instance-type", "t3.*")}),
			typeNames(func(t ec2types.InstanceTypeInfo) bool { return strings.HasPrefix(string(t.InstanceType), "t3.") }),
			len(demo.InstanceTypes["us-east-1"])},
		{"arm types", types(ec2.DescribeInstanceTypesInput{Filters: f("processor-info.supported-architecture", "arm64")}),
			typeNames(func(t ec2types.InstanceTypeInfo) bool {
				return slices.Contains(t.ProcessorInfo.SupportedArchitectures, "arm64")
			}), len(demo.InstanceTypes["us-east-1"])},
		{"four vcpus", types(ec2.DescribeInstanceTypesInput{Filters: f("vcpu-info.default-vcpus", "4")}),
			typeNames(func(t ec2types.InstanceTypeInfo) bool { return *t.VCpuInfo.DefaultVCpus == 4 }), len(demo.InstanceTypes["us-east-1"])},
		{"previous generation", types(ec2.DescribeInstanceTypesInput{Filters: f("current-generation", "false")}),
			typeNames(func(t ec2types.InstanceTypeInfo) bool { return !*t.CurrentGeneration }), len(demo.InstanceTypes["us-east-1"])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.want) == 0 || len(tc.want) >= tc.total {
				t.Fatalf("the case selects %d of %d: it cannot tell a filter from none", len(tc.want), tc.total)
			}
			got, err := tc.call()
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestNetworkAttributes: DescribeVolumeAttribute and
// DescribeSnapshotAttribute answer the demo's attributes, and only the
// snapshot's owner may read its permissions.
func TestNetworkAttributes(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo()
	r := demo.Accounts[0].Regions["us-east-1"]
	c := e.ec2("us-east-1")
	for _, v := range r.Volumes {
		io, err := c.DescribeVolumeAttribute(ctx(t), &ec2.DescribeVolumeAttributeInput{VolumeId: v.VolumeId, Attribute: ec2types.VolumeAttributeNameAutoEnableIO})
		if err != nil {
			t.Fatal(err)
		}
		codes, err := c.DescribeVolumeAttribute(ctx(t), &ec2.DescribeVolumeAttributeInput{VolumeId: v.VolumeId, Attribute: ec2types.VolumeAttributeNameProductCodes})
		if err != nil {
			t.Fatal(err)
		}
		want := r.VolumeAttributes[*v.VolumeId]
		if *io.AutoEnableIO.Value != want.AutoEnableIO || *io.VolumeId != *v.VolumeId || io.ProductCodes != nil {
			t.Errorf("%s autoEnableIO: %+v, want %v", *v.VolumeId, io, want.AutoEnableIO)
		}
		if d := cmp.Diff(want.ProductCodes, codes.ProductCodes, cmpOpts...); d != "" || codes.AutoEnableIO != nil {
			t.Errorf("%s productCodes (-want +got):\n%s", *v.VolumeId, d)
		}
	}
	for _, s := range r.Snapshots {
		out, err := c.DescribeSnapshotAttribute(ctx(t), &ec2.DescribeSnapshotAttributeInput{SnapshotId: s.SnapshotId,
			Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(r.SnapshotPermissions[*s.SnapshotId], out.CreateVolumePermissions, cmpOpts...); d != "" {
			t.Errorf("%s permissions (-want +got):\n%s", *s.SnapshotId, d)
		}
	}
	public := demo.PublicSnapshots["us-east-1"][0].SnapshotId
	_, err := c.DescribeSnapshotAttribute(ctx(t), &ec2.DescribeSnapshotAttributeInput{SnapshotId: public,
		Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
	apiError(t, err, "InvalidSnapshot.NotFound")
	_, err = c.DescribeVolumeAttribute(ctx(t), &ec2.DescribeVolumeAttributeInput{VolumeId: r.Volumes[0].VolumeId, Attribute: "colour"})
	apiError(t, err, "InvalidParameterValue")
}

// TestNetworkErrors: what AWS refuses, the fake refuses with AWS's code.
func TestNetworkErrors(t *testing.T) {
	e := demoEndpoint(t)
	c := e.ec2("us-east-1")
	vol := *fakedata.Demo().Accounts[0].Regions["us-east-1"].Volumes[0].VolumeId
	tests := []struct {
		name, code string
		call       func() error
	}{
		{"vpc not found", "InvalidVpcID.NotFound", func() error {
			_, err := c.DescribeVpcs(ctx(t), &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0123456789abcdef0"}})
			return err
		}},
		{"vpc malformed", "InvalidVpcID.Malformed", func() error {
			_, err := c.DescribeVpcs(ctx(t), &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-x"}})
			return err
		}},
		{"subnet not found", "InvalidSubnetID.NotFound", func() error {
			_, err := c.DescribeSubnets(ctx(t), &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0123456789abcdef0"}})
			return err
		}},
		{"group not found", "InvalidGroup.NotFound", func() error {
			_, err := c.DescribeSecurityGroups(ctx(t), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0123456789abcdef0"}})
			return err
		}},
		{"group malformed", "InvalidGroupId.Malformed", func() error {
			_, err := c.DescribeSecurityGroups(ctx(t), &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"web"}})
			return err
		}},
		{"group name outside the default vpc", "InvalidGroup.NotFound", func() error {
			_, err := c.DescribeSecurityGroups(ctx(t), &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"web"}})
			return err
		}},
		{"volume not found", "InvalidVolume.NotFound", func() error {
			_, err := c.DescribeVolumes(ctx(t), &ec2.DescribeVolumesInput{VolumeIds: []string{vol, "vol-0123456789abcdef0"}})
			return err
		}},
		{"volume ids with MaxResults", "InvalidParameterCombination", func() error {
			_, err := c.DescribeVolumes(ctx(t), &ec2.DescribeVolumesInput{VolumeIds: []string{vol}, MaxResults: aws.Int32(5)})
			return err
		}},
		{"snapshot not found", "InvalidSnapshot.NotFound", func() error {
			_, err := c.DescribeSnapshots(ctx(t), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{"snap-0123456789abcdef0"}})
			return err
		}},
		{"snapshot malformed", "InvalidSnapshotID.Malformed", func() error {
			_, err := c.DescribeSnapshots(ctx(t), &ec2.DescribeSnapshotsInput{SnapshotIds: []string{"snap-*"}})
			return err
		}},
		{"snapshot owner malformed", "InvalidUserID.Malformed", func() error {
			_, err := c.DescribeSnapshots(ctx(t), &ec2.DescribeSnapshotsInput{OwnerIds: []string{"someone"}})
			return err
		}},
		{"snapshots MaxResults too small", "InvalidParameterValue", func() error {
			_, err := c.DescribeSnapshots(ctx(t), &ec2.DescribeSnapshotsInput{MaxResults: aws.Int32(4)})
			return err
		}},
		{"instance types MaxResults over 100", "InvalidParameterValue", func() error {
			_, err := c.DescribeInstanceTypes(ctx(t), &ec2.DescribeInstanceTypesInput{MaxResults: aws.Int32(101)})
			return err
		}},
		{"unknown instance type", "InvalidInstanceType", func() error {
			_, err := c.DescribeInstanceTypes(ctx(t), &ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{"t3.huge"}})
			return err
		}},
		{"unknown filter", "InvalidParameterValue", func() error {
			_, err := c.DescribeSubnets(ctx(t), &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{filterOf("colour", "blue")}})
			return err
		}},
		{"volume attribute without a volume", "MissingParameter", func() error {
			_, err := c.DescribeVolumeAttribute(ctx(t), &ec2.DescribeVolumeAttributeInput{VolumeId: aws.String(""), Attribute: "autoEnableIO"})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { apiError(t, tc.call(), tc.code) })
	}
	// Above its limit, DescribeVolumes answers its limit rather than fail.
	if _, err := c.DescribeVolumes(ctx(t), &ec2.DescribeVolumesInput{MaxResults: aws.Int32(501)}); err != nil {
		t.Errorf("MaxResults 501: %v", err)
	}
}

// TestNetworkPageSize: the server's page size cuts the new listings into
// pages too, and the pages add up to the whole listing.
func TestNetworkPageSize(t *testing.T) {
	e := demoEndpoint(t, awsfake.WithPageSize(2))
	c := e.ec2("us-east-1")
	want := fakedata.Demo().Accounts[0].Regions["us-east-1"].Volumes
	var got []ec2types.Volume
	p := ec2.NewDescribeVolumesPaginator(c, &ec2.DescribeVolumesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Volumes) > 2 {
			t.Errorf("a page of %d volumes, want at most 2", len(out.Volumes))
		}
		got = append(got, out.Volumes...)
	}
	if d := cmp.Diff(want, got, cmpOpts...); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if n, min := e.srv.Count("DescribeVolumes", "", ""), (len(want)+1)/2; n != min {
		t.Errorf("%d pages, want %d", n, min)
	}
}
