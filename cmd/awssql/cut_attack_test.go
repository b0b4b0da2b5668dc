package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/awssql/awssql/vtab"
)

// TestTableCutAttackOddCells renders tables of awkward cells (newlines,
// tabs, pipes, wide and zero-width characters, line separators, empty
// strings, NULLs), with .width settings and without a header, cuts the
// output at every byte and wants rowsPrinted to be the number of row
// lines the reader has whole. The row lines are found in the whole
// rendering by a marker, not by the writer's own arithmetic.
func TestTableCutAttackOddCells(t *testing.T) {
	pieces := []string{"a", "", "x\ny", "\t", "\r\n", "|", "a|b", "漢字", "ｗ", "e\u0301", "\u200b", "\u2028", "\u0085",
		"\v", "\f", "\x1b[31mred\x1b[0m", "😀", "<null>", "  ", "-", "──", "│", "\\n"}
	rnd := rand.New(rand.NewSource(1))
	str := func() string {
		var b strings.Builder
		for range rnd.Intn(4) {
			b.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		return b.String()
	}
	cell := func() vtab.Value {
		switch rnd.Intn(6) {
		case 0:
			return vtab.Value{} // NULL
		case 1:
			return vtab.ValueOf(int64(rnd.Intn(1000) - 500))
		}
		return vtab.ValueOf(str())
	}
	for iter := range 60 {
		format := []string{"table", "markdown"}[iter%2]
		opts := writerOptions{noHeader: iter%4 == 2}
		ncols := 1 + rnd.Intn(3)
		if rnd.Intn(2) == 0 {
			for range ncols + 1 { // the marker column too
				opts.widths = append(opts.widths, []int{0, 1, 3, -2, -5}[rnd.Intn(5)])
			}
			opts.widths[0] = 0 // the marker column keeps its marker
		}
		nrows := rnd.Intn(6)
		cols := []column{{name: "m"}}
		for range ncols {
			cols = append(cols, column{name: str()})
		}
		data := make([][]vtab.Value, nrows)
		for i := range data {
			data[i] = []vtab.Value{vtab.ValueOf(fmt.Sprintf("R%03dR", i))}
			for range ncols {
				data[i] = append(data[i], cell())
			}
		}
		render := func(out *cutWriter) (int, error) {
			w, err := newWriter(format, out, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.begin(cols); err != nil {
				t.Fatal(err)
			}
			for _, r := range data {
				if err := w.row(r); err != nil {
					t.Fatal(err)
				}
			}
			err = w.end()
			return w.(*tableWriter).rowsPrinted(), err
		}
		full := &cutWriter{n: 1 << 20}
		if n, err := render(full); err != nil || n != nrows {
			t.Fatalf("%d %s: whole table: %d of %d rows printed, %v", iter, format, n, nrows, err)
		}
		lines := strings.SplitAfter(full.got.String(), "\n")
		var rowLine []int // index of each row's line
		for i, l := range lines {
			if strings.Contains(l, "R") && strings.Count(l, "R")%2 == 0 && strings.Contains(l, fmt.Sprintf("R%03dR", len(rowLine))) {
				rowLine = append(rowLine, i)
			}
		}
		if len(rowLine) != nrows {
			t.Fatalf("%d %s: %d rows but %d row lines:\n%s", iter, format, nrows, len(rowLine), full.got.String())
		}
		for cut := range full.got.Len() {
			out := &cutWriter{n: cut}
			n, _ := render(out)
			whole := strings.Count(out.got.String(), "\n")
			want := 0
			for _, i := range rowLine {
				if i < whole {
					want++
				}
			}
			if n != want {
				t.Fatalf("%d %s (no header %v, widths %v) cut at byte %d: %d rows printed, the reader has %d:\n%s\n--- whole:\n%s",
					iter, format, opts.noHeader, opts.widths, cut, n, want, out.got.String(), full.got.String())
			}
		}
	}
}

// TestTableCutAttackEndToEnd runs a query with -o table / markdown into a
// writer that takes K bytes and then fails with EPIPE (a pipe whose
// reader left), and wants exit 130 and the message's count to be the row
// lines the reader has whole.
func TestTableCutAttackEndToEnd(t *testing.T) {
	q := "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 3000) SELECT 'R' || x || 'R' AS m, 'a|b' AS s, x FROM c"
	rowRe := regexp.MustCompile(`R[0-9]+R[^\n]*\n`)
	printed := regexp.MustCompile(`(\d+) rows were printed|(1) row was printed|(no) row was printed`)
	for _, format := range []string{"table", "markdown"} {
		for _, noHeader := range []bool{false, true} {
			for _, at := range []int{0, 1, 50, 200, 4096, 65536, 100003} {
				args := []string{"--demo", "-o", format, q}
				if noHeader {
					args = append([]string{"--no-header"}, args...)
				}
				var got bytes.Buffer
				r := runOut(context.Background(), teeUpTo{&got, &failingWriter{n: at, err: syscall.EPIPE}}, args...)
				if r.code == 0 && got.Len() < at {
					continue // the whole table fit
				}
				m := printed.FindStringSubmatch(r.stderr)
				if r.code != exitInterrupted || m == nil {
					t.Fatalf("%s cut at %d: exit %d, stderr %q", format, at, r.code, r.stderr)
				}
				says := 0
				switch {
				case m[1] != "":
					says, _ = strconv.Atoi(m[1])
				case m[2] != "":
					says = 1
				}
				if n := len(rowRe.FindAllString(got.String(), -1)); n != says {
					t.Errorf("%s (no header %v) cut at %d: stderr says %d rows, the reader has %d", format, noHeader, at, says, n)
				}
			}
		}
	}
}

// TestTableCutAttackDiff: diff -o table | head says how many change
// lines the reader got, as a query's table does.
func TestTableCutAttackDiff(t *testing.T) {
	db := filepath.Join(t.TempDir(), "inventory.db")
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var older, newer [][3]string
	for i := range 3000 {
		older = append(older, [3]string{fmt.Sprintf("i-%05d", i), "old", "{}"})
		newer = append(newer, [3]string{fmt.Sprintf("i-%05d", i), "new", "{}"})
	}
	writeThings(t, db, thingsSnap{at: day, rows: older}, thingsSnap{at: day.Add(time.Hour), rows: newer})
	for _, format := range []string{"table", "markdown", "csv"} {
		var got bytes.Buffer
		r := runOut(context.Background(), teeUpTo{&got, &failingWriter{n: 64 << 10, err: syscall.EPIPE}}, "diff", "--db", db, "-o", format)
		n := len(regexp.MustCompile(`i-[0-9]{5}[^\n]*\n`).FindAllString(got.String(), -1))
		want := fmt.Sprintf("%d rows were printed", n)
		if r.code != exitInterrupted || !strings.Contains(r.stderr, want) {
			t.Errorf("diff -o %s cut at 64 KiB: exit %d, stderr %q; the reader has %d change lines", format, r.code, r.stderr, n)
		}
	}
}

// attackShell starts the shell over a pty with args; say types a line
// and waits for the next prompt, returning what the screen showed since.
type attackShell struct {
	t    *testing.T
	tty  *os.File
	scr  *screen
	pos  int
	cmd  *exec.Cmd
	home string
	n    int
}

func attackEnv(home string) []string {
	return append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "TERM=xterm")
}

func startAttackShell(t *testing.T, home string, args ...string) *attackShell {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = attackEnv(home)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	s := &attackShell{t: t, tty: tty, scr: &screen{}, cmd: cmd, home: home}
	t.Cleanup(func() {
		tty.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	go func() { _, _ = copyAll(s.scr, tty) }()
	s.pos = s.scr.waitFor(t, 0, "awssql> ", 10*time.Second)
	return s
}

// say types line, then a marker statement, and returns the screen
// from the line to the marker's answer.
func (s *attackShell) say(line string) string {
	s.t.Helper()
	s.n++
	mark := fmt.Sprintf("mark%04d", s.n)
	if _, err := s.tty.Write([]byte(line + "\r")); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.tty.Write([]byte("SELECT '" + mark + "' || '!' AS z;\r")); err != nil {
		s.t.Fatal(err)
	}
	from := s.pos
	s.pos = s.scr.waitFor(s.t, s.pos, mark+"!", 10*time.Second)
	return clean(s.scr.String()[from:s.pos])
}

// interrupt types line, waits, then Ctrl-C, and returns the screen up to
// the interrupt's message.
func (s *attackShell) interrupt(line string, after time.Duration) string {
	s.t.Helper()
	if _, err := s.tty.Write([]byte(line + "\r")); err != nil {
		s.t.Fatal(err)
	}
	time.Sleep(after)
	s.tty.Write([]byte("\x03"))
	from := s.pos
	s.pos = s.scr.waitFor(s.t, s.pos, "awssql: interrupted", 5*time.Second)
	return clean(s.scr.String()[from:s.pos])
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]|\r`)

// clean keeps the lines that are not the prompt's redraws.
func clean(s string) string {
	var out []string
	for _, l := range strings.Split(ansi.ReplaceAllString(s, ""), "\n") {
		if i := strings.LastIndex(l, "awssql> "); i >= 0 {
			l = l[i:]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

const attackEndless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "

func attackSnapshot(t *testing.T, home string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "inventory.db")
	snap := exec.Command(binary(t), "--demo", "--skip-accounts", "567890123456", "snapshot", "ec2_instances", "--into", db)
	snap.Env = attackEnv(home)
	if out, err := snap.CombinedOutput(); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, out)
	}
	return db
}

// TestShellInterruptAttackTransaction: over a snapshot file (--db), a
// statement interrupted inside BEGIN leaves the transaction usable (a
// SELECT) or rolled back by SQLite (a write), never a connection whose
// later statements fail or whose TEMP tables are gone; what was committed
// stays.
func TestShellInterruptAttackTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	home := t.TempDir()
	s := startAttackShell(t, home, "--db", attackSnapshot(t, home))
	check := func(got, want string) {
		t.Helper()
		if !strings.Contains(got, want) || strings.Contains(got, "interrupted") || strings.Contains(got, "no such table") {
			t.Fatalf("want %q, no error; got:\n%s", want, got)
		}
	}
	s.say("CREATE TEMP TABLE kept(v);")
	s.say("INSERT INTO kept VALUES (1);")
	s.say("BEGIN;")
	s.say("INSERT INTO kept VALUES (2);")
	s.interrupt(attackEndless+"SELECT max(x) FROM c;", 400*time.Millisecond)
	check(s.say("COMMIT;"), "mark")
	check(s.say("SELECT group_concat(v, '-') || '=g' AS g FROM kept;"), "1-2=g")
	s.say("BEGIN;")
	s.say("INSERT INTO kept VALUES (3);")
	s.interrupt("INSERT INTO kept "+attackEndless+"SELECT x FROM c;", 400*time.Millisecond)
	// SQLite rolls back the whole transaction of an interrupted write.
	s.say("ROLLBACK;")
	check(s.say("SELECT group_concat(v, '-') || '=g' AS g FROM kept;"), "1-2=g")
	s.interrupt(attackEndless+"SELECT count(*) FROM c, ec2_instances;", 300*time.Millisecond)
	check(s.say("SELECT count(*) || '=n' AS n FROM kept, ec2_instances;"), "=n")
	s.interrupt("CREATE TEMP TABLE big AS "+attackEndless+"SELECT x FROM c;", 300*time.Millisecond)
	check(s.say("SELECT count(*) || '=k' AS n FROM kept;"), "2=k")
	check(s.say("SELECT json('bad');"), "malformed JSON")
	check(s.say("SELECT count(*) || '=k' AS n FROM kept;"), "2=k")
}

// TestShellInterruptAttackAttach: a write into an ATTACHed file
// interrupted in the shell is rolled back; what the file held stays and
// the next statements run.
func TestShellInterruptAttackAttach(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	home := t.TempDir()
	aux := filepath.Join(t.TempDir(), "aux.db")
	s := startAttackShell(t, home, "--demo", "--allow-attach")
	s.say("CREATE TEMP TABLE kept AS SELECT 5 AS v;")
	if got := s.say("ATTACH '" + aux + "' AS aux;"); strings.Contains(got, "awssql:") {
		t.Fatalf("ATTACH: %s", got)
	}
	s.say("CREATE TABLE aux.t AS SELECT 7 AS v;")
	s.interrupt("INSERT INTO aux.t "+attackEndless+"SELECT x FROM c;", 400*time.Millisecond)
	if got := s.say("SELECT count(*) || '=n' AS n FROM aux.t, kept;"); !strings.Contains(got, "1=n") {
		t.Fatalf("after the interrupt:\n%s", got)
	}
	s.say("BEGIN;")
	s.say("INSERT INTO aux.t VALUES (8);")
	s.interrupt("SELECT * FROM aux.t, ("+attackEndless+"SELECT max(x) FROM c);", 400*time.Millisecond)
	if got := s.say("COMMIT;"); strings.Contains(got, "awssql:") {
		t.Fatalf("COMMIT after an interrupted SELECT:\n%s", got)
	}
	if got := s.say("DETACH aux;"); strings.Contains(got, "awssql:") {
		t.Fatalf("DETACH:\n%s", got)
	}
	db, err := sql.Open("sqlite", aux)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Fatalf("aux.t holds %d rows (%v), want 2", n, err)
	}
}

// TestAttachAttackWithDB: --allow-attach is honoured with --db as with
// live AWS (README: without it ATTACH is refused).
func TestAttachAttackWithDB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	home := t.TempDir()
	db := attackSnapshot(t, home)
	cmd := exec.Command(binary(t), "--db", db, "--allow-attach", "ATTACH '"+filepath.Join(t.TempDir(), "x.db")+"' AS x")
	cmd.Env = attackEnv(home)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("--db with --allow-attach: %v\n%s", err, out)
	}
}
