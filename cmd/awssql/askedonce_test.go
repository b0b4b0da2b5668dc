package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// planEngine is an engine of every table with no session: enough to plan
// statements (oneLoop), not to run them.
func planEngine(t *testing.T) (*vtab.Engine, *sql.DB) {
	t.Helper()
	eng, err := vtab.New(tables.Defs(tables.All(nil))...)
	if err != nil {
		t.Fatal(err)
	}
	db := eng.DB()
	t.Cleanup(func() { db.Close() })
	return eng, db
}

// TestOneLoop holds the rule that lets a one-shot statement keep no
// answers: only a plan that reads one virtual table in one loop (sorted
// or grouped) qualifies; a join, a self-join, a subquery, a compound, a
// CTE read twice or a loop over VALUES do not, since SQLite may then
// filter a cursor again and ask its calls again.
func TestOneLoop(t *testing.T) {
	eng, db := planEngine(t)
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{"SELECT count(*) FROM ec2_instances", true},
		{"SELECT account_id, region, count(*) FROM ec2_instances GROUP BY account_id, region", true},
		{"SELECT DISTINCT instance_type FROM ec2_instances ORDER BY 1", true},
		{"SELECT * FROM ec2_instances WHERE instance_id IN ('i-1', 'i-2') AND region = 'us-east-1'", true},
		{"SELECT * FROM aws_ec2_instance WHERE instance_state = 'running' LIMIT 3", true},
		{"SELECT count(*) FROM ec2_instances a, ec2_instances b", false},
		{"SELECT count(*) FROM ec2_instances i JOIN vpcs v ON v.vpc_id = i.vpc_id", false},
		{"SELECT count(*) FROM (VALUES (1), (2), (3)) v, ec2_instances i", false},
		{"SELECT count(*) FROM ec2_instances WHERE instance_id IN (SELECT instance_id FROM ec2_instances)", false},
		{"SELECT (SELECT count(*) FROM vpcs), instance_id FROM ec2_instances", false},
		{"SELECT instance_id FROM ec2_instances UNION SELECT vpc_id FROM vpcs", false},
		{"WITH x AS (SELECT instance_type FROM ec2_instances) SELECT count(*) FROM x a, x b", false},
		{"SELECT instance_id, row_number() OVER (PARTITION BY region) FROM ec2_instances", false},
		{"SELECT 1", false},
		{"SELEC 1", false},
	} {
		if got := oneLoop(context.Background(), eng, db, c.sql, nil); got != c.want {
			t.Errorf("%s: oneLoop %v, want %v", c.sql, got, c.want)
		}
	}
}

// TestCallsAskedAgainAreKept: a one-shot statement whose plan may filter a
// cursor again still finds its calls' answers kept, so each call is made
// once; and a script's later statement finds those of the earlier one.
func TestCallsAskedAgainAreKept(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 3})
	for _, c := range []struct {
		sql   string
		calls int // DescribeInstances calls
	}{
		{"SELECT count(*) FROM (VALUES (1), (2), (3)) v, ec2_instances i", len(genRegions)},
		{"SELECT count(*) FROM ec2_instances a, ec2_instances b WHERE a.launch_time = b.launch_time", len(genRegions)},
		{"SELECT count(*) FROM ec2_instances; SELECT count(*) FROM ec2_instances", len(genRegions)},
		{"SELECT count(*) FROM ec2_instances", len(genRegions)},
	} {
		before := len(f.requestsOf("DescribeInstances"))
		if r := f.run(c.sql); r.code != 0 {
			t.Fatalf("%s: exit %d: %s", c.sql, r.code, r.stderr)
		}
		if got := len(f.requestsOf("DescribeInstances")) - before; got != c.calls {
			t.Errorf("%s: %d DescribeInstances calls, want %d", c.sql, got, c.calls)
		}
	}
}

// TestHydratedCallsAreKept: a one-shot statement that reads one table in
// one loop keeps no answers of its own calls, but a hydrated column's call
// is keyed by the row, and rows share it (DB instances their CA's
// certificate) as do columns of one row (a function's GetFunction and
// GetPolicy, a bucket's GetBucketVersioning and GetPublicAccessBlock): each
// is still made once.
func TestHydratedCallsAreKept(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{DBInstancesPerRegion: 40, FunctionsPerRegion: 10, BucketsPerRegion: 3, Seed: 3})
	cas := map[string]bool{} // account/region/CA
	functions, buckets := 0, 0
	for _, a := range f.ds.Accounts {
		for name, r := range a.Regions {
			for _, d := range r.DBInstances {
				cas[a.ID+"/"+name+"/"+aws.ToString(d.CACertificateIdentifier)] = true
			}
			functions += len(r.Functions)
			buckets += len(r.Buckets)
		}
	}
	if len(cas) == 0 || len(cas)*2 > len(genRegions)*40 || functions == 0 || buckets == 0 {
		t.Fatalf("the data should share CAs among DB instances and have functions and buckets: %d CAs, %d functions, %d buckets", len(cas), functions, buckets)
	}
	eng, db := planEngine(t)
	for _, c := range []struct {
		sql   string
		calls map[string]int
	}{
		{"SELECT count(certificate) FROM rds_instances", map[string]int{"DescribeCertificates": len(cas)}},
		{"SELECT db_instance_identifier, certificate FROM rds_instances ORDER BY 1", map[string]int{"DescribeCertificates": len(cas)}},
		{"SELECT name, policy, policy_std, code, tags, reserved_concurrent_executions FROM lambda_functions",
			map[string]int{"GetFunction": functions, "GetPolicy": functions}},
		{"SELECT name, versioning_enabled, versioning_mfa_delete, block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets FROM s3_buckets",
			map[string]int{"GetBucketVersioning": buckets, "GetPublicAccessBlock": buckets}},
	} {
		// The statements this test is about: their own calls are not kept.
		if !oneLoop(context.Background(), eng, db, c.sql, nil) {
			t.Fatalf("%s: oneLoop false: the statement no longer tests the rule", c.sql)
		}
		before := map[string]int{}
		for op := range c.calls {
			before[op] = len(f.requestsOf(op))
		}
		if r := f.run(c.sql); r.code != 0 {
			t.Fatalf("%s: exit %d: %s", c.sql, r.code, r.stderr)
		}
		for op, want := range c.calls {
			if got := len(f.requestsOf(op)) - before[op]; got != want {
				t.Errorf("%s: %d %s calls, want %d", c.sql, got, op, want)
			}
		}
	}
}

// TestOneLoopCallsAskedAgainAreKept: a statement that reads one table in
// one loop may still make a call twice, and keeps it: an IN list split in
// a query per value, whose queries each list the region's managed nodes
// first; and an IN list past the 32nd constraint, which SQLite binds one
// value at a time, filtering the cursor once per value (values that do
// not narrow the call make the same call each time).
func TestOneLoopCallsAskedAgainAreKept(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, ManagedPerRegion: 3, Seed: 3})
	eng, db := planEngine(t)
	past32 := func(col string) string {
		var terms []string
		for i := range 32 {
			terms = append(terms, fmt.Sprintf("%s > '%d'", col, i))
		}
		return strings.Join(terms, " AND ")
	}
	for _, c := range []struct {
		sql   string
		op    string
		calls int
	}{
		{"SELECT count(*) FROM ssm_inventory_entries WHERE type_name IN ('AWS:Application', 'AWS:Network')", "DescribeInstanceInformation", len(genRegions)},
		{"SELECT count(*) FROM ssm_inventory_entries WHERE " + past32("capture_time") + " AND type_name IN ('AWS:Application', 'AWS:Network')",
			"DescribeInstanceInformation", len(genRegions)},
		{"SELECT count(*) FROM ebs_volumes WHERE " + past32("create_time") + " AND encrypted IN ('yes', 'no')", "DescribeVolumes", len(genRegions)},
	} {
		if !oneLoop(context.Background(), eng, db, c.sql, nil) {
			t.Fatalf("%s: oneLoop false: the statement no longer tests the rule", c.sql)
		}
		before := len(f.requestsOf(c.op))
		if r := f.run(c.sql); r.code != 0 {
			t.Fatalf("%s: exit %d: %s", c.sql, r.code, r.stderr)
		}
		if got := len(f.requestsOf(c.op)) - before; got != c.calls {
			t.Errorf("%s: %d %s calls, want %d", c.sql, got, c.op, c.calls)
		}
	}
}

// TestEveryTableOneShotMakesTheScriptsCalls walks every table: each read
// whole, every column (hidden ones too, whose calls rows share), alone in
// a run, where its own answers are not kept, makes exactly the calls it
// makes as a script's second statement, where they are. A table with a
// numeric column is read again with an IN list of it past SQLite's 32nd
// constraint, which SQLite binds one value at a time (vtab.Query.Again).
func TestEveryTableOneShotMakesTheScriptsCalls(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 3, DBInstancesPerRegion: 6, ImagesPerRegion: 2, ReservedPerRegion: 2,
		BucketsPerRegion: 1, ObjectsPerBucket: 3, FunctionsPerRegion: 2, ManagedPerRegion: 2, Seed: 5})
	eng, db := planEngine(t)
	var bucket string
	for _, a := range f.ds.Accounts {
		for _, r := range a.Regions {
			for _, b := range r.Buckets {
				bucket = b.Name
			}
		}
	}
	if bucket == "" {
		t.Fatal("the data set has no bucket")
	}
	counts := func() map[string]int {
		n := map[string]int{}
		for _, r := range f.srv.Requests() {
			n[r.Operation]++
		}
		return n
	}
	tables := 0
	for _, ti := range eng.Tables() {
		var cols []string
		where := []string{"1"}
		for _, c := range ti.Columns {
			cols = append(cols, fmt.Sprintf("%q", c.Name))
			if c.Key == vtab.Required {
				where = append(where, fmt.Sprintf("%q = '%s'", c.Name, bucket))
			}
		}
		// Past SQLite's 32nd constraint, an IN list of text on a numeric
		// column: bound one value at a time, and not narrowing the calls,
		// each value's filter makes the same calls.
		var numeric string
		for _, c := range ti.Columns {
			if numeric == "" && (c.Type == vtab.Integer || c.Type == vtab.Bool || c.Type == vtab.Real) {
				numeric = c.Name
			}
		}
		base := fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(cols, ", "), ti.Name, strings.Join(where, " AND "))
		statements := []string{base}
		if numeric != "" {
			var past32 []string
			for i := range 32 {
				past32 = append(past32, fmt.Sprintf("region > '%d'", i))
			}
			statements = append(statements, base+" AND "+strings.Join(past32, " AND ")+fmt.Sprintf(" AND %q IN ('a', 'b')", numeric))
		}
		for _, q := range statements {
			if !oneLoop(context.Background(), eng, db, q, nil) {
				continue // not the rule's case
			}
			tables++
			start := counts()
			alone := f.run(q)
			mid := counts()
			script := f.run("--no-cache", "SELECT 1; "+q)
			end := counts()
			if alone.code != script.code {
				t.Errorf("%s: exit %d alone, %d in a script", ti.Name, alone.code, script.code)
				continue
			}
			for op := range end {
				if a, s := mid[op]-start[op], end[op]-mid[op]; a != s {
					t.Errorf("%s (%.60s...): %s made %d times alone, %d as a script's second statement", ti.Name, q, op, a, s)
				}
			}
		}
	}
	if tables < len(eng.Tables())+10 {
		t.Errorf("only %d statements over %d tables are one loop", tables, len(eng.Tables()))
	}
}
