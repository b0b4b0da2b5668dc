package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/internal/pgtest"
	"github.com/awssql/awssql/vtab"
)

// demoFake serves a data set shaped like the demo organization and
// connects to it as --demo does: the role chain, the external ID, every
// account through its member role (one member has none, and fails).
func demoFake(t *testing.T, ds *fakedata.Dataset, opts ...awsfake.Option) *fake {
	t.Helper()
	f := newFake(t, ds, opts...)
	for _, arn := range fakedata.DemoRoleChain() {
		f.args = append(f.args, "--assume-role", arn)
	}
	f.args = append(f.args, "--external-id", fakedata.DemoExternalID, "--list-accounts", "--member-role", fakedata.DemoMemberRole)
	return f
}

// wholeTables are the tables a snapshot takes by default: every table of
// tables.All that needs no required key, so that a table added later is
// covered here without a change.
func wholeTables(t *testing.T) []vtab.TableInfo {
	t.Helper()
	eng, err := catalog()
	if err != nil {
		t.Fatal(err)
	}
	var out []vtab.TableInfo
	for _, ti := range eng.Tables() {
		if !slices.ContainsFunc(ti.Columns, func(c vtab.ColumnInfo) bool { return c.Key == vtab.Required }) {
			var shown []vtab.ColumnInfo
			for _, c := range ti.Columns {
				if !c.Hidden {
					shown = append(shown, c)
				}
			}
			ti.Columns = shown
			out = append(out, ti)
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %d tables to snapshot", len(out))
	}
	return out
}

// canonical makes a row comparable whatever read it: an object of the
// columns, numbers as exact fractions, JSON columns as parsed JSON (so
// compared as JSON), timestamps as RFC 3339 text, booleans true/false (as
// jsonl writes them), NULL null.
func canonical(t *testing.T, row map[string]any) string {
	t.Helper()
	b, err := json.Marshal(normalize(row))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = normalize(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalize(e)
		}
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(v)); ok {
			return "number:" + r.RatString()
		}
	}
	return v
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%.60q: %v", s, err)
	}
	return v
}

// jsonlRows reads awssql's -o jsonl output as canonical rows, sorted.
func jsonlRows(t *testing.T, out string) []string {
	t.Helper()
	var rows []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		rows = append(rows, canonical(t, decodeJSON(t, sc.Text()).(map[string]any)))
	}
	slices.Sort(rows)
	return rows
}

// typed converts a value a store read back with its own types to what the
// jsonl output has, by the column's awssql type.
func typed(t *testing.T, c vtab.ColumnInfo, v any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	switch c.Type {
	case vtab.Integer:
		return json.Number(strconv.FormatInt(v.(int64), 10))
	case vtab.Real:
		b, _ := json.Marshal(v.(float64))
		return json.Number(b)
	case vtab.Bool:
		// jsonl writes a boolean column as true/false.
		return v.(bool)
	case vtab.Time:
		return v.(time.Time).UTC().Format(time.RFC3339)
	case vtab.JSON:
		return decodeJSON(t, v.(string))
	}
	return v.(string)
}

func (f *fake) live(t *testing.T, table string) []string {
	t.Helper()
	r := f.run("-o", "jsonl", "SELECT * FROM "+table)
	if r.code != 0 && r.code != 3 {
		t.Fatalf("live %s: exit %d: %s", table, r.code, r.stderr)
	}
	return jsonlRows(t, r.stdout)
}

// parquetRows reads a table's dataset with parquet-go alone, as another
// reader would, and checks each column's Parquet type.
func parquetRows(t *testing.T, dir string, ti vtab.TableInfo) []string {
	t.Helper()
	var rows []string
	root := filepath.Join(dir, ti.Name)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		part := map[string]any{}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, seg := range strings.Split(rel, string(filepath.Separator)) {
			k, v, _ := strings.Cut(seg, "=")
			part[k] = v
			if v == "__HIVE_DEFAULT_PARTITION__" {
				part[k] = nil
			}
		}
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		defer fh.Close()
		info, _ := fh.Stat()
		pf, err := parquet.OpenFile(fh, info.Size())
		if err != nil {
			return err
		}
		fields := pf.Schema().Fields()
		for _, fld := range fields {
			if _, ok := part[fld.Name()]; ok {
				t.Errorf("%s: column %s is both in the file and its path", path, fld.Name())
			}
		}
		index := map[string]int{}
		for i, fld := range fields {
			index[fld.Name()] = i
			i := slices.IndexFunc(ti.Columns, func(c vtab.ColumnInfo) bool { return c.Name == fld.Name() })
			if i < 0 {
				continue
			}
			var logical format.LogicalTypeValue
			if lt := fld.Type().LogicalType(); lt != nil {
				logical = lt.Value
			}
			var ok bool
			switch ti.Columns[i].Type {
			case vtab.Text, vtab.JSON:
				_, ok = logical.(*format.StringType)
			case vtab.Integer:
				it, isInt := logical.(*format.IntType)
				ok = fld.Type().Kind() == parquet.Int64 && (logical == nil || isInt && it.BitWidth == 64 && it.IsSigned)
			case vtab.Real:
				ok = fld.Type().Kind() == parquet.Double
			case vtab.Bool:
				ok = fld.Type().Kind() == parquet.Boolean
			case vtab.Time:
				ts, isTS := logical.(*format.TimestampType)
				if isTS {
					_, micros := ts.Unit.Value.(*format.MicroSeconds)
					ok = ts.IsAdjustedToUTC && micros && fld.Type().Kind() == parquet.Int64
				}
			}
			if !ok {
				t.Errorf("%s: column %s of type %s is kept as %v", ti.Name, fld.Name(), ti.Columns[i].Type, fld.Type())
			}
		}
		r := parquet.NewReader(pf)
		defer r.Close()
		for {
			row := make(parquet.Row, 0, len(fields))
			buf := []parquet.Row{row}
			n, err := r.ReadRows(buf)
			if n == 1 {
				obj := map[string]any{}
				for _, c := range ti.Columns {
					if v, ok := part[c.Name]; ok {
						obj[c.Name] = v
						continue
					}
					v := buf[0][index[c.Name]]
					var val any
					if !v.IsNull() {
						switch c.Type {
						case vtab.Integer:
							val = v.Int64()
						case vtab.Real:
							val = v.Double()
						case vtab.Bool:
							val = v.Boolean()
						case vtab.Time:
							val = time.UnixMicro(v.Int64())
						default:
							val = string(v.ByteArray())
						}
					}
					obj[c.Name] = typed(t, c, val)
				}
				rows = append(rows, canonical(t, obj))
			}
			if err != nil {
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", ti.Name, err)
	}
	slices.Sort(rows)
	return rows
}

// pgRows reads a table of one snapshot with pgx, and checks each column's
// PostgreSQL type.
func pgRows(t *testing.T, conn *pgx.Conn, ti vtab.TableInfo, snapshot string) []string {
	t.Helper()
	ctx := context.Background()
	want := map[vtab.Type]string{vtab.Text: "text", vtab.Integer: "bigint", vtab.Real: "double precision", vtab.Bool: "boolean",
		vtab.Time: "timestamp with time zone", vtab.JSON: "jsonb"}
	var names []string
	for _, c := range ti.Columns {
		var typ string
		err := conn.QueryRow(ctx, `SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
			ti.Name, c.Name).Scan(&typ)
		if err != nil || typ != want[c.Type] {
			t.Errorf("%s.%s: PostgreSQL type %q (%v), want %q", ti.Name, c.Name, typ, err, want[c.Type])
		}
		name := pgx.Identifier{c.Name}.Sanitize()
		if c.Type == vtab.JSON {
			name += "::text"
		}
		names = append(names, name)
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE _snapshot_id = $1", strings.Join(names, ", "), pgx.Identifier{ti.Name}.Sanitize())
	rs, err := conn.Query(ctx, q, snapshot)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var rows []string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			t.Fatal(err)
		}
		obj := map[string]any{}
		for i, c := range ti.Columns {
			obj[c.Name] = typed(t, c, vals[i])
		}
		rows = append(rows, canonical(t, obj))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(rows)
	return rows
}

// sqliteTypes checks the declared type of each column of a table in a
// SQLite file of snapshots, as the README's table of types has them.
func sqliteTypes(t *testing.T, db string, ti vtab.TableInfo) {
	t.Helper()
	want := map[vtab.Type]string{vtab.Text: "TEXT", vtab.Integer: "INTEGER", vtab.Real: "REAL", vtab.Bool: "BOOLEAN INTEGER",
		vtab.Time: "TEXT", vtab.JSON: "JSON TEXT"}
	r := runCLI(context.Background(), nil, "", false, "--db", db, "-o", "csv", "--no-header",
		fmt.Sprintf("SELECT name, type FROM pragma_table_info('%s', 'main')", ti.Name))
	if r.code != 0 {
		t.Fatalf("--db %s: pragma_table_info: exit %d: %s", db, r.code, r.stderr)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		name, typ, _ := strings.Cut(line, ",")
		got[name] = typ
	}
	for _, c := range ti.Columns {
		if got[c.Name] != want[c.Type] {
			t.Errorf("%s.%s: SQLite declared type %q, want %q", ti.Name, c.Name, got[c.Name], want[c.Type])
		}
	}
}

// snapshotsOf lists a store's snapshot ids with awssql snapshots.
func snapshotsOf(t *testing.T, spec string) []string {
	t.Helper()
	r := runCLI(context.Background(), nil, "", false, "snapshots", "--db", spec)
	if r.code != 0 {
		t.Fatalf("snapshots --db %s: exit %d: %s", spec, r.code, r.stderr)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		ids = append(ids, strings.Fields(line)[0])
	}
	return ids
}

// TestSnapshotReadsBackAsLive: a snapshot of the demo organization into
// each store, read back, is the live answer of every table, row for row
// and value for value, with each store's documented types.
func TestSnapshotReadsBackAsLive(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	ts := wholeTables(t)
	live := map[string][]string{}
	for _, ti := range ts {
		live[ti.Name] = f.live(t, ti.Name)
		if len(live[ti.Name]) == 0 {
			t.Errorf("%s: no live rows to compare", ti.Name)
		}
	}
	const at = "2026-11-01T00:00:00Z"
	const id = "20261101T000000Z"
	db := filepath.Join(t.TempDir(), "inventory.db")
	lake := filepath.Join(t.TempDir(), "lake")
	pg := pgtest.Start(t)
	for _, spec := range []string{db, "parquet:" + lake, pg} {
		r := f.run("snapshot", "--into", spec, "--snapshot-time", at)
		// One member account has no member role: partial, and recorded.
		if r.code != 3 || !strings.Contains(r.stderr, "snapshot "+id+" into") {
			t.Fatalf("snapshot --into %s: exit %d, want 3:\n%s", spec, r.code, r.stderr)
		}
		if got := snapshotsOf(t, spec); !slices.Equal(got, []string{id}) {
			t.Errorf("%s holds %v, want [%s]", spec, got, id)
		}
	}
	conn, err := pgx.Connect(context.Background(), pg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, ti := range ts {
		t.Run(ti.Name, func(t *testing.T) {
			r := runCLI(context.Background(), nil, "", false, "--db", db, "-o", "jsonl", "SELECT * FROM "+ti.Name)
			if r.code != 0 {
				t.Fatalf("--db: exit %d: %s", r.code, r.stderr)
			}
			sqliteTypes(t, db, ti)
			for store, got := range map[string][]string{
				"sqlite":   jsonlRows(t, r.stdout),
				"parquet":  parquetRows(t, lake, ti),
				"postgres": pgRows(t, conn, ti, id),
			} {
				if diff := cmp.Diff(live[ti.Name], got); diff != "" {
					t.Errorf("%s read back from %s (-live +stored):\n%s", ti.Name, store, diff)
				}
			}
		})
	}
}

// TestSnapshotRecordsFailedTargets: a target that failed is recorded as
// failed, in every store, never as a target with no resources.
func TestSnapshotRecordsFailedTargets(t *testing.T) {
	ds := fakedata.Demo()
	f := demoFake(t, ds)
	f.srv.AddFault(awsfake.Fault{Service: "ec2", Operation: "DescribeInstances", Account: fakedata.DemoAccountID,
		Region: "eu-west-1", Code: "UnauthorizedOperation"})
	db := filepath.Join(t.TempDir(), "inventory.db")
	r := f.run("snapshot", "ec2_instances", "s3_buckets", "--into", db)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3:\n%s", r.code, r.stderr)
	}
	q := runCLI(context.Background(), nil, "", false, "--db", db, "-o", "csv",
		"SELECT table_name, account_id, coalesce(region, '-') AS region, operation, code, ignored FROM snapshot_failures ORDER BY 1, 2, 3")
	want := "table_name,account_id,region,operation,code,ignored\n" +
		"ec2_instances,123456789012,eu-west-1,DescribeInstances,UnauthorizedOperation,0\n" +
		"ec2_instances,567890123456,-,AssumeRole,AccessDenied,0\n" +
		"s3_buckets,567890123456,-,AssumeRole,AccessDenied,0\n"
	if q.stdout != want {
		t.Errorf("snapshot_failures:\n%s\nwant:\n%s%s", q.stdout, want, q.stderr)
	}
	// The failed region is not an empty one: the snapshot's record does
	// not count it among the targets read.
	q = runCLI(context.Background(), nil, "", false, "--db", db, "-o", "csv",
		"SELECT t.value ->> 'table' AS name, t.value ->> 'targets_failed' AS failed FROM snapshots, json_each(snapshots.tables) AS t ORDER BY 1")
	if want := "name,failed\nec2_instances,2\ns3_buckets,1\n"; q.stdout != want {
		t.Errorf("tables' failed targets:\n%s\nwant:\n%s%s", q.stdout, want, q.stderr)
	}
}

// TestDBMakesNoAWSCall: --db needs no credentials and calls nothing, even
// with a connection's flags given.
func TestDBMakesNoAWSCall(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	db := filepath.Join(t.TempDir(), "inventory.db")
	if r := f.run("snapshot", "--into", db); r.code != 3 {
		t.Fatalf("snapshot: exit %d: %s", r.code, r.stderr)
	}
	f.srv.Reset()
	tests := [][]string{
		append(slices.Clone(f.args), "--db", db, "SELECT count(*) FROM ec2_instances"),
		{"--db", db, "SELECT count(*) FROM ec2_instances"},
		{"--db", db, "run", "account_summary"},
		{"--db", db, "SELECT count(*) FROM aws_region"}, // an alias reads as its table
	}
	for _, args := range tests {
		r := runCLI(context.Background(), nil, "", false, args...)
		if r.code != 0 || r.stdout == "" {
			t.Errorf("%v: exit %d:\n%s%s", args[len(args)-3:], r.code, r.stdout, r.stderr)
		}
	}
	if reqs := f.srv.Requests(); len(reqs) != 0 {
		t.Errorf("awssql --db made %d AWS calls, first %s", len(reqs), reqs[0].Operation)
	}
	r := runCLI(context.Background(), nil, "", false, "--db", filepath.Join(t.TempDir(), "missing.db"), "SELECT 1")
	if r.code != 2 || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("--db on a missing file: exit %d %s", r.code, r.stderr)
	}
}

// TestInterruptedSnapshotLeavesStoresIntact: Ctrl-C during a snapshot
// leaves every store holding what it held: the earlier snapshot, whole.
func TestInterruptedSnapshotLeavesStoresIntact(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	specs := []string{filepath.Join(t.TempDir(), "inventory.db"), "parquet:" + filepath.Join(t.TempDir(), "lake"), pgtest.Start(t)}
	for _, spec := range specs {
		if r := f.run("snapshot", "--into", spec, "--snapshot-time", "2026-11-01T00:00:00Z"); r.code != 3 {
			t.Fatalf("first snapshot into %s: exit %d: %s", spec, r.code, r.stderr)
		}
	}
	count := func() string {
		r := runCLI(context.Background(), nil, "", false, "--db", specs[0], "-o", "csv", "SELECT count(*) FROM main.ec2_instances")
		return r.stdout + r.stderr
	}
	before := count()
	// The images of one region come slowly: the interrupt falls after
	// accounts and ec2_instances were written, while images is read.
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeImages", Region: "eu-west-1", Latency: 30 * time.Second})
	for _, spec := range specs {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for len(f.srv.Requests()) == 0 || !slices.ContainsFunc(f.srv.Requests(), func(r awsfake.Request) bool {
				return r.Operation == "DescribeImages"
			}) {
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond)
			cancel()
		}()
		r := f.runIO(ctx, "", false, "snapshot", "--into", spec, "--snapshot-time", "2026-11-02T00:00:00Z")
		cancel()
		f.srv.Reset()
		if r.code != exitInterrupted || !strings.Contains(r.stderr, "not written") {
			t.Errorf("interrupted snapshot into %s: exit %d, want 130:\n%s", spec, r.code, r.stderr)
		}
		if got := snapshotsOf(t, spec); !slices.Equal(got, []string{"20261101T000000Z"}) {
			t.Errorf("%s holds %v after the interrupt, want the first snapshot only", spec, got)
		}
		if lake, ok := strings.CutPrefix(spec, "parquet:"); ok {
			var names []string
			filepath.WalkDir(lake, func(path string, d fs.DirEntry, err error) error {
				if err == nil && (strings.Contains(path, "20261102") || strings.Contains(path, ".staging/")) {
					names = append(names, path)
				}
				return err
			})
			if len(names) > 0 {
				t.Errorf("files of the interrupted snapshot: %v", names)
			}
		}
	}
	if after := count(); after != before || !strings.HasPrefix(before, "count(*)\n") {
		t.Errorf("rows kept in SQLite: %q, before the interrupt %q", after, before)
	}
}

// TestSnapshotIsOneFanOut: the tables of a snapshot are read in one
// fan-out, and --concurrency bounds the calls of all of them together.
//
// The first call of each table's listing is held until the listings of
// two tables have come (or 5 s passed): a snapshot that read its tables
// one after the other would keep the first one waiting, alone. Every call
// is held a little, so that calls made together meet at awsfake, which
// counts the most it answered at once: never more than --concurrency, the
// calls that read volumes' attributes (eight at once per page) included.
func TestSnapshotIsOneFanOut(t *testing.T) {
	f := demoFake(t, fakedata.Demo())
	const concurrency = 4
	var now, most atomic.Int64
	f.srv.AddFault(awsfake.Fault{Hold: func(ctx context.Context, _ awsfake.Request) {
		n := now.Add(1)
		defer now.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		select {
		case <-time.After(2 * time.Millisecond):
		case <-ctx.Done():
		}
	}})
	listings := map[string]string{"DescribeInstances": "ec2_instances", "DescribeImages": "images",
		"DescribeVpcs": "vpcs", "DescribeVolumes": "ebs_volumes"}
	var mu sync.Mutex
	arrived := map[string]bool{}
	together := make(chan struct{})
	var timedOut []string
	f.srv.AddFault(awsfake.Fault{Match: func(r awsfake.Request) bool { return listings[r.Operation] != "" },
		Hold: func(ctx context.Context, r awsfake.Request) {
			mu.Lock()
			first := !arrived[r.Operation]
			arrived[r.Operation] = true
			if first && len(arrived) == 2 {
				close(together)
			}
			mu.Unlock()
			if !first {
				return
			}
			select {
			case <-together:
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
				mu.Lock()
				timedOut = append(timedOut, listings[r.Operation])
				mu.Unlock()
			}
		}})
	db := filepath.Join(t.TempDir(), "inventory.db")
	r := f.run("--concurrency", strconv.Itoa(concurrency), "snapshot", "ec2_instances", "images", "vpcs", "ebs_volumes", "--into", db)
	if r.code != 3 || !strings.Contains(r.stderr, "ec2_instances 52, images 12, vpcs 21, ebs_volumes 54 rows") {
		t.Fatalf("snapshot: exit %d, want 3 and every table's rows:\n%s", r.code, r.stderr)
	}
	if len(timedOut) > 0 {
		t.Errorf("the first listing of %v waited 5 s for another table's: the tables were not read in one fan-out", timedOut)
	}
	t.Logf("at most %d calls at once, %d calls in all", most.Load(), len(f.srv.Requests()))
	if m := most.Load(); m > concurrency || m < 2 {
		t.Errorf("%d calls at once, want 2 to --concurrency %d", m, concurrency)
	}
	if n := f.srv.Count("DescribeVolumeAttribute", "", ""); n < 2*54 {
		t.Errorf("%d DescribeVolumeAttribute calls: the volumes' attributes were not read", n)
	}
}

// TestSnapshotStoreFailureEndsIt: a row the store refuses, while the
// other tables are still being read, ends the snapshot at once with the
// store's error, and nothing of it is written.
func TestSnapshotStoreFailureEndsIt(t *testing.T) {
	ds := fakedata.Demo()
	ds.Accounts[0].Name = "nul\x00name" // PostgreSQL text cannot hold it
	f := demoFake(t, ds)
	// Another table is slow: the failure comes while it is read.
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeImages", Latency: 10 * time.Second})
	pg := pgtest.Start(t)
	start := time.Now()
	r := f.run("snapshot", "--into", pg, "--snapshot-time", "2026-11-01T00:00:00Z")
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("the snapshot took %v to end: it did not stop at the store's error", took)
	}
	if r.code != 1 || !strings.Contains(r.stderr, "table accounts") || !strings.Contains(r.stderr, "cannot hold a NUL character") ||
		!strings.Contains(r.stderr, "snapshot 20261101T000000Z not written") {
		t.Errorf("exit %d, want 1, the store's error and nothing written:\n%s", r.code, r.stderr)
	}
	if got := snapshotsOf(t, pg); len(got) != 0 {
		t.Errorf("%s holds %v", pg, got)
	}
}
