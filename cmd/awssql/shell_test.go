package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// screen collects what the program writes to its terminal.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until the screen shows want after position from, and
// returns the position after it.
func (s *screen) waitFor(t *testing.T, from int, want string, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out := s.String()
		if i := strings.Index(out[from:], want); i >= 0 {
			return from + i + len(want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen does not show %q after %v; it shows:\n%s", want, within, out[from:])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// built is the awssql binary the tests that need a real terminal share,
// built once per test process.
var built = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "awssql-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "awssql")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	return bin, nil
})

func binary(t *testing.T) string {
	t.Helper()
	bin, err := built()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestShell drives the shell through a real pseudo-terminal: type a
// statement and read the table, continue a statement over two lines,
// complete a dot-command with Tab, cancel a slow statement with Ctrl-C and
// carry on, run a statement again from the cache, and quit.
func TestShell(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, DBInstancesPerRegion: 1, Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeDBInstances", Latency: 20 * time.Second})
	home := t.TempDir()
	cmd := exec.Command(bin, f.args...)
	cmd.Env = append(os.Environ(), "AWS_SECRET_ACCESS_KEY="+f.env["AWS_SECRET_ACCESS_KEY"], "HOME="+home,
		"XDG_STATE_HOME="+filepath.Join(home, "state"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"), "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	scr := &screen{}
	go func() { _, _ = copyAll(scr, tty) }()
	typeIn := func(s string) {
		t.Helper()
		if _, err := tty.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}

	pos := scr.waitFor(t, 0, "awssql> ", 10*time.Second)
	typeIn("SELECT count(*) AS instances FROM ec2_instances;\r")
	pos = scr.waitFor(t, pos, "│ instances │", 10*time.Second)
	pos = scr.waitFor(t, pos, "│        20 │", 5*time.Second) // numbers right-aligned
	pos = scr.waitFor(t, pos, "awssql> ", 5*time.Second)

	typeIn("SELECT 'two' AS lines\r")
	pos = scr.waitFor(t, pos, "...> ", 5*time.Second)
	typeIn("  ;\r")
	pos = scr.waitFor(t, pos, "│ two   │", 5*time.Second)

	// Tab completes the dot-command.
	typeIn(".tab\t")
	pos = scr.waitFor(t, pos, "les", 5*time.Second)
	typeIn("\r")
	pos = scr.waitFor(t, pos, "ec2_instances", 5*time.Second)

	// Ctrl-C cancels the slow statement and its calls; the shell goes on.
	typeIn("SELECT count(*) FROM rds_instances;\r")
	time.Sleep(700 * time.Millisecond)
	start := time.Now()
	typeIn("\x03")
	pos = scr.waitFor(t, pos, "interrupted", 3*time.Second)
	pos = scr.waitFor(t, pos, "awssql> ", 3*time.Second)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Ctrl-C took %v", took)
	}
	time.Sleep(100 * time.Millisecond)
	for _, q := range f.requestsOf("DescribeDBInstances") {
		if !q.Canceled {
			t.Errorf("DescribeDBInstances in %s was not cancelled", q.Region)
		}
	}

	// The same connection answers a repeated statement from its cache.
	calls := f.srv.Count("DescribeInstances", "", "")
	typeIn(".mode csv\r")
	typeIn("SELECT count(*) AS again FROM ec2_instances;\r")
	pos = scr.waitFor(t, pos, "again", 5*time.Second)
	pos = scr.waitFor(t, pos, "20", 5*time.Second)
	if n := f.srv.Count("DescribeInstances", "", ""); n != calls {
		t.Errorf("the repeated statement made %d new calls", n-calls)
	}

	typeIn(".quit\r")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v", err)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal(".quit did not end the shell")
	}
	hist := filepath.Join(home, "state", "awssql", "history")
	info, err := os.Stat(hist)
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("history mode %o, want 600", info.Mode().Perm())
	}
	if b, _ := os.ReadFile(hist); !strings.Contains(string(b), "FROM ec2_instances") {
		t.Errorf("history does not hold the statements:\n%s", b)
	}
	_ = pos
}

func copyAll(dst *screen, src *os.File) (int64, error) {
	var n int64
	buf := make([]byte, 4096)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			dst.Write(buf[:k])
			n += int64(k)
		}
		if err != nil {
			return n, err
		}
	}
}

// TestProgressOnATerminal: with stderr on a terminal, the progress line is
// shown while a slow statement fetches, and stdout (a pipe) gets only the
// rows.
func TestProgressOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-2", Latency: 800 * time.Millisecond})
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	scr := &screen{}
	go func() { _, _ = copyAll(scr, ptmx) }()
	cmd := exec.Command(bin, append(f.args, "SELECT count(*) FROM ec2_instances")...)
	cmd.Env = append(os.Environ(), "AWS_SECRET_ACCESS_KEY="+f.env["AWS_SECRET_ACCESS_KEY"], "HOME="+t.TempDir())
	cmd.Stderr = tty
	out, err := cmd.Output()
	tty.Close()
	if err != nil {
		t.Fatalf("%v: %s", err, scr.String())
	}
	if string(out) != "count(*)\n20\n" {
		t.Errorf("stdout %q", out)
	}
	scr.waitFor(t, 0, "/4 targets, ", 2*time.Second)
}

// TestShellDotCommands: the sqlite3 shell's output commands (.headers,
// .mode line, .width, .output, .once), .show and .cache clear, and a
// target's failure told once, not after every statement that meets it.
func TestShellDotCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	home := t.TempDir()
	cmd := exec.Command(binary(t), "--demo")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	defer cmd.Process.Kill()
	scr := &screen{}
	go func() { _, _ = copyAll(scr, tty) }()
	pos := scr.waitFor(t, 0, "awssql> ", 10*time.Second)
	// Each command's output is read up to the next prompt.
	do := func(line string) string {
		t.Helper()
		if _, err := tty.Write([]byte(line + "\r")); err != nil {
			t.Fatal(err)
		}
		// The line is redrawn, prompt and all, as it is typed; Enter ends
		// it with a new line, and the output runs to the next prompt.
		start := scr.waitFor(t, pos, "\n", 10*time.Second)
		pos = scr.waitFor(t, start, "awssql> ", 20*time.Second)
		return strings.ReplaceAll(scr.String()[start:pos], "\r\n", "\n")
	}

	// The demo's member without its role fails the first statement that
	// meets it, and is not told again.
	if out := do("SELECT count(*) AS n FROM ec2_instances;"); strings.Count(out, "AccessDenied") != 1 {
		t.Errorf("first statement: want the failure told once:\n%s", out)
	}
	if out := do("SELECT count(*) AS again FROM ec2_instances;"); strings.Contains(out, "AccessDenied") || !strings.Contains(out, "again") {
		t.Errorf("second statement: want the rows and no repeated failure:\n%s", out)
	}

	do(".mode csv")
	do(".headers off")
	if out := do("SELECT 1 AS a, 2.5 AS b;"); !strings.HasPrefix(out, "1,2.5\n") || strings.Contains(out, "a,b") {
		t.Errorf(".headers off:\n%s", out)
	}
	do(".headers on")
	do(".mode line")
	if out := do("SELECT 1 AS a, 'x' AS bb;"); !strings.Contains(out, " a = 1\nbb = x\n") {
		t.Errorf(".mode line:\n%s", out)
	}
	do(".mode table")
	do(".width 6 -4")
	if out := do("SELECT 'abcdefgh' AS s, 7 AS n;"); !strings.Contains(out, "│ abcde… │    7 │") {
		t.Errorf(".width 6 -4:\n%s", out)
	}
	// A wide character takes two columns: .width counts columns, as the
	// terminal shows them, so the table keeps the width asked for.
	do(".width 5")
	if out := do("SELECT '日本語テキスト' AS s UNION ALL SELECT 'ab';"); !strings.Contains(out, "│ 日本… │\n│ ab    │") {
		t.Errorf(".width 5 with wide characters:\n%s", out)
	}
	do(".width")

	dir := t.TempDir()
	all, once := filepath.Join(dir, "all.csv"), filepath.Join(dir, "once.csv")
	do(".mode csv")
	do(".output " + all)
	if out := do("SELECT upper('infile') AS t;"); strings.Contains(out, "INFILE") {
		t.Errorf(".output: the rows reached the terminal:\n%s", out)
	}
	do("SELECT upper('second') AS t;")
	do(".output")
	if out := do("SELECT upper('back') AS t;"); !strings.Contains(out, "BACK") {
		t.Errorf("after .output alone the rows should come here:\n%s", out)
	}
	do(".once " + once)
	do("SELECT upper('once') AS t;")
	if out := do("SELECT upper('after') AS t;"); !strings.Contains(out, "AFTER") {
		t.Errorf(".once lasts one statement:\n%s", out)
	}
	// .once is for the next statement, even one that fails before it
	// runs: the statement after it prints here again.
	failed := filepath.Join(dir, "failed.csv")
	do(".once " + failed)
	if out := do("SELECT :unbound;"); !strings.Contains(out, "parameter :unbound has no value") {
		t.Errorf("an unbound parameter:\n%s", out)
	}
	if out := do("SELECT upper('shown') AS t;"); !strings.Contains(out, "SHOWN") {
		t.Errorf(".once outlived the statement that failed:\n%s", out)
	}
	if b, _ := os.ReadFile(all); string(b) != "t\nINFILE\nt\nSECOND\n" {
		t.Errorf(".output file holds %q", b)
	}
	if b, _ := os.ReadFile(once); string(b) != "t\nONCE\n" {
		t.Errorf(".once file holds %q", b)
	}

	out := do(".show")
	for _, want := range []string{"      mode: csv\n", "   headers: on\n", "    output: stdout\n", "    failed: account " + fakedata.DemoNoRoleAccount + ": AssumeRole: AccessDenied"} {
		if !strings.Contains(out, want) {
			t.Errorf(".show lacks %q:\n%s", want, out)
		}
	}
	if out := do(".cache clear"); !strings.Contains(out, "forgot ") {
		t.Errorf(".cache clear:\n%s", out)
	}
	// Forgotten: the statement asks AWS again, and its failure is news.
	if out := do("SELECT count(*) AS n FROM ec2_instances;"); strings.Count(out, "AccessDenied") != 1 {
		t.Errorf("after .cache clear: want the failure told again:\n%s", out)
	}
	if out := do(".outptu x"); !strings.Contains(out, "unknown command .outptu: did you mean .output?") {
		t.Errorf("a misspelt dot-command:\n%s", out)
	}
	tty.Write([]byte(".quit\r"))
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
}
