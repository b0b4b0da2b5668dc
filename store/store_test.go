package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/pgtest"
	"github.com/awssql/awssql/vtab"
)

// stores opens one empty store of each kind.
func stores(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "inventory.db"),
		"parquet":  "parquet:" + filepath.Join(t.TempDir(), "lake"),
		"postgres": pgtest.Start(t),
	}
}

// things is a table with a column of every type, and the values a store
// must keep exactly: NULLs, unicode, awkward JSON, large and negative
// numbers, a time before 1970.
var things = Table{Name: "things", Scope: ScopeRegion, Columns: []Column{
	{"account_id", vtab.Text}, {"region", vtab.Text}, {"name", vtab.Text}, {"size", vtab.Integer},
	{"price", vtab.Real}, {"public", vtab.Bool}, {"created", vtab.Time}, {"tags", vtab.JSON},
}}

var thingRows = []Row{
	{"111111111111/eu-west-1/a", []any{"111111111111", "eu-west-1", "a,\"quoted\"\ttab\nnewline ünï ✓", int64(-1 << 62), 0.012, int64(1),
		"2026-01-02T03:04:05Z", `{"b":[1,2.5,"x"],"a":{"nested":true},"empty":""}`}},
	{"111111111111/eu-west-1/b", []any{"111111111111", "eu-west-1", "", int64(0), -1e300, int64(0), "1969-07-20T20:17:40Z", `["<none>"]`}},
	{"111111111111/us-east-1/c", []any{"111111111111", "us-east-1", nil, nil, nil, nil, nil, nil}},
	{"222222222222/eu-west-1/d", []any{"222222222222", "eu-west-1", "d", int64(7), 1.5, int64(1), "2026-11-01T00:00:00Z", `{"k":"v"}`}},
	{"333333333333/x", []any{"333333333333", nil, "no region", int64(1), 2.0, int64(0), "2000-01-01T00:00:00Z", `{}`}},
}

func seq(rows []Row) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// writeAll writes one table's rows whole.
func writeAll(ctx context.Context, tx Tx, t Table, rows iter.Seq2[Row, error]) (int64, error) {
	w, err := tx.Table(ctx, t)
	if err != nil {
		return 0, err
	}
	for r, err := range rows {
		if err != nil {
			return 0, err
		}
		if err := w.Write(ctx, r); err != nil {
			return 0, err
		}
	}
	return w.Close(ctx)
}

func testSnapshot(at time.Time, shard Shard) *Snapshot {
	return &Snapshot{
		ID: SnapshotID(at, shard), Time: at, Connection: "prod", Shard: shard,
		Accounts: []string{"111111111111", "222222222222"}, Regions: []string{"eu-*"},
		Targets: map[string][]string{"111111111111": {"eu-west-1", "us-east-1"}},
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for kind, spec := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			st, err := Open(ctx, spec, true)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			snap := testSnapshot(at, Shard{})
			tx, err := st.Begin(ctx, snap)
			if err != nil {
				t.Fatal(err)
			}
			n, err := writeAll(ctx, tx, things, seq(thingRows))
			if err != nil || n != int64(len(thingRows)) {
				t.Fatalf("write: %d rows, %v", n, err)
			}
			sum := Summarize(things)
			sum.Rows, sum.TargetsOK, sum.TargetsFailed = n, 3, 1
			snap.Tables = []TableSummary{sum}
			snap.Failures = []Failure{{Table: "things", Account: "222222222222", Region: "us-east-1", Operation: "DescribeThings",
				Code: "UnauthorizedOperation", Message: "You are not authorized: 'quoted'"}}
			if err := tx.Commit(ctx, snap); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Begin(ctx, snap); err == nil || !strings.Contains(err.Error(), "already holds snapshot "+snap.ID) {
				t.Errorf("a second snapshot of the same id: %v, want an error", err)
			}

			snaps, err := st.Snapshots(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]*Snapshot{snap}, snaps); diff != "" {
				t.Errorf("snapshots (-want +got):\n%s", diff)
			}
			var got []Row
			for r, err := range st.Rows(ctx, snaps, "things", things.Columns) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, r)
			}
			// Ordered by account_id, region (NULL first), key.
			want := []Row{thingRows[0], thingRows[1], thingRows[2], thingRows[3], thingRows[4]}
			if len(got) != len(want) {
				t.Fatalf("read %d rows, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].Key != want[i].Key {
					t.Errorf("row %d: key %q, want %q", i, got[i].Key, want[i].Key)
				}
				for j, c := range things.Columns {
					if !Equal(c.Type, want[i].Values[j], got[i].Values[j]) {
						t.Errorf("row %s column %s: %#v, want %#v", want[i].Key, c.Name, got[i].Values[j], want[i].Values[j])
					}
				}
			}
		})
	}
}

// A snapshot that fails or is interrupted mid-table leaves the store as it
// was: the earlier snapshot whole, nothing of the failed one.
func TestFailedSnapshotLeavesNothing(t *testing.T) {
	ctx := context.Background()
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for kind, spec := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			st, err := Open(ctx, spec, true)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ok := testSnapshot(first, Shard{})
			tx, err := st.Begin(ctx, ok)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := writeAll(ctx, tx, things, seq(thingRows)); err != nil {
				t.Fatal(err)
			}
			ok.Tables = []TableSummary{Summarize(things)}
			if err := tx.Commit(ctx, ok); err != nil {
				t.Fatal(err)
			}

			for _, how := range []string{"error", "cancel"} {
				bad := testSnapshot(first.Add(24*time.Hour), Shard{I: 1, N: 2})
				if how == "cancel" {
					bad = testSnapshot(first.Add(48*time.Hour), Shard{})
				}
				cctx, cancel := context.WithCancel(ctx)
				tx, err := st.Begin(cctx, bad)
				if err != nil {
					t.Fatal(err)
				}
				broken := func(yield func(Row, error) bool) {
					for i, r := range thingRows {
						if i == 3 {
							if how == "cancel" {
								cancel()
								yield(Row{}, context.Canceled)
							} else {
								yield(Row{}, errors.New("DescribeThings: connection reset"))
							}
							return
						}
						if !yield(r, nil) {
							return
						}
					}
				}
				if _, err := writeAll(cctx, tx, things, broken); err == nil {
					t.Errorf("%s: write succeeded", how)
				}
				if err := tx.Rollback(); err != nil {
					t.Errorf("%s: rollback: %v", how, err)
				}
				cancel()
			}

			snaps, err := st.Snapshots(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(snaps) != 1 || snaps[0].ID != ok.ID {
				t.Fatalf("snapshots after failed ones: %v, want only %s", snaps, ok.ID)
			}
			n := 0
			for _, err := range st.Rows(ctx, []*Snapshot{snaps[0], {ID: "20261102T000000Z-1of2", Time: first.Add(24 * time.Hour)},
				{ID: "20261103T000000Z", Time: first.Add(48 * time.Hour)}}, "things", things.Columns) {
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != len(thingRows) {
				t.Errorf("%d rows after the failed snapshots, want the first one's %d", n, len(thingRows))
			}
			if kind == "parquet" {
				dir := strings.TrimPrefix(spec, "parquet:")
				leftovers, _ := filepath.Glob(filepath.Join(dir, stagingDir, "*"))
				later, _ := filepath.Glob(filepath.Join(dir, "things", "snapshot_date=2026-11-0[23]"))
				if len(leftovers)+len(later) > 0 {
					t.Errorf("files of failed snapshots left: %v %v", leftovers, later)
				}
			}
		})
	}
}

// TestTablesSideBySide: the rows of two tables, interleaved row by row
// through one reused Values slice, over more partitions than spool files
// may be open at once and in PostgreSQL batches of a few rows, read back
// as written, each table whole.
func TestTablesSideBySide(t *testing.T) {
	ctx := context.Background()
	others := Table{Name: "others", Scope: ScopeRegion, Columns: []Column{
		{"account_id", vtab.Text}, {"region", vtab.Text}, {"n", vtab.Integer}, {"doc", vtab.JSON},
	}}
	const regions = 2*maxOpenSpools + 3
	want := map[string][]Row{}
	for i := range regions {
		account, region := fmt.Sprintf("%012d", 100000000000+i%3), fmt.Sprintf("r-%03d", i)
		for j := range 2 {
			key := fmt.Sprintf("%s/%s/%d", account, region, j)
			want["things"] = append(want["things"], Row{key, []any{account, region, "thing " + key, int64(i), float64(j), int64(j),
				"2026-01-02T03:04:05Z", fmt.Sprintf(`{"i":%d}`, i)}})
			want["others"] = append(want["others"], Row{key, []any{account, region, int64(i*10 + j), fmt.Sprintf(`[%d,"%s"]`, j, region)}})
		}
	}
	for kind, spec := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			st, err := Open(ctx, spec, true)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			snap := testSnapshot(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Shard{})
			tx, err := st.Begin(ctx, snap)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if ptx, ok := tx.(*pgTx); ok {
				ptx.batchBytes, ptx.pendingBytes = 1000, 1500
			}
			tables := []Table{things, others}
			var ws []TableWriter
			for _, tbl := range tables {
				w, err := tx.Table(ctx, tbl)
				if err != nil {
					t.Fatal(err)
				}
				ws = append(ws, w)
			}
			vals := make([]any, len(things.Columns))
			for i := range want["things"] {
				for k, tbl := range tables {
					r := want[tbl.Name][i]
					copy(vals, r.Values)
					if err := ws[k].Write(ctx, Row{Key: r.Key, Values: vals[:len(r.Values)]}); err != nil {
						t.Fatal(err)
					}
					clear(vals)
				}
				if ptx, ok := tx.(*parquetTx); ok && len(ptx.open) > maxOpenSpools {
					t.Fatalf("%d spool files open, more than %d", len(ptx.open), maxOpenSpools)
				}
			}
			for k, tbl := range tables {
				n, err := ws[k].Close(ctx)
				if err != nil || n != int64(len(want[tbl.Name])) {
					t.Fatalf("%s: %d rows, %v; want %d", tbl.Name, n, err, len(want[tbl.Name]))
				}
				sum := Summarize(tbl)
				sum.Rows = n
				snap.Tables = append(snap.Tables, sum)
			}
			if err := tx.Commit(ctx, snap); err != nil {
				t.Fatal(err)
			}
			for _, tbl := range tables {
				var got []Row
				for r, err := range st.Rows(ctx, []*Snapshot{snap}, tbl.Name, tbl.Columns) {
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, r)
				}
				// Read back by account_id, region and key: here, by key.
				sorted := slices.SortedFunc(slices.Values(want[tbl.Name]), func(a, b Row) int { return strings.Compare(a.Key, b.Key) })
				if len(got) != len(sorted) {
					t.Fatalf("%s: read %d rows, want %d", tbl.Name, len(got), len(sorted))
				}
				for i, w := range sorted {
					if got[i].Key != w.Key {
						t.Fatalf("%s: row %d is %s, want %s", tbl.Name, i, got[i].Key, w.Key)
					}
					for j, c := range tbl.Columns {
						if !Equal(c.Type, w.Values[j], got[i].Values[j]) {
							t.Errorf("%s: row %s column %s: %#v, want %#v", tbl.Name, w.Key, c.Name, got[i].Values[j], w.Values[j])
						}
					}
				}
			}
		})
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		spec, err string
	}{
		{filepath.Join(dir, "missing.db"), "no such file"},
		{"parquet:" + filepath.Join(dir, "missing"), "no such file or directory"},
		{"parquet:", "needs a directory"},
		{"mysql://db/x", `unknown store "mysql://"`},
		{"", "no store named"},
	}
	for _, tt := range tests {
		_, err := Open(ctx, tt.spec, false)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Open(%q): %v, want %q", tt.spec, err, tt.err)
		}
	}
	f := filepath.Join(dir, "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Open(ctx, "parquet:"+f, true); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("parquet on a file: %v", err)
	}
}

func TestShard(t *testing.T) {
	tests := []struct {
		in   string
		want Shard
		err  bool
	}{
		{"", Shard{}, false}, {"1/1", Shard{1, 1}, false}, {"3/4", Shard{3, 4}, false},
		{"0/4", Shard{}, true}, {"5/4", Shard{}, true}, {"1/0", Shard{}, true}, {"a/b", Shard{}, true}, {"2", Shard{}, true},
		// Digits only: "+1/4" would be shard 1/4 spelt otherwise.
		{"+1/4", Shard{}, true}, {"1/+4", Shard{}, true}, {"-1/4", Shard{}, true}, {" 1/4", Shard{}, true}, {"1/4/5", Shard{}, true},
	}
	for _, tt := range tests {
		got, err := ParseShard(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseShard(%q) = %v, %v", tt.in, got, err)
		}
	}
	// Every account is in exactly one shard.
	for i := range 1000 {
		account := fmt.Sprintf("%012d", 100000000000+i)
		n := 0
		for s := 1; s <= 4; s++ {
			if (Shard{s, 4}).Holds(account) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("account %s is in %d of 4 shards", account, n)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		typ  vtab.Type
		a, b any
		want bool
	}{
		{vtab.JSON, `{"a":1,"b":[1,2]}`, `{"b": [1, 2], "a": 1.0}`, true},
		{vtab.JSON, `{"a":1}`, `{"a":"1"}`, false},
		{vtab.JSON, `[1,2]`, `[2,1]`, false},
		{vtab.Text, `{"a":1}`, `{ "a":1}`, false},
		{vtab.Integer, int64(1), int64(1), true},
		{vtab.Real, 1.5, 1.5, true},
		{vtab.Text, nil, "", false},
		{vtab.Text, nil, nil, true},
	}
	for _, tt := range tests {
		if got := Equal(tt.typ, tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%v, %v, %v) = %v", tt.typ, tt.a, tt.b, got)
		}
	}
}
