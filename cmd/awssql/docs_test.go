package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
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

// tablesMarkdown renders the README's lists of tables and of what is pushed
// down, from the tables' declarations and nothing else.
func tablesMarkdown(t *testing.T) string {
	ts := tables.All(nil)
	eng, err := vtab.New(tables.Defs(ts)...)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("| table | rows | calls | targets |\n|---|---|---|---|\n")
	for _, tbl := range ts {
		ti, _ := eng.Table(tbl.Name)
		name := "`" + tbl.Name + "`"
		for _, a := range ti.Aliases {
			name += ", `" + a + "`"
		}
		var calls []string
		for _, op := range tbl.Ops {
			if !slices.Contains(calls, op.Action) { // HeadObject and GetObject share one
				calls = append(calls, op.Action)
			}
		}
		if tbl.Scope == tables.PerConnection {
			calls = append([]string{"organizations:ListAccounts, or the caller's account (sts:GetCallerIdentity)"}, calls...)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, ti.Doc, strings.Join(calls, ", "), tbl.Scope)
	}
	b.WriteString("\n| table | column | becomes | SQLite | IN list |\n|---|---|---|---|---|\n")
	b.WriteString("| every table | `account_id`, `region` | the accounts and regions called at all: no call is made for the others | | any length |\n")
	for _, tbl := range ts {
		ti, _ := eng.Table(tbl.Name)
		for _, c := range ti.Columns {
			if c.Key == vtab.NoKey || c.Push == "the accounts called: none for the others" || c.Push == "the regions called: none for the others" {
				continue // the row for every table
			}
			check := map[vtab.Key]string{vtab.Exact: "exact", vtab.Pushed: "re-checks", vtab.Required: "exact; required"}[c.Key]
			in := "any length"
			switch {
			case c.Batch == 1 && c.Key == vtab.Required, c.Batch == 1 && c.PerValue:
				in = "a call per value"
			case c.Batch == 1:
				in = "one value; a list is one scan"
			case c.Batch < 1<<20 && c.PerValue:
				in = fmt.Sprintf("%d values a call", c.Batch)
			case c.Batch < 1<<20:
				in = fmt.Sprintf("up to %d values a call, else one scan", c.Batch)
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s |\n", tbl.Name, c.Name, c.Push, check, in)
		}
	}
	b.WriteString("\nSteampipe's columns that a table does not have, and why:\n\n| table | column | why |\n|---|---|---|\n")
	for _, tbl := range ts {
		for _, name := range slices.Sorted(maps.Keys(tbl.Missing)) {
			fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", tbl.Name, name, tbl.Missing[name])
		}
	}
	return b.String()
}

// TestREADMETables: the README's lists of tables and of pushdown are what
// the declarations say (go test ./cmd/awssql -update rewrites them).
func TestREADMETables(t *testing.T) {
	const begin, end = "<!-- tables: generated from the declarations by go test ./cmd/awssql -update -->\n", "<!-- end of tables -->\n"
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("the README has no %q ... %q block", begin, end)
	}
	want := tablesMarkdown(t)
	if got := readme[i+len(begin) : j]; got != want {
		if *update {
			if err := os.WriteFile("../../README.md", []byte(readme[:i+len(begin)]+want+readme[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the README's tables differ from the declarations (go test ./cmd/awssql -update):\n%s", cmp.Diff(want, got))
	}
}
