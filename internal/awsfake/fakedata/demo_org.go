package fakedata

import (
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// The demo organization's OUs.
const (
	demoProductionOU = "ou-d3m0-prod0001"
	demoWebOU        = "ou-d3m0-web00001"
	demoSandboxOU    = "ou-d3m0-sbox0001"
)

// demoMember is a member account of the demo organization and what it runs.
type demoMember struct {
	id, name, parent string
	state, joined    string
	joinedAt         time.Time
	noRole           bool // without DemoMemberRole: awssql cannot read it and says so
	// resources fills one region's records; public are Amazon's AMIs there.
	resources func(s *site, region string, public []ec2types.Image) *Region
}

// demoOrganization makes ds's management account the head of an
// organization with five members under nested OUs.
func demoOrganization(ds *Dataset) {
	ds.Org = &Organization{
		ID:                DemoOrganizationID,
		ManagementAccount: DemoManagementAccount,
		RootID:            DemoRootID,
		OUs: []OU{
			{ID: demoProductionOU, Name: "Production", Parent: DemoRootID},
			{ID: demoWebOU, Name: "Web", Parent: demoProductionOU},
			{ID: demoSandboxOU, Name: "Sandbox", Parent: DemoRootID},
		},
		FeatureSet:  "ALL",
		PolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
	}
	for _, m := range demoMembers() {
		a := &Account{
			ID:              m.id,
			Name:            m.name,
			Email:           "aws+" + m.name + "@example.com",
			OptIn:           map[string]string{},
			Regions:         map[string]*Region{},
			Parent:          m.parent,
			State:           m.state,
			JoinedMethod:    m.joined,
			JoinedTimestamp: m.joinedAt,
		}
		if !m.noRole {
			a.Roles = []Role{{Name: DemoMemberRole, ExternalID: DemoExternalID, TrustedPrincipals: []string{DemoRoleChain()[1]}}}
		}
		for _, region := range DemoRegions() {
			if m.resources == nil {
				continue
			}
			if r := m.resources(newSite("aws", m.id, region, 3), region, ds.PublicImages[region]); r != nil {
				a.Regions[region] = r
			}
		}
		ds.Accounts = append(ds.Accounts, a)
	}
}

func demoMembers() []demoMember {
	const (
		running    = ec2types.InstanceStateNameRunning
		stopped    = ec2types.InstanceStateNameStopped
		terminated = ec2types.InstanceStateNameTerminated
	)
	al2023 := func(public []ec2types.Image) string {
		return imageNamed(public, "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64")
	}
	instances := func(s *site, specs ...instanceSpec) []ec2types.Instance {
		var out []ec2types.Instance
		for _, sp := range specs {
			out = append(out, s.instance(sp))
		}
		return out
	}
	env := func(v, team string) []ec2types.Tag {
		return []ec2types.Tag{tag("Environment", v), tag("Team", team)}
	}
	return []demoMember{{
		id: "210987654321", name: "web-prod", parent: demoWebOU, joined: "CREATED", joinedAt: day(2020, 6, 15, 10),
		resources: func(s *site, region string, public []ec2types.Image) *Region {
			img := al2023(public)
			switch region {
			case "us-east-1":
				return &Region{
					Instances: instances(s,
						instanceSpec{name: "shop-web-1", typ: ec2types.InstanceTypeT3Large, state: running, az: 0, image: img, publicIP: true,
							key: "shop", launched: day(2026, 9, 1, 8), tags: env("prod", "shop"), ipHost: 11},
						instanceSpec{name: "shop-web-2", typ: ec2types.InstanceTypeT3Large, state: running, az: 1, image: img, publicIP: true,
							key: "shop", launched: day(2026, 9, 1, 8), tags: env("prod", "shop"), ipHost: 12},
						instanceSpec{name: "shop-web-old", typ: ec2types.InstanceTypeT3Large, state: stopped, az: 2, image: img,
							launched: day(2025, 9, 1, 8), changed: day(2026, 9, 2, 9), tags: env("prod", "shop"), ipHost: 13}),
					DBInstances: []rdstypes.DBInstance{
						s.dbInstance(dbSpec{id: "shop-sessions", engine: "postgres", version: "16.4", class: "db.t4g.medium", az: 0,
							encrypted: true, backupDays: 7, storage: 50, created: day(2025, 11, 20, 13),
							tags: []rdstypes.Tag{dbTag("Environment", "prod"), dbTag("Team", "shop")}}),
					},
				}
			case "eu-west-1":
				return &Region{Instances: instances(s,
					instanceSpec{name: "shop-eu-1", typ: ec2types.InstanceTypeT3Medium, state: running, az: 0, image: img, publicIP: true, imdsV1: true,
						launched: day(2026, 3, 3, 12), tags: env("prod", "shop"), ipHost: 11},
					instanceSpec{name: "shop-eu-canary", typ: ec2types.InstanceTypeT3Medium, state: terminated, az: 1, image: img,
						launched: day(2026, 10, 20, 12), changed: day(2026, 10, 21, 12), tags: env("staging", "shop"), ipHost: 12})}
			}
			return nil
		},
	}, {
		id: "345678901234", name: "data-prod", parent: demoProductionOU, joined: "CREATED", joinedAt: day(2020, 6, 15, 11),
		resources: func(s *site, region string, public []ec2types.Image) *Region {
			img := al2023(public)
			switch region {
			case "us-east-1":
				return &Region{
					Instances: instances(s,
						instanceSpec{name: "etl-1", typ: ec2types.InstanceTypeR5Xlarge, state: running, az: 0, image: img,
							profile: "etl-role", launched: day(2026, 1, 5, 6), tags: env("prod", "data"), ipHost: 21, cores: 2},
						instanceSpec{name: "etl-spot-1", typ: ec2types.InstanceTypeC52xlarge, state: running, az: 1, image: img, spot: true,
							launched: day(2026, 10, 31, 2), tags: env("prod", "data"), ipHost: 22, cores: 4},
						instanceSpec{name: "ml-train-1", typ: ec2types.InstanceTypeP4d24xlarge, state: stopped, az: 2, image: img,
							lifecycle: ec2types.InstanceLifecycleTypeCapacityBlock, launched: day(2026, 10, 1, 0), changed: day(2026, 10, 8, 0),
							tags: env("prod", "data"), ipHost: 23, cores: 48}),
					ReservedInstances: []ec2types.ReservedInstances{
						// Covers etl-1.
						s.reserved(0, riSpec{typ: ec2types.InstanceTypeR5Xlarge, product: ec2types.RIProductDescriptionLinuxUnix, count: 1,
							state: ec2types.ReservedInstanceStateActive, start: day(2026, 1, 1, 0), years: 1,
							offering: ec2types.OfferingTypeValuesNoUpfront, class: ec2types.OfferingClassTypeStandard, hourly: 0.155}),
					},
					DBInstances: []rdstypes.DBInstance{
						s.dbInstance(dbSpec{id: "warehouse-1", engine: "aurora-postgresql", version: "15.4", class: "db.r6g.xlarge", az: 0,
							encrypted: true, backupDays: 14, created: day(2024, 4, 4, 4), cluster: "warehouse",
							tags: []rdstypes.Tag{dbTag("Environment", "prod"), dbTag("Team", "data")}}),
						s.dbInstance(dbSpec{id: "events", engine: "mysql", version: "8.0.39", class: "db.m5.large", az: 1, multiAZ: true,
							encrypted: true, backupDays: 7, storage: 400, created: day(2023, 8, 8, 8),
							tags: []rdstypes.Tag{dbTag("Environment", "prod"), dbTag("Team", "data")}}),
					},
				}
			case "us-west-2":
				return &Region{DBInstances: []rdstypes.DBInstance{
					s.dbInstance(dbSpec{id: "events-dr", engine: "mysql", version: "8.0.39", class: "db.m5.large", az: 0,
						encrypted: true, backupDays: 7, storage: 400, created: day(2024, 8, 8, 8),
						tags: []rdstypes.Tag{dbTag("Environment", "dr"), dbTag("Team", "data")}}),
				}}
			}
			return nil
		},
	}, {
		id: "456789012345", name: "sandbox-dev", parent: demoSandboxOU, joined: "CREATED", joinedAt: day(2022, 2, 2, 14),
		resources: func(s *site, region string, public []ec2types.Image) *Region {
			img := al2023(public)
			switch region {
			case "us-west-2":
				return &Region{Instances: instances(s,
					instanceSpec{name: "dev-box-1", typ: ec2types.InstanceTypeT3Small, state: running, az: 0, image: img, publicIP: true, imdsV1: true,
						key: "dev", launched: day(2026, 10, 1, 9), tags: env("dev", "platform"), ipHost: 31},
					instanceSpec{name: "dev-box-2", typ: ec2types.InstanceTypeT3Small, state: stopped, az: 1, image: img,
						key: "dev", launched: day(2026, 7, 1, 9), changed: day(2026, 8, 1, 18), tags: env("dev", "platform"), ipHost: 32},
					instanceSpec{name: "dev-gpu", typ: ec2types.InstanceTypeG4dnXlarge, state: stopped, az: 2, image: img,
						launched: day(2026, 5, 5, 5), changed: day(2026, 5, 6, 5), tags: env("dev", "ml"), ipHost: 33, cores: 2})}
			case "ap-southeast-2":
				return &Region{Instances: instances(s,
					instanceSpec{name: "dev-syd", typ: ec2types.InstanceTypeT3Micro, state: running, az: 0, image: img,
						launched: day(2026, 6, 6, 6), tags: env("dev", "platform"), ipHost: 11})}
			}
			return nil
		},
	}, {
		id: DemoNoRoleAccount, name: "sandbox-legacy", parent: demoSandboxOU, joined: "INVITED", joinedAt: day(2021, 12, 1, 16),
		noRole: true,
		resources: func(s *site, region string, public []ec2types.Image) *Region {
			if region != "us-east-1" {
				return nil
			}
			return &Region{Instances: instances(s,
				instanceSpec{name: "forgotten", typ: ec2types.InstanceTypeT2Micro, state: running, az: 0, image: al2023(public), publicIP: true,
					launched: day(2022, 1, 1, 1), ipHost: 9})}
		},
	}, {
		id: "678901234567", name: "closed-project", parent: DemoRootID, state: "SUSPENDED", joined: "INVITED",
		joinedAt: day(2019, 9, 9, 9),
	}}
}
