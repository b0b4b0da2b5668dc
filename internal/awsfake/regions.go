package awsfake

import (
	"slices"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// regionInfo is one region of the partition as the server judges calls to
// it: the region list itself is data (fakedata.Regions).
type regionInfo struct {
	Name  string
	OptIn bool // true: disabled until the account opts in
}

func lookupRegion(name string) (regionInfo, bool) {
	if !slices.Contains(fakedata.Regions(), name) {
		return regionInfo{}, false
	}
	return regionInfo{name, slices.Contains(fakedata.OptInRegions(), name)}, true
}

func (r regionInfo) endpoint() string { return "ec2." + r.Name + ".amazonaws.com" }

// optInStatus is the region's opt-in-status for the account, as EC2 reports it.
func (r regionInfo) optInStatus(a *fakedata.Account) string {
	switch {
	case !r.OptIn:
		return "opt-in-not-required"
	case a.OptIn[r.Name] == "opted-in":
		return "opted-in"
	default:
		return "not-opted-in"
	}
}

// regionEnabled reports whether the account may call APIs in the region. An
// unknown region name is never enabled: AWS answers both the same way.
func regionEnabled(a *fakedata.Account, region string) bool {
	r, ok := lookupRegion(region)
	return ok && r.optInStatus(a) != "not-opted-in"
}

// resources returns the account's resources in region, or an empty Region.
func resources(a *fakedata.Account, region string) *fakedata.Region {
	if r := a.Regions[region]; r != nil {
		return r
	}
	return &fakedata.Region{}
}

// partition is the data set's partition: "aws" unless it names another.
func partition(ds *fakedata.Dataset) string {
	if ds.Partition == "" {
		return "aws"
	}
	return ds.Partition
}
