package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestShellKeepsTempTablesAfterCtrlC cancels a statement with Ctrl-C in
// the shell over a snapshot file (--db) and reads a TEMP table made
// before it: the interrupt must not leave the connection looking broken,
// which had database/sql drop it and the TEMP tables with it.
func TestShellKeepsTempTablesAfterCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "TERM=xterm")
	db := filepath.Join(t.TempDir(), "inventory.db")
	snap := exec.Command(bin, "--demo", "--skip-accounts", "567890123456", "snapshot", "ec2_instances", "--into", db)
	snap.Env = env
	if out, err := snap.CombinedOutput(); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--db", db)
	cmd.Env = env
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		tty.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	scr := &screen{}
	go func() { _, _ = copyAll(scr, tty) }()
	typeIn := func(s string) {
		t.Helper()
		if _, err := tty.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	pos := scr.waitFor(t, 0, "awssql> ", 10*time.Second)
	typeIn("CREATE TEMP TABLE kept AS SELECT 4242 AS v;\r")
	pos = scr.waitFor(t, pos, "awssql> ", 5*time.Second)
	typeIn("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c;\r")
	time.Sleep(500 * time.Millisecond)
	typeIn("\x03")
	pos = scr.waitFor(t, pos, "interrupted", 3*time.Second)
	pos = scr.waitFor(t, pos, "awssql> ", 3*time.Second)
	typeIn("SELECT v + 1 AS w FROM kept;\r")
	scr.waitFor(t, pos, "4243", 5*time.Second)
}
