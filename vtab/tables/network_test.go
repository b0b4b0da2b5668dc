package tables_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

// The demo member that shares a snapshot with the management account.
const demoDataProd = "345678901234"

// demoOrg reads the demo as --demo does: the organization, through the role
// chain, without the member awssql cannot enter.
func demoOrg(o *fetch.Options) {
	o.RoleChain, o.ExternalID, o.ListAccounts, o.MemberRole = fakedata.DemoRoleChain(), fakedata.DemoExternalID, true, fakedata.DemoMemberRole
	o.SkipAccounts = []string{fakedata.DemoNoRoleAccount}
}

// regionOf is the source record of an item's account and region.
func regionOf(ds *fakedata.Dataset, t fetch.Target) *fakedata.Region {
	for _, a := range ds.Accounts {
		if a.ID == t.Account {
			return a.Regions[t.Region]
		}
	}
	return nil
}

// TestNetworkFidelity is TestFidelity for the network and storage tables:
// every column of every row is what the table makes of awsfake's record,
// hydrated columns included (from what their calls answer).
func TestNetworkFidelity(t *testing.T) {
	datasets := []struct {
		name string
		ds   *fakedata.Dataset
		all  bool
		mod  func(*fetch.Options)
	}{
		{"demo", fakedata.Demo(), true, demoOrg},
		{"generated", fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 3, InstancesPerRegion: 30, ImagesPerRegion: 6, Seed: 5}), false,
			func(*fetch.Options) {}},
	}
	for _, d := range datasets {
		ds, all := d.ds, d.all
		t.Run(d.name, func(t *testing.T) {
			list := regionsOf(ds)
			e := open(t, ds, list, d.mod)
			first := ds.Accounts[0].ID
			checkTable(t, e, tables.VPCs(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ec2types.Vpc { return r.Vpcs }),
				func(v ec2types.Vpc) string { return aws.ToString(v.VpcId) }, all)
			checkTable(t, e, tables.VPCSubnets(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ec2types.Subnet { return r.Subnets }),
				func(v ec2types.Subnet) string { return aws.ToString(v.SubnetId) }, all)
			checkTable(t, e, tables.VPCSecurityGroups(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ec2types.SecurityGroup { return r.SecurityGroups }),
				func(v ec2types.SecurityGroup) string { return aws.ToString(v.GroupId) }, all)
			checkTable(t, e, tables.EBSVolumes(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ec2types.Volume { return r.Volumes }),
				func(v ec2types.Volume) string { return aws.ToString(v.VolumeId) }, all,
				func(v fetch.Item[ec2types.Volume]) map[string]any {
					a := regionOf(ds, v.Target).VolumeAttributes[aws.ToString(v.Value.VolumeId)]
					return map[string]any{"auto_enable_io": a.AutoEnableIO, "product_codes": a.ProductCodes}
				})
			own := func(v fetch.Item[ec2types.Snapshot]) map[string]any {
				// The account's own: [] when nobody else may use it.
				var perms any = json.RawMessage("[]")
				if p := regionOf(ds, v.Target).SnapshotPermissions[aws.ToString(v.Value.SnapshotId)]; len(p) > 0 {
					perms = p
				}
				return map[string]any{"create_volume_permissions": perms}
			}
			checkTable(t, e, tables.EBSSnapshots(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ec2types.Snapshot { return r.Snapshots }),
				func(v ec2types.Snapshot) string { return aws.ToString(v.SnapshotId) }, all, own)
			// Others' snapshots the first account may use, named by their
			// owner: their permissions are not the first account's to read.
			var public, shared []fetch.Item[ec2types.Snapshot]
			for _, region := range list {
				for _, s := range ds.PublicSnapshots[region] {
					public = append(public, fetch.Item[ec2types.Snapshot]{Target: fetch.Target{Account: first, Region: region}, Value: s})
				}
				if a := slices.IndexFunc(ds.Accounts, func(a *fakedata.Account) bool { return a.ID == demoDataProd }); a >= 0 {
					if r := ds.Accounts[a].Regions[region]; r != nil {
						for _, s := range r.Snapshots {
							if slices.ContainsFunc(r.SnapshotPermissions[*s.SnapshotId], func(p ec2types.CreateVolumePermission) bool {
								return aws.ToString(p.UserId) == first
							}) {
								shared = append(shared, fetch.Item[ec2types.Snapshot]{Target: fetch.Target{Account: first, Region: region}, Value: s})
							}
						}
					}
				}
			}
			snapshotID := func(v ec2types.Snapshot) string { return aws.ToString(v.SnapshotId) }
			checkTable(t, e, tables.EBSSnapshots(e.sess).Def, "WHERE owner_alias IN ('amazon', 'aws-marketplace') AND account_id = '"+first+"'",
				public, snapshotID, false)
			if d.name == "demo" {
				if len(shared) == 0 {
					t.Fatal("the demo shares no snapshot with its management account")
				}
				checkTable(t, e, tables.EBSSnapshots(e.sess).Def, "WHERE owner_id = '"+demoDataProd+"' AND account_id = '"+first+"'",
					shared, snapshotID, false)
			}
			// Every account the connection reads sees each region's types.
			accounts := map[string]bool{}
			for _, v := range items(ds, func(r *fakedata.Region) []int { return []int{0} }) {
				accounts[v.Account] = true
			}
			var types []fetch.Item[tables.InstanceTypeRow]
			for account := range accounts {
				for _, region := range list {
					for _, it := range ds.InstanceTypes[region] {
						types = append(types, fetch.Item[tables.InstanceTypeRow]{Target: fetch.Target{Account: account, Region: region},
							Value: tables.InstanceTypeRow{InstanceTypeInfo: it}})
					}
				}
			}
			checkTable(t, e, tables.EC2InstanceTypes(e.sess).Def, "", types,
				func(v tables.InstanceTypeRow) string { return string(v.InstanceType) }, all)
		})
	}
}

// TestSnapshotsOwnUnlessNamed: without an owner or an id, ebs_snapshots
// lists the account's own (OwnerIds self), never every public snapshot;
// naming an owner alias, an owner or an id lists those, whoever owns them.
func TestSnapshotsOwnUnlessNamed(t *testing.T) {
	ds := fakedata.Demo()
	mgmt := fakedata.DemoAccountID
	r := ds.Accounts[0].Regions["us-east-1"]
	amazon := ds.PublicSnapshots["us-east-1"][0]
	tests := []struct {
		name, where string
		want        func(map[string]any) bool // every row
		n           int                       // rows
		owner       string                    // the Owner.1 sent; "": none
	}{
		{"own", "", func(r map[string]any) bool { return r["owner_id"] == mgmt }, len(r.Snapshots), "self"},
		{"by alias", "AND owner_alias = 'amazon'", func(r map[string]any) bool { return r["owner_alias"] == "amazon" }, 5, ""},
		{"by owner", "AND owner_id = '" + demoDataProd + "'", func(r map[string]any) bool { return r["owner_id"] == demoDataProd }, 1, demoDataProd},
		{"by id", "AND snapshot_id = '" + *amazon.SnapshotId + "'", func(r map[string]any) bool { return r["owner_id"] == fakedata.AmazonOwnerID }, 1, ""},
		{"own by id", "AND snapshot_id = '" + *r.Snapshots[0].SnapshotId + "'", func(r map[string]any) bool { return r["owner_id"] == mgmt }, 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := open(t, ds, []string{"us-east-1"}, demoOrg)
			got := e.query(t, "SELECT snapshot_id, owner_id, owner_alias FROM ebs_snapshots WHERE account_id = '"+mgmt+"' "+tc.where)
			if len(got) != tc.n {
				t.Errorf("%d rows, want %d: %v", len(got), tc.n, got)
			}
			for _, row := range got {
				if !tc.want(row) {
					t.Errorf("row %v", row)
				}
			}
			reqs := e.srv.Requests()
			i := slices.IndexFunc(reqs, func(r awsfake.Request) bool { return r.Operation == "DescribeSnapshots" })
			if i < 0 {
				t.Fatal("no DescribeSnapshots call")
			}
			if o := reqs[i].Params.Get("Owner.1"); o != tc.owner || reqs[i].Params.Get("Owner.2") != "" {
				t.Errorf("Owner.1 = %q, want %q", o, tc.owner)
			}
		})
	}
}

// TestHydratedOnlyWhenRead: the attribute calls are made once per row for
// the columns the statement reads, never for the others, and not for
// snapshots the account does not own (AWS would refuse them).
func TestHydratedOnlyWhenRead(t *testing.T) {
	ds := fakedata.Demo()
	volumes, snapshots := 0, 0
	for _, a := range ds.Accounts {
		if a.ID == fakedata.DemoNoRoleAccount || a.State != "" {
			continue
		}
		if r := a.Regions["us-east-1"]; r != nil {
			volumes += len(r.Volumes)
			snapshots += len(r.Snapshots)
		}
	}
	tests := []struct {
		query, op string
		calls     int
	}{
		{"SELECT volume_id, size FROM ebs_volumes", "DescribeVolumeAttribute", 0},
		{"SELECT volume_id, auto_enable_io FROM ebs_volumes", "DescribeVolumeAttribute", volumes},
		{"SELECT * FROM ebs_volumes", "DescribeVolumeAttribute", 2 * volumes},
		{"SELECT count(*) FROM ebs_volumes WHERE product_codes IS NOT NULL", "DescribeVolumeAttribute", volumes},
		{"SELECT snapshot_id FROM ebs_snapshots", "DescribeSnapshotAttribute", 0},
		{"SELECT snapshot_id, create_volume_permissions FROM ebs_snapshots", "DescribeSnapshotAttribute", snapshots},
		{"SELECT create_volume_permissions FROM ebs_snapshots WHERE owner_alias = 'amazon'", "DescribeSnapshotAttribute", 0},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			// A connection of its own: the call cache would answer what
			// another statement asked.
			e := open(t, ds, []string{"us-east-1"}, demoOrg)
			e.query(t, tc.query)
			if n := e.srv.Count(tc.op, "", ""); n != tc.calls {
				t.Errorf("%d %s calls, want %d", n, tc.op, tc.calls)
			}
		})
	}
	// What they read: the public snapshots (the public AMI's and the
	// bastion's backup) and the Marketplace volume.
	e := open(t, ds, []string{"us-east-1"}, demoOrg)
	got := e.query(t, `SELECT count(*) AS n FROM ebs_snapshots WHERE create_volume_permissions ->> '$[0].Group' = 'all'`)
	if got[0]["n"] != int64(2) {
		t.Errorf("%v public snapshots of their own, want 2", got[0]["n"])
	}
	got = e.query(t, `SELECT volume_id FROM ebs_volumes WHERE auto_enable_io AND product_codes ->> '$[0].ProductCodeType' = 'marketplace'`)
	if len(got) != 1 {
		t.Errorf("%d Marketplace volumes with auto-enabled I/O, want 1", len(got))
	}
}

// TestInstanceTypePattern: instance_type_pattern is EC2's own wildcard,
// sent unescaped; with instance_type given too, the exact filter goes to
// EC2 and the pattern is matched on what comes back. Each row carries the
// pattern it was listed by, as Steampipe's does.
func TestInstanceTypePattern(t *testing.T) {
	ds := fakedata.Demo()
	e := open(t, ds, []string{"us-east-1"})
	all := ds.InstanceTypes["us-east-1"]
	names := func(keep func(string) bool) []string {
		var out []string
		for _, it := range all {
			if keep(string(it.InstanceType)) {
				out = append(out, string(it.InstanceType))
			}
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		where   string
		want    []string
		filters []string // the instance-type filter values sent
	}{
		{"instance_type_pattern = 't3*'", names(func(n string) bool { return strings.HasPrefix(n, "t3") }), []string{"t3*"}},
		{"instance_type_pattern = 'c5.?xlarge'", []string{"c5.2xlarge"}, []string{"c5.?xlarge"}},
		{"instance_type_pattern = 't3*' AND instance_type IN ('t3.micro', 'm5.large')", []string{"t3.micro"}, []string{"m5.large", "t3.micro"}},
		{"instance_type = 't3*'", nil, []string{`t3\*`}},
	}
	for _, tc := range tests {
		t.Run(tc.where, func(t *testing.T) {
			e.srv.Reset()
			got := e.query(t, "SELECT instance_type, instance_type_pattern FROM ec2_instance_types WHERE "+tc.where+" ORDER BY 1")
			var types []string
			for _, r := range got {
				types = append(types, r["instance_type"].(string))
				if p, ok := r["instance_type_pattern"].(string); strings.Contains(tc.where, "pattern") && (!ok || !strings.Contains(tc.where, "'"+p+"'")) {
					t.Errorf("row %v: the pattern it was listed by is missing", r)
				}
			}
			if !slices.Equal(types, tc.want) {
				t.Errorf("got %q, want %q", types, tc.want)
			}
			var sent []string
			for _, r := range e.srv.Requests() {
				if r.Operation != "DescribeInstanceTypes" {
					continue
				}
				for k, v := range r.Params {
					if strings.HasPrefix(k, "Filter.1.Value.") {
						sent = append(sent, v[0])
					}
				}
				if n := r.Params.Get("Filter.2.Name"); n != "" {
					t.Errorf("a second filter, %s: %v", n, r.Params)
				}
			}
			slices.Sort(sent)
			if !slices.Equal(sent, tc.filters) {
				t.Errorf("filter values sent %q, want %q", sent, tc.filters)
			}
		})
	}
}

// TestNetworkTablesJoin: the tables join as their ids say, in the demo:
// every running instance's subnet, VPC, security groups and root volume
// are found.
func TestNetworkTablesJoin(t *testing.T) {
	e := open(t, fakedata.Demo(), fakedata.DemoRegions(), demoOrg)
	got := e.query(t, `
		WITH i AS MATERIALIZED (SELECT * FROM ec2_instances WHERE instance_state = 'running')
		SELECT count(*) AS n,
		       sum(s.subnet_id IS NULL) AS no_subnet, sum(v.vpc_id IS NULL) AS no_vpc, sum(vol.volume_id IS NULL) AS no_volume,
		       sum((SELECT count(*) FROM json_each(i.security_groups) g
		            WHERE NOT EXISTS (SELECT 1 FROM vpc_security_groups sg
		                              WHERE sg.group_id = g.value ->> 'GroupId' AND sg.account_id = i.account_id AND sg.region = i.region))) AS no_group
		FROM i
		LEFT JOIN vpc_subnets s ON s.subnet_id = i.subnet_id AND s.account_id = i.account_id AND s.region = i.region
		LEFT JOIN vpcs v ON v.vpc_id = i.vpc_id AND v.account_id = i.account_id AND v.region = i.region
		LEFT JOIN ebs_volumes vol ON vol.volume_id = i.block_device_mappings ->> '$[0].Ebs.VolumeId'
		     AND vol.account_id = i.account_id AND vol.region = i.region`)
	r := got[0]
	if n, _ := r["n"].(int64); n < 20 {
		t.Fatalf("%v running instances", r["n"])
	}
	for _, k := range []string{"no_subnet", "no_vpc", "no_volume", "no_group"} {
		if r[k] != int64(0) {
			t.Errorf("%s: %v of %v", k, r[k], r["n"])
		}
	}
}

// TestEmptyListsAsSteampipe: a list AWS always answers (a volume's
// attachments, a snapshot's create-volume permissions, a security group's
// rules) is [] when it is empty, as Steampipe shows it, not NULL: its
// documented "unattached volumes" query, json_array_length(attachments) = 0,
// finds them, and a snapshot of the account's own that nobody else may use
// ([]) is told apart from another's, whose permissions it cannot read
// (NULL).
func TestEmptyListsAsSteampipe(t *testing.T) {
	ds := fakedata.Demo()
	count := func(pick func(*fakedata.Region) int) int64 {
		n := 0
		for _, a := range ds.Accounts {
			if a.ID == fakedata.DemoNoRoleAccount || (a.State != "" && a.State != "ACTIVE") {
				continue
			}
			for _, r := range a.Regions {
				n += pick(r)
			}
		}
		return int64(n)
	}
	unattached := count(func(r *fakedata.Region) int {
		n := 0
		for _, v := range r.Volumes {
			if len(v.Attachments) == 0 {
				n++
			}
		}
		return n
	})
	private := count(func(r *fakedata.Region) int {
		n := 0
		for _, s := range r.Snapshots {
			if len(r.SnapshotPermissions[aws.ToString(s.SnapshotId)]) == 0 {
				n++
			}
		}
		return n
	})
	noEgress := count(func(r *fakedata.Region) int {
		n := 0
		for _, g := range r.SecurityGroups {
			if len(g.IpPermissionsEgress) == 0 {
				n++
			}
		}
		return n
	})
	if unattached == 0 || private == 0 || noEgress == 0 {
		t.Fatalf("the demo has %d unattached volumes, %d private snapshots, %d groups without egress rules: the test needs some of each",
			unattached, private, noEgress)
	}
	tests := []struct {
		sql  string
		want int64
	}{
		// Steampipe's own example, as its docs give it.
		{"SELECT count(*) FROM aws_ebs_volume WHERE json_array_length(attachments) = 0", unattached},
		{"SELECT count(*) FROM aws_ebs_volume WHERE attachments = '[]'", unattached},
		{"SELECT count(*) FROM aws_ebs_volume WHERE attachments IS NULL", 0},
		{"SELECT count(*) FROM aws_ebs_snapshot WHERE json_array_length(create_volume_permissions) = 0", private},
		{"SELECT count(*) FROM aws_ebs_snapshot WHERE create_volume_permissions IS NULL", 0},
		// Amazon's snapshots: not the account's to read.
		{"SELECT count(*) FROM aws_ebs_snapshot WHERE owner_alias = 'amazon' AND account_id = '" + fakedata.DemoAccountID +
			"' AND create_volume_permissions IS NOT NULL", 0},
		{"SELECT count(*) FROM aws_vpc_security_group WHERE json_array_length(ip_permissions_egress) = 0", noEgress},
		{"SELECT count(*) FROM aws_vpc_security_group WHERE ip_permissions IS NULL OR ip_permissions_egress IS NULL", 0},
	}
	e := open(t, ds, regionsOf(ds), demoOrg)
	for _, tt := range tests {
		if got := e.query(t, tt.sql)[0]["count(*)"]; got != tt.want {
			t.Errorf("%s: %v, want %d", tt.sql, got, tt.want)
		}
	}
}
