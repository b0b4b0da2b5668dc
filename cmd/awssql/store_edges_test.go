package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/internal/pgtest"
	"github.com/awssql/awssql/store"
	"github.com/awssql/awssql/vtab"
)

// The edges of snapshot, diff and --db: what they do with input that is
// wrong, with faults, and with a lot of data.

// runOut runs awssql with its stdout going to out.
func runOut(ctx context.Context, out io.Writer, args ...string) result {
	var errOut bytes.Buffer
	code := run(ctx, args, streams{in: strings.NewReader(""), out: out, errOut: &errOut, getenv: func(string) string { return "" }})
	return result{stderr: errOut.String(), code: code}
}

// things is a table of the stores' own tests' shape, written with the
// store's API: diff and --db read any table a store holds.
var thingsTable = store.Table{Name: "things", Scope: store.ScopeRegion, Columns: []store.Column{
	{Name: "account_id", Type: vtab.Text}, {Name: "region", Type: vtab.Text}, {Name: "name", Type: vtab.Text}, {Name: "tags", Type: vtab.JSON},
}}

// thingsSnap is one snapshot of things: each row's id, name and tags.
type thingsSnap struct {
	at       time.Time
	conn     string
	rows     [][3]string // id, name, tags
	failures []store.Failure
}

const thingsAccount, thingsRegion = "111111111111", "eu-west-1"

func writeThings(t *testing.T, spec string, snaps ...thingsSnap) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, spec, true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, s := range snaps {
		snap := &store.Snapshot{ID: store.SnapshotID(s.at, store.Shard{}), Time: s.at, Connection: s.conn,
			Accounts: []string{thingsAccount}, Targets: map[string][]string{thingsAccount: {thingsRegion}}, Failures: s.failures}
		tx, err := st.Begin(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		w, err := tx.Table(ctx, thingsTable)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range s.rows {
			if err := w.Write(ctx, store.Row{Key: thingsAccount + "/" + thingsRegion + "/" + r[0], Values: []any{thingsAccount, thingsRegion, r[1], r[2]}}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := w.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sum := store.Summarize(thingsTable)
		sum.Rows, sum.TargetsOK = n, 1
		snap.Tables = []store.TableSummary{sum}
		if err := tx.Commit(ctx, snap); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStoreThatIsNotOneIsAUsageError: a store spec that names no store
// awssql can use is the caller's mistake (exit 2, as a bad flag value),
// whichever command is given it, and awssql writes nothing into a file
// that is not a store of its own.
func TestStoreThatIsNotOneIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("these are my notes, not a database\n"), 0o644)
	foreign := filepath.Join(dir, "app.db")
	app, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Exec("CREATE TABLE ec2_instances (x); CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ann')"); err != nil {
		t.Fatal(err)
	}
	app.Close()
	foreignBytes, _ := os.ReadFile(foreign)
	tests := []struct {
		spec, err string
		read      bool // only when reading (a missing file is made to write)
	}{
		{"parquet:", "parquet: needs a directory", false},
		{"sqlite:", "sqlite: needs a file", false},
		{"mysql://db/x", `unknown store "mysql://"`, false},
		{dir, "is a directory", false},
		{notDB, "not a SQLite database", false},
		{foreign, "not a store of awssql snapshots: it holds tables ec2_instances, users", false},
		{"parquet:" + notDB, "not a directory", false},
		{filepath.Join(dir, "missing.db"), "no such file", true},
		{"parquet:" + filepath.Join(dir, "missing"), "no such file or directory", true},
	}
	f := demoFake(t, fakedata.Demo())
	for _, tt := range tests {
		forms := [][]string{{"diff", "--db", tt.spec}, {"snapshots", "--db", tt.spec}}
		if !strings.HasPrefix(tt.spec, "parquet:") && !strings.Contains(tt.spec, "://") {
			forms = append(forms, []string{"--db", tt.spec, "SELECT 1"})
		}
		if !tt.read {
			forms = append(forms, []string{"snapshot", "ec2_instances", "--into", tt.spec})
		}
		for _, args := range forms {
			r := f.run(args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.err) {
				t.Errorf("%q: exit %d, want 2 and %q:\n%s", args, r.code, tt.err, r.stderr)
			}
		}
	}
	if b, _ := os.ReadFile(foreign); !bytes.Equal(b, foreignBytes) {
		t.Errorf("the other application's database was changed")
	}
	// Writing where no file can be is a failure of the write, exit 1.
	r := f.run("snapshot", "ec2_instances", "--into", filepath.Join(notDB, "x.db"))
	if r.code != exitError || !strings.Contains(r.stderr, "x.db") {
		t.Errorf("--into under a file: exit %d:\n%s", r.code, r.stderr)
	}
}

// TestShardSpellings: --shard is I/N in digits, 1 <= I <= N; anything
// else is refused before anything is read or written.
func TestShardSpellings(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	db := filepath.Join(t.TempDir(), "inventory.db")
	for _, shard := range []string{"0/4", "5/4", "1/0", "0/0", "a/b", "+1/4", "1/+4", "-1/4", " 1/4", "1/4 ", "1/4/5", "1", "/4", "1/", "1/99999999999999999999"} {
		r := f.run("snapshot", "ec2_instances", "--into", db, "--shard", shard)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--shard") {
			t.Errorf("--shard %q: exit %d, want 2:\n%s", shard, r.code, r.stderr)
		}
	}
	if len(f.srv.Requests()) != 0 {
		t.Errorf("a refused --shard made %d AWS calls", len(f.srv.Requests()))
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("a refused --shard left %s", db)
	}
}

// TestDBRefusesFlagsItWouldIgnore: with --db the flags that choose what a
// live query reads would be ignored, and the answer would not be the one
// asked for (every region's instances for --regions us-east-1): they are
// refused. --snapshot without --db would be ignored too.
func TestDBRefusesFlagsItWouldIgnore(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	db := filepath.Join(t.TempDir(), "inventory.db")
	if r := f.run("snapshot", "ec2_instances", "--into", db); r.code != 3 {
		t.Fatalf("snapshot: exit %d: %s", r.code, r.stderr)
	}
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"--db", db, "--regions", "us-east-1", "SELECT count(*) FROM ec2_instances"}, "--regions does not apply"},
		{[]string{"--db", db, "--demo", "SELECT count(*) FROM ec2_instances"}, "--demo does not apply"},
		{[]string{"--db", db, "--ou", "ou-1234-abcdefgh", "SELECT count(*) FROM ec2_instances"}, "--ou does not apply"},
		{[]string{"--db", db, "--skip-accounts", "123456789012", "SELECT count(*) FROM ec2_instances"}, "--skip-accounts does not apply"},
		{[]string{"--db", db, "--regions", "us-east-1", "run", "account_summary"}, "--regions does not apply"},
		{[]string{"--snapshot", "20261101T000000Z", "SELECT 1"}, "give the file with --db"},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, tt.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.err) {
			t.Errorf("%q: exit %d, want 2 and %q:\n%s%s", tt.args, r.code, tt.err, r.stdout, r.stderr)
		}
	}
	// What a config file or the environment sets for live queries does not
	// stop --db.
	r := runCLI(context.Background(), map[string]string{"AWSSQL_REGIONS": "us-east-1"}, "", false, "--db", db, "SELECT count(*) FROM ec2_instances")
	if r.code != 0 {
		t.Errorf("--db with AWSSQL_REGIONS set: exit %d: %s", r.code, r.stderr)
	}
}

// TestDBTableTheSnapshotDidNotRead: a table that the chosen snapshot did
// not read is not a table without rows: reading it fails and says which
// snapshot has it. A table no snapshot holds is not "a misspelling of
// itself".
func TestDBTableTheSnapshotDidNotRead(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	db := filepath.Join(t.TempDir(), "inventory.db")
	if r := f.run("snapshot", "ec2_instances", "images", "regions", "--into", db, "--snapshot-time", "2026-11-01T00:00:00Z"); r.code != 3 {
		t.Fatalf("snapshot: exit %d: %s", r.code, r.stderr)
	}
	if r := f.run("snapshot", "ec2_instances", "--into", db, "--snapshot-time", "2026-11-02T00:00:00Z"); r.code != 3 {
		t.Fatalf("snapshot: exit %d: %s", r.code, r.stderr)
	}
	tests := []struct {
		args       []string
		code       int
		out, err   string
		notWithErr string
	}{
		{[]string{"SELECT count(*) FROM ec2_instances"}, 0, "count(*)\n52\n", "", ""},
		{[]string{"SELECT count(*) FROM images"}, 1, "", "no such table: images, which snapshot 20261102T000000Z did not read (--snapshot 20261101T000000Z has it)", "main."},
		// An alias reads as its table, and fails as it does.
		{[]string{"SELECT count(*) FROM aws_region"}, 1, "", "no such table: regions, which snapshot 20261102T000000Z did not read", ""},
		{[]string{"--snapshot", "20261101T000000Z", "SELECT count(*) > 0 AS some FROM images"}, 0, "some\n1\n", "", ""},
		{[]string{"SELECT count(DISTINCT _snapshot_id) AS n FROM main.images"}, 0, "n\n1\n", "", ""},
		{[]string{"SELECT count(*) FROM s3_objects"}, 1, "", "no such table: s3_objects, which no snapshot of " + db + " holds", "did you mean"},
		{[]string{"SELECT count(*) FROM vpcs"}, 1, "", "no such table: vpcs, which no snapshot of", "did you mean"},
		// A misspelling is still one.
		{[]string{"SELECT count(*) FROM ec2_instance"}, 1, "", "did you mean ec2_instances?", ""},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, append([]string{"--db", db, "-o", "csv"}, tt.args...)...)
		if r.code != tt.code || r.stdout != tt.out || !strings.Contains(r.stderr, tt.err) || tt.notWithErr != "" && strings.Contains(r.stderr, tt.notWithErr) {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s\nwant exit %d, stdout %q, stderr with %q", tt.args, r.code, r.stdout, r.stderr, tt.code, tt.out, tt.err)
		}
	}
}

// TestDiffChoosesComparableSnapshots: which two snapshots diff compares
// when a store holds several connections', with --to, --since and --from,
// and what it says when there is nothing to compare.
func TestDiffChoosesComparableSnapshots(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	at := func(hoursAgo int) time.Time { return now.Add(-time.Duration(hoursAgo) * time.Hour) }
	row := func(name string) [][3]string { return [][3]string{{"x", name, "{}"}} }
	db := filepath.Join(t.TempDir(), "inventory.db")
	writeThings(t, db,
		thingsSnap{at: at(50), conn: "prod", rows: row("prod-50h")},
		thingsSnap{at: at(40), conn: "staging", rows: row("staging-40h")},
		thingsSnap{at: at(30), conn: "prod", rows: row("prod-30h")},
		thingsSnap{at: at(20), conn: "staging", rows: row("staging-20h")},
		thingsSnap{at: at(10), conn: "prod", rows: row("prod-10h")},
	)
	id := func(hoursAgo int) string { return store.SnapshotID(at(hoursAgo), store.Shard{}) }
	tests := []struct {
		name     string
		args     []string
		code     int
		old, new string // the names compared
		err      string
	}{
		{"the last two of the latest's connection", nil, 0, "prod-30h", "prod-10h", ""},
		{"--to: the one before it, of its connection", []string{"--to", id(20)}, 0, "staging-40h", "staging-20h", ""},
		{"--to the first of its connection", []string{"--to", id(40)}, 1, "", "", "no snapshot of connection staging in " + db + " was taken before " + id(40)},
		{"--to the oldest", []string{"--to", id(50)}, 1, "", "", "was taken before " + id(50) + ": nothing to compare it with"},
		{"--since: at least that old", []string{"--since", "25h"}, 0, "prod-30h", "prod-10h", ""},
		{"--since: older still", []string{"--since", "35h"}, 0, "prod-50h", "prod-10h", ""},
		{"--since less than the latest's age: the one before it", []string{"--since", "1h"}, 0, "prod-30h", "prod-10h", ""},
		{"--since with --to: older than --to", []string{"--since", "1h", "--to", id(30)}, 0, "prod-50h", "prod-30h", ""},
		{"--since beyond every snapshot", []string{"--since", "1000h"}, 1, "", "", "no snapshot in the store is 1000h0m0s old or older before " + id(10)},
		{"--from names another connection's", []string{"--from", id(20)}, 0, "staging-20h", "prod-10h",
			"note: " + id(20) + " is a snapshot of connection staging, " + id(10) + " of connection prod"},
		{"--from and --to the same", []string{"--from", id(10), "--to", id(10)}, 2, "", "", "both sides of the diff are snapshot " + id(10)},
		{"--since and --from", []string{"--since", "1h", "--from", id(50)}, 2, "", "", "not both"},
		{"--since negative", []string{"--since", "-1h"}, 2, "", "", "--since must not be negative"},
		{"--since garbage", []string{"--since", "yesterday"}, 2, "", "", `invalid argument "yesterday" for "--since"`},
		{"--from unknown", []string{"--from", "20200101T000000Z"}, 2, "", "", `--from: no snapshot "20200101T000000Z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(context.Background(), nil, "", false, append([]string{"diff", "--db", db, "-o", "jsonl"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.err) {
				t.Fatalf("exit %d, want %d with %q:\n%s", r.code, tt.code, tt.err, r.stderr)
			}
			if tt.old == "" {
				if r.stdout != "" {
					t.Errorf("stdout %q, want nothing", r.stdout)
				}
				return
			}
			_, raw := diffLines(t, r.stdout)
			if len(raw) != 1 || raw[0]["column"] != "name" || raw[0]["old"] != tt.old || raw[0]["new"] != tt.new {
				t.Errorf("compared %v, want %s to %s", raw, tt.old, tt.new)
			}
		})
	}
	// A store with one snapshot, and one with none.
	one := filepath.Join(t.TempDir(), "one.db")
	writeThings(t, one, thingsSnap{at: at(1), rows: row("only")})
	for spec, want := range map[string]string{one: "holds 1 snapshot: a diff needs two", "parquet:" + t.TempDir(): "holds 0 snapshots: a diff needs two"} {
		if r := runCLI(context.Background(), nil, "", false, "diff", "--db", spec); r.code != exitError || !strings.Contains(r.stderr, want) {
			t.Errorf("diff --db %s: exit %d, want 1 and %q:\n%s", spec, r.code, want, r.stderr)
		}
	}
}

// TestDiffOfATableNeitherSnapshotRead: a table named that neither
// snapshot read is unknown, not a table without changes.
func TestDiffOfATableNeitherSnapshotRead(t *testing.T) {
	db := filepath.Join(t.TempDir(), "inventory.db")
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rows := [][3]string{{"x", "a", "{}"}}
	writeThings(t, db, thingsSnap{at: day, rows: rows}, thingsSnap{at: day.Add(time.Hour), rows: rows})
	r := runCLI(context.Background(), nil, "", false, "diff", "--db", db, "-o", "csv", "--exit-code", "things", "s3_buckets")
	want := "table,change,account_id,region,key,column,old,new,note\ns3_buckets,unknown,,,,,,,the table is in neither snapshot\n"
	if r.code != exitPartial || r.stdout != want {
		t.Errorf("exit %d, want 3:\n%s\nwant:\n%s%s", r.code, r.stdout, want, r.stderr)
	}
}

// TestDiffOutputClosedEarly: diff | head says how many lines the reader
// got, and exits 130 as a query does.
func TestDiffOutputClosedEarly(t *testing.T) {
	db := filepath.Join(t.TempDir(), "inventory.db")
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var older, newer [][3]string
	for i := range 5000 {
		older = append(older, [3]string{fmt.Sprintf("i-%05d", i), "old", "{}"})
		newer = append(newer, [3]string{fmt.Sprintf("i-%05d", i), "new", "{}"})
	}
	writeThings(t, db, thingsSnap{at: day, rows: older}, thingsSnap{at: day.Add(time.Hour), rows: newer})
	r := runOut(context.Background(), &failingWriter{n: 64 << 10, err: syscall.EPIPE}, "diff", "--db", db, "-o", "csv")
	if r.code != exitInterrupted || !strings.Contains(r.stderr, "rows were printed: the answer is incomplete") || strings.Contains(r.stderr, "no row was printed") {
		t.Errorf("diff into a closed pipe: exit %d, want 130 and the rows printed:\n%s", r.code, r.stderr)
	}
}

// TestSnapshotTimeout: --timeout bounds a snapshot as it bounds a query:
// exit 124, and the store holds what it held before, in every store.
func TestSnapshotTimeout(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	specs := []string{filepath.Join(t.TempDir(), "inventory.db"), "parquet:" + filepath.Join(t.TempDir(), "lake"), pgtest.Start(t)}
	for _, spec := range specs {
		if r := f.run("snapshot", "ec2_instances", "images", "--into", spec, "--snapshot-time", "2026-11-01T00:00:00Z"); r.code != 3 {
			t.Fatalf("first snapshot into %s: exit %d: %s", spec, r.code, r.stderr)
		}
	}
	// The images of one region come slowly: the bound falls after
	// ec2_instances was written, while images is read.
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeImages", Region: "eu-west-1", Latency: 30 * time.Second})
	for _, spec := range specs {
		start := time.Now()
		r := f.run("snapshot", "ec2_instances", "images", "--into", spec, "--snapshot-time", "2026-11-02T00:00:00Z", "--timeout", "2s")
		if r.code != exitTimeout || !strings.Contains(r.stderr, "snapshot timed out after 2s (--timeout)") || !strings.Contains(r.stderr, "not written") {
			t.Errorf("snapshot --timeout into %s: exit %d, want 124:\n%s", spec, r.code, r.stderr)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("snapshot --timeout 2s took %s", d)
		}
		if got := snapshotsOf(t, spec); !slices.Equal(got, []string{"20261101T000000Z"}) {
			t.Errorf("%s holds %v after the timeout, want the first snapshot only", spec, got)
		}
	}
	f.srv.Reset()
	// A bound not reached changes nothing; diff takes one too.
	if r := f.run("snapshot", "ec2_instances", "--into", specs[0], "--snapshot-time", "2026-11-03T00:00:00Z", "--timeout", "5m"); r.code != 3 {
		t.Errorf("snapshot --timeout 5m: exit %d: %s", r.code, r.stderr)
	}
	if r := runCLI(context.Background(), nil, "", false, "diff", "--db", specs[0], "--timeout", "5m", "ec2_instances"); r.code != 3 {
		t.Errorf("diff --timeout 5m: exit %d: %s", r.code, r.stderr)
	}
}

// TestStrictSnapshotTellsTheFailureOnce: under --strict the failure that
// ends the snapshot is told once, as the README says of queries.
func TestStrictSnapshotTellsTheFailureOnce(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	db := filepath.Join(t.TempDir(), "inventory.db")
	r := f.run("snapshot", "ec2_instances", "--into", db, "--strict")
	if r.code != exitError || !strings.Contains(r.stderr, "not written") {
		t.Fatalf("exit %d, want 1:\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "AssumeRole: AccessDenied"); n != 1 {
		t.Errorf("the failure is told %d times:\n%s", n, r.stderr)
	}
	if r := runCLI(context.Background(), nil, "", false, "snapshots", "--db", db); r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("after --strict the store holds:\n%s%s", r.stdout, r.stderr)
	}
}

// TestBigDiffInEveryFormat: a diff of thousands of changes, in every
// output format, parses back to the same changes; JSON whose keys come in
// another order (or other spacing, or a number written otherwise) is not a
// change, in every store.
func TestBigDiffInEveryFormat(t *testing.T) {
	const n = 4000
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var older, newer [][3]string
	for i := range n {
		id := fmt.Sprintf("i-%05d", i)
		tags := fmt.Sprintf(`{"Name":"web-%d","Env":"prod","Cost":%d,"Nested":{"a":[1,2],"b":null}}`, i, i)
		older = append(older, [3]string{id, "web", tags})
		switch i % 8 {
		case 0: // removed
		case 1: // changed name
			newer = append(newer, [3]string{id, "web-renamed", tags})
		case 2: // the same tags, keys reordered, spaced, a number as 1.0e0 style
			newer = append(newer, [3]string{id, "web", fmt.Sprintf(`{ "Nested" : {"b":null, "a":[1.0, 2]}, "Cost": %d.0, "Env":"prod", "Name":"web-%d" }`, i, i)})
		case 3: // a tag changed
			newer = append(newer, [3]string{id, "web", strings.Replace(tags, `"prod"`, `"dev"`, 1)})
		default:
			newer = append(newer, [3]string{id, "web", tags})
		}
	}
	for i := range n / 8 {
		newer = append(newer, [3]string{fmt.Sprintf("i-9%05d", i), "new", "{}"})
	}
	want := map[string]int{"removed": n / 8, "added": n / 8, "changed": 2 * n / 8}
	specs := map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "inventory.db"),
		"parquet":  "parquet:" + filepath.Join(t.TempDir(), "lake"),
		"postgres": pgtest.Start(t),
	}
	for kind, spec := range specs {
		t.Run(kind, func(t *testing.T) {
			writeThings(t, spec, thingsSnap{at: day, rows: older}, thingsSnap{at: day.Add(time.Hour), rows: newer})
			for _, format := range formats {
				start := time.Now()
				r := runCLI(context.Background(), nil, "", false, "diff", "--db", spec, "-o", format)
				if r.code != 0 || r.stderr != "" {
					t.Fatalf("-o %s: exit %d: %s", format, r.code, r.stderr)
				}
				t.Logf("-o %s: %d bytes in %s", format, len(r.stdout), time.Since(start).Round(time.Millisecond))
				got := map[string]int{}
				switch format {
				case "csv", "tsv":
					cr := csv.NewReader(strings.NewReader(r.stdout))
					if format == "tsv" {
						cr.Comma, cr.LazyQuotes = '\t', true
					}
					recs, err := cr.ReadAll()
					if err != nil {
						t.Fatalf("-o %s does not parse: %v", format, err)
					}
					for _, rec := range recs[1:] {
						got[rec[1]]++
						if rec[1] == "changed" && rec[5] != "name" && rec[5] != "tags" {
							t.Errorf("-o %s: column %q changed", format, rec[5])
						}
					}
				case "json":
					var objs []map[string]any
					if err := json.Unmarshal([]byte(r.stdout), &objs); err != nil {
						t.Fatalf("-o json does not parse: %v", err)
					}
					for _, o := range objs {
						got[o["change"].(string)]++
					}
				case "jsonl":
					lines, _ := diffLines(t, r.stdout)
					for _, l := range lines {
						got[l.Change]++
					}
				default: // table, markdown, line: the words are there
					for _, kind := range []string{"removed", "added", "changed", "unknown"} {
						got[kind] = strings.Count(r.stdout, " "+kind+" ")
					}
					if format == "line" {
						for _, kind := range []string{"removed", "added", "changed", "unknown"} {
							got[kind] = strings.Count(r.stdout, "change = "+kind+"\n")
						}
					}
				}
				for _, kind := range []string{"removed", "added", "changed"} {
					if got[kind] != want[kind] {
						t.Errorf("-o %s: %d %s, want %d", format, got[kind], kind, want[kind])
					}
				}
				if got["unknown"] != 0 {
					t.Errorf("-o %s: %d unknown", format, got["unknown"])
				}
			}
			if r := runCLI(context.Background(), nil, "", false, "diff", "--db", spec, "--exit-code", "-o", "csv"); r.code != exitError || !strings.Contains(r.stderr, fmt.Sprintf("%d changes", n/2)) {
				t.Errorf("--exit-code: exit %d, want 1:\n%s", r.code, r.stderr)
			}
		})
	}
}

// TestManySnapshotsInOneFile: snapshots accumulate in one SQLite file;
// listing, reading one and comparing the last two stay right, and fast.
func TestManySnapshotsInOneFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "inventory.db")
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var snaps []thingsSnap
	const count, rows = 300, 300
	for s := range count {
		var rs [][3]string
		for i := range rows {
			rs = append(rs, [3]string{fmt.Sprintf("i-%05d", i+s), fmt.Sprintf("v%d", s), `{"k":"v"}`})
		}
		snaps = append(snaps, thingsSnap{at: day.Add(time.Duration(s) * time.Hour), rows: rs})
	}
	writeThings(t, db, snaps...)
	start := time.Now()
	if got := snapshotsOf(t, db); len(got) != count || got[count-1] != store.SnapshotID(day.Add((count-1)*time.Hour), store.Shard{}) {
		t.Errorf("snapshots lists %d, last %v", len(got), got[len(got)-1:])
	}
	mid := store.SnapshotID(day.Add(count/2*time.Hour), store.Shard{})
	for _, args := range [][]string{
		{"--db", db, "SELECT count(*), min(name), max(name) FROM things"},
		{"--db", db, "--snapshot", mid, "SELECT count(*), min(name), max(name) FROM things"},
	} {
		r := runCLI(context.Background(), nil, "", false, append(args, "-o", "csv", "--no-header")...)
		s := count - 1
		if slices.Contains(args, mid) {
			s = count / 2
		}
		if want := fmt.Sprintf("%d,v%d,v%d\n", rows, s, s); r.code != 0 || r.stdout != want {
			t.Errorf("%q: exit %d, %q, want %q: %s", args, r.code, r.stdout, want, r.stderr)
		}
	}
	r := runCLI(context.Background(), nil, "", false, "diff", "--db", db, "-o", "jsonl")
	lines, _ := diffLines(t, r.stdout)
	// One row gone at the start, one come at the end, the rest renamed.
	if r.code != 0 || len(lines) != rows+1 || lines[0].Change != "removed" || lines[len(lines)-1].Change != "added" {
		t.Errorf("diff of the last two: exit %d, %d lines: %s", r.code, len(lines), r.stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("listing, reading and comparing %d snapshots took %s", count, d)
	}
}

// TestSnapshotKeepsNoSecrets: what a snapshot records of the connection
// (its name, the accounts, the regions, the failures' messages) holds no
// secret, in any store.
func TestSnapshotKeepsNoSecrets(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	secret := f.env["AWS_SECRET_ACCESS_KEY"]
	if len(secret) < 16 {
		t.Fatalf("secret %q", secret)
	}
	token := "FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789"
	f.env["AWS_SESSION_TOKEN"] = token
	// A failure whose message AWS would write, kept as the snapshot's.
	f.srv.AddFault(awsfake.Fault{Service: "ec2", Operation: "DescribeInstances", Account: fakedata.DemoAccountID, Region: "eu-west-1", Code: "UnauthorizedOperation"})
	db := filepath.Join(t.TempDir(), "inventory.db")
	lake := filepath.Join(t.TempDir(), "lake")
	pg := pgtest.Start(t)
	for _, spec := range []string{db, "parquet:" + lake, pg} {
		if r := f.run("snapshot", "--into", spec); r.code != 3 {
			t.Fatalf("snapshot --into %s: exit %d: %s", spec, r.code, r.stderr)
		}
	}
	check := func(where string, b []byte) {
		for _, s := range []string{secret, token} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret (%.6s...)", where, s)
			}
		}
	}
	b, _ := os.ReadFile(db)
	check(db, b)
	filepath.WalkDir(lake, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			check(path, b)
		}
		return err
	})
	conn, err := pgx.Connect(context.Background(), pg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, table := range []string{"snapshots", "snapshot_failures"} {
		var text string
		if err := conn.QueryRow(context.Background(), "SELECT coalesce(string_agg(row_to_json(t)::text, ''), '') FROM "+table+" t").Scan(&text); err != nil {
			t.Fatal(err)
		}
		if text == "" {
			t.Errorf("postgres %s is empty", table)
		}
		check("postgres "+table, []byte(text))
	}
}

// TestDiffNeverRemovesAFailedTarget: whatever failed, in the older
// snapshot or the newer, a region, a whole account or an account-wide
// table, its rows are unknown: never removed, never added.
func TestDiffNeverRemovesAFailedTarget(t *testing.T) {
	const member = "210987654321"
	memberRole := awsfake.Fault{Service: "sts", Operation: "AssumeRole", Code: "AccessDenied",
		Match: func(r awsfake.Request) bool { return strings.Contains(r.Params.Get("RoleArn"), "::"+member+":") }}
	region := awsfake.Fault{Service: "ec2", Operation: "DescribeInstances", Account: fakedata.DemoAccountID, Region: "us-east-1", Code: "UnauthorizedOperation"}
	buckets := awsfake.Fault{Service: "s3", Operation: "ListBuckets", Account: member, Code: "AccessDenied"}
	tests := []struct {
		name         string
		older, newer []awsfake.Fault
		unknown      []string // table/account/region
	}{
		{"a region, in the newer", nil, []awsfake.Fault{region}, []string{"ec2_instances/123456789012/us-east-1"}},
		{"a region, in the older", []awsfake.Fault{region}, nil, []string{"ec2_instances/123456789012/us-east-1"}},
		{"a whole account, in the newer", nil, []awsfake.Fault{memberRole}, []string{"ec2_instances/" + member + "/", "s3_buckets/" + member + "/"}},
		{"a whole account, in the older", []awsfake.Fault{memberRole}, nil, []string{"ec2_instances/" + member + "/", "s3_buckets/" + member + "/"}},
		{"an account-wide table, in the newer", nil, []awsfake.Fault{buckets}, []string{"s3_buckets/" + member + "/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "inventory.db")
			for i, faults := range [][]awsfake.Fault{tt.older, tt.newer} {
				f := demoFake(t, fakedata.Demo())
				for _, fault := range faults {
					f.srv.AddFault(fault)
				}
				at := fmt.Sprintf("2026-11-0%dT00:00:00Z", i+1)
				if r := f.run("snapshot", "ec2_instances", "s3_buckets", "--into", db, "--snapshot-time", at); r.code != 3 {
					t.Fatalf("snapshot %s: exit %d: %s", at, r.code, r.stderr)
				}
			}
			r := runCLI(context.Background(), nil, "", false, "diff", "--db", db, "-o", "jsonl", "--exit-code")
			lines, _ := diffLines(t, r.stdout)
			var unknown []string
			for _, l := range lines {
				switch l.Change {
				case "unknown":
					if l.Account != fakedata.DemoNoRoleAccount {
						unknown = append(unknown, l.Table+"/"+l.Account+"/"+l.Region)
					}
				default:
					t.Errorf("%s %s: the data did not change", l.Change, l.Key)
				}
			}
			if !slices.Equal(unknown, tt.unknown) {
				t.Errorf("unknown %v, want %v", unknown, tt.unknown)
			}
			if r.code != exitPartial {
				t.Errorf("exit %d, want 3: %s", r.code, r.stderr)
			}
		})
	}
}

// TestSnapshotEntersAccountsAtOnce: before it reads, a snapshot enters
// every account (assumes its role, describes its regions); it does so as
// a scan does, at once, not one account after the other, which at a
// thousand accounts was minutes of waiting.
func TestSnapshotEntersAccountsAtOnce(t *testing.T) {
	const accounts, latency = 12, 250 * time.Millisecond
	f, chain := newOrg(t, accounts, fakedata.GenOptions{Seed: 3})
	mgmt := fakedata.GenAccountID(0)
	f.srv.AddFault(awsfake.Fault{Operation: "AssumeRole", Latency: latency, Match: func(r awsfake.Request) bool { return r.Account != mgmt }})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeRegions", Latency: latency})
	db := filepath.Join(t.TempDir(), "inventory.db")
	start := time.Now()
	r := f.run(append(chainArgs(chain), "--list-accounts", "snapshot", "ec2_instances", "--into", db)...)
	took := time.Since(start)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// One account after the other is at least two latencies an account.
	serial := 2 * (accounts - 1) * latency
	if took > serial/2 {
		t.Errorf("the snapshot took %s: the accounts were entered one after the other (that takes at least %s)", took.Round(time.Millisecond), serial)
	}
}

// TestPostgresPasswordsNeverShown: a PostgreSQL URL may carry its
// password in the userinfo or as a password (or sslpassword) parameter;
// no message shows either, whether the store answers, is unreachable or
// the URL does not parse.
func TestPostgresPasswordsNeverShown(t *testing.T) {
	const secret = "Tops3cretPW"
	f := demoFake(t, fakedata.Demo())
	pg := pgtest.Start(t) + "&password=" + secret + "&sslpassword=" + secret
	runs := []result{
		f.run("snapshot", "ec2_instances", "--into", pg, "--snapshot-time", "2026-11-01T00:00:00Z"),
		f.run("snapshot", "ec2_instances", "--into", pg, "--snapshot-time", "2026-11-01T00:00:00Z"), // already there
		runCLI(context.Background(), nil, "", false, "snapshots", "--db", pg),
		runCLI(context.Background(), nil, "", false, "diff", "--db", pg),
	}
	for _, spec := range []string{
		"postgres://bob:" + secret + "@127.0.0.1:1/aws?sslmode=disable",
		"postgres://bob@127.0.0.1:1/aws?sslmode=disable&password=" + secret,
		"postgresql://bob@127.0.0.1:1/aws?SSLPassword=" + secret + "&password=a%zz",
		"postgres://bob:" + secret + "@[::1/aws",
	} {
		runs = append(runs, runCLI(context.Background(), nil, "", false, "diff", "--db", spec),
			f.run("snapshot", "ec2_instances", "--into", spec))
	}
	for i, r := range runs {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("run %d shows the password:\n%s%s", i, r.stdout, r.stderr)
		}
		if r.stderr == "" && r.code != 0 {
			t.Errorf("run %d: exit %d and nothing said", i, r.code)
		}
	}
	if runs[0].code != 3 || !strings.Contains(runs[0].stderr, "password=xxxxx") {
		t.Errorf("snapshot: exit %d:\n%s", runs[0].code, runs[0].stderr)
	}
}

// TestDBOnACommandWithoutIt: --db given to a command that has none is not
// "a misspelling of --ou": the message says where --db goes.
func TestDBOnACommandWithoutIt(t *testing.T) {
	for _, args := range [][]string{
		{"--db", "inventory.db", "tables"},
		{"--db", "inventory.db", "schema", "ec2_instances"},
		{"--db", "inventory.db", "explain", "SELECT 1"},
		{"snapshot", "--db", "inventory.db"},
		{"diff", "--db", "inventory.db", "--snapshot", "x"},
	} {
		r := runCLI(context.Background(), nil, "", false, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "reads snapshots with a query, run, diff or snapshots") || strings.Contains(r.stderr, "--ou") {
			t.Errorf("%q: exit %d:\n%s", args, r.code, r.stderr)
		}
	}
}

// TestStoreReadableAfterACrash: a snapshot killed while it wrote (kill -9,
// the OOM killer) leaves the SQLite file with a hot journal. The commands
// that read (--db, snapshots, diff) open the file read-only, which cannot
// roll the journal back: they must still read what the file held before,
// not fail until the next snapshot.
func TestStoreReadableAfterACrash(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	dir := t.TempDir()
	db := filepath.Join(dir, "inventory.db")
	for _, at := range []string{"2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"} {
		if r := f.run("snapshot", "ec2_instances", "--into", db, "--snapshot-time", at); r.code != 3 {
			t.Fatalf("snapshot: exit %d: %s", r.code, r.stderr)
		}
	}
	// A writer half way through a large snapshot: its pages spilled into
	// the file, the journal holding what they were. A copy of both files
	// now is what a crash leaves.
	w, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	conn, err := w.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{
		"PRAGMA cache_size = 10",
		"BEGIN IMMEDIATE",
		"INSERT INTO snapshots (snapshot_id, snapshot_time) VALUES ('20261103T000000Z', '2026-11-03T00:00:00Z')",
		"DELETE FROM ec2_instances",
		"CREATE TABLE filler (b BLOB)",
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO filler SELECT randomblob(4000) FROM n",
	} {
		if _, err := conn.ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	crashed := filepath.Join(dir, "crashed.db")
	for _, suffix := range []string{"", "-journal"} {
		b, err := os.ReadFile(db + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(crashed+suffix, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conn.ExecContext(context.Background(), "ROLLBACK")
	tests := []struct {
		args []string
		out  string
	}{
		{[]string{"--db", crashed, "-o", "csv", "SELECT count(*) AS n FROM main.ec2_instances"}, "n\n104\n"},
		{[]string{"--db", crashed, "-o", "csv", "SELECT snapshot_id FROM snapshots ORDER BY 1"}, "snapshot_id\n20261101T000000Z\n20261102T000000Z\n"},
		{[]string{"diff", "--db", crashed, "-o", "csv", "--exit-code"}, "table,change,account_id,region,key,column,old,new,note\n"},
	}
	for _, tt := range tests {
		r := runCLI(context.Background(), nil, "", false, tt.args...)
		if !strings.HasPrefix(r.stdout, tt.out) || r.code != 0 && r.code != 3 {
			t.Errorf("%q after a crash: exit %d, stdout %q, want %q:\n%s", tt.args, r.code, r.stdout, tt.out, r.stderr)
		}
	}
	if got := snapshotsOf(t, crashed); !slices.Equal(got, []string{"20261101T000000Z", "20261102T000000Z"}) {
		t.Errorf("snapshots after a crash: %v", got)
	}
}

// TestDiffShardsThatReadOtherTables: the shards of one snapshot are
// meant to read the same tables, but a machine may run another list (or
// another awssql). The accounts of a shard that did not read a table are
// unknown for it, not removed, whatever the table's scope.
func TestDiffShardsThatReadOtherTables(t *testing.T) {
	f, chain := newOrg(t, 12, fakedata.GenOptions{Seed: 5, ImagesPerRegion: 1})
	args := append(chainArgs(chain), "--list-accounts")
	db := filepath.Join(t.TempDir(), "inventory.db")
	snap := func(extra ...string) {
		t.Helper()
		if r := f.run(append(append(slices.Clone(args), "snapshot", "--into", db), extra...)...); r.code != 0 {
			t.Fatalf("snapshot %v: exit %d: %s", extra, r.code, r.stderr)
		}
	}
	snap("ec2_instances", "images", "accounts", "--snapshot-time", "2026-11-01T00:00:00Z")
	snap("ec2_instances", "images", "accounts", "--snapshot-time", "2026-11-02T00:00:00Z", "--shard", "1/2")
	snap("ec2_instances", "--snapshot-time", "2026-11-02T00:00:00Z", "--shard", "2/2")
	r := runCLI(context.Background(), nil, "", false, "diff", "--db", db, "-o", "jsonl")
	lines, _ := diffLines(t, r.stdout)
	unknown := map[string][]string{}
	for _, l := range lines {
		if l.Change != "unknown" {
			t.Errorf("%s %s %s: nothing changed", l.Table, l.Change, l.Key)
			continue
		}
		unknown[l.Table] = append(unknown[l.Table], l.Account)
	}
	var shard2 []string
	for i := range 12 {
		if a := fakedata.GenAccountID(i); (store.Shard{I: 2, N: 2}).Holds(a) {
			shard2 = append(shard2, a)
		}
	}
	slices.Sort(shard2)
	for _, table := range []string{"images", "accounts"} {
		if !slices.Equal(unknown[table], shard2) {
			t.Errorf("%s: unknown %v, want the accounts of shard 2 %v", table, unknown[table], shard2)
		}
	}
	if len(unknown["ec2_instances"]) > 0 || r.code != exitPartial {
		t.Errorf("exit %d, ec2_instances unknown %v:\n%s", r.code, unknown["ec2_instances"], r.stderr)
	}
}

// TestSnapshotWhereEveryTargetFailed: a snapshot whose every target
// failed exits 1, and is kept with its failures (what failed is worth
// keeping): a diff with it says unknown, never that everything went.
func TestSnapshotWhereEveryTargetFailed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "inventory.db")
	f := demoFake(t, fakedata.Demo())
	if r := f.run("snapshot", "ec2_instances", "--into", db, "--snapshot-time", "2026-11-01T00:00:00Z"); r.code != 3 {
		t.Fatalf("snapshot: exit %d: %s", r.code, r.stderr)
	}
	f.srv.AddFault(awsfake.Fault{Service: "ec2", Operation: "DescribeInstances", Code: "UnauthorizedOperation"})
	r := f.run("snapshot", "ec2_instances", "--into", db, "--snapshot-time", "2026-11-02T00:00:00Z")
	if r.code != exitError || !strings.Contains(r.stderr, "every target failed") || !strings.Contains(r.stderr, "recorded as failed") {
		t.Fatalf("snapshot with every target failing: exit %d, want 1:\n%s", r.code, r.stderr)
	}
	if got := snapshotsOf(t, db); len(got) != 2 {
		t.Fatalf("snapshots: %v", got)
	}
	d := runCLI(context.Background(), nil, "", false, "diff", "--db", db, "-o", "jsonl", "--exit-code")
	lines, _ := diffLines(t, d.stdout)
	for _, l := range lines {
		if l.Change != "unknown" {
			t.Errorf("%s %s after every target failed", l.Change, l.Key)
		}
	}
	if d.code != exitPartial || len(lines) == 0 {
		t.Errorf("diff: exit %d, %d lines:\n%s", d.code, len(lines), d.stderr)
	}
}

// TestSnapshotIntoAPlaceItCannotWrite fails before any AWS call: not
// after every account was entered and every table read.
func TestSnapshotIntoAPlaceItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, spec := range []string{filepath.Join(dir, "missing", "inventory.db"), filepath.Join(file, "inventory.db"), "parquet:" + filepath.Join(file, "lake")} {
		f := demoFake(t, fakedata.Demo())
		r := f.run("snapshot", "ec2_instances", "--into", spec)
		if r.code != exitError || !strings.Contains(r.stderr, strings.TrimPrefix(spec, "parquet:")) {
			t.Errorf("--into %s: exit %d, want 1:\n%s", spec, r.code, r.stderr)
		}
		if n := len(f.srv.Requests()); n > 0 {
			t.Errorf("--into %s: %d AWS calls before failing, first %s", spec, n, f.srv.Requests()[0].Operation)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left in %s: %v", dir, entries)
	}
}

// TestExitStatusOfWorkDoneBeforeAnInterrupt: Ctrl-C that comes once the
// work is done (a snapshot committing, when it cannot be stopped any
// more; a diff written whole) does not make it "interrupted" (130), which
// the README says leaves the store as it was: the status is the work's.
func TestExitStatusOfWorkDoneBeforeAnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{&partialError{failed: 1, ok: 3}, exitPartial}, // a snapshot committed with a failed target
		{&changedError{n: 2, from: "a", to: "b"}, exitError},
		{fmt.Errorf("snapshot: %w", context.Canceled), exitInterrupted},
		{&interruptedError{rows: 3}, exitInterrupted},
	}
	for _, tt := range tests {
		if got := exitCode(ctx, tt.err); got != tt.want {
			t.Errorf("exitCode(interrupted, %v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
