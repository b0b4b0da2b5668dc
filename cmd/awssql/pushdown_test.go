package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// genRegions are the four regions fakedata.Generate fills.
var genRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}

// newGen serves a generated account with n instances in each of four
// regions, and connects to exactly those regions.
func newGen(t *testing.T, g fakedata.GenOptions) *fake {
	t.Helper()
	if g.Accounts == 0 {
		g.Accounts = 1
	}
	g.Regions = 4
	f := newFake(t, fakedata.Generate(g))
	f.args = append(f.args, "--regions", strings.Join(genRegions, ","))
	return f
}

func records(t *testing.T, out string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	return recs
}

// requestsOf returns awsfake's requests for one operation.
func (f *fake) requestsOf(op string) []awsfake.Request {
	var out []awsfake.Request
	for _, r := range f.srv.Requests() {
		if r.Operation == op {
			out = append(out, r)
		}
	}
	return out
}

func TestPushdownLookup(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 30, Seed: 7})
	inst := f.ds.Accounts[0].Regions["us-west-1"].Instances[5]
	id := aws.ToString(inst.InstanceId)
	r := f.run("SELECT instance_id, instance_type FROM ec2_instances WHERE region = 'us-west-1' AND instance_id = '" + id + "'")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := [][]string{{"instance_id", "instance_type"}, {id, string(inst.InstanceType)}}
	if got := records(t, r.stdout); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rows %v, want %v", got, want)
	}
	reqs := f.requestsOf("DescribeInstances")
	if len(reqs) != 1 {
		t.Fatalf("%d DescribeInstances calls, want exactly 1", len(reqs))
	}
	// A filter rather than InstanceIds, which fails the whole call for one
	// id that does not exist.
	if p := reqs[0].Params; p.Get("Filter.1.Name") != "instance-id" || p.Get("Filter.1.Value.1") != id || reqs[0].Region != "us-west-1" {
		t.Errorf("call %v in %s: want the filter instance-id=%s in us-west-1", p, reqs[0].Region, id)
	}
	// A lookup of an id that does not exist, or is malformed, has no rows.
	for _, bad := range []string{"i-0123456789abcdef0", "not-an-id"} {
		r := f.run("SELECT count(*) FROM ec2_instances WHERE instance_id = '" + bad + "'")
		if r.code != 0 || strings.TrimSpace(r.stdout) != "count(*)\n0" {
			t.Errorf("%s: exit %d, %q %s", bad, r.code, r.stdout, r.stderr)
		}
	}
}

func TestPushdownFilterEveryRegion(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 30, Seed: 7})
	r := f.run("SELECT count(*) FROM ec2_instances WHERE instance_state = 'running'")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	running := 0
	for _, reg := range f.ds.Accounts[0].Regions {
		for _, i := range reg.Instances {
			if i.State.Name == "running" {
				running++
			}
		}
	}
	if got := records(t, r.stdout)[1][0]; got != strconv.Itoa(running) {
		t.Errorf("count %s, want %d", got, running)
	}
	reqs := f.requestsOf("DescribeInstances")
	var regions []string
	for _, q := range reqs {
		regions = append(regions, q.Region)
		if q.Params.Get("Filter.1.Name") != "instance-state-name" || q.Params.Get("Filter.1.Value.1") != "running" {
			t.Errorf("call in %s without the filter: %v", q.Region, q.Params)
		}
	}
	sort.Strings(regions)
	if !slices.Equal(regions, genRegions) {
		t.Errorf("calls in %v, want one in each of %v", regions, genRegions)
	}
}

func TestPushdownRegionIn(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 10, Seed: 7})
	r := f.run("SELECT DISTINCT region FROM ec2_instances WHERE region IN ('us-east-1', 'us-west-2') ORDER BY 1")
	if r.code != 0 || r.stdout != "region\nus-east-1\nus-west-2\n" {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	var regions []string
	for _, q := range f.requestsOf("DescribeInstances") {
		regions = append(regions, q.Region)
	}
	sort.Strings(regions)
	if !slices.Equal(regions, []string{"us-east-1", "us-west-2"}) {
		t.Errorf("calls in %v, want us-east-1 and us-west-2 only", regions)
	}
}

func TestPushdownLimit(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 2500, Seed: 3})
	r := f.run("SELECT instance_id FROM ec2_instances LIMIT 1")
	if r.code != 0 || len(records(t, r.stdout)) != 2 {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	reqs := f.requestsOf("DescribeInstances")
	if len(reqs) > 4 {
		t.Errorf("%d DescribeInstances calls, want at most 4", len(reqs))
	}
	for _, q := range reqs {
		if q.Params.Has("NextToken") {
			t.Errorf("a call in %s asked for a second page", q.Region)
		}
	}

	// ORDER BY the table does not sort: LIMIT is not pushed, the answer is
	// the 3 oldest of all.
	var all []string
	for _, reg := range f.ds.Accounts[0].Regions {
		for _, i := range reg.Instances {
			all = append(all, i.LaunchTime.UTC().Format("2006-01-02T15:04:05Z")+" "+aws.ToString(i.InstanceId))
		}
	}
	sort.Strings(all)
	r = f.run("SELECT launch_time || ' ' || instance_id FROM ec2_instances ORDER BY launch_time, instance_id LIMIT 3")
	got := records(t, r.stdout)[1:]
	for i := range 3 {
		if got[i][0] != all[i] {
			t.Errorf("row %d: %s, want %s", i, got[i][0], all[i])
		}
	}

	// A constraint SQLite checks (LIKE) keeps LIMIT from being pushed.
	r = f.run("SELECT instance_type FROM ec2_instances WHERE instance_type LIKE 't3%' LIMIT 2")
	recs := records(t, r.stdout)
	if r.code != 0 || len(recs) != 3 {
		t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	for _, rec := range recs[1:] {
		if !strings.HasPrefix(rec[0], "t3") {
			t.Errorf("row %q does not match LIKE 't3%%'", rec[0])
		}
	}
}

func TestPushdownJoinLooksImagesUpOnce(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 40, ImagesPerRegion: 6, Seed: 11})
	r := f.run(`SELECT i.instance_id, m.name
		FROM ec2_instances i JOIN images m
		  ON m.image_id = i.image_id AND m.account_id = i.account_id AND m.region = i.region
		ORDER BY 1`)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := len(records(t, r.stdout)) - 1; n != 160 {
		t.Errorf("%d joined rows, want 160 (every instance's AMI found, Amazon's included)", n)
	}
	type key struct{ region, image string }
	seen := map[key]int{}
	distinct := map[key]bool{}
	for _, reg := range genRegions {
		for _, i := range f.ds.Accounts[0].Regions[reg].Instances {
			distinct[key{reg, aws.ToString(i.ImageId)}] = true
		}
	}
	for _, q := range f.requestsOf("DescribeImages") {
		if q.Params.Get("Filter.1.Name") != "image-id" {
			t.Errorf("DescribeImages %v: want the filter image-id", q.Params)
		}
		seen[key{q.Region, q.Params.Get("Filter.1.Value.1")}]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("image %s in %s looked up %d times, want once", k.image, k.region, n)
		}
	}
	if len(seen) != len(distinct) {
		t.Errorf("%d images looked up, want the %d distinct ones", len(seen), len(distinct))
	}
}

// TestPushdownLongINList: an IN list of 1000 values makes at most one call
// per target (a list longer than a call takes is one scan, which SQLite
// checks), and answers exactly.
func TestPushdownLongINList(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 30, Seed: 7})
	for _, col := range []string{"instance_type", "instance_id"} {
		t.Run(col, func(t *testing.T) {
			var vals []string
			want := 0
			seen := map[string]bool{}
			for _, reg := range genRegions {
				for i, inst := range f.ds.Accounts[0].Regions[reg].Instances {
					v := string(inst.InstanceType)
					if col == "instance_id" {
						v = aws.ToString(inst.InstanceId)
					}
					if i%3 == 0 && !seen[v] {
						seen[v] = true
						vals = append(vals, "'"+v+"'")
					}
				}
			}
			for _, reg := range genRegions {
				for _, inst := range f.ds.Accounts[0].Regions[reg].Instances {
					v := string(inst.InstanceType)
					if col == "instance_id" {
						v = aws.ToString(inst.InstanceId)
					}
					if seen[v] {
						want++
					}
				}
			}
			for i := len(vals); i < 1000; i++ {
				vals = append(vals, fmt.Sprintf("'no-such-%d'", i))
			}
			f.srv.Reset()
			r := f.run(fmt.Sprintf("SELECT count(*) FROM ec2_instances WHERE %s IN (%s)", col, strings.Join(vals, ", ")))
			if r.code != 0 || strings.TrimSpace(r.stdout) != fmt.Sprintf("count(*)\n%d", want) {
				t.Errorf("exit %d, %q %s: want %d rows", r.code, r.stdout, r.stderr, want)
			}
			calls := map[string]int{}
			for _, q := range f.requestsOf("DescribeInstances") {
				calls[q.Account+"/"+q.Region]++
			}
			if len(calls) != len(genRegions) {
				t.Errorf("calls in %d targets, want %d", len(calls), len(genRegions))
			}
			for target, n := range calls {
				if n > 1 {
					t.Errorf("%d calls in %s, want at most one", n, target)
				}
			}
		})
	}
}

// TestPushdownFilterValueLimit: EC2 takes 200 filter values a call, all
// filters together; two IN lists under 200 each but over it together
// still answer, exactly.
func TestPushdownFilterValueLimit(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 30, Seed: 7})
	list := func(real []string, n int) string {
		var vals []string
		for _, v := range real {
			vals = append(vals, "'"+v+"'")
		}
		for i := len(vals); i < n; i++ {
			vals = append(vals, fmt.Sprintf("'no-such-%d'", i))
		}
		return strings.Join(vals, ", ")
	}
	q := fmt.Sprintf("SELECT count(*) FROM ec2_instances WHERE instance_type IN (%s) AND instance_state IN (%s)",
		list([]string{"t3.micro", "m5.large"}, 150), list([]string{"running"}, 60))
	r := f.run(q)
	plain := f.run("SELECT count(*) FROM ec2_instances WHERE +instance_type IN ('t3.micro', 'm5.large') AND +instance_state = 'running'")
	if r.code != 0 || r.stdout != plain.stdout {
		t.Errorf("exit %d, %q %s: want %q", r.code, r.stdout, r.stderr, plain.stdout)
	}
}

// TestPushdownLongINListWhoeverOwns: images lists the account's own AMIs
// unless an image id or an owner narrows the call. An IN list of ids or
// owners longer than one call takes must still be asked of EC2 (a call per
// batch), not become a scan of the account's own, which would silently
// drop Amazon's and every other owner's images.
func TestPushdownLongINListWhoeverOwns(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 40, ImagesPerRegion: 6, Seed: 11})
	pad := func(real []string, n int, fake func(int) string) string {
		vals := slices.Clone(real)
		for i := len(vals); i < n; i++ {
			vals = append(vals, fake(i))
		}
		return strings.Join(vals, ", ")
	}
	ids := f.run("SELECT DISTINCT quote(image_id) FROM ec2_instances ORDER BY 1")
	owners := f.run(`SELECT DISTINCT quote(m.owner_id) FROM ec2_instances i
		JOIN images m ON m.image_id = i.image_id AND m.account_id = i.account_id AND m.region = i.region ORDER BY 1`)
	if ids.code != 0 || owners.code != 0 {
		t.Fatalf("exit %d %d: %s %s", ids.code, owners.code, ids.stderr, owners.stderr)
	}
	idList := records(t, ids.stdout)[1:]
	ownerList := records(t, owners.stdout)[1:]
	var realIDs, realOwners []string
	for _, r := range idList {
		realIDs = append(realIDs, r[0])
	}
	for _, r := range ownerList {
		realOwners = append(realOwners, r[0])
	}
	if len(realOwners) < 2 {
		t.Fatalf("owners %v: want the account's own and another's (Amazon's)", realOwners)
	}
	for _, c := range []struct{ name, short, long string }{
		{"image_id", strings.Join(realIDs, ", "), pad(realIDs, 300, func(i int) string { return fmt.Sprintf("'ami-%017x'", i) })},
		{"owner_id", strings.Join(realOwners, ", "), pad(realOwners, 1200, func(i int) string { return fmt.Sprintf("'%012d'", i) })},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := "SELECT account_id, region, image_id, owner_id FROM images WHERE %s IN (%s) ORDER BY 1, 2, 3"
			want := f.run(fmt.Sprintf(q, c.name, c.short))
			got := f.run(fmt.Sprintf(q, c.name, c.long))
			if want.code != 0 || got.code != 0 || got.stdout != want.stdout {
				t.Errorf("exit %d, %d rows (%s): want exit %d and the %d rows of the list without the padding",
					got.code, len(records(t, got.stdout))-1, got.stderr, want.code, len(records(t, want.stdout))-1)
			}
		})
	}
}

// TestPushdownNumberBoundForAnOwner: --param acct=123456789012 binds a
// number (README, --param), which SQLite compares with a text column as its
// decimal text. For a column that decides whose rows a table lists at all
// (images, ebs_snapshots: the account's own unless an owner is named), the
// call must still be narrowed by it: listing the account's own instead
// silently dropped every image and snapshot the owner shares.
func TestPushdownNumberBoundForAnOwner(t *testing.T) {
	owner := fakedata.DemoManagementAccount
	for _, table := range []string{"images", "ebs_snapshots"} {
		t.Run(table, func(t *testing.T) {
			q := "SELECT account_id, region, owner_id FROM " + table + " WHERE owner_id = %s ORDER BY 1, 2"
			run := func(args ...string) result {
				return runCLI(context.Background(), nil, "", false, append([]string{"--demo", "--skip-accounts", fakedata.DemoNoRoleAccount}, args...)...)
			}
			want := run(fmt.Sprintf(q, "'"+owner+"'"))
			got := run("--param", "acct="+owner, fmt.Sprintf(q, ":acct"))
			shared := 0
			for _, r := range records(t, want.stdout)[1:] {
				if r[0] != owner {
					shared++
				}
			}
			if want.code != 0 || shared == 0 {
				t.Fatalf("exit %d %s: want rows shared with other accounts to compare with", want.code, want.stderr)
			}
			if got.code != 0 || got.stdout != want.stdout {
				t.Errorf("exit %d, %d rows (%s): want the %d rows of owner_id = '%s'", got.code, len(records(t, got.stdout))-1, got.stderr, len(records(t, want.stdout))-1, owner)
			}
		})
	}
}

// TestPushdownScopeUnderACollation: images and ebs_snapshots list the
// account's own unless an image, snapshot or owner is named. Named under a
// collation no API applies (image_id = '...' COLLATE NOCASE), the value
// cannot be asked of EC2, and the listing of the account's own, checked by
// SQLite, silently answered none of Amazon's or another owner's: the
// statement fails and says why. Named with IS and a constant, it is '='.
func TestPushdownScopeUnderACollation(t *testing.T) {
	run := func(args ...string) result {
		return runCLI(context.Background(), nil, "", false, append([]string{"--demo", "--skip-accounts", fakedata.DemoNoRoleAccount}, args...)...)
	}
	amazon := run("-o", "csv", "--no-header", "SELECT image_id FROM images WHERE image_owner_alias = 'amazon' ORDER BY 1 LIMIT 1")
	id := strings.TrimSpace(amazon.stdout)
	if amazon.code != 0 || id == "" {
		t.Fatalf("exit %d %q %s: want one of Amazon's AMIs", amazon.code, amazon.stdout, amazon.stderr)
	}
	for _, where := range []string{
		"image_id = '" + strings.ToUpper(id) + "' COLLATE NOCASE",
		"image_owner_alias = 'AMAZON' COLLATE NOCASE",
	} {
		r := run("SELECT count(*) FROM images WHERE " + where)
		if r.code != exitError || !strings.Contains(r.stderr, "COLLATE") || r.stdout != "" {
			t.Errorf("%s: exit %d, %q %s: want %d, no answer, and why", where, r.code, r.stdout, r.stderr, exitError)
		}
	}
	for _, tc := range []struct{ table, is, eq string }{
		{"images", "image_id IS '" + id + "'", "image_id = '" + id + "'"},
		{"ebs_snapshots", "owner_id IS '" + fakedata.DemoManagementAccount + "'", "owner_id = '" + fakedata.DemoManagementAccount + "'"},
	} {
		want := run("SELECT account_id, region FROM " + tc.table + " WHERE " + tc.eq + " ORDER BY 1, 2")
		got := run("SELECT account_id, region FROM " + tc.table + " WHERE " + tc.is + " ORDER BY 1, 2")
		if want.code != 0 || len(records(t, want.stdout)) < 2 || got.code != 0 || got.stdout != want.stdout {
			t.Errorf("%s: exit %d, %d rows %s: want the %d rows of %s", tc.is, got.code, len(records(t, got.stdout))-1, got.stderr, len(records(t, want.stdout))-1, tc.eq)
		}
	}
}
