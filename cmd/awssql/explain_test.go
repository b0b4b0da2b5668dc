package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// TestExplainTargetsMatchARun: the targets explain counts are the targets
// a run of the same statement plans, in the demo organization, whose
// accounts have regions of their own enabled and one of which cannot be
// entered. The statements are every golden case (so that a table's golden
// case is all it takes for its explain to be checked) and a few that
// exercise the demo's accounts and regions, and IN lists that take a
// fan-out per value.
func TestExplainTargetsMatchARun(t *testing.T) {
	statements := []string{
		"SELECT *, account_aliases FROM accounts",
		"SELECT * FROM images WHERE account_id IN ('123456789012', '234567890123')",
		"SELECT * FROM reserved_instances WHERE region IN ('us-east-1', 'eu-west-1', 'ap-east-1')",
		"SELECT * FROM rds_instances WHERE account_id = '234567890123'",
		"SELECT key FROM s3_objects WHERE bucket_name = 'awssql-demo-data'",
		"SELECT instance_type FROM ec2_instance_types WHERE region = 'eu-west-1'",
		"SELECT * FROM ebs_snapshots WHERE account_id = '123456789012' AND region IN ('us-east-1', 'ap-east-1')",
		"SELECT * FROM vpc_subnets WHERE account_id IN ('210987654321', '567890123456')",
		"SELECT * FROM ssm_managed_instances WHERE platform_type = 'Windows'",
		"SELECT name, runtime, tags FROM lambda_functions WHERE region IN ('us-east-1', 'us-west-2')",
		// A call per type: two fan-outs.
		"SELECT * FROM ssm_inventory_entries WHERE account_id = '123456789012' AND type_name IN ('AWS:Application', 'AWS:Network')",
		// A fan-out per value of an IN list.
		"SELECT key FROM s3_objects WHERE bucket_name = 'awssql-demo-data' AND key IN ('data/blob.bin', 'images/logo.png', 'no/such/key')",
		"SELECT key FROM s3_objects WHERE bucket_name IN ('awssql-demo-data', 'awssql-demo-logs') AND prefix IN ('data/', 'logs/')",
	}
	files, err := filepath.Glob("testdata/golden/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		statements = append(statements, string(b))
	}
	targets := regexp.MustCompile(`targets: (\d+|none)`)
	var compared []string
	for i, stmt := range statements {
		name := fmt.Sprint(i)
		if j := i - (len(statements) - len(files)); j >= 0 {
			name = filepath.Base(files[j])
		}
		t.Run(name, func(t *testing.T) {
			if explainMatchesRun(t, targets, stmt) {
				compared = append(compared, stmt)
			}
		})
	}
	// Every table is read by at least one statement compared, under its
	// name or an alias: a table's golden case is what puts it here.
	for _, tbl := range tables.All(nil) {
		reads := regexp.MustCompile(`(?i)\b(FROM|JOIN)\s+(` + strings.Join(append([]string{tbl.Name}, tbl.Aliases...), "|") + `)\b`)
		if !slices.ContainsFunc(compared, reads.MatchString) {
			t.Errorf("no statement compared reads %s: give it a golden case of one statement on it alone (testdata/golden/%s.sql)", tbl.Name, tbl.Name)
		}
	}
}

// targetLines are explain's lines that count a table's targets.
var targetLines = regexp.MustCompile(`(?m)^\s*targets:`)

// explainMatchesRun runs explain and the statement, and compares the
// targets explain counts with those the run planned. A statement that
// reads more than one table (a join, whose inner table is called per row
// of the outer one, or several statements) has no single count to
// compare: it reports false.
func explainMatchesRun(t *testing.T, targets *regexp.Regexp, stmt string) bool {
	r := runCLI(context.Background(), nil, "", false, "--demo", "explain", "--", stmt)
	all := targets.FindAllStringSubmatch(r.stdout, -1)
	if r.code != 0 || len(all) == 0 {
		t.Fatalf("explain: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
	if len(targetLines.FindAllString(r.stdout, -1)) > 1 {
		return false
	}
	m := all[0]
	want := 0
	if m[1] != "none" {
		want, _ = strconv.Atoi(m[1])
	}
	r = runCLI(context.Background(), nil, "", false, "--demo", "--stats=json", "--", stmt)
	var st struct {
		Targets struct{ Planned int } `json:"targets"`
	}
	// The statistics are the line that is a JSON object (a failure, such as
	// a golden case's bucket the demo has not, is named after it).
	var line string
	for l := range strings.Lines(r.stderr) {
		if strings.HasPrefix(l, "{") {
			line = l
		}
	}
	if err := json.Unmarshal([]byte(line), &st); err != nil {
		t.Fatalf("run: exit %d, no stats (%v): %s", r.code, err, r.stderr)
	}
	if st.Targets.Planned != want {
		t.Errorf("explain counts %d targets, a run planned %d:\n%s", want, st.Targets.Planned, r.stderr)
	}
	return true
}
