package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/store"
	"github.com/awssql/awssql/vtab"
)

// duckDBResult is what testdata/duckdb/read.js says of one statement.
type duckDBResult struct {
	Columns [][2]string `json:"columns"` // name, DuckDB type
	Rows    [][]any     `json:"rows"`
}

// duckDB runs SQL in DuckDB, through node and @duckdb/node-api, in dir:
// the named queries, and the statements of script one after another.
func duckDB(t *testing.T, modules, dir string, queries map[string]string, script string) (map[string]duckDBResult, []duckDBResult) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("AWSSQL_DUCKDB_NODE_MODULES is set, but there is no node to run DuckDB with: %v", err)
	}
	js, err := filepath.Abs(filepath.Join("testdata", "duckdb", "read.js"))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := json.Marshal(map[string]any{"queries": queries, "script": script})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, js)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stdin = bytes.NewReader(spec)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("DuckDB (node %s, AWSSQL_DUCKDB_NODE_MODULES=%s): %v\n%s", js, modules, err, stderr.String())
	}
	var res struct {
		Queries map[string]duckDBResult `json:"queries"`
		Script  []duckDBResult          `json:"script"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("DuckDB's answer: %v", err)
	}
	return res.Queries, res.Script
}

// duckDBTypes are the DuckDB types the README says each awssql type is
// read as, from Parquet.
var duckDBTypes = map[vtab.Type]string{
	vtab.Text: "VARCHAR", vtab.JSON: "VARCHAR", vtab.Integer: "BIGINT", vtab.Real: "DOUBLE", vtab.Bool: "BOOLEAN",
	vtab.Time: "TIMESTAMP WITH TIME ZONE",
}

// TestParquetInDuckDB: Parquet snapshots as DuckDB reads them. The
// snapshots of the demo organization by --shard 1/4 to 4/4, in one
// dataset, read in DuckDB, are the live answer of every table, value for
// value, with the types and partition columns the README gives, and JSON
// that DuckDB's JSON functions read; and the README's worked example runs
// as written and answers what the live queries answer.
//
// It needs node and @duckdb/node-api: AWSSQL_DUCKDB_NODE_MODULES names the
// node_modules directory that holds it (.ci/run installs it there). Unset,
// the test skips; set, anything missing fails it.
func TestParquetInDuckDB(t *testing.T) {
	modules := os.Getenv("AWSSQL_DUCKDB_NODE_MODULES")
	if modules == "" {
		t.Skip("DuckDB's reading of Parquet snapshots is not checked: set AWSSQL_DUCKDB_NODE_MODULES to a node_modules " +
			"directory that holds @duckdb/node-api (npm install --prefix DIR @duckdb/node-api; then DIR/node_modules), with node on PATH")
	}
	if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api", "package.json")); err != nil {
		t.Fatalf("AWSSQL_DUCKDB_NODE_MODULES=%s holds no @duckdb/node-api: %v", modules, err)
	}
	f := demoFake(t, fakedata.Demo())
	dir := t.TempDir()
	lake := filepath.Join(dir, "lake")
	ts := wholeTables(t)
	// A month before, ec2_instances had one column less: DuckDB must read
	// the latest snapshot's files with it all the same.
	added := olderSnapshotLacking(t, lake, ts, "ec2_instances")
	for i := 1; i <= 4; i++ {
		r := f.run("snapshot", "--shard", fmt.Sprintf("%d/4", i), "--snapshot-time", "2026-11-01T02:00:00Z", "--into", "parquet:"+lake)
		if r.code != 0 && r.code != 3 {
			t.Fatalf("snapshot --shard %d/4: exit %d:\n%s", i, r.code, r.stderr)
		}
	}

	queries := map[string]string{}
	for _, ti := range ts {
		var parts, types, sel []string
		for _, c := range ti.Columns {
			if c.Name == "account_id" || c.Name == "region" {
				parts = append(parts, c.Name)
				types = append(types, fmt.Sprintf("'%s': VARCHAR", c.Name))
			}
			if c.Type == vtab.JSON {
				sel = append(sel, fmt.Sprintf(`json_extract(%q, '$')::VARCHAR AS %q`, c.Name, c.Name+"$json"))
			}
		}
		queries[ti.Name] = fmt.Sprintf("SELECT *%s FROM read_parquet('lake/%s/%s*.parquet', hive_partitioning = true, hive_types = {%s}, union_by_name = true) "+
			"WHERE snapshot_date = DATE '2026-11-01'",
			strings.Join(append([]string{""}, sel...), ", "), ti.Name, strings.Repeat("*/", 1+len(parts)), strings.Join(types, ", "))
	}
	queries["tags->>'Name'"] = "SELECT instance_id, tags->>'Name' FROM read_parquet('lake/ec2_instances/*/*/*/*.parquet', hive_partitioning = true, " +
		"union_by_name = true) WHERE snapshot_date = DATE '2026-11-01'"
	// The README's views are read as a user would go on: a column the
	// table gained is there.
	script := readmeDuckDB(t) + fmt.Sprintf("\nSELECT count(%q) AS gained FROM ec2_instances i JOIN snapshots s ON s.snapshot_id = i._snapshot_id\n"+
		"WHERE s.snapshot_time = (SELECT max(snapshot_time) FROM snapshots);", added)
	got, answers := duckDB(t, modules, dir, queries, script)

	for _, ti := range ts {
		t.Run(ti.Name, func(t *testing.T) {
			res := got[ti.Name]
			index := map[string]int{}
			for i, c := range res.Columns {
				index[c[0]] = i
			}
			want := map[string]string{"_snapshot_id": "VARCHAR", "_row_key": "VARCHAR", "snapshot_date": "DATE"}
			for _, c := range ti.Columns {
				want[c.Name] = duckDBTypes[c.Type]
				if c.Type == vtab.JSON {
					want[c.Name+"$json"] = "VARCHAR"
				}
			}
			for name, typ := range want {
				if i, ok := index[name]; !ok || res.Columns[i][1] != typ {
					t.Errorf("column %s: DuckDB reads %v, want %s", name, res.Columns[min(i, len(res.Columns)-1)], typ)
				}
			}
			if len(res.Columns) != len(want) {
				t.Errorf("DuckDB reads the columns %v, want %d of them", res.Columns, len(want))
			}
			if t.Failed() {
				return
			}
			var rows []string
			for _, row := range res.Rows {
				if row[index["snapshot_date"]] != "2026-11-01" {
					t.Fatalf("snapshot_date %v, want 2026-11-01", row[index["snapshot_date"]])
				}
				obj := map[string]any{}
				for _, c := range ti.Columns {
					obj[c.Name] = typed(t, c, duckDBValue(t, c.Type, row[index[c.Name]]))
					if c.Type == vtab.JSON {
						// DuckDB's JSON functions read the text as the JSON it is.
						read := typed(t, c, duckDBValue(t, c.Type, row[index[c.Name+"$json"]]))
						if a, b := canonical(t, map[string]any{"v": obj[c.Name]}), canonical(t, map[string]any{"v": read}); a != b {
							t.Errorf("%s: json_extract reads %s as %s", c.Name, a, b)
						}
					}
				}
				rows = append(rows, canonical(t, obj))
			}
			slices.Sort(rows)
			if diff := cmp.Diff(f.live(t, ti.Name), rows); diff != "" {
				t.Errorf("%s read by DuckDB (-live +DuckDB):\n%s", ti.Name, diff)
			}
		})
	}

	t.Run("->>", func(t *testing.T) {
		var rows []string
		for _, r := range got["tags->>'Name'"].Rows {
			rows = append(rows, fmt.Sprintf("%v,%v", r[0], orEmpty(r[1])))
		}
		checkLines(t, f, rows, "SELECT instance_id, tags ->> 'Name' FROM ec2_instances")
	})

	t.Run("README", func(t *testing.T) {
		find := func(cols ...string) duckDBResult {
			for _, r := range answers {
				var names []string
				for _, c := range r.Columns {
					names = append(names, c[0])
				}
				if slices.Equal(names, cols) {
					return r
				}
			}
			t.Fatalf("the README's example answered no statement with the columns %v: %v", cols, answers)
			return duckDBResult{}
		}
		// The running instances by account and type, most first.
		running := find("account_id", "instance_type", "n")
		var rows []string
		for i, r := range running.Rows {
			rows = append(rows, fmt.Sprintf("%v,%v,%v", r...))
			if i > 0 && number(t, r[2]) > number(t, running.Rows[i-1][2]) {
				t.Errorf("not ordered by n DESC: %v after %v", r, running.Rows[i-1])
			}
		}
		checkLines(t, f, rows, "SELECT account_id, instance_type, count(*) FROM ec2_instances WHERE instance_state = 'running' GROUP BY 1, 2")
		// Every shard came, with its accounts.
		r := f.run("-o", "csv", "--no-header", "SELECT account_id FROM accounts")
		counts := map[string]int64{}
		for _, acct := range strings.Fields(r.stdout) {
			for i := 1; i <= 4; i++ {
				if (store.Shard{I: i, N: 4}).Holds(acct) {
					counts[fmt.Sprintf("%d/4", i)]++
				}
			}
		}
		var shards []string
		for _, r := range find("shard", "accounts").Rows {
			shards = append(shards, fmt.Sprintf("%v %v", r[0], r[1]))
		}
		if want := []string{"1/4 " + strconv.FormatInt(counts["1/4"], 10), "2/4 " + strconv.FormatInt(counts["2/4"], 10),
			"3/4 " + strconv.FormatInt(counts["3/4"], 10), "4/4 " + strconv.FormatInt(counts["4/4"], 10)}; !slices.Equal(shards, want) {
			t.Errorf("shards and their accounts: %v, want %v", shards, want)
		}
		var gained []string
		for _, r := range find("gained").Rows {
			gained = append(gained, fmt.Sprint(r[0]))
		}
		checkLines(t, f, gained, fmt.Sprintf("SELECT count(%q) FROM ec2_instances", added))
		// What failed: what the snapshots recorded.
		st, err := store.Open(context.Background(), "parquet:"+lake, false)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		snaps, err := st.Snapshots(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var wantFailed, failed []string
		for _, s := range snaps {
			if s.Time.Month() != time.November {
				continue // the older snapshot
			}
			for _, fl := range s.Failures {
				wantFailed = append(wantFailed, strings.Join([]string{fl.Table, fl.Account, fl.Region, fl.Operation, fl.Code}, ","))
			}
		}
		for _, r := range find("table_name", "account_id", "region", "operation", "code").Rows {
			failed = append(failed, fmt.Sprintf("%v,%v,%v,%v,%v", r[0], r[1], orEmpty(r[2]), r[3], r[4]))
		}
		slices.Sort(wantFailed)
		slices.Sort(failed)
		if len(failed) == 0 || !slices.Equal(failed, wantFailed) {
			t.Errorf("failures DuckDB reads:\n%v\nrecorded:\n%v", failed, wantFailed)
		}
	})
}

// olderSnapshotLacking writes into the Parquet dataset at lake a snapshot
// of 2026-10-01 of one row of table, without the table's last column, as
// awssql would have before the column was added, and returns that column.
func olderSnapshotLacking(t *testing.T, lake string, ts []vtab.TableInfo, table string) string {
	t.Helper()
	ctx := context.Background()
	i := slices.IndexFunc(ts, func(ti vtab.TableInfo) bool { return ti.Name == table })
	tbl := store.Table{Name: table, Scope: store.ScopeRegion}
	var row []any
	for _, c := range ts[i].Columns[:len(ts[i].Columns)-1] {
		tbl.Columns = append(tbl.Columns, store.Column{Name: c.Name, Type: c.Type})
		switch c.Name {
		case "account_id":
			row = append(row, fakedata.DemoAccountID)
		case "region":
			row = append(row, "us-east-1")
		default:
			row = append(row, nil)
		}
	}
	st, err := store.Open(ctx, "parquet:"+lake, true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)
	snap := &store.Snapshot{ID: store.SnapshotID(at, store.Shard{}), Time: at, Connection: "demo", Accounts: []string{fakedata.DemoAccountID}}
	tx, err := st.Begin(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	w, err := tx.Table(ctx, tbl)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, store.Row{Key: fakedata.DemoAccountID + "/us-east-1/i-older", Values: row}); err != nil {
		t.Fatal(err)
	}
	sum := store.Summarize(tbl)
	if sum.Rows, err = w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	snap.Tables = []store.TableSummary{sum}
	if err := tx.Commit(ctx, snap); err != nil {
		t.Fatal(err)
	}
	return ts[i].Columns[len(ts[i].Columns)-1].Name
}

// readmeDuckDB is the README's DuckDB example: the indented block after
// "DuckDB then reads the whole organization:".
func readmeDuckDB(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "DuckDB then reads the whole organization:\n")
	if !ok {
		t.Fatal("the README has no DuckDB example")
	}
	var sql []string
	for _, line := range strings.Split(rest, "\n") {
		body, indented := strings.CutPrefix(line, "    ")
		if !indented && strings.TrimSpace(line) != "" {
			break
		}
		sql = append(sql, body)
	}
	if len(sql) < 5 {
		t.Fatalf("the README's DuckDB example: %q", sql)
	}
	return strings.Join(sql, "\n")
}

// duckDBValue converts a value as read.js gives it to what a store reads
// back (see typed).
func duckDBValue(t *testing.T, typ vtab.Type, v any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	switch typ {
	case vtab.Integer:
		n, err := strconv.ParseInt(v.(string), 10, 64)
		if err != nil {
			t.Fatalf("BIGINT %v: %v", v, err)
		}
		return n
	case vtab.Real:
		x, err := v.(json.Number).Float64()
		if err != nil {
			t.Fatalf("DOUBLE %v: %v", v, err)
		}
		return x
	case vtab.Time:
		us, err := strconv.ParseInt(v.(string), 10, 64)
		if err != nil {
			t.Fatalf("TIMESTAMP WITH TIME ZONE %v: %v", v, err)
		}
		return time.UnixMicro(us)
	}
	return v
}

func number(t *testing.T, v any) int64 {
	t.Helper()
	n, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
	if err != nil {
		t.Fatalf("%v is not a count", v)
	}
	return n
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// checkLines compares lines of comma-separated values with the live
// answer of query as CSV, as sets.
func checkLines(t *testing.T, f *fake, got []string, query string) {
	t.Helper()
	r := f.run("-o", "csv", "--no-header", query)
	if r.code != 0 && r.code != 3 {
		t.Fatalf("live %s: exit %d: %s", query, r.code, r.stderr)
	}
	want := strings.Split(strings.TrimSpace(r.stdout), "\n")
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DuckDB against %s (-live +DuckDB):\n%s", query, diff)
	}
}
