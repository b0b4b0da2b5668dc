package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

func TestExplain(t *testing.T) {
	f, chain := newOrg(t, 3, fakedata.GenOptions{Seed: 1})
	args := append(chainArgs(chain), "--list-accounts", "explain", `SELECT i.instance_id, m.name
		FROM ec2_instances i LEFT JOIN images m ON m.image_id = i.image_id AND m.account_id = i.account_id AND m.region = i.region
		WHERE i.instance_state = 'running' AND i.instance_type LIKE 't3%' AND i.region = 'us-east-2'`)
	r := f.run(args...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"ec2_instances AS i (scan)",
		"instance_state = 'running' -> filter instance-state-name (exact)",
		"region = 'us-east-2' -> the regions called",
		"checked by SQLite: instance_type >=, instance_type <, instance_type LIKE",
		"LIMIT: not pushed",
		"targets: 3 (3 accounts, each in its own enabled regions: us-east-2)",
		"images AS m",
		"image_id = (a value from another table, per row) -> filter image-id (whoever owns it) (SQLite re-checks each row)",
		"targets: one (account, region) per row of the outer table",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, r.stdout)
		}
	}
	r = f.run(append(chainArgs(chain), "--list-accounts", "explain", "SELECT * FROM rds_instances WHERE db_instance_identifier = 'db1' LIMIT 2")...)
	for _, want := range []string{"db_instance_identifier = 'db1' -> filter db-instance-id (SQLite re-checks each row)", "LIMIT: not pushed"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, r.stdout)
		}
	}
	// No resource API was called: only who the caller is, the
	// organization's accounts and each account's regions.
	for _, q := range f.srv.Requests() {
		switch q.Operation {
		case "GetCallerIdentity", "AssumeRole", "ListAccounts", "DescribeRegions":
		default:
			t.Errorf("explain called %s", q.Operation)
		}
	}
}

// TestExplainTargetsMatchARun: for every table, the targets explain counts
// are the targets a run of the same statement plans, in the demo
// organization, whose accounts have regions of their own enabled and one of
// which cannot be entered.
func TestExplainTargetsMatchARun(t *testing.T) {
	statements := map[string]string{
		"accounts":            "SELECT *, account_aliases FROM accounts",
		"regions":             "SELECT * FROM regions",
		"ec2_instances":       "SELECT * FROM ec2_instances",
		"images":              "SELECT * FROM images WHERE account_id IN ('123456789012', '234567890123')",
		"reserved_instances":  "SELECT * FROM reserved_instances WHERE region IN ('us-east-1', 'eu-west-1', 'ap-east-1')",
		"rds_instances":       "SELECT * FROM rds_instances WHERE account_id = '234567890123'",
		"s3_buckets":          "SELECT * FROM s3_buckets",
		"s3_objects":          "SELECT key FROM s3_objects WHERE bucket_name = 'awssql-demo-data'",
		"ec2_instance_types":  "SELECT instance_type FROM ec2_instance_types WHERE region = 'eu-west-1'",
		"ebs_volumes":         "SELECT * FROM ebs_volumes WHERE state = 'available'",
		"ebs_snapshots":       "SELECT * FROM ebs_snapshots WHERE account_id = '123456789012' AND region IN ('us-east-1', 'ap-east-1')",
		"vpcs":                "SELECT * FROM vpcs WHERE is_default",
		"vpc_subnets":         "SELECT * FROM vpc_subnets WHERE account_id IN ('210987654321', '567890123456')",
		"vpc_security_groups": "SELECT group_id FROM vpc_security_groups WHERE group_name = 'web'",

		"lambda_functions":      "SELECT name, runtime, tags FROM lambda_functions WHERE region IN ('us-east-1', 'us-west-2')",
		"ssm_managed_instances": "SELECT * FROM ssm_managed_instances WHERE platform_type = 'Windows'",
		// A call per type: two fan-outs.
		"ssm_inventory_entries": "SELECT * FROM ssm_inventory_entries WHERE account_id = '123456789012' AND type_name IN ('AWS:Application', 'AWS:Network')",
	}
	// Statements whose IN lists make a fan-out per value.
	more := map[string][]string{
		"s3_objects": {
			"SELECT key FROM s3_objects WHERE bucket_name = 'awssql-demo-data' AND key IN ('data/blob.bin', 'images/logo.png', 'no/such/key')",
			"SELECT key FROM s3_objects WHERE bucket_name IN ('awssql-demo-data', 'awssql-demo-logs') AND prefix IN ('data/', 'logs/')",
		},
	}
	targets := regexp.MustCompile(`targets: (\d+|none)`)
	for _, tbl := range tables.All(nil) {
		stmt, ok := statements[tbl.Name]
		if !ok {
			t.Fatalf("no statement for %s: every table needs one here", tbl.Name)
		}
		for i, stmt := range append([]string{stmt}, more[tbl.Name]...) {
			t.Run(fmt.Sprintf("%s/%d", tbl.Name, i), func(t *testing.T) { explainMatchesRun(t, targets, stmt) })
		}
	}
}

// explainMatchesRun runs explain and the statement, and compares the
// targets explain counts with those the run planned.
func explainMatchesRun(t *testing.T, targets *regexp.Regexp, stmt string) {
	r := runCLI(context.Background(), nil, "", false, "--demo", "explain", stmt)
	m := targets.FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("explain: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	want := 0
	if m[1] != "none" {
		want, _ = strconv.Atoi(m[1])
	}
	r = runCLI(context.Background(), nil, "", false, "--demo", "--stats=json", stmt)
	var st struct {
		Targets struct{ Planned int } `json:"targets"`
	}
	line := r.stderr[strings.LastIndex(strings.TrimSpace(r.stderr), "\n")+1:]
	if err := json.Unmarshal([]byte(line), &st); err != nil {
		t.Fatalf("run: exit %d, no stats (%v): %s", r.code, err, r.stderr)
	}
	if st.Targets.Planned != want {
		t.Errorf("explain counts %d targets, a run planned %d:\n%s", want, st.Targets.Planned, r.stderr)
	}
}
