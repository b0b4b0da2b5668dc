package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func configRun(t *testing.T, file string, args ...string) result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	return runCLI(context.Background(), map[string]string{"AWSSQL_CONFIG": path}, "", false, args...)
}

const oneConnection = "connections:\n  c:\n    external-id: from-c\n    assume-role: [arn:aws:iam::111111111111:role/x]\n"

// TestConfigTopLevel: the file's top level holds default, connections and
// x-* keys, in one YAML document; anything else, a setting put there or in
// a second document, is refused (exit 2) rather than read as nothing.
// (Helper 35's cases.)
func TestConfigTopLevel(t *testing.T) {
	tests := []struct {
		name, file string
		code       int
		want       string // in stderr when code is 2, in stdout when 0
	}{
		{"document start", "---\ndefault: c\n" + oneConnection, 0, "from-c"},
		{"document end", "---\ndefault: c\n" + oneConnection + "...\n", 0, "from-c"},
		{"BOM", "\ufeffdefault: c\n" + oneConnection, 0, "from-c"},
		{"CRLF", strings.ReplaceAll("default: c\n"+oneConnection, "\n", "\r\n"), 0, "from-c"},
		{"quoted keys", "\"default\": c\n'connections':\n  c:\n    external-id: from-c\n    assume-role: [arn:aws:iam::111111111111:role/x]\n", 0, "from-c"},
		{"flow mapping", "{default: c, connections: {c: {external-id: from-c, assume-role: [arn:aws:iam::111111111111:role/x]}}}\n", 0, "from-c"},
		{"anchored top level", "&all\ndefault: c\n" + oneConnection, 0, "from-c"},
		{"x- keys holding anything", "x-a: 1\nx-b: [1, {a: b}]\nx-c: null\nx-: 3\nx-d: &d {decoder: sdk}\ndefault: c\n" + oneConnection, 0, "from-c"},
		{"merge under a connection", "x-base: &base\n  external-id: from-c\ndefault: c\nconnections:\n  c:\n    <<: *base\n    assume-role: [arn:aws:iam::111111111111:role/x]\n", 0, "from-c"},
		{"comments only", "# nothing\n# here\n", 0, ""},
		{"null document", "~\n", 0, ""},
		{"empty mapping", "{}\n", 0, ""},
		{"odd case Default", "Default: c\n" + oneConnection, 2, `line 1: unknown key "Default"`},
		{"odd case CONNECTIONS", "default: c\nCONNECTIONS:\n  c: {}\n", 2, `line 2: unknown key "CONNECTIONS"`},
		{"X- upper", "X-a: 1\n", 2, `line 1: unknown key "X-a"`},
		{"a flag in a flow mapping", "{default: c, decoder: sdk}\n", 2, `line 1: unknown key "decoder" (settings go under a connection`},
		{"a flag after a BOM", "\ufeffdecoder: sdk\n", 2, `line 1: unknown key "decoder"`},
		{"a number key", "1: x\n", 2, `line 1: unknown key "1"`},
		{"the line, after blank lines and comments", "default: c\n\n# c\n\n" + oneConnection + "cache-ttl: 10m\n", 2, `line 9: unknown key "cache-ttl" (settings go under a connection`},
		{"a flag of the first document, more after", "---\ndecoder: sdk\n---\ndefault: c\n", 2, `unknown key "decoder"`},
		{"a setting in a second document", "default: c\n" + oneConnection + "---\ndecoder: sdk\n", 2, "line 6: a second YAML document"},
		{"the configuration in a second document", "---\n# connections of the audit team\n---\ndefault: c\n" + oneConnection, 2, "line 3: a second YAML document"},
		{"an empty second document", "default: c\n" + oneConnection + "---\n# nothing\n", 0, "from-c"},
		{"a top-level merge of an x- anchor", "x-base: &base\n  default: c\n<<: *base\n" + oneConnection, 0, "from-c"},
		{"a setting merged into the top level", "x-base: &base\n  decoder: sdk\n<<: *base\n" + oneConnection, 2, `line 2: unknown key "decoder" (settings go under a connection`},
		{"an alias as a key", "x-k: &k default\n*k : c\n" + oneConnection, 0, "from-c"},
		{"an alias of a setting as a key", "x-k: &k decoder\n*k : sdk\n" + oneConnection, 2, `unknown key "decoder" (settings go under a connection`},
		{"no setting", "default: c\nbogus: 1\n" + oneConnection, 2, `line 2: unknown key "bogus" (the top level holds default and connections)`},
		{"a flag that is no setting", "param: x=1\n", 2, `unknown key "param" (the top level holds default and connections)`},
		{"empty", "", 0, ""},
		{"a list", "- default: c\n", 2, "cannot unmarshal !!seq"},
		{"a scalar", "hello\n", 2, "cannot unmarshal !!str"},
		{"duplicate keys", "default: c\ndefault: c\n" + oneConnection, 2, `mapping key "default" already defined`},
		{"tabs", "default: c\nconnections:\n\tc: {}\n", 2, "yaml: line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := configRun(t, tt.file, "policy", "--trust")
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			got := r.stdout
			if tt.code != 0 {
				got = r.stderr
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("want %q in %q", tt.want, got)
			}
		})
	}
}

// TestConfigNotReadForHelp: help, the version and shell completion never
// connect, so a mistake in the config file does not stop them (Tab
// completion would go quiet); a command that connects still says it.
func TestConfigNotReadForHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"help"}, 0},
		{[]string{"version"}, 0},
		{[]string{"completion", "bash"}, 0},
		{[]string{"__complete", "--conn"}, 0},
		{[]string{"tables"}, 2},
		{[]string{"policy"}, 2},
	} {
		r := configRun(t, "bogus: 1\n", tt.args...)
		if r.code != tt.code {
			t.Errorf("%v: exit %d, want %d: %s", tt.args, r.code, tt.code, r.stderr)
		}
		if tt.code == 2 && !strings.Contains(r.stderr, `unknown key "bogus"`) {
			t.Errorf("%v: %q does not name the key", tt.args, r.stderr)
		}
	}
}

// TestConfigSettingOfAnotherCommand: a connection's setting is a flag of
// some command; a command without that flag lets it be. output: json is
// the query's, and tables, schema, queries and policy ran it as an
// unknown setting (exit 2) before.
func TestConfigSettingOfAnotherCommand(t *testing.T) {
	file := "default: c\nconnections:\n  c:\n    demo: true\n    output: json\n"
	for _, args := range [][]string{{"tables"}, {"schema", "ec2_instances"}, {"queries"}, {"policy"}} {
		if r := configRun(t, file, args...); r.code != 0 {
			t.Errorf("%v: exit %d %s", args, r.code, r.stderr)
		}
	}
	if r := configRun(t, file, "SELECT 1 AS x"); r.code != 0 || !strings.Contains(r.stdout, `{"x":1}`) {
		t.Errorf("the query: exit %d, %q: want its output as JSON", r.code, r.stdout)
	}
	if r := configRun(t, strings.Replace(file, "output", "outptu", 1), "tables"); r.code != 2 || !strings.Contains(r.stderr, `unknown setting "outptu"`) {
		t.Errorf("a misspelt setting: exit %d %q", r.code, r.stderr)
	}
}
