package fakedata

// regionInfo is one region of the aws partition as DescribeRegions reports it.
type regionInfo struct {
	Name  string
	OptIn bool // true: disabled until the account opts in
}

// awsRegions is the fixed list of the aws partition's commercial regions.
// A fixed list (not the SDK's endpoint tables) keeps the fake's answers
// stable across SDK upgrades. Generate takes its regions from the front.
func awsRegions() []regionInfo {
	regions := []regionInfo{
		{"us-east-1", false}, {"us-east-2", false}, {"us-west-1", false}, {"us-west-2", false},
		{"ca-central-1", false}, {"sa-east-1", false},
		{"eu-west-1", false}, {"eu-west-2", false}, {"eu-west-3", false},
		{"eu-central-1", false}, {"eu-north-1", false},
		{"ap-south-1", false}, {"ap-northeast-1", false}, {"ap-northeast-2", false},
		{"ap-northeast-3", false}, {"ap-southeast-1", false}, {"ap-southeast-2", false},
		{"af-south-1", true}, {"ap-east-1", true}, {"ap-south-2", true},
		{"ap-southeast-3", true}, {"ap-southeast-4", true}, {"ap-southeast-5", true},
		{"ap-southeast-7", true}, {"ca-west-1", true}, {"eu-central-2", true},
		{"eu-south-1", true}, {"eu-south-2", true}, {"il-central-1", true},
		{"me-central-1", true}, {"me-south-1", true}, {"mx-central-1", true},
	}
	return regions
}

// Regions returns the names of the aws partition's regions the fake knows,
// in a fixed order: the regions that need no opt-in first, starting with
// us-east-1, then the opt-in regions.
func Regions() []string {
	var names []string
	for _, r := range awsRegions() {
		names = append(names, r.Name)
	}
	return names
}

// OptInRegions returns the names of the regions that need an opt-in.
func OptInRegions() []string {
	var names []string
	for _, r := range awsRegions() {
		if r.OptIn {
			names = append(names, r.Name)
		}
	}
	return names
}
