package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestParamTypes: a value binds as a number only when it is written as
// one that reads back the same; an account id with a leading zero stays
// text and still matches.
func TestParamTypes(t *testing.T) {
	tests := []struct {
		value, typ, shown string
	}{
		{"012345678901", "text", "012345678901"},
		{"123456789012", "integer", "123456789012"},
		{"-7", "integer", "-7"},
		{"2.5", "real", "2.5"},
		// SQLite shows a whole REAL with its ".0": 1.0 reads back as 1.0,
		// and as text it would compare greater than every number.
		{"1.0", "real", "1.0"},
		{"-30.0", "real", "-30.0"},
		{"1.0e+20", "real", "1.0e+20"},
		{"2.50", "text", "2.50"},
		{"1.00", "text", "1.00"},
		{"+5", "text", "+5"},
		{"1e3", "text", "1e3"},
		{"99999999999999999999", "text", "99999999999999999999"},
		{"", "text", ""},
		{"now", "text", "now"},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, "--param", "v="+tt.value, "SELECT typeof(:v) AS t, :v AS v")
		if want := "t,v\n" + tt.typ + "," + tt.shown + "\n"; r.code != 0 || r.stdout != want {
			t.Errorf("--param v=%s: exit %d %q %s, want %q", tt.value, r.code, r.stdout, r.stderr, want)
		}
	}
	r := runCLI(context.Background(), nil, "", false, "--param", "acct=012345678901",
		"SELECT count(*) AS n FROM (SELECT '012345678901' AS account_id) WHERE account_id = :acct")
	if r.stdout != "n\n1\n" {
		t.Errorf("an account id with a leading zero matches nothing: %q %s", r.stdout, r.stderr)
	}
}

// TestParamDeclarations: a query file declares a parameter's type and its
// default; a declared type checks the value given, and an empty default
// stays empty.
func TestParamDeclarations(t *testing.T) {
	file := filepath.Join(t.TempDir(), "typed.sql")
	os.WriteFile(file, []byte("-- Typed.\n-- param: acct text = 012345678901  an account\n-- param: n integer = 5  a count\n-- param: p =   a prefix (empty: all)\n"+
		"SELECT :acct AS acct, typeof(:acct) AS ta, :n AS n, typeof(:n) AS tn, '[' || :p || ']' AS p;\n"), 0o600)
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{nil, 0, "acct,ta,n,tn,p\n012345678901,text,5,integer,[]\n", ""},
		{[]string{"--param", "acct=42", "--param", "n=007"}, 0, "acct,ta,n,tn,p\n42,text,7,integer,[]\n", ""},
		{[]string{"--param", "n=abc"}, 2, "", "--param n=abc: the query declares it an integer"},
		{[]string{"--param", "nn=1"}, 2, "", "no parameter :nn in saved query typed (did you mean :n?); the parameters are :acct, :n, :p"},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, append([]string{"run", file}, tt.args...)...)
		if r.code != tt.code || r.stdout != tt.stdout || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("%v: exit %d %q %q, want %d %q %q", tt.args, r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.sql")
	os.WriteFile(bad, []byte("-- Bad.\n-- param: p = the prefix\nSELECT :p;\n"), 0o600)
	if r := runCLI(context.Background(), nil, "", false, "run", bad); r.code != 2 || !strings.Contains(r.stderr, `param p: cannot read "prefix"`) {
		t.Errorf("a declaration that cannot be read: exit %d %q", r.code, r.stderr)
	}
}

// TestUnknownParam: a misspelt --param is a usage error that lists the
// parameters there are, not a quiet run with the default.
func TestUnknownParam(t *testing.T) {
	demo := []string{"--demo", "--skip-accounts", fakedata.DemoNoRoleAccount}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run", "reserved_expiring", "--param", "dayz=90"}, "--param dayz: no parameter :dayz in saved query reserved_expiring (did you mean :days?); the parameters are :days, :today"},
		{[]string{"--param", "x=1", "SELECT 1"}, "--param x: no parameter :x in the statement, which takes none"},
		{[]string{"--param", "dayz=1", "SELECT :days; SELECT :today"}, "no parameter :dayz in the statements (did you mean :days?); the parameters are :days, :today"},
		{[]string{"explain", "--param", "x=1", "SELECT :y"}, "parameter :y has no value"},
		// A positional parameter can never be bound: --param names them.
		{[]string{"SELECT ?"}, "parameter ? has no name: write :name and give --param name=VALUE"},
		{[]string{"--param", "1=5", "SELECT ?1"}, `--param "1=5": write name=value`},
		{[]string{"SELECT '?' AS q, ?2 + 1"}, "parameter ?2 has no name: write :name and give --param name=VALUE"},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, append(demo, tt.args...)...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d %q %q, want 2 and %q", tt.args, r.code, r.stdout, r.stderr, tt.want)
		}
	}
}

// TestEmptyDefault: largest_s3_objects' prefix defaults to empty (the
// whole bucket), not to the first word of its description.
func TestEmptyDefault(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "queries")
	if !strings.Contains(r.stdout, "bucket (required) prefix='' top=20") {
		t.Errorf("queries lists largest_s3_objects' parameters wrongly:\n%s", r.stdout)
	}
	r = runCLI(context.Background(), nil, "", false, "--demo", "run", "largest_s3_objects", "--param", "bucket=awssql-demo-data")
	if r.code != 0 || strings.Count(r.stdout, "\n") < 3 {
		t.Errorf("largest_s3_objects with its default prefix: exit %d %s\n%s", r.code, r.stderr, r.stdout)
	}
	r = runCLI(context.Background(), nil, "", false, "--demo", "run", "largest_s3_objects")
	if r.code != 2 || !strings.Contains(r.stderr, "parameter :bucket has no value: add --param bucket=VALUE") {
		t.Errorf("no bucket: exit %d %q", r.code, r.stderr)
	}
}

// TestParamFromEnvironment: AWSSQL_PARAM takes comma-separated name=value
// pairs, and a value may hold commas itself (missing_tags' tags): a piece
// without "=" belongs to the value before it.
func TestParamFromEnvironment(t *testing.T) {
	tests := []struct {
		env, want string
	}{
		{"d=30,t=5", "30|5"},
		{"t=Owner,CostCenter,d=7", "7|Owner,CostCenter"},
		{"d=1, t=a,b,c", "1|a,b,c"},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), map[string]string{"AWSSQL_PARAM": tt.env}, "", false, "--no-header", "-o", "tsv", "SELECT :d || '|' || :t")
		if r.code != 0 || r.stdout != tt.want+"\n" {
			t.Errorf("AWSSQL_PARAM=%s: exit %d %q %s, want %q", tt.env, r.code, r.stdout, r.stderr, tt.want)
		}
	}
	r := runCLI(context.Background(), map[string]string{"AWSSQL_PARAM": "oops,d=1"}, "", false, "SELECT :d")
	if r.code != 2 || !strings.Contains(r.stderr, `"oops": write name=value`) {
		t.Errorf("a first piece without a name: exit %d %q", r.code, r.stderr)
	}
}

// TestDateParams: a day the saved queries count from is checked, so that
// a mistyped one is a usage error rather than an empty answer (julianday
// of a text it cannot read is NULL, and no row compares with NULL).
func TestDateParams(t *testing.T) {
	demo := []string{"--demo", "--skip-accounts", fakedata.DemoNoRoleAccount, "run", "stopped_instances"}
	tests := []struct {
		today string
		code  int
	}{
		{"now", 0},
		{"2026-11-01", 0},
		{"2026-11-01T10:00:00Z", 0},
		{"2026-11-01 10:00:00", 0},
		{"garbage", 2},
		{"11/01/2026", 2},
		{"2026-13-01", 2},
		{"", 2},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, append(demo, "--param", "today="+tt.today)...)
		if r.code != tt.code || tt.code == 2 && !strings.Contains(r.stderr, "--param today="+tt.today+": the query declares it a date: give YYYY-MM-DD") {
			t.Errorf("today=%s: exit %d %q, want %d", tt.today, r.code, r.stderr, tt.code)
		}
	}
}
