package main

import (
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
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
		"targets: 3 accounts x 1 regions = 3 (us-east-2)",
		"images AS m",
		"image_id = (a value from another table, per row) -> ImageIds",
		"targets: one (account, region) per row of the outer table",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, r.stdout)
		}
	}
	r = f.run(append(chainArgs(chain), "--list-accounts", "explain", "SELECT * FROM rds_instances WHERE db_instance_identifier = 'db1' LIMIT 2")...)
	for _, want := range []string{"db_instance_identifier = 'db1' -> DBInstanceIdentifier (re-checked by SQLite)", "LIMIT: not pushed"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, r.stdout)
		}
	}
	// No resource API was called: only who the caller is, the
	// organization's accounts and the caller's regions.
	for _, q := range f.srv.Requests() {
		switch q.Operation {
		case "GetCallerIdentity", "AssumeRole", "ListAccounts", "DescribeRegions":
		default:
			t.Errorf("explain called %s", q.Operation)
		}
		if q.Operation == "AssumeRole" && !strings.Contains(q.Params.Get("RoleArn"), "role/hop-") {
			t.Errorf("explain assumed a member role: %s", q.Params.Get("RoleArn"))
		}
	}
}
