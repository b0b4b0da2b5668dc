package main

import (
	"bytes"
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

// TestShell drives the shell through a real pseudo-terminal: type a
// statement and read the table, continue a statement over two lines,
// complete a dot-command with Tab, cancel a slow statement with Ctrl-C and
// carry on, run a statement again from the cache, and quit.
func TestShell(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "awssql")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
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
	pos = scr.waitFor(t, pos, "│ 20        │", 5*time.Second)
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
	bin := filepath.Join(t.TempDir(), "awssql")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
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
