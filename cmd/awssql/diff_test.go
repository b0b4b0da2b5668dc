package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/internal/pgtest"
)

// diffLine is a line of awssql diff -o jsonl, without old, new and note.
type diffLine struct {
	Table, Change, Account, Region, Key, Column string
}

func diffLines(t *testing.T, out string) ([]diffLine, []map[string]any) {
	t.Helper()
	var lines []diffLine
	var raw []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		s := func(k string) string { v, _ := m[k].(string); return v }
		lines = append(lines, diffLine{s("table"), s("change"), s("account_id"), s("region"), s("key"), s("column")})
		raw = append(raw, m)
	}
	return lines, raw
}

// TestDiffReportsKnownChanges: between two snapshots of the demo
// organization, one instance added, one gone (terminated), one with a tag
// added, and a region that failed in the second, awssql diff reports those
// and nothing else, from every store: the failed region is unknown, not
// emptied.
func TestDiffReportsKnownChanges(t *testing.T) {
	const (
		mgmt, member = fakedata.DemoAccountID, "210987654321"
		noRole       = fakedata.DemoNoRoleAccount
	)
	before := fakedata.Demo()
	after := fakedata.Demo()
	east := after.Accounts[0].Regions["us-east-1"]
	gone := aws.ToString(east.Instances[1].InstanceId)
	tagged := aws.ToString(east.Instances[4].InstanceId)
	added := east.Instances[0]
	added.InstanceId = aws.String("i-0added0000000001")
	added.Tags = []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("web-new")}}
	east.Instances[4].Tags = append(slices.Clone(east.Instances[4].Tags), ec2types.Tag{Key: aws.String("Reviewed"), Value: aws.String("2026-11-02")})
	east.Instances = append(slices.Delete(east.Instances, 1, 2), added)

	f1 := demoFake(t, before)
	f2 := demoFake(t, after)
	f2.srv.AddFault(awsfake.Fault{Service: "ec2", Operation: "DescribeInstances", Account: member, Region: "eu-west-1", Code: "UnauthorizedOperation"})

	key := func(id string) string { return mgmt + "/us-east-1/" + id }
	want := []diffLine{
		{"ec2_instances", "removed", mgmt, "us-east-1", key(gone), ""},
		{"ec2_instances", "added", mgmt, "us-east-1", key("i-0added0000000001"), ""},
		// The tag shows in both of the table's tag columns.
		{"ec2_instances", "changed", mgmt, "us-east-1", key(tagged), "tags"},
		{"ec2_instances", "changed", mgmt, "us-east-1", key(tagged), "tags_src"},
		{"ec2_instances", "unknown", member, "eu-west-1", "", ""},
		{"ec2_instances", "unknown", noRole, "", "", ""},
	}
	for _, ti := range wholeTables(t) {
		if ti.Name != "accounts" && ti.Name != "ec2_instances" {
			// Every table but accounts misses the account without a role.
			want = append(want, diffLine{ti.Name, "unknown", noRole, "", "", ""})
		}
	}
	slices.SortStableFunc(want, func(a, b diffLine) int { return strings.Compare(a.Table, b.Table) })

	specs := map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "inventory.db"),
		"parquet":  "parquet:" + filepath.Join(t.TempDir(), "lake"),
		"postgres": pgtest.Start(t),
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			for i, f := range []*fake{f1, f2} {
				at := fmt.Sprintf("2026-11-0%dT06:00:00Z", i+1)
				if r := f.run("snapshot", "--into", spec, "--snapshot-time", at); r.code != 3 {
					t.Fatalf("snapshot %s: exit %d: %s", at, r.code, r.stderr)
				}
			}
			r := f1.run("diff", "--db", spec, "-o", "jsonl")
			got, raw := diffLines(t, r.stdout)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("diff (-want +got):\n%s\nstderr: %s", diff, r.stderr)
			}
			// Unknown targets make the answer partial (exit 3), and say so.
			if r.code != 3 || !strings.Contains(r.stderr, "unknown") {
				t.Errorf("diff: exit %d, want 3:\n%s", r.code, r.stderr)
			}
			for i, l := range got {
				note, _ := raw[i]["note"].(string)
				switch {
				case l.Column == "tags" && !strings.Contains(strings.ReplaceAll(fmt.Sprint(raw[i]["new"]), " ", ""), `"Reviewed":"2026-11-02"`):
					t.Errorf("tags changed to %v", raw[i]["new"])
				case l.Column == "tags_src" && !strings.Contains(strings.ReplaceAll(fmt.Sprint(raw[i]["new"]), " ", ""), `{"Key":"Reviewed","Value":"2026-11-02"}`):
					t.Errorf("tags_src changed to %v", raw[i]["new"])
				case l.Account == member && (!strings.Contains(note, "failed in the newer snapshot: DescribeInstances: UnauthorizedOperation") ||
					!strings.HasSuffix(note, "2 rows in the older snapshot, 0 rows in the newer")):
					t.Errorf("unknown target note: %q", note)
				}
			}
			if r := f1.run("diff", "--db", spec, "--exit-code", "ec2_instances", "-o", "csv"); r.code != 1 || !strings.Contains(r.stderr, "4 changes") {
				t.Errorf("diff --exit-code: exit %d, want 1:\n%s", r.code, r.stderr)
			}
			// Older and newer swapped: the gone instance comes back.
			r = f1.run("diff", "--db", spec, "--from", "2026-11-02T06:00:00Z", "--to", "20261101T060000Z", "-o", "jsonl", "ec2_instances")
			got, _ = diffLines(t, r.stdout)
			if len(got) != 6 || got[0].Change != "added" || got[0].Key != key(gone) {
				t.Errorf("reversed diff: %v", got)
			}
			// Every output format carries the same changes.
			for _, format := range formats {
				r := f1.run("diff", "--db", spec, "-o", format, "ec2_instances")
				if r.code != 3 {
					t.Errorf("diff -o %s: exit %d, want 3: %s", format, r.code, r.stderr)
				}
				for _, want := range []string{"i-0added0000000001", gone, "tags_src", "Reviewed", "2026-11-02", "unknown", member} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("diff -o %s: no %q in\n%s", format, want, r.stdout)
					}
				}
			}
		})
	}
}

// TestShardsMakeTheWholeSnapshot: the snapshots of --shard 1/4 to 4/4,
// taken at one time, hold what one unsharded snapshot holds: the same rows
// of every table, the same failures; awssql diff finds nothing between
// them; each account is in exactly one shard.
func TestShardsMakeTheWholeSnapshot(t *testing.T) {
	f, chain := newOrg(t, 12, fakedata.GenOptions{Seed: 7, ImagesPerRegion: 2,
		DBInstancesPerRegion: 1, ReservedPerRegion: 1, BucketsPerRegion: 1, FunctionsPerRegion: 1, ManagedPerRegion: 1})
	args := append(chainArgs(chain), "--list-accounts")
	// One failed target, to be found in the shard that holds its account.
	f.srv.AddFault(awsfake.Fault{Service: "ec2", Operation: "DescribeInstances", Account: fakedata.GenAccountID(5), Region: "us-east-2", Code: "UnauthorizedOperation"})
	db := filepath.Join(t.TempDir(), "inventory.db")
	const shardsAt, wholeAt = "2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z"
	for i := 1; i <= 4; i++ {
		r := f.run(append(slices.Clone(args), "snapshot", "--into", db, "--shard", fmt.Sprintf("%d/4", i), "--snapshot-time", shardsAt)...)
		if r.code != 0 && r.code != 3 {
			t.Fatalf("shard %d/4: exit %d: %s", i, r.code, r.stderr)
		}
	}
	if r := f.run(append(slices.Clone(args), "snapshot", "--into", db, "--snapshot-time", wholeAt)...); r.code != 3 {
		t.Fatalf("whole: exit %d: %s", r.code, r.stderr)
	}
	query := func(at, sql string) string {
		t.Helper()
		r := runCLI(t.Context(), nil, "", false, "--db", db, "--snapshot", at, "-o", "jsonl", sql)
		if r.code != 0 {
			t.Fatalf("--db --snapshot %s %q: exit %d: %s", at, sql, r.code, r.stderr)
		}
		return r.stdout
	}
	for _, ti := range wholeTables(t) {
		shards := jsonlRows(t, query(shardsAt, "SELECT * FROM "+ti.Name))
		whole := jsonlRows(t, query(wholeAt, "SELECT * FROM "+ti.Name))
		if len(whole) == 0 {
			t.Errorf("%s: no rows", ti.Name)
		}
		if diff := cmp.Diff(whole, shards); diff != "" {
			t.Errorf("%s: the union of the shards (-whole +shards):\n%s", ti.Name, diff)
		}
	}
	failures := func(shard string) []string {
		return jsonlRows(t, query(shardsAt, `SELECT f.table_name, f.account_id, f.region, f.operation, f.code
			FROM main.snapshot_failures f JOIN main.snapshots s USING (snapshot_id) WHERE s.`+shard))
	}
	if whole, shards := failures("shard IS NULL"), failures("shard IS NOT NULL"); len(whole) != 1 || !slices.Equal(whole, shards) {
		t.Errorf("failures: whole %v, shards %v", whole, shards)
	}
	// Each account in one shard, every account in some shard.
	accounts := jsonlRows(t, query(shardsAt, `SELECT a.value AS account, count(*) AS shards FROM main.snapshots, json_each(accounts) AS a
		WHERE shard IS NOT NULL GROUP BY 1`))
	if len(accounts) != 12 || slices.ContainsFunc(accounts, func(s string) bool { return !strings.Contains(s, `"shards":"number:1"`) }) {
		t.Errorf("accounts per shard: %v", accounts)
	}
	r := f.run("diff", "--db", db, "--exit-code")
	if r.code != 3 || strings.Contains(r.stdout, "added") || strings.Contains(r.stdout, "removed") || strings.Contains(r.stdout, "changed") {
		t.Errorf("diff of the shards and the whole: exit %d (want 3: only the failed target, unknown):\n%s%s", r.code, r.stdout, r.stderr)
	}
}
