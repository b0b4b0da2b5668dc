package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// Temporary credentials: an access key id given as a flag takes its secret
// and its session token from the environment, as the AWS CLI does; a
// secret on the command line is visible in ps and draws a warning, one
// from the environment or a config file does not.
func TestTemporaryCredentials(t *testing.T) {
	const (
		key    = "ASIATEMPORARY0000001"
		secret = "temporary-secret-0123456789"
		token  = "temporary-session-token-0123456789"
	)
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 2, Seed: 1})
	f.srv.AddCredentials(key, awsfake.Principal{Account: f.ds.Accounts[0].ID, Secret: secret, SessionToken: token,
		Expires: time.Now().Add(time.Hour), ARN: "arn:aws:sts::" + f.ds.Accounts[0].ID + ":assumed-role/Auditor/me", UserID: "AROAEXAMPLE:me"})
	args := []string{"--endpoint-url", f.url, "--home-region", "us-east-1", "--regions", "us-east-1", "--access-key-id", key}
	query := "SELECT count(*) FROM ec2_instances"
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		warning string // "" for none
	}{
		{"token from AWS_SESSION_TOKEN", map[string]string{"AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token}, nil, 0, ""},
		{"token from AWSSQL_SESSION_TOKEN", map[string]string{"AWS_SECRET_ACCESS_KEY": secret, "AWSSQL_SESSION_TOKEN": token}, nil, 0, ""},
		{"token on the command line", map[string]string{"AWS_SECRET_ACCESS_KEY": secret}, []string{"--session-token", token}, 0, "--session-token is visible to other users in ps; prefer AWS_SESSION_TOKEN"},
		{"secret on the command line", map[string]string{"AWS_SESSION_TOKEN": token}, []string{"--secret-access-key", secret}, 0, "--secret-access-key is visible to other users in ps; prefer AWS_SECRET_ACCESS_KEY"},
		{"secret from AWSSQL_SECRET_ACCESS_KEY", map[string]string{"AWSSQL_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token}, nil, 0, ""},
		{"no token", map[string]string{"AWS_SECRET_ACCESS_KEY": secret}, nil, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(context.Background(), tt.env, "", false, append(append(slices.Clone(args), tt.args...), query)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if tt.code == 0 && r.stdout != "count(*)\n2\n" {
				t.Errorf("stdout %q", r.stdout)
			}
			if tt.warning == "" && strings.Contains(r.stderr, "warning") {
				t.Errorf("stderr %q: want no warning", r.stderr)
			}
			if tt.warning != "" && !strings.Contains(r.stderr, tt.warning) {
				t.Errorf("stderr %q: want %q", r.stderr, tt.warning)
			}
			for _, s := range []string{secret, token} {
				if strings.Contains(r.stdout+r.stderr, s) {
					t.Errorf("a secret is in the output: %q %q", r.stdout, r.stderr)
				}
			}
		})
	}
}

// A long-term access key (AKIA...) has no session token: one left in
// AWS_SESSION_TOKEN by an earlier assumed role is not sent with it, or AWS
// refuses the key as InvalidClientTokenId, and a valid key reads as
// refused credentials. A token asked for explicitly is still sent.
func TestLongTermKeyIgnoresEnvironmentToken(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 2, Seed: 1})
	key, secret := f.srv.Credentials(f.ds.Accounts[0].ID)
	if !strings.HasPrefix(key, "AKIA") {
		t.Fatalf("awsfake's key %s is not a long-term one", key)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"a stale AWS_SESSION_TOKEN", map[string]string{"AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "stale-token-of-another-session"}, nil, 0},
		{"a token asked for", map[string]string{"AWS_SECRET_ACCESS_KEY": secret, "AWSSQL_SESSION_TOKEN": "stale-token-of-another-session"}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(context.Background(), tt.env, "", false, append(slices.Clone(f.args), "SELECT count(*) FROM ec2_instances")...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if tt.code == 0 && r.stdout != "count(*)\n8\n" {
				t.Errorf("stdout %q", r.stdout)
			}
		})
	}
}

// Every value is checked before any call, from whichever source it came.
func TestFlagValueChecks(t *testing.T) {
	tests := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--timeout", "-1s"}, "--timeout must not be negative, not -1s"},
		{map[string]string{"AWSSQL_TIMEOUT": "-5m"}, nil, "--timeout must not be negative, not -5m0s"},
		{nil, []string{"--call-timeout", "-2s"}, "--call-timeout must not be negative"},
		{nil, []string{"--cache-ttl", "-1h"}, "--cache-ttl must not be negative"},
		{nil, []string{"--session-token", "x"}, "--session-token needs --access-key-id"},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), tt.env, "", false, append(slices.Clone(tt.args), "--demo", "SELECT 1")...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v %v: exit %d, stderr %q: want 2 and %q", tt.env, tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// Every flag has an environment form, the repeatable ones comma-separated;
// -f and --param too, though a config file's connection may not hold them.
func TestEnvironmentForms(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.sql"), filepath.Join(dir, "b.sql")
	os.WriteFile(a, []byte("SELECT 'from a' AS x;"), 0o600)
	os.WriteFile(b, []byte("SELECT 'from b' AS x;"), 0o600)
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		stdout string
		stderr string // a part of it
	}{
		{"AWSSQL_FILE", map[string]string{"AWSSQL_FILE": a + "," + b}, nil, "x\nfrom a\nx\nfrom b\n", ""},
		{"AWSSQL_PARAM", map[string]string{"AWSSQL_PARAM": "n=2,m=40"}, []string{"SELECT :n + :m AS s"}, "s\n42\n", ""},
		{"--param over AWSSQL_PARAM", map[string]string{"AWSSQL_PARAM": "n=2,m=40"}, []string{"--param", "n=1", "--param", "m=1", "SELECT :n + :m AS s"}, "s\n2\n", ""},
		{"AWSSQL_STATS", map[string]string{"AWSSQL_STATS": "json"}, []string{"SELECT 1 AS one"}, "one\n1\n", `"rows":1`},
		{"AWSSQL_OUTPUT", map[string]string{"AWSSQL_OUTPUT": "jsonl"}, []string{"SELECT 1 AS one"}, "{\"one\":1}\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(context.Background(), tt.env, "", false, append([]string{"--demo"}, tt.args...)...)
			if r.code != 0 || r.stdout != tt.stdout || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q: want 0, %q and %q", r.code, r.stdout, r.stderr, tt.stdout, tt.stderr)
			}
			if tt.stderr != "" {
				var v map[string]any
				if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &v); err != nil {
					t.Errorf("stats are not one JSON object: %v", err)
				}
			}
		})
	}
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("connections:\n  c:\n    param: [n=1]\n"), 0o600)
	r := runCLI(context.Background(), map[string]string{"AWSSQL_CONFIG": cfg}, "", false, "--connection", "c", "--demo", "SELECT 1")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown setting "param"`) {
		t.Errorf("param in a connection: exit %d %q: want 2, it is not a connection setting", r.code, r.stderr)
	}
}
