package fakedata

import (
	"fmt"
	"math/rand/v2"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// GenOptions sizes a generated data set.
type GenOptions struct {
	Accounts             int
	Regions              int // the first Regions of Regions() that need no opt-in
	InstancesPerRegion   int
	ImagesPerRegion      int
	DBInstancesPerRegion int
	ReservedPerRegion    int
	Seed                 int64

	// The organization: account 0 is its management account (and its key
	// the base credentials); every other account has GenMemberRole,
	// trusting the management account and requiring ExternalID when that is
	// set. OUs = 0 puts every account directly under the root; otherwise
	// the members are dealt round-robin over that many OUs, the first half
	// (rounded up) under the root and the rest one level below them.
	OUs        int
	ExternalID string

	// S3: buckets in each account's regions and objects in each (s3demo.go).
	BucketsPerRegion int
	ObjectsPerBucket int

	// Lambda functions in each account's regions (lambda.go), and how many
	// of each region's running instances are SSM managed nodes (ssm.go).
	FunctionsPerRegion int
	ManagedPerRegion   int
}

// GenMemberRole is the role Generate gives every member account, named as
// AWS names the role it creates in accounts made by the organization.
const GenMemberRole = "OrganizationAccountAccessRole"

// GenAccountID is the id Generate gives the i-th account (from 0).
func GenAccountID(i int) string { return fmt.Sprintf("%012d", 100000000000+i) }

// GenAccessKeyID is the access key id of the i-th generated account.
func GenAccessKeyID(i int) string { return fmt.Sprintf("AKIAGEN%013d", i) }

// Generate builds a deterministic data set of the given size for benchmarks:
// the same options always give the same data. Account ids, keys and names
// derive from the account's index; the resources' choices (type, state,
// platform, ...) come from a generator seeded with Seed. The accounts form
// an organization (see GenOptions); every account also keeps an access key
// of its own.
func Generate(g GenOptions) *Dataset {
	var regions []string
	for _, r := range awsRegions() {
		if !r.OptIn && len(regions) < g.Regions {
			regions = append(regions, r.Name)
		}
	}
	ds := &Dataset{Partition: "aws", PublicImages: map[string][]ec2types.Image{}}
	for _, region := range regions {
		ds.PublicImages[region] = amazonImages(newSite("aws", AmazonOwnerID, region, 3))
	}
	for i := 0; i < g.Accounts; i++ {
		id := GenAccountID(i)
		a := &Account{
			ID:    id,
			Name:  fmt.Sprintf("account-%03d", i),
			Email: fmt.Sprintf("aws+account-%03d@example.com", i),
			Keys: []Key{{
				ID:       GenAccessKeyID(i),
				Secret:   hexDigest(fmt.Sprintf("secret:%d:%d", g.Seed, i), 40),
				UserName: "bench",
			}},
			OptIn:   map[string]string{},
			Regions: map[string]*Region{},
		}
		for ri, region := range regions {
			rng := rand.New(rand.NewPCG(uint64(g.Seed), uint64(i)<<16|uint64(ri)))
			a.Regions[region] = generateRegion(newSite("aws", id, region, 3), g, rng, ds.PublicImages[region])
			a.Regions[region].Buckets = generateBuckets(g, id, region)
			s := newSite("aws", id, region, 3)
			a.Regions[region].Functions = generateFunctions(g, s, ri, i)
			generateManaged(g, s, a.Regions[region], ri, i)
		}
		ds.Accounts = append(ds.Accounts, a)
	}
	generateOrganization(ds, g)
	generateNetwork(ds, g, regions) // demo_network.go
	generatedEC2Details(ds)         // ec2details.go
	return ds
}

// generateOrganization puts the generated accounts in an organization; see
// GenOptions.
func generateOrganization(ds *Dataset, g GenOptions) {
	rootSuffix := hexDigest(fmt.Sprintf("root:%d", g.Seed), 4)
	o := &Organization{
		ID:                "o-" + hexDigest(fmt.Sprintf("org:%d", g.Seed), 10),
		ManagementAccount: GenAccountID(0),
		RootID:            "r-" + rootSuffix,
		FeatureSet:        "ALL",
		PolicyTypes:       []string{"SERVICE_CONTROL_POLICY"},
	}
	top := (g.OUs + 1) / 2
	for i := 0; i < g.OUs; i++ {
		parent := o.RootID
		if i >= top {
			parent = o.OUs[(i-top)%top].ID
		}
		o.OUs = append(o.OUs, OU{
			ID:     "ou-" + rootSuffix + "-" + hexDigest(fmt.Sprintf("ou:%d:%d", g.Seed, i), 8),
			Name:   fmt.Sprintf("ou-%03d", i),
			Parent: parent,
		})
	}
	joined := ReferenceTime().AddDate(-3, 0, 0)
	for i, a := range ds.Accounts {
		a.Parent, a.JoinedMethod = o.RootID, "CREATED"
		a.JoinedTimestamp = joined.Add(time.Duration(i) * time.Hour)
		if i == 0 {
			a.JoinedMethod = "INVITED"
			continue
		}
		if g.OUs > 0 {
			a.Parent = o.OUs[(i-1)%g.OUs].ID
		}
		a.Roles = []Role{{Name: GenMemberRole, TrustedPrincipals: []string{o.ManagementAccount}, ExternalID: g.ExternalID}}
	}
	ds.Org = o
}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

func generateRegion(s *site, g GenOptions, rng *rand.Rand, public []ec2types.Image) *Region {
	r := &Region{}
	base := ReferenceTime().AddDate(-2, 0, 0)
	at := func() time.Time {
		return base.Add(time.Duration(rng.Int64N(int64(700*24*time.Hour))) / time.Second * time.Second)
	}
	for n := 0; n < g.ImagesPerRegion; n++ {
		sp := imageSpec{
			name:        fmt.Sprintf("gen-image-%04d", n),
			description: "generated image",
			owner:       s.account,
			platform:    pick(rng, linux, linux, windows, rhel),
			created:     at(),
			public:      rng.IntN(10) == 0,
			encrypted:   rng.IntN(2) == 0,
			tags:        []ec2types.Tag{tag("Index", fmt.Sprint(n))},
		}
		if rng.IntN(4) == 0 {
			sp.deprecated = sp.created.AddDate(1, 0, 0)
		}
		r.Images = append(r.Images, s.image(sp))
	}
	images := append(append([]ec2types.Image{}, public[:4]...), r.Images...)
	states := []ec2types.InstanceStateName{"running", "running", "running", "running", "stopped", "stopped", "terminated", "pending", "stopping", "shutting-down"}
	types := []ec2types.InstanceType{"t3.micro", "t3.small", "t3.medium", "m5.large", "m5.xlarge", "c5.large", "r5.large"}
	for n := 0; n < g.InstancesPerRegion; n++ {
		img := images[rng.IntN(len(images))]
		p := linux
		switch {
		case img.Platform == windows.value():
			p = windows
		case deref(img.PlatformDetails) == rhel.details():
			p = rhel
		}
		launched := at()
		sp := instanceSpec{
			name:     fmt.Sprintf("gen-%05d", n),
			typ:      pick(rng, types...),
			state:    pick(rng, states...),
			az:       rng.IntN(len(s.subnets)),
			platform: p,
			arch:     img.Architecture,
			image:    deref(img.ImageId),
			spot:     rng.IntN(5) == 0,
			publicIP: rng.IntN(3) == 0,
			imdsV1:   rng.IntN(4) == 0,
			key:      pick(rng, "", "ops", "deploy"),
			launched: launched,
			changed:  launched.Add(time.Hour),
			tags:     []ec2types.Tag{tag("Environment", pick(rng, "prod", "staging", "dev")), tag("Index", fmt.Sprint(n))},
			ipHost:   1 + n%250,
		}
		if img.Architecture == ec2types.ArchitectureValuesArm64 {
			sp.typ = "m6g.large"
		}
		r.Instances = append(r.Instances, s.instance(sp))
	}
	for n := 0; n < g.ReservedPerRegion; n++ {
		sp := riSpec{
			typ:      pick(rng, types...),
			product:  pick(rng, ec2types.RIProductDescriptionLinuxUnix, ec2types.RIProductDescriptionWindows),
			count:    int32(1 + rng.IntN(4)),
			state:    pick(rng, ec2types.ReservedInstanceStateActive, ec2types.ReservedInstanceStateActive, ec2types.ReservedInstanceStateRetired),
			start:    at(),
			years:    pick(rng, 1, 3),
			offering: pick(rng, ec2types.OfferingTypeValuesAllUpfront, ec2types.OfferingTypeValuesPartialUpfront, ec2types.OfferingTypeValuesNoUpfront),
			class:    pick(rng, ec2types.OfferingClassTypeStandard, ec2types.OfferingClassTypeConvertible),
			fixed:    float32(rng.IntN(400000)) / 4,
			hourly:   float64(rng.IntN(1000)) / 1000,
		}
		if rng.IntN(3) == 0 {
			sp.az = s.subnets[rng.IntN(len(s.subnets))].az
		}
		r.ReservedInstances = append(r.ReservedInstances, s.reserved(n, sp))
	}
	for n := 0; n < g.DBInstancesPerRegion; n++ {
		engine := pick(rng, "postgres", "mysql", "mariadb")
		r.DBInstances = append(r.DBInstances, s.dbInstance(dbSpec{
			id:         fmt.Sprintf("gen-db-%04d", n),
			engine:     engine,
			version:    map[string]string{"postgres": "16.4", "mysql": "8.0.39", "mariadb": "10.11.9"}[engine],
			class:      pick(rng, "db.t3.medium", "db.r6g.large", "db.m5.large"),
			az:         rng.IntN(len(s.subnets)),
			multiAZ:    rng.IntN(3) == 0,
			encrypted:  rng.IntN(2) == 0,
			public:     rng.IntN(5) == 0,
			backupDays: int32(pick(rng, 0, 1, 7, 14)),
			storage:    int32(20 * (1 + rng.IntN(10))),
			created:    at(),
			tags:       []rdstypes.Tag{dbTag("Index", fmt.Sprint(n))},
		}))
	}
	return r
}
