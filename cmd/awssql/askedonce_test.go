package main

import (
	"context"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// TestOneLoop holds the rule that lets a one-shot statement keep no
// answers: only a plan that reads one virtual table in one loop (sorted
// or grouped) qualifies; a join, a self-join, a subquery, a compound, a
// CTE read twice or a loop over VALUES do not, since SQLite may then
// filter a cursor again and ask its calls again.
func TestOneLoop(t *testing.T) {
	eng, err := vtab.New(tables.Defs(tables.All(nil))...)
	if err != nil {
		t.Fatal(err)
	}
	db := eng.DB()
	defer db.Close()
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
