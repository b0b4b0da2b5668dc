package awsfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2 network and storage operations: DescribeVpcs, DescribeSubnets,
// DescribeSecurityGroups, DescribeVolumes, DescribeVolumeAttribute,
// DescribeSnapshots, DescribeSnapshotAttribute and DescribeInstanceTypes.
// Each reads the caller's account in the region of the request's
// credential scope; snapshots also the public ones and those other
// accounts share with the caller, as the API reference says.

// pageLimits are an operation's bounds on MaxResults. Below lo AWS refuses
// the call; above hi it refuses too, unless clamp: then it answers hi
// items (DescribeVolumes: "if you specify a value larger than 500, only
// 500 items are returned").
type pageLimits struct {
	lo, hi int
	clamp  bool
}

var (
	upTo1000 = pageLimits{lo: 5, hi: 1000}
	upTo500  = pageLimits{lo: 5, hi: 500, clamp: true}
	upTo100  = pageLimits{lo: 5, hi: 100}
)

// lookup is how one Describe operation selects its records: ids (which
// must all exist and be well-formed), filters, and paging.
type lookup[T any] struct {
	idParam   string // the query-protocol list of ids, e.g. "VpcId" for VpcId.N
	idsName   string // the ids as AWS names them in errors, e.g. "vpcIds"
	prefix    string // the ids' prefix, e.g. "vpc-"; "": ids are not checked for shape
	malformed string // the error code of an id of the wrong shape
	notFound  string // the error code of an id that does not exist
	// one and many format the message of ids that do not exist.
	one, many string
	id        func(*T) string
	fields    ec2Fields[T]
	tags      func(*T) []ec2types.Tag
	limits    pageLimits
	// keep, when set, selects records beyond ids and filters (a
	// snapshot's owner); an id it drops is not an error.
	keep func(*T) bool
}

// maxResultsWithin reads MaxResults against the operation's limits; ok is
// false when absent.
func (c *call) maxResultsWithin(ids []string, idsName string, l pageLimits) (n int, ok bool, aerr *apiError) {
	v := c.params.Get("MaxResults")
	if v == "" {
		return 0, false, nil
	}
	if len(ids) > 0 {
		return 0, false, errorf(http.StatusBadRequest, "InvalidParameterCombination",
			"The parameter %s cannot be used with the parameter maxResults", idsName)
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, false, invalidParameterValue("Invalid value '%s' for maxResults", v)
	case n < l.lo:
		return 0, false, invalidParameterValue("Value ( %d ) for parameter maxResults is invalid. Expecting a value greater than %d.", n, l.lo)
	case n > l.hi && l.clamp:
		return l.hi, true, nil
	case n > l.hi:
		return 0, false, invalidParameterValue("Value ( %d ) for parameter maxResults is invalid. Expecting a value less than %d.", n, l.hi)
	}
	return n, true, nil
}

// selectEC2 answers a Describe call over all, the records the caller can
// see: the page of those the ids, filters and keep select, and the token
// of the next page.
func selectEC2[T any](c *call, all []*T, l lookup[T]) ([]*T, *string, *apiError) {
	var ids []string
	if l.idParam != "" {
		ids = listParam(c.params, l.idParam)
	}
	max, _, aerr := c.maxResultsWithin(ids, l.idsName, l.limits)
	if aerr != nil {
		return nil, nil, aerr
	}
	for _, id := range ids {
		if l.prefix != "" && !validID(id, l.prefix) {
			return nil, nil, errorf(http.StatusBadRequest, l.malformed, "Invalid id: %q (expecting %q)", id, l.prefix+"...")
		}
	}
	pred, aerr := compileEC2Filters(ec2Filters(c.params), l.fields, l.tags)
	if aerr != nil {
		return nil, nil, aerr
	}
	var missing []string
	for _, id := range ids {
		if !slices.ContainsFunc(all, func(t *T) bool { return l.id(t) == id }) && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, nil, errorf(http.StatusBadRequest, l.notFound, "%s", notFoundMessage(l.one, l.many, missing))
	}
	var matched []*T
	for _, t := range all {
		if (len(ids) == 0 || slices.Contains(ids, l.id(t))) && (l.keep == nil || l.keep(t)) && pred(t) {
			matched = append(matched, t)
		}
	}
	if len(ids) == 0 {
		max = c.s.capPage(max)
	}
	offset := 0
	if tok := c.params.Get("NextToken"); tok != "" {
		var ok bool
		if offset, ok = decodeToken(c, tok); !ok {
			return nil, nil, errorf(http.StatusBadRequest, "InvalidPaginationToken", "The specified pagination token is not valid or is expired.")
		}
	}
	lo, hi, more := pageBounds(len(matched), offset, max)
	var next *string
	if more {
		next = aws.String(encodeToken(c, hi))
	}
	return matched[lo:hi], next, nil
}

func pointers[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

func itoa[N int32 | int64](p *N) []string {
	if p == nil {
		return nil
	}
	return str(strconv.FormatInt(int64(*p), 10))
}

// each gathers the values of every element of a list, for the filters on
// nested lists ("any rule", "any attachment").
func each[E any](xs []E, get func(*E) []string) []string {
	var out []string
	for i := range xs {
		out = append(out, get(&xs[i])...)
	}
	return out
}

// --- DescribeVpcs ---

func vpcFields() ec2Fields[ec2types.Vpc] {
	type V = ec2types.Vpc
	type A = ec2types.VpcCidrBlockAssociation
	type A6 = ec2types.VpcIpv6CidrBlockAssociation
	return ec2Fields[V]{
		"vpc-id":          func(v *V) []string { return strs(v.VpcId) },
		"cidr":            func(v *V) []string { return strs(v.CidrBlock) },
		"dhcp-options-id": func(v *V) []string { return strs(v.DhcpOptionsId) },
		"is-default":      func(v *V) []string { return boolStrs(v.IsDefault) },
		"owner-id":        func(v *V) []string { return strs(v.OwnerId) },
		"state":           func(v *V) []string { return nonEmpty(string(v.State)) },
		"cidr-block-association.cidr-block": func(v *V) []string {
			return each(v.CidrBlockAssociationSet, func(a *A) []string { return strs(a.CidrBlock) })
		},
		"cidr-block-association.association-id": func(v *V) []string {
			return each(v.CidrBlockAssociationSet, func(a *A) []string { return strs(a.AssociationId) })
		},
		"cidr-block-association.state": func(v *V) []string {
			return each(v.CidrBlockAssociationSet, func(a *A) []string {
				if a.CidrBlockState == nil {
					return nil
				}
				return nonEmpty(string(a.CidrBlockState.State))
			})
		},
		"ipv6-cidr-block-association.ipv6-cidr-block": func(v *V) []string {
			return each(v.Ipv6CidrBlockAssociationSet, func(a *A6) []string { return strs(a.Ipv6CidrBlock) })
		},
		"ipv6-cidr-block-association.association-id": func(v *V) []string {
			return each(v.Ipv6CidrBlockAssociationSet, func(a *A6) []string { return strs(a.AssociationId) })
		},
		"ipv6-cidr-block-association.ipv6-pool": func(v *V) []string {
			return each(v.Ipv6CidrBlockAssociationSet, func(a *A6) []string { return strs(a.Ipv6Pool) })
		},
		"ipv6-cidr-block-association.state": func(v *V) []string {
			return each(v.Ipv6CidrBlockAssociationSet, func(a *A6) []string {
				if a.Ipv6CidrBlockState == nil {
					return nil
				}
				return nonEmpty(string(a.Ipv6CidrBlockState.State))
			})
		},
	}
}

func (c *call) describeVpcs() (any, *apiError) {
	page, next, aerr := selectEC2(c, pointers(resources(c.account, c.region).Vpcs), lookup[ec2types.Vpc]{
		idParam: "VpcId", idsName: "vpcIds", prefix: "vpc-", malformed: "InvalidVpcID.Malformed", notFound: "InvalidVpcID.NotFound",
		one: "The vpc ID '%s' does not exist", many: "The vpc IDs '%s' do not exist",
		id:     func(v *ec2types.Vpc) string { return deref(v.VpcId) },
		fields: vpcFields(), tags: func(v *ec2types.Vpc) []ec2types.Tag { return v.Tags }, limits: upTo1000,
	})
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeVpcsOutput{Vpcs: values(page), NextToken: next}, nil
}

// --- DescribeSubnets ---

func subnetFields() ec2Fields[ec2types.Subnet] {
	type S = ec2types.Subnet
	type A6 = ec2types.SubnetIpv6CidrBlockAssociation
	cidr := func(s *S) []string { return strs(s.CidrBlock) }
	defaultForAz := func(s *S) []string { return boolStrs(s.DefaultForAz) }
	return ec2Fields[S]{
		"subnet-id":                       func(s *S) []string { return strs(s.SubnetId) },
		"subnet-arn":                      func(s *S) []string { return strs(s.SubnetArn) },
		"vpc-id":                          func(s *S) []string { return strs(s.VpcId) },
		"cidr-block":                      cidr,
		"cidr":                            cidr, // the API reference's older names
		"cidrBlock":                       cidr,
		"availability-zone":               func(s *S) []string { return strs(s.AvailabilityZone) },
		"availability-zone-id":            func(s *S) []string { return strs(s.AvailabilityZoneId) },
		"available-ip-address-count":      func(s *S) []string { return itoa(s.AvailableIpAddressCount) },
		"default-for-az":                  defaultForAz,
		"defaultForAz":                    defaultForAz,
		"map-public-ip-on-launch":         func(s *S) []string { return boolStrs(s.MapPublicIpOnLaunch) },
		"map-customer-owned-ip-on-launch": func(s *S) []string { return boolStrs(s.MapCustomerOwnedIpOnLaunch) },
		"customer-owned-ipv4-pool":        func(s *S) []string { return strs(s.CustomerOwnedIpv4Pool) },
		"outpost-arn":                     func(s *S) []string { return strs(s.OutpostArn) },
		"owner-id":                        func(s *S) []string { return strs(s.OwnerId) },
		"state":                           func(s *S) []string { return nonEmpty(string(s.State)) },
		"enable-dns64":                    func(s *S) []string { return boolStrs(s.EnableDns64) },
		"ipv6-native":                     func(s *S) []string { return boolStrs(s.Ipv6Native) },
		"ipv6-cidr-block-association.ipv6-cidr-block": func(s *S) []string {
			return each(s.Ipv6CidrBlockAssociationSet, func(a *A6) []string { return strs(a.Ipv6CidrBlock) })
		},
		"ipv6-cidr-block-association.association-id": func(s *S) []string {
			return each(s.Ipv6CidrBlockAssociationSet, func(a *A6) []string { return strs(a.AssociationId) })
		},
	}
}

func (c *call) describeSubnets() (any, *apiError) {
	page, next, aerr := selectEC2(c, pointers(resources(c.account, c.region).Subnets), lookup[ec2types.Subnet]{
		idParam: "SubnetId", idsName: "subnetIds", prefix: "subnet-", malformed: "InvalidSubnetID.Malformed", notFound: "InvalidSubnetID.NotFound",
		one: "The subnet ID '%s' does not exist", many: "The subnet IDs '%s' do not exist",
		id:     func(s *ec2types.Subnet) string { return deref(s.SubnetId) },
		fields: subnetFields(), tags: func(s *ec2types.Subnet) []ec2types.Tag { return s.Tags }, limits: upTo1000,
	})
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeSubnetsOutput{Subnets: values(page), NextToken: next}, nil
}

// --- DescribeSecurityGroups ---

// ruleFields are the filters on a group's rules, inbound (prefix
// "ip-permission.") or outbound ("egress.ip-permission."). As AWS warns,
// each filter matches any rule of the group, not necessarily the same one.
func ruleFields(fields ec2Fields[ec2types.SecurityGroup], prefix string, rules func(*ec2types.SecurityGroup) []ec2types.IpPermission) {
	type P = ec2types.IpPermission
	on := func(get func(*P) []string) func(*ec2types.SecurityGroup) []string {
		return func(g *ec2types.SecurityGroup) []string { return each(rules(g), get) }
	}
	fields[prefix+"cidr"] = on(func(p *P) []string {
		return each(p.IpRanges, func(r *ec2types.IpRange) []string { return strs(r.CidrIp) })
	})
	fields[prefix+"ipv6-cidr"] = on(func(p *P) []string {
		return each(p.Ipv6Ranges, func(r *ec2types.Ipv6Range) []string { return strs(r.CidrIpv6) })
	})
	fields[prefix+"from-port"] = on(func(p *P) []string { return itoa(p.FromPort) })
	fields[prefix+"to-port"] = on(func(p *P) []string { return itoa(p.ToPort) })
	fields[prefix+"protocol"] = on(func(p *P) []string { return strs(p.IpProtocol) })
	fields[prefix+"group-id"] = on(func(p *P) []string {
		return each(p.UserIdGroupPairs, func(u *ec2types.UserIdGroupPair) []string { return strs(u.GroupId) })
	})
	fields[prefix+"user-id"] = on(func(p *P) []string {
		return each(p.UserIdGroupPairs, func(u *ec2types.UserIdGroupPair) []string { return strs(u.UserId) })
	})
}

func securityGroupFields() ec2Fields[ec2types.SecurityGroup] {
	type G = ec2types.SecurityGroup
	f := ec2Fields[G]{
		"group-id":    func(g *G) []string { return strs(g.GroupId) },
		"group-name":  func(g *G) []string { return strs(g.GroupName) },
		"description": func(g *G) []string { return strs(g.Description) },
		"vpc-id":      func(g *G) []string { return strs(g.VpcId) },
		"owner-id":    func(g *G) []string { return strs(g.OwnerId) },
	}
	ruleFields(f, "ip-permission.", func(g *G) []ec2types.IpPermission { return g.IpPermissions })
	ruleFields(f, "egress.ip-permission.", func(g *G) []ec2types.IpPermission { return g.IpPermissionsEgress })
	return f
}

func (c *call) describeSecurityGroups() (any, *apiError) {
	r := resources(c.account, c.region)
	groups := pointers(r.SecurityGroups)
	// GroupName.N names groups of the default VPC only.
	if names := listParam(c.params, "GroupName"); len(names) > 0 {
		defaultVPC := ""
		for _, v := range r.Vpcs {
			if deref(v.IsDefault) {
				defaultVPC = deref(v.VpcId)
			}
		}
		var named []*ec2types.SecurityGroup
		for _, n := range names {
			i := slices.IndexFunc(groups, func(g *ec2types.SecurityGroup) bool {
				return deref(g.GroupName) == n && deref(g.VpcId) == defaultVPC
			})
			if i < 0 {
				return nil, errorf(http.StatusBadRequest, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", n, defaultVPC)
			}
			named = append(named, groups[i])
		}
		groups = named
	}
	page, next, aerr := selectEC2(c, groups, lookup[ec2types.SecurityGroup]{
		idParam: "GroupId", idsName: "groupIds", prefix: "sg-", malformed: "InvalidGroupId.Malformed", notFound: "InvalidGroup.NotFound",
		one: "The security group '%s' does not exist", many: "The security groups '%s' do not exist",
		id:     func(g *ec2types.SecurityGroup) string { return deref(g.GroupId) },
		fields: securityGroupFields(), tags: func(g *ec2types.SecurityGroup) []ec2types.Tag { return g.Tags }, limits: upTo1000,
	})
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: values(page), NextToken: next}, nil
}

// --- DescribeVolumes, DescribeVolumeAttribute ---

func volumeFields() ec2Fields[ec2types.Volume] {
	type V = ec2types.Volume
	type A = ec2types.VolumeAttachment
	return ec2Fields[V]{
		"volume-id":            func(v *V) []string { return strs(v.VolumeId) },
		"volume-type":          func(v *V) []string { return nonEmpty(string(v.VolumeType)) },
		"status":               func(v *V) []string { return nonEmpty(string(v.State)) },
		"size":                 func(v *V) []string { return itoa(v.Size) },
		"snapshot-id":          func(v *V) []string { return strs(v.SnapshotId) },
		"availability-zone":    func(v *V) []string { return strs(v.AvailabilityZone) },
		"availability-zone-id": func(v *V) []string { return strs(v.AvailabilityZoneId) },
		"encrypted":            func(v *V) []string { return boolStrs(v.Encrypted) },
		"multi-attach-enabled": func(v *V) []string { return boolStrs(v.MultiAttachEnabled) },
		"fast-restored":        func(v *V) []string { return boolStrs(v.FastRestored) },
		"create-time":          func(v *V) []string { return nonEmpty(ec2Time(v.CreateTime)) },
		"attachment.instance-id": func(v *V) []string {
			return each(v.Attachments, func(a *A) []string { return strs(a.InstanceId) })
		},
		"attachment.device": func(v *V) []string { return each(v.Attachments, func(a *A) []string { return strs(a.Device) }) },
		"attachment.status": func(v *V) []string {
			return each(v.Attachments, func(a *A) []string { return nonEmpty(string(a.State)) })
		},
		"attachment.attach-time": func(v *V) []string {
			return each(v.Attachments, func(a *A) []string { return nonEmpty(ec2Time(a.AttachTime)) })
		},
		"attachment.delete-on-termination": func(v *V) []string {
			return each(v.Attachments, func(a *A) []string { return boolStrs(a.DeleteOnTermination) })
		},
	}
}

func (c *call) describeVolumes() (any, *apiError) {
	page, next, aerr := selectEC2(c, pointers(resources(c.account, c.region).Volumes), lookup[ec2types.Volume]{
		idParam: "VolumeId", idsName: "volumeIds", prefix: "vol-", malformed: "InvalidVolumeID.Malformed", notFound: "InvalidVolume.NotFound",
		one: "The volume '%s' does not exist.", many: "The volumes '%s' do not exist.",
		id:     func(v *ec2types.Volume) string { return deref(v.VolumeId) },
		fields: volumeFields(), tags: func(v *ec2types.Volume) []ec2types.Tag { return v.Tags }, limits: upTo500,
	})
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeVolumesOutput{Volumes: values(page), NextToken: next}, nil
}

// required reads a parameter the operation cannot do without.
func (c *call) required(name, as string) (string, *apiError) {
	v := c.params.Get(name)
	if v == "" {
		return "", errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter %s", as)
	}
	return v, nil
}

func (c *call) describeVolumeAttribute() (any, *apiError) {
	id, aerr := c.required("VolumeId", "volume")
	if aerr != nil {
		return nil, aerr
	}
	attr, aerr := c.required("Attribute", "attribute")
	if aerr != nil {
		return nil, aerr
	}
	if !validID(id, "vol-") {
		return nil, errorf(http.StatusBadRequest, "InvalidVolumeID.Malformed", "Invalid id: %q (expecting \"vol-...\")", id)
	}
	r := resources(c.account, c.region)
	if !slices.ContainsFunc(r.Volumes, func(v ec2types.Volume) bool { return deref(v.VolumeId) == id }) {
		return nil, errorf(http.StatusBadRequest, "InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
	}
	a := r.VolumeAttributes[id]
	out := &ec2.DescribeVolumeAttributeOutput{VolumeId: aws.String(id)}
	switch ec2types.VolumeAttributeName(attr) {
	case ec2types.VolumeAttributeNameAutoEnableIO:
		out.AutoEnableIO = &ec2types.AttributeBooleanValue{Value: aws.Bool(a.AutoEnableIO)}
	case ec2types.VolumeAttributeNameProductCodes:
		out.ProductCodes = append([]ec2types.ProductCode{}, a.ProductCodes...)
	default:
		return nil, invalidParameterValue("Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}

// --- DescribeSnapshots, DescribeSnapshotAttribute ---

func snapshotFields() ec2Fields[ec2types.Snapshot] {
	type S = ec2types.Snapshot
	return ec2Fields[S]{
		"snapshot-id":  func(s *S) []string { return strs(s.SnapshotId) },
		"owner-id":     func(s *S) []string { return strs(s.OwnerId) },
		"owner-alias":  func(s *S) []string { return strs(s.OwnerAlias) },
		"status":       func(s *S) []string { return nonEmpty(string(s.State)) },
		"progress":     func(s *S) []string { return strs(s.Progress) },
		"volume-id":    func(s *S) []string { return strs(s.VolumeId) },
		"volume-size":  func(s *S) []string { return itoa(s.VolumeSize) },
		"encrypted":    func(s *S) []string { return boolStrs(s.Encrypted) },
		"description":  func(s *S) []string { return strs(s.Description) },
		"start-time":   func(s *S) []string { return nonEmpty(ec2Time(s.StartTime)) },
		"storage-tier": func(s *S) []string { return nonEmpty(string(s.StorageTier)) },
	}
}

// sharedSnapshot is a snapshot the caller can see, and who else may create
// volumes from it.
type sharedSnapshot struct {
	snap  *ec2types.Snapshot
	perms []ec2types.CreateVolumePermission
}

// visibleSnapshots are the snapshots the caller may create volumes from,
// in a stable order: its own, then the public ones no account of the data
// set owns, then other accounts' that are public or shared with it.
func (c *call) visibleSnapshots() []sharedSnapshot {
	var out []sharedSnapshot
	own := resources(c.account, c.region)
	for i := range own.Snapshots {
		out = append(out, sharedSnapshot{&own.Snapshots[i], own.SnapshotPermissions[deref(own.Snapshots[i].SnapshotId)]})
	}
	public := c.s.ds.PublicSnapshots[c.region]
	for i := range public {
		out = append(out, sharedSnapshot{&public[i], []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}})
	}
	for _, a := range c.s.ds.Accounts {
		if a.ID == c.account.ID {
			continue
		}
		r := resources(a, c.region)
		for i := range r.Snapshots {
			perms := r.SnapshotPermissions[deref(r.Snapshots[i].SnapshotId)]
			if restorableBy(c.account.ID, perms) {
				out = append(out, sharedSnapshot{&r.Snapshots[i], perms})
			}
		}
	}
	return out
}

func restorableBy(account string, perms []ec2types.CreateVolumePermission) bool {
	return slices.ContainsFunc(perms, func(p ec2types.CreateVolumePermission) bool {
		return p.Group == ec2types.PermissionGroupAll || deref(p.UserId) == account
	})
}

func (c *call) describeSnapshots() (any, *apiError) {
	owners := listParam(c.params, "Owner")
	for _, o := range owners {
		if o != "self" && o != "amazon" && !isAccountID(o) {
			return nil, errorf(http.StatusBadRequest, "InvalidUserID.Malformed", "Invalid user id: %q", o)
		}
	}
	restorable := listParam(c.params, "RestorableBy")
	for _, r := range restorable {
		if r != "self" && r != "all" && !isAccountID(r) {
			return nil, errorf(http.StatusBadRequest, "InvalidUserID.Malformed", "Invalid user id: %q", r)
		}
	}
	visible := c.visibleSnapshots()
	perms := map[*ec2types.Snapshot][]ec2types.CreateVolumePermission{}
	var all []*ec2types.Snapshot
	for _, v := range visible {
		all = append(all, v.snap)
		perms[v.snap] = v.perms
	}
	ownerMatches := func(o string, s *ec2types.Snapshot) bool {
		switch o {
		case "self":
			return deref(s.OwnerId) == c.account.ID
		case "amazon":
			return deref(s.OwnerAlias) == "amazon"
		}
		return deref(s.OwnerId) == o
	}
	restorableMatches := func(r string, s *ec2types.Snapshot) bool {
		switch r {
		case "self":
			r = c.account.ID
		case "all":
			return slices.ContainsFunc(perms[s], func(p ec2types.CreateVolumePermission) bool { return p.Group == ec2types.PermissionGroupAll })
		}
		return deref(s.OwnerId) == r || restorableBy(r, perms[s])
	}
	page, next, aerr := selectEC2(c, all, lookup[ec2types.Snapshot]{
		idParam: "SnapshotId", idsName: "snapshotIds", prefix: "snap-", malformed: "InvalidSnapshotID.Malformed", notFound: "InvalidSnapshot.NotFound",
		one: "The snapshot '%s' does not exist.", many: "The snapshots '%s' do not exist.",
		id:     func(s *ec2types.Snapshot) string { return deref(s.SnapshotId) },
		fields: snapshotFields(), tags: func(s *ec2types.Snapshot) []ec2types.Tag { return s.Tags }, limits: upTo1000,
		keep: func(s *ec2types.Snapshot) bool {
			return (len(owners) == 0 || slices.ContainsFunc(owners, func(o string) bool { return ownerMatches(o, s) })) &&
				(len(restorable) == 0 || slices.ContainsFunc(restorable, func(r string) bool { return restorableMatches(r, s) }))
		},
	})
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeSnapshotsOutput{Snapshots: values(page), NextToken: next}, nil
}

func (c *call) describeSnapshotAttribute() (any, *apiError) {
	id, aerr := c.required("SnapshotId", "snapshotId")
	if aerr != nil {
		return nil, aerr
	}
	attr, aerr := c.required("Attribute", "attribute")
	if aerr != nil {
		return nil, aerr
	}
	if !validID(id, "snap-") {
		return nil, errorf(http.StatusBadRequest, "InvalidSnapshotID.Malformed", "Invalid id: %q (expecting \"snap-...\")", id)
	}
	// Only the owner may read a snapshot's attributes.
	r := resources(c.account, c.region)
	if !slices.ContainsFunc(r.Snapshots, func(s ec2types.Snapshot) bool { return deref(s.SnapshotId) == id }) {
		return nil, errorf(http.StatusBadRequest, "InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
	}
	out := &ec2.DescribeSnapshotAttributeOutput{SnapshotId: aws.String(id)}
	switch ec2types.SnapshotAttributeName(attr) {
	case ec2types.SnapshotAttributeNameCreateVolumePermission:
		out.CreateVolumePermissions = append([]ec2types.CreateVolumePermission{}, r.SnapshotPermissions[id]...)
	case ec2types.SnapshotAttributeNameProductCodes:
		out.ProductCodes = []ec2types.ProductCode{}
	default:
		return nil, invalidParameterValue("Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}

// --- DescribeInstanceTypes ---

func instanceTypeFields() ec2Fields[ec2types.InstanceTypeInfo] {
	type T = ec2types.InstanceTypeInfo
	vcpu := func(get func(*ec2types.VCpuInfo) []string) func(*T) []string {
		return func(t *T) []string {
			if t.VCpuInfo == nil {
				return nil
			}
			return get(t.VCpuInfo)
		}
	}
	ints := func(xs []int32) []string {
		var out []string
		for _, x := range xs {
			out = append(out, strconv.Itoa(int(x)))
		}
		return out
	}
	return ec2Fields[T]{
		"instance-type":                   func(t *T) []string { return nonEmpty(string(t.InstanceType)) },
		"current-generation":              func(t *T) []string { return boolStrs(t.CurrentGeneration) },
		"bare-metal":                      func(t *T) []string { return boolStrs(t.BareMetal) },
		"burstable-performance-supported": func(t *T) []string { return boolStrs(t.BurstablePerformanceSupported) },
		"free-tier-eligible":              func(t *T) []string { return boolStrs(t.FreeTierEligible) },
		"hibernation-supported":           func(t *T) []string { return boolStrs(t.HibernationSupported) },
		"auto-recovery-supported":         func(t *T) []string { return boolStrs(t.AutoRecoverySupported) },
		"dedicated-hosts-supported":       func(t *T) []string { return boolStrs(t.DedicatedHostsSupported) },
		"instance-storage-supported":      func(t *T) []string { return boolStrs(t.InstanceStorageSupported) },
		"hypervisor":                      func(t *T) []string { return nonEmpty(string(t.Hypervisor)) },
		"nitro-enclaves-support":          func(t *T) []string { return nonEmpty(string(t.NitroEnclavesSupport)) },
		"nitro-tpm-support":               func(t *T) []string { return nonEmpty(string(t.NitroTpmSupport)) },
		"vcpu-info.default-vcpus":         vcpu(func(v *ec2types.VCpuInfo) []string { return itoa(v.DefaultVCpus) }),
		"vcpu-info.default-cores":         vcpu(func(v *ec2types.VCpuInfo) []string { return itoa(v.DefaultCores) }),
		"vcpu-info.default-threads-per-core": vcpu(func(v *ec2types.VCpuInfo) []string {
			return itoa(v.DefaultThreadsPerCore)
		}),
		"vcpu-info.valid-cores":            vcpu(func(v *ec2types.VCpuInfo) []string { return ints(v.ValidCores) }),
		"vcpu-info.valid-threads-per-core": vcpu(func(v *ec2types.VCpuInfo) []string { return ints(v.ValidThreadsPerCore) }),
		"memory-info.size-in-mib":          func(t *T) []string { return memoryMiB(t) },
		"processor-info.supported-architecture": func(t *T) []string {
			if t.ProcessorInfo == nil {
				return nil
			}
			return each(t.ProcessorInfo.SupportedArchitectures, func(a *ec2types.ArchitectureType) []string { return nonEmpty(string(*a)) })
		},
		"network-info.ena-support": func(t *T) []string {
			if t.NetworkInfo == nil {
				return nil
			}
			return nonEmpty(string(t.NetworkInfo.EnaSupport))
		},
		"supported-usage-class": func(t *T) []string {
			return each(t.SupportedUsageClasses, func(u *ec2types.UsageClassType) []string { return nonEmpty(string(*u)) })
		},
		"supported-root-device-type": func(t *T) []string {
			return each(t.SupportedRootDeviceTypes, func(u *ec2types.RootDeviceType) []string { return nonEmpty(string(*u)) })
		},
		"supported-virtualization-type": func(t *T) []string {
			return each(t.SupportedVirtualizationTypes, func(u *ec2types.VirtualizationType) []string { return nonEmpty(string(*u)) })
		},
		"supported-boot-mode": func(t *T) []string {
			return each(t.SupportedBootModes, func(u *ec2types.BootModeType) []string { return nonEmpty(string(*u)) })
		},
	}
}

func memoryMiB(t *ec2types.InstanceTypeInfo) []string {
	if t.MemoryInfo == nil {
		return nil
	}
	return itoa(t.MemoryInfo.SizeInMiB)
}

func (c *call) describeInstanceTypes() (any, *apiError) {
	offered := c.s.ds.InstanceTypes[c.region]
	names := listParam(c.params, "InstanceType")
	var unknown []string
	for _, n := range names {
		if !slices.ContainsFunc(offered, func(t ec2types.InstanceTypeInfo) bool { return string(t.InstanceType) == n }) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, errorf(http.StatusBadRequest, "InvalidInstanceType", "The following supplied instance types do not exist: [%s]", strings.Join(unknown, ", "))
	}
	// The names were checked above and select like a filter: unlike other
	// ids, they may come with MaxResults.
	page, next, aerr := selectEC2(c, pointers(offered), lookup[ec2types.InstanceTypeInfo]{
		limits: upTo100, fields: instanceTypeFields(),
		id: func(t *ec2types.InstanceTypeInfo) string { return string(t.InstanceType) },
		keep: func(t *ec2types.InstanceTypeInfo) bool {
			return len(names) == 0 || slices.Contains(names, string(t.InstanceType))
		},
	})
	if aerr != nil {
		return nil, aerr
	}
	return &ec2.DescribeInstanceTypesOutput{InstanceTypes: values(page), NextToken: next}, nil
}
