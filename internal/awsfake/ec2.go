package awsfake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// EC2 operations: DescribeRegions, DescribeInstances, DescribeImages,
// DescribeReservedInstances. Each reads the caller's account in the region
// of the request's credential scope.

// validID reports whether id is prefix followed by 8 or 17 lower-case hex
// digits, the two shapes of EC2 resource ids (e.g. i-0123456789abcdef0).
func validID(id, prefix string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || (len(rest) != 8 && len(rest) != 17) {
		return false
	}
	return strings.Trim(rest, "0123456789abcdef") == ""
}

func isAccountID(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// maxResults reads EC2's MaxResults (5..1000). ok is false when absent.
// idsParam names the id list that cannot be combined with MaxResults.
func (c *call) maxResults(ids []string, idsParam string) (n int, ok bool, aerr *apiError) {
	v := c.params.Get("MaxResults")
	if v == "" {
		return 0, false, nil
	}
	if len(ids) > 0 {
		return 0, false, errorf(http.StatusBadRequest, "InvalidParameterCombination",
			"The parameter %s cannot be used with the parameter maxResults", idsParam)
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, false, invalidParameterValue("Invalid value '%s' for maxResults", v)
	case n < 5:
		return 0, false, invalidParameterValue("Value ( %d ) for parameter maxResults is invalid. Expecting a value greater than 5.", n)
	case n > 1000:
		return 0, false, invalidParameterValue("Value ( %d ) for parameter maxResults is invalid. Expecting a value less than 1000.", n)
	}
	return n, true, nil
}

// ec2Page cuts the page NextToken/MaxResults ask for out of n items.
func (c *call) ec2Page(n int, ids []string, idsParam string) (lo, hi int, next string, aerr *apiError) {
	max, _, aerr := c.maxResults(ids, idsParam)
	if aerr != nil {
		return 0, 0, "", aerr
	}
	if len(ids) == 0 {
		max = c.s.capPage(max)
	}
	offset := 0
	if tok := c.params.Get("NextToken"); tok != "" {
		var ok bool
		if offset, ok = decodeToken(c, tok); !ok {
			return 0, 0, "", errorf(http.StatusBadRequest, "InvalidPaginationToken",
				"The specified pagination token is not valid or is expired.")
		}
	}
	lo, hi, more := pageBounds(n, offset, max)
	if more {
		next = encodeToken(c, hi)
	}
	return lo, hi, next, nil
}

// boolParam reads a query-protocol boolean ("true"/"false").
func (c *call) boolParam(name string) bool {
	b, _ := strconv.ParseBool(c.params.Get(name))
	return b
}

// ec2Time formats a time as EC2 writes it, for the filters on times.
func ec2Time(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(xmlTimeLayout("ec2"))
}

// fmtFloat32 formats a price as EC2 writes it, for the filters on prices.
func fmtFloat32(f *float32) string {
	if f == nil {
		return ""
	}
	return formatFloat(float64(*f), 32)
}

// optional is s, or nil when s is empty: an absent member.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// --- DescribeRegions ---

func (c *call) describeRegions() (any, *apiError) {
	all := c.boolParam("AllRegions")
	names := listParam(c.params, "RegionName")
	var unknown []string
	for _, n := range names {
		if _, ok := lookupRegion(n); !ok {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, invalidParameterValue("Invalid region: [%s]", strings.Join(unknown, ", "))
	}
	pred, aerr := compileEC2Filters(ec2Filters(c.params), ec2Fields[ec2types.Region]{
		"region-name":   func(r *ec2types.Region) []string { return strs(r.RegionName) },
		"endpoint":      func(r *ec2types.Region) []string { return strs(r.Endpoint) },
		"opt-in-status": func(r *ec2types.Region) []string { return strs(r.OptInStatus) },
	}, nil)
	if aerr != nil {
		return nil, aerr
	}
	resp := &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{}}
	regions := fakedata.Regions()
	sort.Strings(regions)
	for _, name := range regions {
		r, _ := lookupRegion(name)
		w := ec2types.Region{RegionName: aws.String(r.Name), Endpoint: aws.String(r.endpoint()), OptInStatus: aws.String(r.optInStatus(c.account))}
		// Named regions are listed whether enabled or not (as the API
		// reference says); otherwise disabled ones only with AllRegions.
		switch {
		case len(names) > 0 && !slices.Contains(names, r.Name):
			continue
		case len(names) == 0 && !all && *w.OptInStatus == "not-opted-in":
			continue
		}
		if pred(&w) {
			resp.Regions = append(resp.Regions, w)
		}
	}
	return resp, nil
}

// --- DescribeInstances ---

func str(s string) []string { return []string{s} }

func strs(ps ...*string) []string {
	var out []string
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func boolStrs(b *bool) []string {
	if b == nil {
		return nil
	}
	return []string{strconv.FormatBool(*b)}
}

func instanceFields(owner string) ec2Fields[ec2types.Instance] {
	type I = ec2types.Instance
	return ec2Fields[I]{
		"instance-id":              func(i *I) []string { return strs(i.InstanceId) },
		"instance-type":            func(i *I) []string { return nonEmpty(string(i.InstanceType)) },
		"image-id":                 func(i *I) []string { return strs(i.ImageId) },
		"vpc-id":                   func(i *I) []string { return strs(i.VpcId) },
		"subnet-id":                func(i *I) []string { return strs(i.SubnetId) },
		"key-name":                 func(i *I) []string { return strs(i.KeyName) },
		"instance-lifecycle":       func(i *I) []string { return nonEmpty(string(i.InstanceLifecycle)) },
		"architecture":             func(i *I) []string { return nonEmpty(string(i.Architecture)) },
		"platform":                 func(i *I) []string { return nonEmpty(string(i.Platform)) },
		"platform-details":         func(i *I) []string { return strs(i.PlatformDetails) },
		"private-ip-address":       func(i *I) []string { return strs(i.PrivateIpAddress) },
		"ip-address":               func(i *I) []string { return strs(i.PublicIpAddress) },
		"private-dns-name":         func(i *I) []string { return strs(i.PrivateDnsName) },
		"dns-name":                 func(i *I) []string { return strs(i.PublicDnsName) },
		"root-device-type":         func(i *I) []string { return nonEmpty(string(i.RootDeviceType)) },
		"root-device-name":         func(i *I) []string { return strs(i.RootDeviceName) },
		"virtualization-type":      func(i *I) []string { return nonEmpty(string(i.VirtualizationType)) },
		"hypervisor":               func(i *I) []string { return nonEmpty(string(i.Hypervisor)) },
		"spot-instance-request-id": func(i *I) []string { return strs(i.SpotInstanceRequestId) },
		"reason":                   func(i *I) []string { return strs(i.StateTransitionReason) },
		"launch-time":              func(i *I) []string { return nonEmpty(ec2Time(i.LaunchTime)) },
		"owner-id":                 func(i *I) []string { return str(owner) },
		"reservation-id":           func(i *I) []string { return str(reservationID(deref(i.InstanceId))) },
		"ebs-optimized":            func(i *I) []string { return boolStrs(i.EbsOptimized) },
		"ena-support":              func(i *I) []string { return boolStrs(i.EnaSupport) },
		"instance-state-name": func(i *I) []string {
			if i.State == nil {
				return nil
			}
			return nonEmpty(string(i.State.Name))
		},
		"instance-state-code": func(i *I) []string {
			if i.State == nil || i.State.Code == nil {
				return nil
			}
			return str(strconv.Itoa(int(*i.State.Code)))
		},
		"availability-zone": func(i *I) []string {
			if i.Placement == nil {
				return nil
			}
			return strs(i.Placement.AvailabilityZone)
		},
		"tenancy": func(i *I) []string {
			if i.Placement == nil {
				return nil
			}
			return nonEmpty(string(i.Placement.Tenancy))
		},
		"placement-group-name": func(i *I) []string {
			if i.Placement == nil {
				return nil
			}
			return strs(i.Placement.GroupName)
		},
		"iam-instance-profile.arn": func(i *I) []string {
			if i.IamInstanceProfile == nil {
				return nil
			}
			return strs(i.IamInstanceProfile.Arn)
		},
		"monitoring-state": func(i *I) []string {
			if i.Monitoring == nil {
				return nil
			}
			return nonEmpty(string(i.Monitoring.State))
		},
		"metadata-options.http-tokens": func(i *I) []string {
			if i.MetadataOptions == nil {
				return nil
			}
			return nonEmpty(string(i.MetadataOptions.HttpTokens))
		},
		"instance.group-id": func(i *I) []string {
			var out []string
			for _, g := range i.SecurityGroups {
				out = append(out, strs(g.GroupId)...)
			}
			return out
		},
		"instance.group-name": func(i *I) []string {
			var out []string
			for _, g := range i.SecurityGroups {
				out = append(out, strs(g.GroupName)...)
			}
			return out
		},
		"network-interface.network-interface-id": func(i *I) []string {
			var out []string
			for _, n := range i.NetworkInterfaces {
				out = append(out, strs(n.NetworkInterfaceId)...)
			}
			return out
		},
		"block-device-mapping.volume-id": func(i *I) []string {
			var out []string
			for _, b := range i.BlockDeviceMappings {
				if b.Ebs != nil {
					out = append(out, strs(b.Ebs.VolumeId)...)
				}
			}
			return out
		},
	}
}

// reservationID derives a stable reservation id from the instance id: the
// fake puts each instance in a reservation of its own.
func reservationID(instanceID string) string {
	h := sha256.Sum256([]byte("reservation:" + instanceID))
	return "r-" + hex.EncodeToString(h[:])[:17]
}

// notFoundList formats ids the way EC2's NotFound messages do: "'a'" for
// one, "'a, b'" for several.
func notFoundMessage(singular, plural string, ids []string) string {
	if len(ids) == 1 {
		return fmt.Sprintf(singular, ids[0])
	}
	return fmt.Sprintf(plural, strings.Join(ids, ", "))
}

func (c *call) describeInstances() (any, *apiError) {
	ids := listParam(c.params, "InstanceId")
	if _, _, aerr := c.maxResults(ids, "instancesSet"); aerr != nil {
		return nil, aerr
	}
	for _, id := range ids {
		if !validID(id, "i-") {
			return nil, errorf(http.StatusBadRequest, "InvalidInstanceID.Malformed", "Invalid id: %q", id)
		}
	}
	pred, aerr := compileEC2Filters(ec2Filters(c.params), instanceFields(c.account.ID),
		func(i *ec2types.Instance) []ec2types.Tag { return i.Tags })
	if aerr != nil {
		return nil, aerr
	}
	all := resources(c.account, c.region).Instances
	if len(ids) > 0 {
		var missing []string
		for _, id := range ids {
			if !slices.ContainsFunc(all, func(i ec2types.Instance) bool { return deref(i.InstanceId) == id }) &&
				!slices.Contains(missing, id) {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			return nil, errorf(http.StatusBadRequest, "InvalidInstanceID.NotFound", "%s",
				notFoundMessage("The instance ID '%s' does not exist", "The instance IDs '%s' do not exist", missing))
		}
	}
	var matched []*ec2types.Instance
	for i := range all {
		in := &all[i]
		if len(ids) > 0 && !slices.Contains(ids, deref(in.InstanceId)) {
			continue
		}
		if pred(in) {
			matched = append(matched, in)
		}
	}
	lo, hi, next, aerr := c.ec2Page(len(matched), ids, "instancesSet")
	if aerr != nil {
		return nil, aerr
	}
	resp := &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{}, NextToken: optional(next)}
	for _, in := range matched[lo:hi] {
		resp.Reservations = append(resp.Reservations, ec2types.Reservation{
			ReservationId: aws.String(reservationID(deref(in.InstanceId))),
			OwnerId:       aws.String(c.account.ID),
			Groups:        []ec2types.GroupIdentifier{}, // as AWS: in a VPC, the groups are the instance's
			Instances:     []ec2types.Instance{*in},
		})
	}
	return resp, nil
}

// --- DescribeImages ---

func imageFields() ec2Fields[ec2types.Image] {
	type I = ec2types.Image
	return ec2Fields[I]{
		"image-id":            func(i *I) []string { return strs(i.ImageId) },
		"name":                func(i *I) []string { return strs(i.Name) },
		"description":         func(i *I) []string { return strs(i.Description) },
		"state":               func(i *I) []string { return nonEmpty(string(i.State)) },
		"architecture":        func(i *I) []string { return nonEmpty(string(i.Architecture)) },
		"is-public":           func(i *I) []string { return boolStrs(i.Public) },
		"owner-id":            func(i *I) []string { return strs(i.OwnerId) },
		"owner-alias":         func(i *I) []string { return strs(i.ImageOwnerAlias) },
		"image-type":          func(i *I) []string { return nonEmpty(string(i.ImageType)) },
		"platform":            func(i *I) []string { return nonEmpty(string(i.Platform)) },
		"platform-details":    func(i *I) []string { return strs(i.PlatformDetails) },
		"root-device-type":    func(i *I) []string { return nonEmpty(string(i.RootDeviceType)) },
		"root-device-name":    func(i *I) []string { return strs(i.RootDeviceName) },
		"virtualization-type": func(i *I) []string { return nonEmpty(string(i.VirtualizationType)) },
		"hypervisor":          func(i *I) []string { return nonEmpty(string(i.Hypervisor)) },
		"ena-support":         func(i *I) []string { return boolStrs(i.EnaSupport) },
		"creation-date":       func(i *I) []string { return strs(i.CreationDate) },
		"deprecation-time":    func(i *I) []string { return strs(i.DeprecationTime) },
		"manifest-location":   func(i *I) []string { return strs(i.ImageLocation) },
		"source-instance-id":  func(i *I) []string { return strs(i.SourceInstanceId) },
		"product-code": func(i *I) []string {
			var out []string
			for _, p := range i.ProductCodes {
				out = append(out, strs(p.ProductCodeId)...)
			}
			return out
		},
		"product-code.type": func(i *I) []string {
			var out []string
			for _, p := range i.ProductCodes {
				out = append(out, nonEmpty(string(p.ProductCodeType))...)
			}
			return out
		},
		"block-device-mapping.snapshot-id": func(i *I) []string {
			var out []string
			for _, b := range i.BlockDeviceMappings {
				if b.Ebs != nil {
					out = append(out, strs(b.Ebs.SnapshotId)...)
				}
			}
			return out
		},
		"block-device-mapping.volume-type": func(i *I) []string {
			var out []string
			for _, b := range i.BlockDeviceMappings {
				if b.Ebs != nil {
					out = append(out, nonEmpty(string(b.Ebs.VolumeType))...)
				}
			}
			return out
		},
		"block-device-mapping.encrypted": func(i *I) []string {
			var out []string
			for _, b := range i.BlockDeviceMappings {
				if b.Ebs != nil {
					out = append(out, boolStrs(b.Ebs.Encrypted)...)
				}
			}
			return out
		},
	}
}

// visibleImages are the images the caller can see in the region, in a
// stable order: its own, then Amazon's public ones, then other accounts'
// public ones.
func (c *call) visibleImages() []*ec2types.Image {
	var out []*ec2types.Image
	own := resources(c.account, c.region).Images
	for i := range own {
		out = append(out, &own[i])
	}
	public := c.s.ds.PublicImages[c.region]
	for i := range public {
		out = append(out, &public[i])
	}
	for _, a := range c.s.ds.Accounts {
		if a.ID == c.account.ID {
			continue
		}
		imgs := resources(a, c.region).Images
		for i := range imgs {
			if deref(imgs[i].Public) {
				out = append(out, &imgs[i])
			}
		}
	}
	return out
}

// ownerMatches applies one Owner value: self, an alias (amazon,
// aws-marketplace, aws-backup-vault) or an account id.
func (c *call) ownerMatches(owner string, img *ec2types.Image) bool {
	switch {
	case owner == "self":
		return deref(img.OwnerId) == c.account.ID
	case isAccountID(owner):
		return deref(img.OwnerId) == owner
	default:
		return deref(img.ImageOwnerAlias) == owner
	}
}

// deprecated reports whether the image's DeprecationTime has passed.
func (c *call) deprecated(img *ec2types.Image) bool {
	if img.DeprecationTime == nil {
		return false
	}
	t, err := time.Parse(time.RFC3339, *img.DeprecationTime)
	return err == nil && !t.After(c.s.dataTime)
}

func (c *call) describeImages() (any, *apiError) {
	ids := listParam(c.params, "ImageId")
	owners := listParam(c.params, "Owner")
	if _, _, aerr := c.maxResults(ids, "imagesSet"); aerr != nil {
		return nil, aerr
	}
	for _, id := range ids {
		if !validID(id, "ami-") {
			return nil, errorf(http.StatusBadRequest, "InvalidAMIID.Malformed", `Invalid id: %q (expecting "ami-...")`, id)
		}
	}
	for _, o := range owners {
		switch o {
		case "self", "amazon", "aws-marketplace", "aws-backup-vault":
		default:
			if !isAccountID(o) {
				return nil, errorf(http.StatusBadRequest, "InvalidUserID.Malformed", "Invalid user id: %q", o)
			}
		}
	}
	pred, aerr := compileEC2Filters(ec2Filters(c.params), imageFields(),
		func(i *ec2types.Image) []ec2types.Tag { return i.Tags })
	if aerr != nil {
		return nil, aerr
	}
	visible := c.visibleImages()
	if len(ids) > 0 {
		var missing []string
		for _, id := range ids {
			if !slices.ContainsFunc(visible, func(i *ec2types.Image) bool { return deref(i.ImageId) == id }) &&
				!slices.Contains(missing, id) {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			return nil, errorf(http.StatusBadRequest, "InvalidAMIID.NotFound", "%s",
				notFoundMessage("The image id '[%s]' does not exist", "The image ids '[%s]' do not exist", missing))
		}
	}
	includeDeprecated := c.boolParam("IncludeDeprecated")
	includeDisabled := c.boolParam("IncludeDisabled")
	var matched []*ec2types.Image
	for _, img := range visible {
		own := deref(img.OwnerId) == c.account.ID
		switch {
		case len(ids) > 0 && !slices.Contains(ids, deref(img.ImageId)):
			continue
		case len(owners) > 0 && !slices.ContainsFunc(owners, func(o string) bool { return c.ownerMatches(o, img) }):
			continue
		// AWS: deprecated AMIs are left out unless asked for, except the
		// caller's own, which always appear.
		case !includeDeprecated && !own && c.deprecated(img):
			continue
		case !includeDisabled && img.State == ec2types.ImageStateDisabled:
			continue
		}
		if pred(img) {
			matched = append(matched, img)
		}
	}
	lo, hi, next, aerr := c.ec2Page(len(matched), ids, "imagesSet")
	if aerr != nil {
		return nil, aerr
	}
	resp := &ec2.DescribeImagesOutput{Images: []ec2types.Image{}, NextToken: optional(next)}
	for _, img := range matched[lo:hi] {
		resp.Images = append(resp.Images, *img)
	}
	return resp, nil
}

// --- DescribeReservedInstances ---

func reservedFields() ec2Fields[ec2types.ReservedInstances] {
	type R = ec2types.ReservedInstances
	return ec2Fields[R]{
		"reserved-instances-id": func(r *R) []string { return strs(r.ReservedInstancesId) },
		"state":                 func(r *R) []string { return nonEmpty(string(r.State)) },
		"instance-type":         func(r *R) []string { return nonEmpty(string(r.InstanceType)) },
		"availability-zone":     func(r *R) []string { return strs(r.AvailabilityZone) },
		"availability-zone-id":  func(r *R) []string { return strs(r.AvailabilityZoneId) },
		"scope":                 func(r *R) []string { return nonEmpty(string(r.Scope)) },
		"product-description":   func(r *R) []string { return nonEmpty(string(r.ProductDescription)) },
		"instance-tenancy":      func(r *R) []string { return nonEmpty(string(r.InstanceTenancy)) },
		"duration": func(r *R) []string {
			if r.Duration == nil {
				return nil
			}
			return str(strconv.FormatInt(*r.Duration, 10))
		},
		"fixed-price": func(r *R) []string { return nonEmpty(fmtFloat32(r.FixedPrice)) },
		"usage-price": func(r *R) []string { return nonEmpty(fmtFloat32(r.UsagePrice)) },
		"start":       func(r *R) []string { return nonEmpty(ec2Time(r.Start)) },
		"end":         func(r *R) []string { return nonEmpty(ec2Time(r.End)) },
	}
}

func (c *call) describeReservedInstances() (any, *apiError) {
	ids := listParam(c.params, "ReservedInstancesId")
	pred, aerr := compileEC2Filters(ec2Filters(c.params), reservedFields(),
		func(r *ec2types.ReservedInstances) []ec2types.Tag { return r.Tags })
	if aerr != nil {
		return nil, aerr
	}
	all := resources(c.account, c.region).ReservedInstances
	for _, id := range ids {
		if !slices.ContainsFunc(all, func(r ec2types.ReservedInstances) bool { return deref(r.ReservedInstancesId) == id }) {
			return nil, errorf(http.StatusBadRequest, "InvalidReservedInstancesId",
				"The Reserved Instances ID '%s' does not exist", id)
		}
	}
	offeringClass := c.params.Get("OfferingClass")
	offeringType := c.params.Get("OfferingType")
	resp := &ec2.DescribeReservedInstancesOutput{ReservedInstances: []ec2types.ReservedInstances{}}
	for i := range all {
		r := &all[i]
		switch {
		case len(ids) > 0 && !slices.Contains(ids, deref(r.ReservedInstancesId)):
			continue
		case offeringClass != "" && string(r.OfferingClass) != offeringClass:
			continue
		case offeringType != "" && string(r.OfferingType) != offeringType:
			continue
		}
		if pred(r) {
			resp.ReservedInstances = append(resp.ReservedInstances, *r)
		}
	}
	return resp, nil
}
