package fakedata

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// The demo account and its credentials (also reachable with
// awsfake.Server.Credentials). The demo account is the management account
// of the demo organization, and the base credentials are its IAM user's.
const (
	DemoAccountID       = "123456789012"
	DemoAccessKeyID     = "AKIADEMOEXAMPLE00001"
	DemoSecretAccessKey = "demo/Secret+Key/wJalrXUtnFEMIK7MDENGbPxR"
	DemoUserName        = "demo-user"
)

// The demo organization. Connect as the demo user, assume DemoRoleChain in
// order (each hop with DemoExternalID), list the organization's accounts
// with the last hop's credentials, read the management account with them
// too, and read every member through its DemoMemberRole (also with
// DemoExternalID). One member, DemoNoRoleAccount, has no such role.
const (
	DemoManagementAccount = DemoAccountID
	DemoOrganizationID    = "o-d3m0a1b2c3"
	DemoRootID            = "r-d3m0"
	DemoExternalID        = "awssql-demo-4f1c9e"
	DemoMemberRole        = "awssql-reader"
	DemoNoRoleAccount     = "567890123456"
)

// DemoRoleChain returns the ARNs of the roles the demo connects through, in
// order: the first trusts the demo user, the second the first; both are in
// the management account and require DemoExternalID. The second may list
// the organization and is trusted by every member's DemoMemberRole.
func DemoRoleChain() []string {
	return []string{
		"arn:aws:iam::" + DemoManagementAccount + ":role/awssql-entry",
		"arn:aws:iam::" + DemoManagementAccount + ":role/awssql-org-reader",
	}
}

// DemoRegions are the regions where the demo account has resources.
func DemoRegions() []string { return []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"} }

// DemoOptInRegion is the opt-in region the demo account opted in to; it
// holds no resources.
const DemoOptInRegion = "af-south-1"

func day(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

// Demo returns the demo data set: an organization whose management account
// (Accounts[0], DemoAccountID) holds about forty instances in four regions,
// chosen so that queries have something to find. There are instances in
// every state, spot and on-demand, Windows, Linux and RHEL, IMDSv1 with
// public IPs, instances on Amazon's public AMIs and on the account's own
// (used, unused, deprecated, disabled), reserved instances that match
// running instances and some that miss them (type, scope, platform),
// databases of every shape, and tag values with commas, quotes, tabs,
// newlines, unicode and empty strings. Five members sit under nested OUs
// (Root > Production > Web, Root > Sandbox, and one suspended member under
// the root) with a few instances and databases each; one member lacks the
// member role. Every timestamp lies before ReferenceTime. Each call returns
// a fresh copy.
func Demo() *Dataset {
	chain := DemoRoleChain()
	acct := &Account{
		ID:      DemoAccountID,
		Name:    "demo",
		Email:   "aws-demo@example.com",
		Keys:    []Key{{ID: DemoAccessKeyID, Secret: DemoSecretAccessKey, UserName: DemoUserName}},
		OptIn:   map[string]string{DemoOptInRegion: "opted-in"},
		Regions: map[string]*Region{},
		Roles: []Role{
			{Name: "awssql-entry", ExternalID: DemoExternalID,
				TrustedPrincipals: []string{"arn:aws:iam::" + DemoAccountID + ":user/" + DemoUserName}},
			{Name: "awssql-org-reader", ExternalID: DemoExternalID, TrustedPrincipals: []string{chain[0]}},
		},
		Parent:          DemoRootID,
		JoinedMethod:    "INVITED",
		JoinedTimestamp: time.Date(2019, 3, 1, 9, 30, 12, 345e6, time.UTC),
	}
	ds := &Dataset{Partition: "aws", Accounts: []*Account{acct}, PublicImages: map[string][]ec2types.Image{}}
	for _, region := range DemoRegions() {
		s := newSite("aws", DemoAccountID, region, 3)
		public := amazonImages(s)
		ds.PublicImages[region] = public
		r := &Region{}
		switch region {
		case "us-east-1":
			demoUSEast1(s, r, public)
		case "us-west-2":
			demoUSWest2(s, r, public)
		case "eu-west-1":
			demoEUWest1(s, r, public)
		case "ap-southeast-2":
			demoAPSoutheast2(s, r, public)
		}
		acct.Regions[region] = r
	}
	demoOrganization(ds)
	demoBuckets(ds)          // s3demo.go
	demoEC2Details(ds)       // before the network, which it derives from the instances
	demoNetwork(ds)          // demo_network.go
	demoFunctions(ds)        // lambda.go
	demoManagedInstances(ds) // ssm.go
	return ds
}

// marketplaceOwnerID owns the demo's AWS Marketplace image.
const marketplaceOwnerID = "679593333241"

// amazonImages are Amazon's public AMIs of a region: current Amazon Linux
// (x86 and arm), Windows, RHEL, and an Amazon Linux 2 image deprecated
// before ReferenceTime.
func amazonImages(s *site) []ec2types.Image {
	amazon := func(sp imageSpec) ec2types.Image {
		sp.owner, sp.alias, sp.public = AmazonOwnerID, "amazon", true
		return s.image(sp)
	}
	return []ec2types.Image{
		amazon(imageSpec{name: "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64", description: "Amazon Linux 2023 AMI 2023.6.20250115.0 x86_64 HVM kernel-6.1",
			created: day(2025, 1, 15, 18)}),
		amazon(imageSpec{name: "al2023-ami-2023.6.20250115.0-kernel-6.1-arm64", description: "Amazon Linux 2023 AMI 2023.6.20250115.0 arm64 HVM kernel-6.1",
			arch: ec2types.ArchitectureValuesArm64, created: day(2025, 1, 15, 18)}),
		amazon(imageSpec{name: "Windows_Server-2022-English-Full-Base-2025.01.15", description: "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
			platform: windows, created: day(2025, 1, 15, 9), sizeGiB: 30}),
		amazon(imageSpec{name: "RHEL-9.5.0_HVM-20250101-x86_64-0-Hourly2-GP3", description: "Provided by Red Hat, Inc.",
			platform: rhel, created: day(2025, 1, 2, 12), sizeGiB: 10}),
		amazon(imageSpec{name: "amzn2-ami-hvm-2.0.20230101.0-x86_64-gp2", description: "Amazon Linux 2 AMI 2.0.20230101.0 x86_64 HVM gp2",
			created: day(2023, 1, 5, 20), deprecated: day(2025, 1, 5, 20)}),
		// A Marketplace seller's image, listed through the owner alias.
		s.image(imageSpec{name: "acme-firewall-7.2-x86_64", description: "ACME Firewall 7.2 (AWS Marketplace)",
			owner: marketplaceOwnerID, alias: "aws-marketplace", public: true, created: day(2025, 6, 1, 9), productCode: "acmefw72"}),
	}
}

func imageNamed(imgs []ec2types.Image, name string) string {
	for _, img := range imgs {
		if deref(img.Name) == name {
			return deref(img.ImageId)
		}
	}
	panic("awsfake: no image " + name)
}

// The tag values a query tool must survive.
func awkwardTags() []ec2types.Tag {
	return []ec2types.Tag{
		tag("CostCenter", "1234, 5678"),
		tag("Owner", `Jane "JD" Doe`),
		tag("Notes", "first line\nsecond line\tafter a tab"),
		tag("Café", "naïve — ünïcode ✓ 日本語"),
		tag("Empty", ""),
		tag("Pattern", "a*b"),
	}
}

func demoUSEast1(s *site, r *Region, public []ec2types.Image) {
	own := func(sp imageSpec) ec2types.Image { sp.owner = s.account; return s.image(sp) }
	r.Images = []ec2types.Image{
		own(imageSpec{name: "app-base-v1", description: "application base image, first cut", created: day(2025, 3, 1, 10),
			deprecated: day(2026, 6, 1, 0), tags: []ec2types.Tag{tag("App", "base"), tag("Version", "1")}}),
		own(imageSpec{name: "app-base-v2", description: "application base image", created: day(2026, 5, 20, 10),
			encrypted: true, tags: []ec2types.Tag{tag("App", "base"), tag("Version", "2")}}),
		own(imageSpec{name: "app-base-v3", description: "application base image, not rolled out yet", created: day(2026, 10, 20, 10),
			encrypted: true, tags: []ec2types.Tag{tag("App", "base"), tag("Version", "3"), tag("Notes", "canary, \"not\" prod")}}),
		own(imageSpec{name: "win-golden-2025", description: "Windows golden image", platform: windows, created: day(2025, 11, 2, 8), sizeGiB: 50}),
		own(imageSpec{name: "marketplace-firewall-copy", description: "copy of a marketplace appliance", created: day(2025, 8, 8, 8),
			productCode: "8fjc9gqzrs3dkjlcw9e2fi8n2"}),
		own(imageSpec{name: "shared-tools", description: "tools image shared publicly", created: day(2025, 9, 9, 9), public: true}),
		own(imageSpec{name: "retired-2024", description: "disabled image", created: day(2024, 2, 2, 2), state: ec2types.ImageStateDisabled}),
	}
	al2023 := imageNamed(public, "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64")
	win := imageNamed(public, "Windows_Server-2022-English-Full-Base-2025.01.15")
	rh := imageNamed(public, "RHEL-9.5.0_HVM-20250101-x86_64-0-Hourly2-GP3")
	amzn2 := imageNamed(public, "amzn2-ami-hvm-2.0.20230101.0-x86_64-gp2")
	v1, v2 := imageNamed(r.Images, "app-base-v1"), imageNamed(r.Images, "app-base-v2")
	golden := imageNamed(r.Images, "win-golden-2025")
	prod := []ec2types.Tag{tag("Environment", "prod"), tag("Team", "web")}
	const (
		running    = ec2types.InstanceStateNameRunning
		stopped    = ec2types.InstanceStateNameStopped
		terminated = ec2types.InstanceStateNameTerminated
		pending    = ec2types.InstanceStateNamePending
		stopping   = ec2types.InstanceStateNameStopping
		shutdown   = ec2types.InstanceStateNameShuttingDown
		t3medium   = ec2types.InstanceTypeT3Medium
		m5large    = ec2types.InstanceTypeM5Large
		m5xlarge   = ec2types.InstanceTypeM5Xlarge
		c5xlarge   = ec2types.InstanceTypeC5Xlarge
		c5large    = ec2types.InstanceTypeC5Large
	)
	specs := []instanceSpec{
		{name: "web-1", typ: t3medium, state: running, az: 0, image: v2, publicIP: true, imdsV1: true, key: "prod-key", profile: "web-role",
			launched: day(2026, 6, 2, 9), tags: prod, ipHost: 11, cores: 1},
		{name: "web-2", typ: t3medium, state: running, az: 1, image: v2, publicIP: true, key: "prod-key", profile: "web-role",
			launched: day(2026, 6, 2, 9), tags: prod, ipHost: 12},
		{name: "web-3", typ: t3medium, state: stopped, az: 2, image: v1, key: "prod-key", launched: day(2025, 4, 1, 12),
			changed: time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC), tags: prod, ipHost: 13},
		{name: "api-1", typ: m5large, state: running, az: 0, image: al2023, publicIP: true, key: "prod-key", profile: "api-role",
			launched: day(2026, 2, 14, 15), tags: append([]ec2types.Tag{tag("Environment", "prod")}, awkwardTags()...), ipHost: 21},
		{name: "api-2", typ: m5large, state: running, az: 1, image: al2023, key: "prod-key", profile: "api-role",
			launched: day(2026, 2, 14, 15), tags: []ec2types.Tag{tag("Environment", "prod"), tag("Pattern", "axxb")}, ipHost: 22},
		{name: "worker-spot-1", typ: c5xlarge, state: running, az: 0, image: al2023, spot: true, launched: day(2026, 10, 30, 1),
			tags: []ec2types.Tag{tag("Environment", "prod"), tag("Team", "batch")}, ipHost: 31, cores: 2},
		{name: "worker-spot-2", typ: c5xlarge, state: running, az: 1, image: al2023, spot: true, launched: day(2026, 10, 30, 1),
			tags: []ec2types.Tag{tag("Environment", "prod"), tag("Team", "batch")}, ipHost: 32, cores: 2},
		{name: "worker-spot-3", typ: c5xlarge, state: terminated, az: 2, image: al2023, spot: true, launched: day(2026, 10, 29, 1),
			changed: day(2026, 10, 31, 23), tags: []ec2types.Tag{tag("Team", "batch")}, ipHost: 33, cores: 2},
		{name: "win-app-1", typ: m5xlarge, state: running, az: 0, image: golden, platform: windows, publicIP: true, imdsV1: true,
			key: "win-key", launched: day(2025, 12, 1, 7), tags: []ec2types.Tag{tag("Environment", "prod"), tag("OS", "windows")}, ipHost: 41, cores: 2},
		{name: "win-app-2", typ: m5xlarge, state: stopped, az: 1, image: win, platform: windows, key: "win-key",
			launched: day(2025, 7, 1, 7), changed: day(2026, 3, 3, 18), tags: []ec2types.Tag{tag("Environment", "staging")}, ipHost: 42, cores: 2},
		{name: "rhel-db-1", typ: ec2types.InstanceTypeR5Large, state: running, az: 0, image: rh, platform: rhel, key: "prod-key",
			launched: day(2025, 11, 11, 11), tags: []ec2types.Tag{tag("Environment", "prod"), tag("Team", "data")}, ipHost: 51},
		{name: "batch-1", typ: c5large, state: pending, az: 2, image: al2023, launched: day(2026, 10, 31, 23),
			tags: []ec2types.Tag{tag("Team", "batch")}, ipHost: 61, group: "batch-cluster"},
		{name: "batch-2", typ: c5large, state: shutdown, az: 2, image: al2023, launched: day(2026, 10, 30, 3),
			changed: day(2026, 10, 31, 22), tags: []ec2types.Tag{tag("Team", "batch")}, ipHost: 62, group: "batch-cluster"},
		{name: "legacy-1", typ: ec2types.InstanceTypeT2Micro, state: stopping, az: 1, image: amzn2, key: "legacy",
			launched: day(2023, 3, 3, 3), changed: day(2026, 10, 31, 21), tags: []ec2types.Tag{tag("Environment", "")}, ipHost: 71},
		{name: "bastion", typ: ec2types.InstanceTypeT3Micro, state: running, az: 0, image: al2023, publicIP: true, imdsV1: true,
			key: "ops", profile: "bastion-role", launched: day(2025, 9, 19, 6), tags: []ec2types.Tag{tag("Team", "ops")}, ipHost: 5},
		{name: "old-web", typ: t3medium, state: terminated, az: 0, image: v1, launched: day(2025, 4, 1, 12),
			changed: day(2026, 10, 31, 12), tags: prod, ipHost: 14},
	}
	for _, sp := range specs {
		r.Instances = append(r.Instances, s.instance(sp))
	}
	ri := []riSpec{
		// Covers api-1 and api-2.
		{typ: m5large, product: ec2types.RIProductDescriptionLinuxUnix, count: 2, state: ec2types.ReservedInstanceStateActive,
			start: day(2026, 2, 1, 0), years: 1, offering: ec2types.OfferingTypeValuesAllUpfront, class: ec2types.OfferingClassTypeStandard,
			fixed: 1057.5, hourly: 0, tags: []ec2types.Tag{tag("Purchase", "2026-Q1")}},
		// Covers the bastion, zonal; it expires two weeks after
		// ReferenceTime, so reserved_expiring finds it.
		{typ: ec2types.InstanceTypeT3Micro, az: "us-east-1a", product: ec2types.RIProductDescriptionLinuxUnix, count: 1,
			state: ec2types.ReservedInstanceStateActive, start: day(2025, 11, 15, 0), years: 1, offering: ec2types.OfferingTypeValuesNoUpfront,
			class: ec2types.OfferingClassTypeStandard, fixed: 0, hourly: 0.0065},
		// Expired.
		{typ: c5xlarge, product: ec2types.RIProductDescriptionLinuxUnix, count: 4, state: ec2types.ReservedInstanceStateRetired,
			start: day(2024, 1, 1, 0), years: 1, offering: ec2types.OfferingTypeValuesPartialUpfront, class: ec2types.OfferingClassTypeStandard,
			fixed: 1234.25, hourly: 0.071},
		// Misses: the Windows instances are m5.xlarge.
		{typ: m5large, product: ec2types.RIProductDescriptionWindows, count: 1, state: ec2types.ReservedInstanceStateActive,
			start: day(2026, 4, 1, 0), years: 3, offering: ec2types.OfferingTypeValuesAllUpfront, class: ec2types.OfferingClassTypeConvertible,
			fixed: 4321.75, hourly: 0},
		// Misses: rhel-db-1 runs in us-east-1a.
		{typ: ec2types.InstanceTypeR5Large, az: "us-east-1c", product: ec2types.RIProductDescription("Red Hat Enterprise Linux"), count: 1,
			state: ec2types.ReservedInstanceStateActive, start: day(2026, 1, 15, 0), years: 1, offering: ec2types.OfferingTypeValuesNoUpfront,
			class: ec2types.OfferingClassTypeConvertible, hourly: 0.133},
		{typ: t3medium, product: ec2types.RIProductDescriptionLinuxUnix, count: 2, state: ec2types.ReservedInstanceStatePaymentPending,
			start: day(2026, 10, 31, 0), years: 1, offering: ec2types.OfferingTypeValuesPartialUpfront, class: ec2types.OfferingClassTypeStandard,
			fixed: 150, hourly: 0.017},
	}
	for i, sp := range ri {
		r.ReservedInstances = append(r.ReservedInstances, s.reserved(i, sp))
	}
	r.DBInstances = []rdstypes.DBInstance{
		s.dbInstance(dbSpec{id: "orders-db", engine: "postgres", version: "16.4", class: "db.r6g.large", az: 0, multiAZ: true,
			encrypted: true, backupDays: 7, storage: 200, created: day(2025, 5, 5, 5), replicas: []string{"orders-replica"},
			logs: []string{"postgresql", "upgrade"}, monitoring: true, tags: []rdstypes.Tag{dbTag("Environment", "prod"), dbTag("Team", "orders"), dbTag("Notes", "pii, \"restricted\"")}}),
		s.dbInstance(dbSpec{id: "orders-replica", engine: "postgres", version: "16.4", class: "db.r6g.large", az: 1,
			encrypted: true, backupDays: 0, storage: 200, created: day(2025, 6, 6, 6), replicaOf: "orders-db",
			tags: []rdstypes.Tag{dbTag("Environment", "prod")}}),
		s.dbInstance(dbSpec{id: "legacy-mysql", engine: "mysql", version: "5.7.44", class: "db.t3.medium", az: 2, public: true,
			backupDays: 0, storage: 50, storageType: "gp2", created: day(2021, 2, 2, 2), ca: "rds-ca-2019",
			pending: &rdstypes.PendingModifiedValues{DBInstanceClass: aws.String("db.t3.large"), EngineVersion: aws.String("8.0.39")},
			tags:    []rdstypes.Tag{dbTag("Environment", ""), dbTag("Owner", "nobody?")}}),
		s.dbInstance(dbSpec{id: "catalog-aurora-1", engine: "aurora-postgresql", version: "15.4", class: "db.r6g.large", az: 0,
			encrypted: true, backupDays: 7, created: day(2025, 10, 10, 10), cluster: "catalog"}),
	}
	// legacy-mysql's engine is past its end of support; orders-db waits for
	// an operating-system patch.
	r.PendingMaintenance = []rdstypes.ResourcePendingMaintenanceActions{
		{ResourceIdentifier: r.DBInstances[2].DBInstanceArn, PendingMaintenanceActionDetails: []rdstypes.PendingMaintenanceAction{{
			Action: aws.String("db-upgrade"), Description: aws.String("Upgrade to MySQL 8.0: 5.7 is past the end of standard support"),
			AutoAppliedAfterDate: aws.Time(day(2026, 12, 1, 0)), ForcedApplyDate: aws.Time(day(2027, 2, 28, 0)),
			CurrentApplyDate: aws.Time(day(2026, 12, 1, 0)), OptInStatus: aws.String("pending"),
		}}},
		{ResourceIdentifier: r.DBInstances[0].DBInstanceArn, PendingMaintenanceActionDetails: []rdstypes.PendingMaintenanceAction{{
			Action: aws.String("system-update"), Description: aws.String("New Operating System update is available"),
			CurrentApplyDate: aws.Time(day(2026, 11, 8, 5)),
		}}},
	}
}

func demoUSWest2(s *site, r *Region, public []ec2types.Image) {
	own := func(sp imageSpec) ec2types.Image { sp.owner = s.account; return s.image(sp) }
	r.Images = []ec2types.Image{
		own(imageSpec{name: "app-base-v2", description: "application base image", created: day(2026, 5, 21, 10), encrypted: true,
			tags: []ec2types.Tag{tag("App", "base"), tag("Version", "2")}}),
		own(imageSpec{name: "app-base-arm", description: "application base image for Graviton", arch: ec2types.ArchitectureValuesArm64,
			created: day(2026, 7, 7, 7), encrypted: true}),
		own(imageSpec{name: "old-unused", description: "nobody launches this", created: day(2024, 4, 4, 4), deprecated: day(2025, 4, 4, 4)}),
	}
	al2023 := imageNamed(public, "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64")
	arm := imageNamed(r.Images, "app-base-arm")
	v2 := imageNamed(r.Images, "app-base-v2")
	win := imageNamed(public, "Windows_Server-2022-English-Full-Base-2025.01.15")
	const running = ec2types.InstanceStateNameRunning
	graviton := ec2types.InstanceTypeM6gLarge
	env := func(v string) []ec2types.Tag { return []ec2types.Tag{tag("Environment", v)} }
	specs := []instanceSpec{
		{name: "gw-1", typ: graviton, arch: ec2types.ArchitectureValuesArm64, state: running, az: 0, image: arm, key: "west-key",
			launched: day(2026, 7, 8, 8), tags: env("prod"), ipHost: 11, cores: 2},
		{name: "gw-2", typ: graviton, arch: ec2types.ArchitectureValuesArm64, state: running, az: 1, image: arm, key: "west-key",
			launched: day(2026, 7, 8, 8), tags: env("prod"), ipHost: 12, cores: 2},
		{name: "gw-3", typ: graviton, arch: ec2types.ArchitectureValuesArm64, state: ec2types.InstanceStateNameStopped, az: 2, image: arm,
			launched: day(2026, 7, 8, 8), changed: day(2026, 9, 9, 9), tags: env("staging"), ipHost: 13, cores: 2},
		{name: "west-web-1", typ: ec2types.InstanceTypeT3Medium, state: running, az: 0, image: v2, publicIP: true, imdsV1: true,
			key: "west-key", launched: day(2026, 5, 22, 12), tags: env("prod"), ipHost: 21},
		{name: "west-web-2", typ: ec2types.InstanceTypeT3Medium, state: running, az: 1, image: v2, publicIP: true,
			launched: day(2026, 5, 22, 12), tags: env("prod"), ipHost: 22},
		{name: "west-spot-1", typ: ec2types.InstanceTypeC6iLarge, state: running, az: 2, image: al2023, spot: true,
			launched: day(2026, 10, 25, 4), tags: env("prod"), ipHost: 31},
		{name: "west-win", typ: ec2types.InstanceTypeT3Large, state: running, az: 0, image: win, platform: windows,
			launched: day(2026, 1, 20, 14), tags: env("dev"), ipHost: 41},
		{name: "west-old", typ: ec2types.InstanceTypeT3Small, state: ec2types.InstanceStateNameTerminated, az: 1, image: al2023,
			launched: day(2026, 8, 1, 1), changed: day(2026, 10, 31, 18), tags: env("dev"), ipHost: 51},
		{name: "west-ci", typ: ec2types.InstanceTypeT3Small, state: ec2types.InstanceStateNameStopped, az: 1, image: al2023,
			launched: day(2026, 2, 2, 2), changed: day(2026, 2, 3, 4), tags: env("ci"), ipHost: 52},
		{name: "west-batch", typ: ec2types.InstanceTypeC6iLarge, state: ec2types.InstanceStateNamePending, az: 0, image: al2023,
			launched: day(2026, 10, 31, 23), ipHost: 61},
	}
	for _, sp := range specs {
		r.Instances = append(r.Instances, s.instance(sp))
	}
	for i, sp := range []riSpec{
		// Covers gw-1 and gw-2.
		{typ: graviton, product: ec2types.RIProductDescriptionLinuxUnix, count: 2, state: ec2types.ReservedInstanceStateActive,
			start: day(2026, 7, 1, 0), years: 1, offering: ec2types.OfferingTypeValuesAllUpfront, class: ec2types.OfferingClassTypeStandard,
			fixed: 742.5},
		{typ: ec2types.InstanceTypeT3Small, product: ec2types.RIProductDescriptionLinuxUnix, count: 1, state: ec2types.ReservedInstanceStateRetired,
			start: day(2024, 6, 1, 0), years: 1, offering: ec2types.OfferingTypeValuesNoUpfront, class: ec2types.OfferingClassTypeStandard,
			hourly: 0.013},
	} {
		r.ReservedInstances = append(r.ReservedInstances, s.reserved(i, sp))
	}
	r.DBInstances = []rdstypes.DBInstance{
		s.dbInstance(dbSpec{id: "reports-db", engine: "mariadb", version: "10.11.9", class: "db.t3.small", az: 1, public: true,
			backupDays: 1, storage: 20, status: "stopped", created: day(2024, 9, 9, 9), tags: []rdstypes.Tag{dbTag("Environment", "dev")}}),
	}
}

func demoEUWest1(s *site, r *Region, public []ec2types.Image) {
	own := func(sp imageSpec) ec2types.Image { sp.owner = s.account; return s.image(sp) }
	r.Images = []ec2types.Image{
		own(imageSpec{name: "app-base-v2", description: "application base image", created: day(2026, 5, 21, 11), encrypted: true,
			tags: []ec2types.Tag{tag("App", "base"), tag("Version", "2")}}),
		own(imageSpec{name: "rhel-golden", description: "hardened RHEL", platform: rhel, created: day(2026, 3, 3, 3), sizeGiB: 20}),
	}
	v2 := imageNamed(r.Images, "app-base-v2")
	rh := imageNamed(r.Images, "rhel-golden")
	al2023 := imageNamed(public, "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64")
	const running = ec2types.InstanceStateNameRunning
	gdpr := []ec2types.Tag{tag("Environment", "prod"), tag("DataClass", "GDPR; EU-only")}
	specs := []instanceSpec{
		{name: "eu-web-1", typ: ec2types.InstanceTypeT3Medium, state: running, az: 0, image: v2, publicIP: true, key: "eu-key",
			launched: day(2026, 5, 25, 10), tags: gdpr, ipHost: 11},
		{name: "eu-web-2", typ: ec2types.InstanceTypeT3Medium, state: running, az: 1, image: v2, publicIP: true, imdsV1: true, key: "eu-key",
			launched: day(2026, 5, 25, 10), tags: gdpr, ipHost: 12},
		{name: "eu-rhel-1", typ: ec2types.InstanceTypeM5Large, state: running, az: 2, image: rh, platform: rhel,
			launched: day(2026, 3, 4, 4), tags: gdpr, ipHost: 21},
		{name: "eu-rhel-2", typ: ec2types.InstanceTypeM5Large, state: ec2types.InstanceStateNameStopped, az: 0, image: rh, platform: rhel,
			launched: day(2026, 3, 4, 4), changed: day(2026, 8, 15, 16), ipHost: 22},
		{name: "eu-spot-1", typ: ec2types.InstanceTypeC5Large, state: running, az: 1, image: al2023, spot: true,
			launched: day(2026, 10, 28, 2), ipHost: 31},
		{name: "eu-spot-2", typ: ec2types.InstanceTypeC5Large, state: ec2types.InstanceStateNameTerminated, az: 2, image: al2023, spot: true,
			launched: day(2026, 10, 27, 2), changed: day(2026, 10, 28, 1), ipHost: 32},
		{name: "eu-jump", typ: ec2types.InstanceTypeT3Micro, state: running, az: 0, image: al2023, publicIP: true, imdsV1: true, key: "ops",
			launched: day(2025, 12, 12, 12), tags: []ec2types.Tag{tag("Team", "ops"), tag("Ticket", "OPS-1234\tOPS-5678")}, ipHost: 5},
		{name: "eu-stopping", typ: ec2types.InstanceTypeT3Small, state: ec2types.InstanceStateNameStopping, az: 1, image: al2023,
			launched: day(2026, 9, 1, 1), changed: day(2026, 10, 31, 23), ipHost: 41},
	}
	for _, sp := range specs {
		r.Instances = append(r.Instances, s.instance(sp))
	}
	r.ReservedInstances = append(r.ReservedInstances, s.reserved(0, riSpec{
		typ: ec2types.InstanceTypeT3Medium, product: ec2types.RIProductDescriptionLinuxUnixAmazonVpc, count: 3,
		state: ec2types.ReservedInstanceStateActive, start: day(2026, 5, 1, 0), years: 3, offering: ec2types.OfferingTypeValuesPartialUpfront,
		class: ec2types.OfferingClassTypeConvertible, fixed: 389.0, hourly: 0.0105,
		tags: []ec2types.Tag{tag("Purchase", "2026-Q2"), tag("Approver", "Zoë O'Brien")},
	}))
	r.DBInstances = []rdstypes.DBInstance{
		s.dbInstance(dbSpec{id: "crm-sqlserver", engine: "sqlserver-se", version: "15.00.4395.2.v1", class: "db.m5.xlarge", az: 0,
			multiAZ: true, encrypted: true, backupDays: 14, storage: 500, storageType: "io1", iops: 3000, created: day(2024, 11, 11, 11),
			licenseModel: "license-included", timezone: "W. Europe Standard Time", directory: "d-93670f2b1c", monitoring: true, logs: []string{"error"}, tags: []rdstypes.Tag{dbTag("Environment", "prod"), dbTag("DataClass", "GDPR; EU-only")}}),
	}
}

func demoAPSoutheast2(s *site, r *Region, public []ec2types.Image) {
	al2023 := imageNamed(public, "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64")
	arm := imageNamed(public, "al2023-ami-2023.6.20250115.0-kernel-6.1-arm64")
	win := imageNamed(public, "Windows_Server-2022-English-Full-Base-2025.01.15")
	const running = ec2types.InstanceStateNameRunning
	specs := []instanceSpec{
		{name: "syd-web-1", typ: ec2types.InstanceTypeT3Small, state: running, az: 0, image: al2023, publicIP: true, imdsV1: true,
			launched: day(2026, 4, 4, 4), tags: []ec2types.Tag{tag("Environment", "prod"), tag("Region", "ap-southeast-2")}, ipHost: 11},
		{name: "syd-web-2", typ: ec2types.InstanceTypeT3Small, state: running, az: 1, image: al2023, publicIP: true,
			launched: day(2026, 4, 4, 4), tags: []ec2types.Tag{tag("Environment", "prod")}, ipHost: 12},
		{name: "syd-arm", typ: ec2types.InstanceTypeT4gMedium, arch: ec2types.ArchitectureValuesArm64, state: running, az: 2, image: arm,
			launched: day(2026, 8, 8, 8), ipHost: 21},
		{name: "syd-win", typ: ec2types.InstanceTypeT3Large, state: ec2types.InstanceStateNameStopped, az: 0, image: win, platform: windows,
			launched: day(2025, 10, 10, 10), changed: day(2026, 6, 30, 17), ipHost: 31},
		{name: "syd-spot", typ: ec2types.InstanceTypeC6iLarge, state: running, az: 1, image: al2023, spot: true,
			launched: day(2026, 10, 29, 9), ipHost: 41},
		{name: "syd-gone", typ: ec2types.InstanceTypeT3Small, state: ec2types.InstanceStateNameTerminated, az: 2, image: al2023,
			launched: day(2026, 10, 1, 1), changed: day(2026, 10, 31, 20), ipHost: 51},
	}
	for _, sp := range specs {
		r.Instances = append(r.Instances, s.instance(sp))
	}
	r.DBInstances = []rdstypes.DBInstance{
		s.dbInstance(dbSpec{id: "test-oracle", engine: "oracle-se2", version: "19.0.0.0.ru-2024-10.rur-2024-10.r1", class: "db.t3.medium",
			az: 0, backupDays: 0, storage: 100, status: "creating", created: day(2026, 10, 31, 22), licenseModel: "bring-your-own-license"}),
	}
}
