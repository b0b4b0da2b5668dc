package main

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// readmeCommand is a command of the README's indented blocks, and the
// output shown after it ("$ awssql ..." followed by what it prints).
type readmeCommand struct {
	line   int
	text   string
	args   []string // after "awssql" or "go run ./cmd/awssql"
	output string   // "" when none is shown
}

// readmeCommands reads the indented blocks' lines that start with awssql
// (or go run ./cmd/awssql, or "$ " and one of them), joining lines ended
// with a backslash, and the output lines shown after a "$ " command.
func readmeCommands(t *testing.T, readme string) []readmeCommand {
	t.Helper()
	lines := strings.Split(readme, "\n")
	var cmds []readmeCommand
	for i := 0; i < len(lines); i++ {
		body, ok := strings.CutPrefix(lines[i], "    ")
		if !ok {
			continue
		}
		body = strings.TrimLeft(body, " ") // a block inside a list item is indented further
		shown := strings.HasPrefix(body, "$ ")
		body = strings.TrimPrefix(body, "$ ")
		rest, isCmd := "", false
		for _, p := range []string{"go run ./cmd/awssql", "awssql"} {
			if r, ok := strings.CutPrefix(body, p); ok && (r == "" || r[0] == ' ') {
				rest, isCmd = r, true
				break
			}
		}
		if !isCmd {
			continue
		}
		c := readmeCommand{line: i + 1}
		text := body
		for strings.HasSuffix(strings.TrimRight(text, " "), `\`) && i+1 < len(lines) {
			i++
			text = strings.TrimSuffix(strings.TrimRight(text, " "), `\`) + " " + strings.TrimSpace(lines[i])
			rest = strings.TrimSuffix(strings.TrimRight(rest, " "), `\`) + " " + strings.TrimSpace(lines[i])
		}
		c.text = text
		args, err := shellWords(rest)
		if err != nil {
			t.Errorf("README line %d: %v", c.line, err)
			continue
		}
		c.args = args
		if shown {
			var out []string
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") && !strings.HasPrefix(strings.TrimLeft(lines[i+1], " "), "$ ") {
				i++
				out = append(out, strings.TrimPrefix(lines[i], "    "))
			}
			c.output = strings.Join(out, "\n")
		}
		cmds = append(cmds, c)
	}
	return cmds
}

// shellWords splits a command line as a POSIX shell does for the README's
// commands: single and double quotes, backslashes, and a # comment.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case c == '#' && !inWord:
			return words, nil
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errorf("unclosed ' in %s", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i, inWord = i+1+j, true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i == len(s) {
				return nil, errorf(`unclosed " in %s`, s)
			}
			inWord = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func errorf(format string, args ...any) error { return usageErrorf(format, args...) }

// readmeExempt says why a README command is not run, or "".
func readmeExempt(c readmeCommand) string {
	has := func(flags ...string) bool {
		return slices.ContainsFunc(c.args, func(a string) bool {
			return slices.ContainsFunc(flags, func(f string) bool { return a == f || strings.HasPrefix(a, f+"=") })
		})
	}
	switch {
	case strings.Contains(c.text, "[flags]"):
		return "a synopsis, with placeholders"
	case len(c.args) == 1 && c.args[0] == "--demo":
		return "opens the interactive shell, which TestShell and TestShellDotCommands drive through a terminal"
	case !connects(c.args):
		return ""
	case has("--profile", "--access-key-id", "--endpoint-url", "--assume-role"):
		return "connects to the reader's own AWS (a profile, keys, an endpoint or a role chain), which --demo replaces and refuses"
	case has("--ou"):
		return "names an OU of the reader's organization, which the demo does not have"
	case has("--connection"):
		return "names a connection of the reader's config file"
	case slices.ContainsFunc(c.args, func(a string) bool { return strings.HasPrefix(a, "postgres://") }):
		return "writes to the reader's PostgreSQL server (the stores' tests start one of their own)"
	case slices.Contains(c.args, "diff"):
		return "compares snapshots taken apart in time, with changes between them, which TestDiffReportsKnownChanges takes"
	case has("--snapshot"):
		return "names a snapshot taken at a time of the reader's"
	}
	return ""
}

// snapshotSummary is the line awssql snapshot ends with on stderr.
func snapshotSummary(stderr string) (rest string, ok bool) {
	var kept []string
	for _, line := range strings.SplitAfter(stderr, "\n") {
		if strings.HasPrefix(line, "awssql: snapshot ") && strings.Contains(line, " into ") {
			ok = true
			continue
		}
		kept = append(kept, line)
	}
	return strings.Join(kept, ""), ok
}

// connects says whether a command calls AWS (and so runs against --demo),
// rather than describing awssql itself.
func connects(args []string) bool {
	for _, a := range args {
		switch a {
		case "tables", "schema", "queries", "policy", "version", "--version", "completion", "cache":
			return false
		}
	}
	return true
}

// TestREADMECommandsRun runs every command of the README's indented blocks
// that can run here: those that describe awssql as written, those that
// query as written with --demo added (the demo is the organization the
// README's reader would have), and, for a command shown with its output,
// compares what it prints. The others are logged with the reason.
func TestREADMECommandsRun(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(t, string(raw))
	if len(cmds) < 15 {
		t.Fatalf("%d commands found in the README: the parser lost them", len(cmds))
	}
	// What the commands write (awssql snapshot --into inventory.db), and
	// what the later ones read, stays out of the source tree.
	t.Chdir(t.TempDir())
	ran := 0
	seen := map[string]int{}
	for _, c := range cmds {
		if why := readmeExempt(c); why != "" {
			t.Logf("README line %d not run: %s: %s", c.line, why, c.text)
			continue
		}
		// A snapshot's id is its second: the same snapshot twice in one
		// second is refused, as it should be.
		key := strings.Join(c.args, "\x00")
		if at, ok := seen[key]; ok {
			t.Logf("README line %d not run: it ran at line %d: %s", c.line, at, c.text)
			continue
		}
		seen[key] = c.line
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := c.args
			// --db reads a store instead of AWS, and refuses --demo.
			if connects(args) && !slices.Contains(args, "--demo") && !slices.Contains(args, "--db") {
				args = append([]string{"--demo"}, args...)
			}
			r := runCLI(context.Background(), nil, "", false, args...)
			ran++
			if c.output != "" {
				got := strings.TrimRight(r.stdout+r.stderr, "\n")
				if got != c.output {
					t.Errorf("README line %d: %s\nprints:\n%s\nthe README shows:\n%s", c.line, c.text, got, c.output)
				}
				return
			}
			// A snapshot says what it wrote on stderr, and prints nothing.
			stderr, summary := r.stderr, false
			if slices.Contains(args, "snapshot") {
				if stderr, summary = snapshotSummary(r.stderr); !summary {
					t.Errorf("README line %d: %s: no summary of the snapshot on stderr:\n%s", c.line, c.text, r.stderr)
				}
			}
			// The demo's member without its role fails as the README says
			// (exit 3); anything else is a command that no longer works.
			partial := r.code == 3 && strings.Count(stderr, "\n") == 1 && strings.Contains(stderr, "account "+fakedata.DemoNoRoleAccount+": AssumeRole")
			if (r.code != 0 || stderr != "") && !partial {
				t.Errorf("README line %d: %s\nexit %d, stderr:\n%s", c.line, c.text, r.code, r.stderr)
			}
			if strings.TrimSpace(r.stdout) == "" && !summary {
				t.Errorf("README line %d: %s: printed nothing", c.line, c.text)
			}
		})
	}
	if ran < 10 {
		t.Errorf("only %d README commands ran", ran)
	}
}
