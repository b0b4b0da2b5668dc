package fakedata

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// demoNetwork gives every account of the demo the network and storage
// around its instances (network.go), and every region its instance types
// and the public snapshots behind Amazon's and the Marketplace's AMIs. The
// choices below are what the saved queries and a security or FinOps review
// look for: SSH open to the world, volumes left unattached or unencrypted,
// old snapshots, a public one, one shared across accounts, one archived,
// one that failed, one in progress.
func demoNetwork(ds *Dataset) {
	ds.PublicSnapshots = map[string][]ec2types.Snapshot{}
	ds.InstanceTypes = map[string][]ec2types.InstanceTypeInfo{}
	for _, region := range DemoRegions() {
		ds.PublicSnapshots[region] = publicSnapshots(region, ds.PublicImages[region])
		ds.InstanceTypes[region] = InstanceTypesOf(region)
	}
	const (
		webProd  = "210987654321"
		dataProd = "345678901234"
		sandbox  = "456789012345"
	)
	specs := map[string]netSpec{
		DemoAccountID + "/us-east-1": {sshOpen: true, ipv6: true,
			volumes: []volumeSpec{
				{name: "scratch-2024", az: 0, typ: ec2types.VolumeTypeGp2, size: 100, created: day(2024, 3, 3, 3),
					tags: []ec2types.Tag{tag("Owner", "left the company")}},
				{name: "rhel-db-restore-test", az: 1, typ: ec2types.VolumeTypeGp3, size: 10, encrypted: true, fromBackup: 3,
					created: day(2026, 10, 2, 14), fastRestored: true},
				{name: "shared-data", az: 0, typ: ec2types.VolumeTypeIo2, size: 500, encrypted: true, multiAttach: true,
					created: day(2026, 1, 15, 9), tags: []ec2types.Tag{tag("Team", "data")}},
				{name: "firewall-logs", az: 2, typ: ec2types.VolumeTypeSt1, size: 500, autoEnableIO: true,
					productCode: "8fjc9gqzrs3dkjlcw9e2fi8n2", created: day(2025, 8, 9, 9)},
			},
			backups: []backupSpec{
				{instance: "web-1", started: day(2026, 10, 31, 2)},
				{instance: "web-1", started: day(2025, 1, 1, 2), archived: true, restoredUntil: day(2026, 11, 15, 0),
					description: "year-end archive of web-1"},
				{instance: "rhel-db-1", started: day(2025, 6, 1, 2), sharedWith: []string{webProd},
					tags: []ec2types.Tag{tag("Purpose", "shared with web-prod for a restore test")}},
				{instance: "api-1", started: day(2026, 10, 31, 23), state: ec2types.SnapshotStatePending},
				{instance: "bastion", started: day(2026, 3, 3, 3), public: true, description: "bastion image for partners"},
				{instance: "win-app-1", started: day(2026, 9, 9, 9), state: ec2types.SnapshotStateError},
			}},
		DemoAccountID + "/us-west-2": {
			volumes: []volumeSpec{{name: "ci-cache", az: 1, typ: ec2types.VolumeTypeSc1, size: 500, created: day(2026, 2, 2, 2)}},
			backups: []backupSpec{{instance: "gw-1", started: day(2025, 12, 12, 12)}}},
		DemoAccountID + "/eu-west-1": {pendingVPC: true,
			volumes: []volumeSpec{{name: "eu-archive", az: 2, typ: ec2types.VolumeTypeGp2, size: 200, encrypted: true, created: day(2025, 2, 2, 2)}},
			backups: []backupSpec{
				{instance: "eu-web-1", started: day(2026, 5, 30, 1)},
				{instance: "eu-rhel-1", started: day(2025, 9, 1, 1), tags: []ec2types.Tag{tag("DataClass", "GDPR; EU-only")}},
			}},
		webProd + "/us-east-1": {sshOpen: true,
			backups: []backupSpec{{instance: "shop-web-1", started: day(2026, 10, 1, 3)}}},
		dataProd + "/us-east-1": {
			volumes: []volumeSpec{{name: "warehouse-scratch", az: 1, typ: ec2types.VolumeTypeSt1, size: 1000, created: day(2025, 7, 7, 7)}},
			backups: []backupSpec{{instance: "etl-1", started: day(2025, 2, 2, 2), sharedWith: []string{DemoAccountID},
				description: "etl-1 before the upgrade, for the management account"}}},
		sandbox + "/us-west-2": {sshOpen: true,
			volumes: []volumeSpec{{name: "old-dev-data", az: 0, typ: ec2types.VolumeTypeGp2, size: 30, created: day(2025, 1, 1, 1)}}},
	}
	for _, a := range ds.Accounts {
		for region, r := range a.Regions {
			images := slices.Concat(r.Images, ds.PublicImages[region])
			newSite(ds.Partition, a.ID, region, 3).network(r, images, specs[a.ID+"/"+region])
		}
	}
}

// generateNetwork gives a generated data set the same: each account's
// network and storage in each region, the regions' instance types and
// public snapshots. Its choices come from a generator of their own, so the
// records Generate made before it stay what they were.
func generateNetwork(ds *Dataset, g GenOptions, regions []string) {
	ds.PublicSnapshots = map[string][]ec2types.Snapshot{}
	ds.InstanceTypes = map[string][]ec2types.InstanceTypeInfo{}
	for _, region := range regions {
		ds.PublicSnapshots[region] = publicSnapshots(region, ds.PublicImages[region])
		ds.InstanceTypes[region] = InstanceTypesOf(region)
	}
	base := ReferenceTime().AddDate(-2, 0, 0)
	for i, a := range ds.Accounts {
		for ri, region := range regions {
			r := a.Regions[region]
			if r == nil {
				continue
			}
			rng := rand.New(rand.NewPCG(uint64(g.Seed)^0x6e6574776f726b, uint64(i)<<16|uint64(ri)))
			at := func() time.Time {
				return base.Add(time.Duration(rng.Int64N(int64(700*24*time.Hour))) / time.Second * time.Second)
			}
			sp := netSpec{sshOpen: ri%2 == 0, ipv6: rng.IntN(3) == 0, pendingVPC: rng.IntN(4) == 0}
			// One leftover volume unencrypted in every region, so that a
			// clean-up query always has something to find.
			for n := range 1 + rng.IntN(3) {
				sp.volumes = append(sp.volumes, volumeSpec{
					name:      fmt.Sprintf("gen-vol-%02d", n),
					az:        rng.IntN(3),
					typ:       pick(rng, ec2types.VolumeTypeGp3, ec2types.VolumeTypeGp2, ec2types.VolumeTypeSt1),
					size:      int32(10 * (1 + rng.IntN(50))),
					encrypted: n > 0 && rng.IntN(2) == 0,
					created:   at(),
				})
			}
			for _, in := range r.Instances {
				if len(in.BlockDeviceMappings) > 0 && rng.IntN(3) == 0 {
					sp.backups = append(sp.backups, backupSpec{instance: nameTag(in.Tags), started: at()})
				}
			}
			images := slices.Concat(r.Images, ds.PublicImages[region])
			newSite(ds.Partition, a.ID, region, 3).network(r, images, sp)
		}
	}
}
