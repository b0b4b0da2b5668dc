package fakedata

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The network and storage around a site's instances, shared by Demo and
// Generate. Everything is derived from what the instances and AMIs already
// name, so the records agree with each other: the instances' VPC, subnets
// and security groups (the site's), their root volumes (the volume ids in
// their block device mappings, made from their AMI's snapshot, of its
// size), the AMIs' snapshots; and, as in every real account, the region's
// default VPC with its default subnets and security group.

// netSpec is the choices that make a site's network and storage
// interesting; network fills in the rest.
type netSpec struct {
	sshOpen    bool // the web group lets anyone in on port 22
	ipv6       bool // the VPC and its subnets have an IPv6 block
	pendingVPC bool // a VPC still being created, with one subnet
	volumes    []volumeSpec
	backups    []backupSpec
}

// volumeSpec is a volume that no instance's block device mapping names: a
// leftover, or one attached as multi-attach elsewhere.
type volumeSpec struct {
	name         string
	az           int // index into the site's subnets
	typ          ec2types.VolumeType
	size         int32
	encrypted    bool
	created      time.Time
	fromBackup   int // 1 + the index of the backup it was restored from; 0: empty
	multiAttach  bool
	fastRestored bool
	autoEnableIO bool
	productCode  string
	tags         []ec2types.Tag
}

// backupSpec is a snapshot of an instance's root volume.
type backupSpec struct {
	instance    string // the instance, by its Name tag
	started     time.Time
	state       ec2types.SnapshotState // default completed
	description string
	// archived: in the archive tier; restoredUntil, when set: temporarily
	// restored until then.
	archived      bool
	restoredUntil time.Time
	public        bool     // anyone may create volumes from it
	sharedWith    []string // accounts that may create volumes from it
	tags          []ec2types.Tag
}

func (s *site) arn(kind, id string) string {
	return fmt.Sprintf("arn:%s:ec2:%s:%s:%s/%s", s.partition, s.region, s.account, kind, id)
}

func (s *site) id(prefix, what string) string {
	return prefix + hexDigest(prefix+what+s.account+s.region, 17)
}

// network fills r's VPCs, subnets, security groups, volumes and snapshots
// from its instances and AMIs; images are the AMIs the instances may run
// (the account's own and the public ones).
func (s *site) network(r *Region, images []ec2types.Image, sp netSpec) {
	s.vpcs(r, sp)
	s.securityGroups(r, sp)
	s.volumes(r, images, sp)
	s.snapshots(r, sp)
}

func cidrAssociation(id, cidr string) ec2types.VpcCidrBlockAssociation {
	return ec2types.VpcCidrBlockAssociation{AssociationId: aws.String(id), CidrBlock: aws.String(cidr),
		CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated}}
}

func (s *site) vpcs(r *Region, sp netSpec) {
	dhcp := s.id("dopt-", "dhcp")
	vpc := func(id, cidr, name string, isDefault bool, state ec2types.VpcState) ec2types.Vpc {
		v := ec2types.Vpc{
			VpcId:                       aws.String(id),
			OwnerId:                     aws.String(s.account),
			CidrBlock:                   aws.String(cidr),
			CidrBlockAssociationSet:     []ec2types.VpcCidrBlockAssociation{cidrAssociation(s.id("vpc-cidr-assoc-", id), cidr)},
			Ipv6CidrBlockAssociationSet: []ec2types.VpcIpv6CidrBlockAssociation{},
			State:                       state,
			IsDefault:                   aws.Bool(isDefault),
			DhcpOptionsId:               aws.String(dhcp),
			InstanceTenancy:             ec2types.TenancyDefault,
			Tags:                        []ec2types.Tag{},
		}
		if name != "" {
			v.Tags = []ec2types.Tag{tag("Name", name)}
		}
		return v
	}
	main := vpc(s.vpc, "10.0.0.0/16", "main", false, ec2types.VpcStateAvailable)
	main.Tags = append(main.Tags, tag("Environment", "prod"))
	v6 := fmt.Sprintf("2600:1f%s:%s::/56", hexDigest("v6:"+s.account+s.region, 2), hexDigest("v6b:"+s.account+s.region, 2)+"00")
	if sp.ipv6 {
		main.Ipv6CidrBlockAssociationSet = []ec2types.VpcIpv6CidrBlockAssociation{{
			AssociationId:      aws.String(s.id("vpc-cidr-assoc-", "v6")),
			Ipv6CidrBlock:      aws.String(v6),
			Ipv6CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated},
			Ipv6Pool:           aws.String("Amazon"),
			NetworkBorderGroup: aws.String(s.region),
			IpSource:           ec2types.IpSourceAmazon,
		}}
	}
	defaultVPC := s.id("vpc-", "default-vpc")
	r.Vpcs = append(r.Vpcs, main, vpc(defaultVPC, "172.31.0.0/16", "", true, ec2types.VpcStateAvailable))

	// The main VPC's subnets: the instances' (and the databases') private
	// addresses are taken; AWS keeps five of each /24.
	used := map[string]int32{}
	for _, in := range r.Instances {
		if in.State != nil && in.State.Name != ec2types.InstanceStateNameTerminated {
			used[deref(in.SubnetId)]++
		}
	}
	for _, db := range r.DBInstances {
		for _, sn := range s.subnets {
			if sn.az == deref(db.AvailabilityZone) {
				used[sn.id]++
			}
		}
	}
	subnet := func(id, vpcID, cidr string, az subnet, name string, free int32) ec2types.Subnet {
		return ec2types.Subnet{
			SubnetId:                    aws.String(id),
			SubnetArn:                   aws.String(s.arn("subnet", id)),
			VpcId:                       aws.String(vpcID),
			OwnerId:                     aws.String(s.account),
			CidrBlock:                   aws.String(cidr),
			State:                       ec2types.SubnetStateAvailable,
			AvailabilityZone:            aws.String(az.az),
			AvailabilityZoneId:          aws.String(az.azID),
			AvailableIpAddressCount:     aws.Int32(free),
			DefaultForAz:                aws.Bool(false),
			MapPublicIpOnLaunch:         aws.Bool(false),
			MapCustomerOwnedIpOnLaunch:  aws.Bool(false),
			AssignIpv6AddressOnCreation: aws.Bool(false),
			EnableDns64:                 aws.Bool(false),
			Ipv6Native:                  aws.Bool(false),
			Ipv6CidrBlockAssociationSet: []ec2types.SubnetIpv6CidrBlockAssociation{},
			PrivateDnsNameOptionsOnLaunch: &ec2types.PrivateDnsNameOptionsOnLaunch{HostnameType: ec2types.HostnameTypeIpName,
				EnableResourceNameDnsARecord: aws.Bool(false), EnableResourceNameDnsAAAARecord: aws.Bool(false)},
			Tags: []ec2types.Tag{tag("Name", name)},
		}
	}
	for i, sn := range s.subnets {
		n := subnet(sn.id, s.vpc, fmt.Sprintf("10.0.%d.0/24", sn.octet), sn, "main-"+sn.az[len(sn.az)-1:], 251-used[sn.id])
		if sp.ipv6 {
			n.Ipv6CidrBlockAssociationSet = []ec2types.SubnetIpv6CidrBlockAssociation{{
				AssociationId:      aws.String(s.id("subnet-cidr-assoc-", sn.id)),
				Ipv6CidrBlock:      aws.String(fmt.Sprintf("%s:%x::/64", strings.TrimSuffix(v6, "::/56"), i)),
				Ipv6CidrBlockState: &ec2types.SubnetCidrBlockState{State: ec2types.SubnetCidrBlockStateCodeAssociated},
				IpSource:           ec2types.IpSourceAmazon,
			}}
		}
		r.Subnets = append(r.Subnets, n)
	}
	for i, sn := range s.subnets {
		d := subnet(s.id("subnet-", "default:"+sn.az), defaultVPC, fmt.Sprintf("172.31.%d.0/20", 16*i), sn, "", 4091)
		d.DefaultForAz, d.MapPublicIpOnLaunch, d.Tags = aws.Bool(true), aws.Bool(true), []ec2types.Tag{}
		r.Subnets = append(r.Subnets, d)
	}
	if sp.pendingVPC {
		id := s.id("vpc-", "pending")
		r.Vpcs = append(r.Vpcs, vpc(id, "10.1.0.0/16", "analytics", false, ec2types.VpcStatePending))
		p := subnet(s.id("subnet-", "pending"), id, "10.1.0.0/24", s.subnets[0], "analytics-a", 251)
		p.State = ec2types.SubnetStatePending
		r.Subnets = append(r.Subnets, p)
	}
}

func anywhere(desc string) []ec2types.IpRange {
	return []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0"), Description: optionalString(desc)}}
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func tcp(port int32, ranges []ec2types.IpRange) ec2types.IpPermission {
	return ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port), IpRanges: ranges,
		Ipv6Ranges: []ec2types.Ipv6Range{}, PrefixListIds: []ec2types.PrefixListId{}, UserIdGroupPairs: []ec2types.UserIdGroupPair{}}
}

// allTraffic is a rule for every protocol and port, as AWS lists it (no
// ports).
func allTraffic() ec2types.IpPermission {
	return ec2types.IpPermission{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{}, Ipv6Ranges: []ec2types.Ipv6Range{},
		PrefixListIds: []ec2types.PrefixListId{}, UserIdGroupPairs: []ec2types.UserIdGroupPair{}}
}

func (s *site) securityGroups(r *Region, sp netSpec) {
	group := func(g ec2types.GroupIdentifier, vpc, desc string) ec2types.SecurityGroup {
		out := allTraffic()
		out.IpRanges = anywhere("")
		return ec2types.SecurityGroup{
			GroupId: g.GroupId, GroupName: g.GroupName, Description: aws.String(desc), VpcId: aws.String(vpc),
			OwnerId: aws.String(s.account), SecurityGroupArn: aws.String(s.arn("security-group", deref(g.GroupId))),
			IpPermissionsEgress: []ec2types.IpPermission{out}, Tags: []ec2types.Tag{},
		}
	}
	self := func(g ec2types.GroupIdentifier) ec2types.IpPermission {
		p := allTraffic()
		p.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupId: g.GroupId, UserId: aws.String(s.account)}}
		return p
	}
	def, web, db := s.groups[0], s.groups[1], s.groups[2]

	d := group(def, s.vpc, "default VPC security group")
	d.IpPermissions = []ec2types.IpPermission{self(def)}

	w := group(web, s.vpc, "web servers: HTTP and HTTPS from anywhere")
	https := tcp(443, anywhere("HTTPS"))
	https.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0"), Description: aws.String("HTTPS")}}
	ssh := tcp(22, []ec2types.IpRange{{CidrIp: aws.String("198.51.100.0/24"), Description: aws.String("office")}})
	if sp.sshOpen {
		ssh = tcp(22, anywhere("temporary: vendor support"))
	}
	w.IpPermissions = []ec2types.IpPermission{tcp(80, anywhere("")), https, ssh}
	w.Tags = []ec2types.Tag{tag("Team", "web")}

	b := group(db, s.vpc, "databases: from the web servers and the VPC")
	fromWeb := tcp(5432, []ec2types.IpRange{})
	fromWeb.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupId: web.GroupId, UserId: aws.String(s.account), Description: aws.String("web tier")}}
	b.IpPermissions = []ec2types.IpPermission{fromWeb, tcp(3306, []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}})}
	b.IpPermissionsEgress = []ec2types.IpPermission{} // nothing leaves
	b.Tags = []ec2types.Tag{tag("Team", "data"), tag("DataClass", "restricted")}

	dv := ec2types.GroupIdentifier{GroupId: aws.String(s.id("sg-", "default-vpc")), GroupName: aws.String("default")}
	dd := group(dv, deref(r.Vpcs[1].VpcId), "default VPC security group")
	dd.IpPermissions = []ec2types.IpPermission{self(dv)}
	r.SecurityGroups = append(r.SecurityGroups, d, w, b, dd)
}

// imageDisk is the root disk an AMI gives an instance: its snapshot, size
// and encryption.
func imageDisk(images []ec2types.Image, id string) (snapshot string, size int32, encrypted bool) {
	for _, img := range images {
		if deref(img.ImageId) == id && len(img.BlockDeviceMappings) > 0 && img.BlockDeviceMappings[0].Ebs != nil {
			ebs := img.BlockDeviceMappings[0].Ebs
			return deref(ebs.SnapshotId), deref(ebs.VolumeSize), deref(ebs.Encrypted)
		}
	}
	return "", 8, false
}

func nameTag(tags []ec2types.Tag) string {
	for _, t := range tags {
		if deref(t.Key) == "Name" {
			return deref(t.Value)
		}
	}
	return ""
}

func (s *site) volume(id, az, azID string, size int32, typ ec2types.VolumeType, encrypted bool, created time.Time) ec2types.Volume {
	v := ec2types.Volume{
		VolumeId:           aws.String(id),
		VolumeType:         typ,
		Size:               aws.Int32(size),
		SnapshotId:         aws.String(""), // AWS's answer for a volume made empty
		AvailabilityZone:   aws.String(az),
		AvailabilityZoneId: aws.String(azID),
		State:              ec2types.VolumeStateAvailable,
		CreateTime:         aws.Time(created.UTC()),
		Encrypted:          aws.Bool(encrypted),
		MultiAttachEnabled: aws.Bool(false),
		FastRestored:       aws.Bool(false),
		Attachments:        []ec2types.VolumeAttachment{},
		Tags:               []ec2types.Tag{},
	}
	switch typ {
	case ec2types.VolumeTypeGp3:
		v.Iops, v.Throughput = aws.Int32(3000), aws.Int32(125)
	case ec2types.VolumeTypeGp2:
		v.Iops = aws.Int32(max(100, 3*size))
	case ec2types.VolumeTypeIo2, ec2types.VolumeTypeIo1:
		v.Iops = aws.Int32(10000)
	}
	if encrypted {
		v.KmsKeyId = aws.String(s.kmsKey("ebs"))
	}
	return v
}

func (s *site) volumes(r *Region, images []ec2types.Image, sp netSpec) {
	r.VolumeAttributes = map[string]VolumeAttributes{}
	for _, in := range r.Instances {
		if len(in.BlockDeviceMappings) == 0 || in.BlockDeviceMappings[0].Ebs == nil || in.Placement == nil {
			continue // terminated: its root volume went with it
		}
		bdm := in.BlockDeviceMappings[0]
		snap, size, encrypted := imageDisk(images, deref(in.ImageId))
		v := s.volume(deref(bdm.Ebs.VolumeId), deref(in.Placement.AvailabilityZone), deref(in.Placement.AvailabilityZoneId),
			size, ec2types.VolumeTypeGp3, encrypted, deref(in.LaunchTime))
		v.SnapshotId = aws.String(snap)
		v.State = ec2types.VolumeStateInUse
		v.Attachments = []ec2types.VolumeAttachment{{
			VolumeId:            bdm.Ebs.VolumeId,
			InstanceId:          in.InstanceId,
			Device:              bdm.DeviceName,
			State:               ec2types.VolumeAttachmentStateAttached,
			AttachTime:          bdm.Ebs.AttachTime,
			DeleteOnTermination: bdm.Ebs.DeleteOnTermination,
		}}
		if name := nameTag(in.Tags); name != "" {
			v.Tags = []ec2types.Tag{tag("Name", name+"-root")}
		}
		r.Volumes = append(r.Volumes, v)
		r.VolumeAttributes[deref(v.VolumeId)] = VolumeAttributes{ProductCodes: []ec2types.ProductCode{}}
	}
	for _, vs := range sp.volumes {
		sn := s.subnets[vs.az%len(s.subnets)]
		v := s.volume(s.id("vol-", "extra:"+vs.name), sn.az, sn.azID, vs.size, vs.typ, vs.encrypted, vs.created)
		if vs.fromBackup > 0 {
			v.SnapshotId = aws.String(s.id("snap-", "backup:"+fmt.Sprint(vs.fromBackup-1)))
		}
		v.MultiAttachEnabled, v.FastRestored = aws.Bool(vs.multiAttach), aws.Bool(vs.fastRestored)
		v.Tags = append([]ec2types.Tag{tag("Name", vs.name)}, vs.tags...)
		r.Volumes = append(r.Volumes, v)
		attrs := VolumeAttributes{AutoEnableIO: vs.autoEnableIO, ProductCodes: []ec2types.ProductCode{}}
		if vs.productCode != "" {
			attrs.ProductCodes = []ec2types.ProductCode{{ProductCodeId: aws.String(vs.productCode), ProductCodeType: ec2types.ProductCodeValuesMarketplace}}
		}
		r.VolumeAttributes[deref(v.VolumeId)] = attrs
	}
}

// snapshot is a completed snapshot of the site's account.
func (s *site) snapshot(id, volume string, size int32, encrypted bool, started time.Time, desc string) ec2types.Snapshot {
	sn := ec2types.Snapshot{
		SnapshotId:  aws.String(id),
		VolumeId:    aws.String(volume),
		VolumeSize:  aws.Int32(size),
		OwnerId:     aws.String(s.account),
		Description: aws.String(desc),
		StartTime:   aws.Time(started.UTC()),
		State:       ec2types.SnapshotStateCompleted,
		Progress:    aws.String("100%"),
		Encrypted:   aws.Bool(encrypted),
		StorageTier: ec2types.StorageTierStandard,
		Tags:        []ec2types.Tag{},
	}
	if encrypted {
		sn.KmsKeyId = aws.String(s.kmsKey("ebs"))
		sn.DataEncryptionKeyId = aws.String("dek-" + hexDigest("dek:"+volume, 24))
	}
	return sn
}

func (s *site) snapshots(r *Region, sp netSpec) {
	r.SnapshotPermissions = map[string][]ec2types.CreateVolumePermission{}
	// Each AMI the account owns stands on a snapshot of the instance it was
	// made from, taken shortly before the AMI.
	for _, img := range r.Images {
		if deref(img.OwnerId) != s.account || len(img.BlockDeviceMappings) == 0 || img.BlockDeviceMappings[0].Ebs == nil {
			continue
		}
		ebs := img.BlockDeviceMappings[0].Ebs
		created, _ := time.Parse(time.RFC3339, deref(img.CreationDate))
		builder := "i-" + hexDigest("builder:"+deref(img.ImageId), 17)
		sn := s.snapshot(deref(ebs.SnapshotId), s.id("vol-", "builder:"+builder), deref(ebs.VolumeSize), deref(ebs.Encrypted),
			created.Add(-10*time.Minute), fmt.Sprintf("Created by CreateImage(%s) for %s", builder, deref(img.ImageId)))
		r.Snapshots = append(r.Snapshots, sn)
		if deref(img.Public) {
			r.SnapshotPermissions[deref(sn.SnapshotId)] = []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}
		}
	}
	for i, b := range sp.backups {
		var in *ec2types.Instance
		for j := range r.Instances {
			if nameTag(r.Instances[j].Tags) == b.instance {
				in = &r.Instances[j]
			}
		}
		if in == nil || len(in.BlockDeviceMappings) == 0 {
			panic("fakedata: no instance " + b.instance + " with a volume to back up")
		}
		vol := deref(in.BlockDeviceMappings[0].Ebs.VolumeId)
		var size int32 = 8
		var encrypted bool
		for _, v := range r.Volumes {
			if deref(v.VolumeId) == vol {
				size, encrypted = deref(v.Size), deref(v.Encrypted)
			}
		}
		desc := b.description
		if desc == "" {
			desc = "nightly backup of " + b.instance
		}
		sn := s.snapshot(s.id("snap-", "backup:"+fmt.Sprint(i)), vol, size, encrypted, b.started, desc)
		sn.Tags = append([]ec2types.Tag{tag("Name", b.instance+"-"+b.started.Format("2006-01-02"))}, b.tags...)
		sn.FullSnapshotSizeInBytes = aws.Int64(int64(size) << 29) // about half the volume in use
		switch b.state {
		case ec2types.SnapshotStatePending:
			sn.State, sn.Progress, sn.FullSnapshotSizeInBytes = b.state, aws.String("42%"), nil
		case ec2types.SnapshotStateError:
			sn.State, sn.Progress = b.state, aws.String("0%")
			sn.StateMessage = aws.String("The snapshot copy failed: the KMS key is disabled.")
		}
		if b.archived {
			sn.StorageTier = ec2types.StorageTierArchive
			if !b.restoredUntil.IsZero() {
				sn.RestoreExpiryTime = aws.Time(b.restoredUntil.UTC())
			}
		}
		r.Snapshots = append(r.Snapshots, sn)
		var perms []ec2types.CreateVolumePermission
		if b.public {
			perms = append(perms, ec2types.CreateVolumePermission{Group: ec2types.PermissionGroupAll})
		}
		for _, a := range b.sharedWith {
			perms = append(perms, ec2types.CreateVolumePermission{UserId: aws.String(a)})
		}
		if perms != nil {
			r.SnapshotPermissions[deref(sn.SnapshotId)] = perms
		}
	}
}

// publicSnapshots are the snapshots behind public AMIs that no account of
// the data set owns: Amazon's (alias "amazon") and the Marketplace
// seller's (alias "aws-marketplace").
func publicSnapshots(region string, images []ec2types.Image) []ec2types.Snapshot {
	var out []ec2types.Snapshot
	for _, img := range images {
		alias := deref(img.ImageOwnerAlias)
		if alias == "" || len(img.BlockDeviceMappings) == 0 || img.BlockDeviceMappings[0].Ebs == nil {
			continue
		}
		s := &site{partition: "aws", account: deref(img.OwnerId), region: region}
		ebs := img.BlockDeviceMappings[0].Ebs
		created, _ := time.Parse(time.RFC3339, deref(img.CreationDate))
		sn := s.snapshot(deref(ebs.SnapshotId), "vol-ffffffff", deref(ebs.VolumeSize), false, created.Add(-30*time.Minute),
			"Snapshot of "+deref(img.Name))
		sn.OwnerAlias = aws.String(alias)
		out = append(out, sn)
	}
	return out
}
