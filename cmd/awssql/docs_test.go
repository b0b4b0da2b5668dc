package main

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab/tables"
)

// TestREADMEMentionsEveryFlag walks the command tree: a flag users cannot
// find in the README does not exist for them.
func TestREADMEMentionsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{io: streams{getenv: func(string) string { return "" }}}
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if f.Name == "help" || f.Hidden || seen[c.Name()+f.Name] {
					return
				}
				seen[c.Name()+f.Name] = true
				if !strings.Contains(string(readme), "--"+f.Name) {
					t.Errorf("awssql %s: flag --%s is not in the README", c.Name(), f.Name)
				}
			})
		}
		for _, sub := range c.Commands() {
			if sub.Name() != "help" && sub.Name() != "completion" {
				if !strings.Contains(string(readme), sub.CommandPath()) {
					t.Errorf("command %s is not in the README", sub.CommandPath())
				}
				walk(sub)
			}
		}
	}
	walk(a.rootCommand())
}

func TestPolicyMatchesAllowlist(t *testing.T) {
	actions := func(args ...string) []string {
		r := runCLI(context.Background(), nil, "", false, append([]string{"policy"}, args...)...)
		if r.code != 0 {
			t.Fatalf("policy %v: exit %d %s", args, r.code, r.stderr)
		}
		var doc struct {
			Statement []struct {
				Action   any
				Resource any
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("policy %v is not JSON: %v", args, err)
		}
		var out []string
		for _, st := range doc.Statement {
			switch a := st.Action.(type) {
			case string:
				out = append(out, a)
			case []any:
				for _, x := range a {
					out = append(out, x.(string))
				}
			}
		}
		sort.Strings(out)
		return out
	}
	var reader, caller []string
	for _, op := range fetch.Allowlist(tables.Operations()) {
		if op.Caller {
			caller = append(caller, op.Action)
		} else if !slices.Contains(reader, op.Action) {
			reader = append(reader, op.Action)
		}
	}
	sort.Strings(reader)
	sort.Strings(caller)
	if got := actions(); !slices.Equal(got, reader) {
		t.Errorf("policy: %v, want %v", got, reader)
	}
	if got := actions("--caller"); !slices.Equal(got, caller) {
		t.Errorf("policy --caller: %v, want %v", got, caller)
	}
	r := runCLI(context.Background(), nil, "", false, "policy", "--trust", "--external-id", "ext-42",
		"--assume-role", "arn:aws:iam::111111111111:role/inventory")
	if !strings.Contains(r.stdout, `"AWS": "arn:aws:iam::111111111111:role/inventory"`) || !strings.Contains(r.stdout, `"sts:ExternalId": "ext-42"`) {
		t.Errorf("trust policy:\n%s", r.stdout)
	}
}

func TestConnectionValidation(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--assume-role", "arn:aws:iam::1234:role/x"}, `--assume-role: bad role ARN "arn:aws:iam::1234:role/x"`},
		{[]string{"--assume-role", "role/x"}, `bad role ARN "role/x"`},
		{[]string{"--external-id", "a b"}, "--external-id: bad external ID"},
		{[]string{"--role-session-name", "x"}, `--role-session-name: bad role session name "x"`},
		{[]string{"--list-accounts", "--ou", "ou-bad"}, `--ou: bad OU id "ou-bad"`},
		{[]string{"--ou", "ou-ab12-cd34ef56"}, "--ou needs --list-accounts"},
		{[]string{"--skip-accounts", "123456789012,12345"}, `--skip-accounts: bad account id "12345"`},
		{[]string{"--member-role", "a/b"}, `--member-role: bad role name "a/b"`},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, append(tt.args, "SELECT count(*) FROM ec2_instances")...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q: want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

func TestCompletion(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "__complete", "schema", "ec2")
	if !strings.Contains(r.stdout, "ec2_instances") || strings.Contains(r.stdout, "rds_instances") {
		t.Errorf("schema completion:\n%s", r.stdout)
	}
	r = runCLI(context.Background(), nil, "", false, "__complete", "run", "")
	if !strings.Contains(r.stdout, "running_instances\t") || !strings.Contains(r.stdout, "unused_amis\t") {
		t.Errorf("run completion:\n%s", r.stdout)
	}
	r = runCLI(context.Background(), nil, "", false, "completion", "bash")
	if r.code != 0 || !strings.Contains(r.stdout, "__awssql") {
		t.Errorf("completion bash: exit %d", r.code)
	}
}
