package main

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestTypoHelp: a misspelt column, table, command or flag names the
// nearest that exists, and an error in a statement points at its place.
func TestTypoHelp(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // exactly
	}{
		{"column", []string{"SELECT instance_sate FROM ec2_instances"}, 1,
			"awssql: no such column: instance_sate: did you mean instance_state?\n  SELECT instance_sate FROM ec2_instances\n         ^\n"},
		{"qualified column, on a later line", []string{"SELECT count(*)\nFROM ec2_instances i\nWHERE i.instance_sate = 'running'"}, 1,
			"awssql: no such column: i.instance_sate: did you mean i.instance_state?\n  line 3: WHERE i.instance_sate = 'running'\n                ^\n"},
		{"the columns of the table named", []string{"SELECT naem FROM regions"}, 1,
			"awssql: no such column: naem: did you mean name?\n  SELECT naem FROM regions\n         ^\n"},
		{"nothing near", []string{"SELECT 'instance_sate', zzzqqq FROM regions"}, 1,
			"awssql: no such column: zzzqqq: awssql schema TABLE lists a table's columns\n  SELECT 'instance_sate', zzzqqq FROM regions\n                          ^\n"},
		{"a qualifier that names no table", []string{"SELECT foo.instance_id FROM ec2_instances"}, 1,
			"awssql: no such column: foo.instance_id: foo is not a table or alias of the statement\n  SELECT foo.instance_id FROM ec2_instances\n         ^\n"},
		{"a misspelt table as qualifier", []string{"SELECT ec2_instance.instance_id FROM ec2_instances"}, 1,
			"awssql: no such column: ec2_instance.instance_id: did you mean ec2_instances.instance_id?\n  SELECT ec2_instance.instance_id FROM ec2_instances\n         ^\n"},
		{"an alias whose table lacks the column", []string{"SELECT r.instance_id FROM regions r JOIN ec2_instances i USING (region)"}, 1,
			"awssql: no such column: r.instance_id: r has no column instance_id\n  SELECT r.instance_id FROM regions r JOIN ec2_instances i USING (region)\n         ^\n"},
		{"after wide characters", []string{"SELECT '日本語', instance_sate FROM ec2_instances"}, 1,
			"awssql: no such column: instance_sate: did you mean instance_state?\n  SELECT '日本語', instance_sate FROM ec2_instances\n                   ^\n"},
		{"table", []string{"SELECT * FROM ec2_instance"}, 1,
			"awssql: no such table: ec2_instance: did you mean ec2_instances?\n  SELECT * FROM ec2_instance\n                ^\n"},
		{"syntax", []string{"SELECT * FROM regions GROUP region"}, 1,
			"awssql: near \"region\": syntax error\n  SELECT * FROM regions GROUP region\n                              ^\n"},
		{"command", []string{"shcema", "ec2_instances"}, 2, "awssql: unknown command \"shcema\": did you mean schema?\n"},
		{"command alone", []string{"tabels"}, 2, "awssql: unknown command \"tabels\": did you mean tables?\n"},
		{"subcommand", []string{"cache", "clr"}, 2, "awssql: unknown command \"clr\" for awssql cache: did you mean clear?\n"},
		{"flag", []string{"--regoins", "us-east-1", "SELECT 1"}, 2, "awssql: unknown flag: --regoins: did you mean --regions?\n"},
		{"SQL that begins with a comment", []string{"-- the running ones\nSELECT 1"}, 2,
			"awssql: SQL that begins with a -- comment reads as a flag: put -- before it (awssql [flags] -- '-- ...')\n"},
		{"a subcommand's flag", []string{"policy", "--caler"}, 2, "awssql: unknown flag: --caler: did you mean --caller?\n"},
	}
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 1, Seed: 1})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(tt.args...)
			if r.code != tt.code || r.stderr != tt.stderr || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit %d, stderr:\n%s", r.code, r.stdout, r.stderr, tt.code, tt.stderr)
			}
		})
	}
}

// TestVersion: --version and the version command say which build this is.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := runCLI(context.Background(), nil, "", false, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "awssql ") || !strings.Contains(r.stdout, runtime.Version()) || strings.Count(r.stdout, "\n") != 1 {
			t.Errorf("%v: exit %d %q %s: want one line with the version and %s", args, r.code, r.stdout, r.stderr, runtime.Version())
		}
	}
}

// TestStatsWithASpace: --stats json is --stats=json, not text and a
// second SQL argument.
func TestStatsWithASpace(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "--stats", "json", "SELECT 1 AS n")
	if r.code != 0 || r.stdout != "n\n1\n" || !strings.HasPrefix(r.stderr, "{") || !strings.Contains(r.stderr, `"rows":1`) {
		t.Errorf("exit %d %q %q: want the row, and the statistics as JSON", r.code, r.stdout, r.stderr)
	}
}
