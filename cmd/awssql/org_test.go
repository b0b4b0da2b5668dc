package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

const extID = "ext-7c1e-inventory"

// newOrg serves a generated organization of n accounts (account 0 the
// management account) with two regions each, and a three-role chain in
// the management account: hop-1 trusts the base user, hop-2 trusts hop-1,
// hop-3 trusts hop-2; hop-2 and hop-3 require the external id.
func newOrg(t *testing.T, n int, g fakedata.GenOptions, opts ...awsfake.Option) (*fake, []string) {
	t.Helper()
	g.Accounts, g.Regions = n, 2
	if g.InstancesPerRegion == 0 {
		g.InstancesPerRegion = 3
	}
	ds := fakedata.Generate(g)
	mgmt := ds.Accounts[0]
	user := fmt.Sprintf("arn:aws:iam::%s:user/%s", mgmt.ID, mgmt.Keys[0].UserName)
	role := func(name string) string { return fmt.Sprintf("arn:aws:iam::%s:role/%s", mgmt.ID, name) }
	mgmt.Roles = append(mgmt.Roles,
		fakedata.Role{Name: "hop-1", TrustedPrincipals: []string{user}},
		fakedata.Role{Name: "hop-2", TrustedPrincipals: []string{role("hop-1")}, ExternalID: extID},
		fakedata.Role{Name: "hop-3", TrustedPrincipals: []string{role("hop-2")}, ExternalID: extID},
	)
	f := newFake(t, ds, opts...)
	f.args = append(f.args, "--regions", "us-east-1,us-east-2")
	return f, []string{role("hop-1"), role("hop-2"), role("hop-3")}
}

func chainArgs(chain []string) []string {
	var args []string
	for _, arn := range chain {
		args = append(args, "--assume-role", arn)
	}
	return append(args, "--external-id", extID)
}

// assumeRoles counts AssumeRole requests per role ARN.
func (f *fake) assumeRoles() map[string]int {
	m := map[string]int{}
	for _, r := range f.requestsOf("AssumeRole") {
		m[r.Params.Get("RoleArn")]++
	}
	return m
}

func TestOrgWideQueryAssumesEachRoleOnce(t *testing.T) {
	f, chain := newOrg(t, 5, fakedata.GenOptions{Seed: 1})
	args := append(chainArgs(chain), "--list-accounts", "SELECT account_id, count(*) FROM ec2_instances GROUP BY 1 ORDER BY 1")
	r := f.run(args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := len(records(t, r.stdout)) - 1; n != 5 {
		t.Errorf("%d accounts answered, want 5:\n%s", n, r.stdout)
	}
	got := f.assumeRoles()
	want := map[string]int{chain[0]: 1, chain[1]: 1, chain[2]: 1}
	for i := 1; i < 5; i++ {
		want[fmt.Sprintf("arn:aws:iam::%s:role/%s", fakedata.GenAccountID(i), fakedata.GenMemberRole)] = 1
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("AssumeRole calls %v, want the three hops and each member once: %v", got, want)
	}
	// The external id went with every AssumeRole; the management account's
	// own resources were read without assuming anything in it.
	for _, q := range f.requestsOf("AssumeRole") {
		if q.Params.Get("ExternalId") != extID {
			t.Errorf("AssumeRole %s without the external id", q.Params.Get("RoleArn"))
		}
	}
	// A second statement in the same process assumes nothing again.
	r = f.run(append(chainArgs(chain), "--list-accounts", "SELECT count(*) FROM ec2_instances; SELECT count(*) FROM rds_instances")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := len(f.requestsOf("AssumeRole")); n != 2*(3+4) {
		t.Errorf("%d AssumeRole calls over two runs, want %d (once per role per process)", n, 2*(3+4))
	}
}

func TestWrongExternalIDNamesTheHop(t *testing.T) {
	f, chain := newOrg(t, 2, fakedata.GenOptions{Seed: 1})
	args := append(chainArgs(chain), "--external-id", "not-the-right-one", "SELECT count(*) FROM ec2_instances")
	r := f.run(args...)
	if r.code != 1 || !strings.Contains(r.stderr, "role chain hop 2 ("+chain[1]+")") || !strings.Contains(r.stderr, "AccessDenied") {
		t.Errorf("exit %d, stderr %q: want 1 naming hop 2 and AccessDenied", r.code, r.stderr)
	}
	if n := len(f.requestsOf("DescribeInstances")); n != 0 {
		t.Errorf("%d DescribeInstances calls after the chain failed", n)
	}
}

func TestListAccountsUnderOUs(t *testing.T) {
	f, chain := newOrg(t, 9, fakedata.GenOptions{Seed: 1, OUs: 4})
	ds := f.ds
	// Pick a top-level OU with a nested OU under it.
	var top, nested string
	for _, ou := range ds.Org.OUs {
		for _, child := range ds.Org.OUs {
			if child.Parent == ou.ID && ou.Parent == ds.Org.RootID {
				top, nested = ou.ID, child.ID
			}
		}
	}
	if top == "" {
		t.Fatal("the fixture has no nested OU")
	}
	var want []string
	for _, a := range ds.Accounts {
		if a.Parent == top || a.Parent == nested {
			want = append(want, a.ID)
		}
	}
	sort.Strings(want)
	if len(want) < 2 {
		t.Fatalf("fixture: %v under %s", want, top)
	}
	skip := want[0]
	want = want[1:]
	args := append(chainArgs(chain), "--list-accounts", "--ou", top, "--skip-accounts", skip,
		"SELECT DISTINCT account_id FROM ec2_instances ORDER BY 1")
	r := f.run(args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got []string
	for _, rec := range records(t, r.stdout)[1:] {
		got = append(got, rec[0])
	}
	if !slices.Equal(got, want) {
		t.Errorf("accounts %v, want %v (under %s and %s, less %s)", got, want, top, nested, skip)
	}
	if n := len(f.requestsOf("ListAccounts")); n != 0 {
		t.Errorf("--ou listed the whole organization (%d ListAccounts)", n)
	}
	for _, q := range f.srv.Requests() {
		if q.Account == skip {
			t.Errorf("a call was made for the skipped account: %s", q.Operation)
		}
	}
}

func TestMissingMemberRole(t *testing.T) {
	f, chain := newOrg(t, 4, fakedata.GenOptions{Seed: 1})
	broken := fakedata.GenAccountID(2)
	f.ds.Accounts[2].Roles = nil
	r := f.run(append(chainArgs(chain), "--list-accounts", "SELECT DISTINCT account_id FROM ec2_instances ORDER BY 1")...)
	if r.code != 3 {
		t.Errorf("exit %d, want 3: %s", r.code, r.stderr)
	}
	role := fmt.Sprintf("arn:aws:iam::%s:role/%s", broken, fakedata.GenMemberRole)
	for _, want := range []string{"account " + broken, "AssumeRole", "AccessDenied", role, "trust policy", "external ID"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r.stderr)
		}
	}
	var got []string
	for _, rec := range records(t, r.stdout)[1:] {
		got = append(got, rec[0])
	}
	want := []string{fakedata.GenAccountID(0), fakedata.GenAccountID(1), fakedata.GenAccountID(3)}
	if !slices.Equal(got, want) {
		t.Errorf("accounts %v, want the other three %v", got, want)
	}
	// The accounts table says the same, as data.
	r = f.run(append(chainArgs(chain), "--list-accounts", "SELECT account_id, reachable, error IS NOT NULL FROM accounts ORDER BY 1")...)
	if r.code != 0 || !strings.Contains(r.stdout, broken+",0,1\n") || !strings.Contains(r.stdout, fakedata.GenAccountID(1)+",1,0\n") {
		t.Errorf("accounts: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestAccountPushdown(t *testing.T) {
	f, chain := newOrg(t, 5, fakedata.GenOptions{Seed: 1})
	target := fakedata.GenAccountID(3)
	r := f.run(append(chainArgs(chain), "--list-accounts", "SELECT count(*) FROM ec2_instances WHERE account_id = '"+target+"'")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	mgmt := fakedata.GenAccountID(0)
	for _, q := range f.srv.Requests() {
		if q.Account != target && q.Account != mgmt {
			t.Errorf("%s was called for account %s", q.Operation, q.Account)
		}
		if q.Account == mgmt && (q.Operation == "DescribeInstances" || q.Operation == "DescribeRegions") {
			t.Errorf("%s was called in the management account", q.Operation)
		}
	}
}

func TestAccountsTableIsCheap(t *testing.T) {
	f, chain := newOrg(t, 5, fakedata.GenOptions{Seed: 1})
	r := f.run(append(chainArgs(chain), "--list-accounts", "SELECT account_id, name, state FROM accounts ORDER BY 1")...)
	if r.code != 0 || len(records(t, r.stdout)) != 6 {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	for _, q := range f.srv.Requests() {
		if q.Operation == "ListParents" || (q.Operation == "AssumeRole" && !slices.Contains(chain, q.Params.Get("RoleArn"))) {
			t.Errorf("SELECT account_id FROM accounts made %s %s", q.Operation, q.Params.Get("RoleArn"))
		}
	}
	r = f.run(append(chainArgs(chain), "--list-accounts", "SELECT count(*) FROM accounts WHERE parent_id IS NOT NULL")...)
	if r.code != 0 || r.stdout != "count(*)\n5\n" || len(f.requestsOf("ListParents")) != 5 {
		t.Errorf("parent_id: exit %d %q %s, %d ListParents", r.code, r.stdout, r.stderr, len(f.requestsOf("ListParents")))
	}
}

func TestCredentialsRefreshMidQuery(t *testing.T) {
	f, chain := newOrg(t, 2, fakedata.GenOptions{Seed: 1, InstancesPerRegion: 30}, awsfake.WithMaxSessionDuration(2*time.Second))
	// Slow pages make the query outlive the sessions.
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: 700 * time.Millisecond})
	r := f.run(append(chainArgs(chain), "--list-accounts", "--concurrency", "1",
		"SELECT count(*) FROM ec2_instances")...)
	if r.code != 0 || r.stdout != "count(*)\n120\n" {
		t.Fatalf("exit %d %q: %s", r.code, r.stdout, r.stderr)
	}
	if n := len(f.requestsOf("AssumeRole")); n <= 4 {
		t.Errorf("%d AssumeRole calls: the sessions were not renewed", n)
	}
	for _, q := range f.srv.Requests() {
		if q.Code == "ExpiredToken" || q.Code == "RequestExpired" {
			t.Errorf("%s was signed with an expired session", q.Operation)
		}
	}
}

// TestCheckNamesTheDeniedAction denies each allowlisted action in turn:
// check must name exactly that action and exit 1.
func TestCheckNamesTheDeniedAction(t *testing.T) {
	for _, op := range fetch.Allowlist(tables.Operations()) {
		t.Run(op.Name, func(t *testing.T) {
			f, chain := newOrg(t, 3, fakedata.GenOptions{Seed: 1, OUs: 2, BucketsPerRegion: 1, ObjectsPerBucket: 2})
			svc, _, _ := strings.Cut(op.Action, ":")
			name := op.Name
			code := map[string]string{"ec2": "UnauthorizedOperation", "organizations": "AccessDeniedException"}[svc]
			if op.Name == "HeadBucket" {
				code = "Forbidden"
			}
			if code == "" {
				code = "AccessDenied"
			}
			fault := awsfake.Fault{Service: svc, Operation: name, Code: code, Status: 403, Message: "denied by the test"}
			args := append(chainArgs(chain), "--list-accounts")
			switch name {
			case "ListAccountsForParent", "ListOrganizationalUnitsForParent":
				args = append(args, "--ou", f.ds.Org.OUs[0].ID)
			case "AssumeRole":
				// Deny a member role, not the chain (the chain has its own test).
				fault.Account = fakedata.GenAccountID(2)
			case "GetCallerIdentity":
				fault.Times = 1 // the base identity
			}
			f.srv.AddFault(fault)
			r := f.run(append([]string{"check"}, args...)...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, "FAIL") || !strings.Contains(r.stdout, op.Action) {
				t.Errorf("check does not name %s:\n%s", op.Action, r.stdout)
			}
			for _, line := range strings.Split(r.stdout, "\n") {
				if strings.HasPrefix(line, "FAIL") && !strings.Contains(line, op.Action) {
					t.Errorf("a failure that is not %s: %s", op.Action, line)
				}
			}
		})
	}
	// And with nothing denied, every step passes.
	f, chain := newOrg(t, 3, fakedata.GenOptions{Seed: 1, BucketsPerRegion: 1, ObjectsPerBucket: 2})
	r := f.run(append([]string{"check"}, append(chainArgs(chain), "--list-accounts")...)...)
	if r.code != 0 || strings.Contains(r.stdout, "FAIL") {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestCheckProbesEveryActionWithoutResources: in accounts that have no
// volume, no snapshot, no function and no managed node yet, check still
// reads with each per-resource action, so that a denied one is named now
// rather than when the first resource appears.
func TestCheckProbesEveryActionWithoutResources(t *testing.T) {
	for _, action := range []struct{ svc, op, code string }{
		{"ec2", "DescribeVolumeAttribute", "UnauthorizedOperation"},
		{"ec2", "DescribeSnapshotAttribute", "UnauthorizedOperation"},
		{"lambda", "GetPolicy", "AccessDeniedException"},
		{"ssm", "ListInventoryEntries", "AccessDeniedException"},
	} {
		t.Run(action.op, func(t *testing.T) {
			f, chain := newOrg(t, 2, fakedata.GenOptions{Seed: 1})
			for _, a := range f.ds.Accounts {
				for _, r := range a.Regions {
					r.Volumes, r.Snapshots, r.Functions, r.ManagedInstances, r.Inventory = nil, nil, nil, nil, nil
				}
			}
			f.srv.AddFault(awsfake.Fault{Service: action.svc, Operation: action.op, Code: action.code, Status: 403, Message: "denied by the test"})
			r := f.run(append([]string{"check"}, append(chainArgs(chain), "--list-accounts")...)...)
			if r.code != 1 || !strings.Contains(r.stdout, "FAIL") || !strings.Contains(r.stdout, action.svc+":"+action.op) {
				t.Errorf("exit %d; check does not name %s:%s:\n%s%s", r.code, action.svc, action.op, r.stdout, r.stderr)
			}
		})
	}
}
