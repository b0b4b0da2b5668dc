package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	cfg := `default: org
connections:
  org:
    external-id: from-file
    assume-role:
      - arn:aws:iam::111111111111:role/hop-one
      - arn:aws:iam::222222222222:role/hop-two
  other:
    external-id: other-file
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	trust := func(env map[string]string, args ...string) result {
		env["AWSSQL_CONFIG"] = path
		return runCLI(context.Background(), env, "", false, append([]string{"policy", "--trust"}, args...)...)
	}
	tests := []struct {
		env  map[string]string
		args []string
		want []string
	}{
		{map[string]string{}, nil, []string{`"sts:ExternalId": "from-file"`, "role/hop-two"}},
		{map[string]string{}, []string{"--connection", "other"}, []string{`"other-file"`, "CALLER_ACCOUNT_ID"}},
		{map[string]string{"AWSSQL_CONNECTION": "other"}, nil, []string{`"other-file"`}},
		{map[string]string{"AWSSQL_EXTERNAL_ID": "from-env"}, nil, []string{`"from-env"`, "role/hop-two"}},
		{map[string]string{"AWSSQL_EXTERNAL_ID": "from-env"}, []string{"--external-id", "from-flag"}, []string{`"from-flag"`}},
		{map[string]string{"AWSSQL_ASSUME_ROLE": "arn:aws:iam::333333333333:role/a,arn:aws:iam::444444444444:role/b"}, nil, []string{"444444444444:role/b"}},
	}
	for _, tt := range tests {
		r := trust(tt.env, tt.args...)
		if r.code != 0 {
			t.Errorf("%v %v: exit %d %s", tt.env, tt.args, r.code, r.stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v %v: output lacks %s:\n%s", tt.env, tt.args, w, r.stdout)
			}
		}
	}
	if r := trust(map[string]string{}, "--connection", "nope"); r.code != 2 || !strings.Contains(r.stderr, `no connection "nope" (it has org, other)`) {
		t.Errorf("unknown connection: exit %d %q", r.code, r.stderr)
	}
}

func TestConfigChecks(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.yaml")
	os.WriteFile(secret, []byte("connections:\n  c:\n    access-key-id: AKIAEXAMPLE000000000\n    session-token: abc\n"), 0o644)
	r := runCLI(context.Background(), map[string]string{"AWSSQL_CONFIG": secret}, "", false, "--connection", "c", "policy")
	if r.code != 0 || !strings.Contains(r.stderr, "holds session-token and is readable by others") || strings.Contains(r.stderr, "abc") {
		t.Errorf("exit %d, stderr %q: want a warning that names the setting, not its value", r.code, r.stderr)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("connections:\n  c:\n    regoins: eu-*\n"), 0o600)
	r = runCLI(context.Background(), map[string]string{"AWSSQL_CONFIG": bad}, "", false, "--connection", "c", "policy")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown setting "regoins"`) {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(context.Background(), nil, "", false, "--config", filepath.Join(dir, "missing.yaml"), "policy")
	if r.code != 2 {
		t.Errorf("missing --config file: exit %d %q", r.code, r.stderr)
	}
}

// TestConfigValuesAsWritten: a setting is the text written in the file,
// as on the command line, not what YAML would make of it: an external ID
// 0123 is "0123", not the octal 83, and 1e3 is not "1000". A value that is
// neither a scalar nor a list is an error, not its Go rendering.
func TestConfigValuesAsWritten(t *testing.T) {
	tests := []struct {
		value string // as written after "external-id: "
		want  string // the external ID the trust policy then holds; "" for a usage error
	}{
		{"0123", "0123"},
		{"00042", "00042"},
		{"1e3", "1e3"},
		{"0x1F", "0x1F"},
		{"12345678901234567890", "12345678901234567890"},
		{"1_000", "1_000"},
		{`"0123"`, "0123"},
		{"'0123'", "0123"},
		{"[0123]", "0123"},
		{"{a: b}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			cfg := "connections:\n  c:\n    assume-role: arn:aws:iam::222222222222:role/inventory\n    external-id: " + tt.value + "\n"
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			r := runCLI(context.Background(), nil, "", false, "--config", path, "--connection", "c", "policy", "--trust")
			switch {
			case tt.want == "" && r.code != 2:
				t.Errorf("exit %d, stderr %q: want a usage error", r.code, r.stderr)
			case tt.want != "" && (r.code != 0 || !strings.Contains(r.stdout, `"sts:ExternalId": "`+tt.want+`"`)):
				t.Errorf("exit %d: want the external ID %q in\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}

// TestConfigValueErrorsSayWhere: a wrong value from the config file or the
// environment says where it was written (the file and connection, or the
// variable), not only the setting: nothing on the command line was wrong.
func TestConfigValueErrorsSayWhere(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("default: org\nconnections:\n  org:\n    timeout: soon\n    concurrency: lots\n"), 0o600)
	for _, tt := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"AWSSQL_CONFIG": cfg}, []string{"config " + cfg + ": connection org: timeout: ", `"soon"`, "config " + cfg + ": connection org: concurrency: ", `"lots"`}},
		{map[string]string{"AWSSQL_TIMEOUT": "soon"}, []string{"AWSSQL_TIMEOUT: ", `"soon"`}},
	} {
		r := runCLI(context.Background(), tt.env, "", false, "SELECT 1")
		for _, w := range tt.want {
			if r.code != 2 || !strings.Contains(r.stderr, w) {
				t.Errorf("%v: exit %d, stderr %q: want 2 and %q", tt.env, r.code, r.stderr, w)
			}
		}
	}
}
