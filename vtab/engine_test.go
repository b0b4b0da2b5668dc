package vtab_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awssql/awssql/vtab"
	"github.com/google/go-cmp/cmp"
)

type thing struct {
	Region string
	ID     string
	Name   *string
	Size   int32
	When   time.Time
	Tags   map[string]string
	Flag   *bool
}

// fake is a table whose list function records what it was asked.
type fake struct {
	mu    sync.Mutex
	rows  []thing
	calls []map[string][]string
	limit []int64
	used  []string
	again []bool // each call's Query.Again
	fail  error  // returned after the first row
}

func (f *fake) def() *vtab.Table[thing] {
	return &vtab.Table[thing]{
		Name:    "things",
		Doc:     "test rows",
		Example: "bucket = 'b'",
		Columns: []vtab.Column[thing]{
			{Name: "region", Type: vtab.Text, Key: vtab.Exact, Push: "Region", Batch: 2, Get: func(t *thing) any { return t.Region }},
			{Name: "id", Type: vtab.Text, Key: vtab.Exact, Push: "Ids", Batch: 100, Selectivity: 1e6, Get: func(t *thing) any { return t.ID }},
			{Name: "name", Type: vtab.Text, Key: vtab.Pushed, Push: "Name", Batch: 1, PerValue: true, Get: func(t *thing) any { return t.Name }},
			{Name: "size", Type: vtab.Integer, Get: func(t *thing) any { return t.Size }},
			{Name: "at", Type: vtab.Time, Get: func(t *thing) any { return t.When }},
			{Name: "tags", Type: vtab.JSON, Get: func(t *thing) any { return t.Tags }},
			{Name: "flag", Type: vtab.Bool, Get: func(t *thing) any { return t.Flag }},
		},
		ID: func(t thing) string { return t.Region + "/" + t.ID },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[thing, error] {
			f.mu.Lock()
			f.calls = append(f.calls, q.Pushed())
			f.limit = append(f.limit, q.Limit)
			f.again = append(f.again, q.Again)
			for _, c := range []string{"region", "id", "name", "size", "at", "tags", "flag"} {
				if q.Uses(c) && !slices.Contains(f.used, c) {
					f.used = append(f.used, c)
				}
			}
			f.mu.Unlock()
			return func(yield func(thing, error) bool) {
				n := 0
				for _, r := range f.rows {
					if v, ok := q.Values("region"); ok && !slices.Contains(v, r.Region) {
						continue
					}
					if v, ok := q.Values("id"); ok && !slices.Contains(v, r.ID) {
						continue
					}
					// name is Pushed: deliberately loose (case-insensitive),
					// as some APIs are; SQLite must re-check.
					if v, ok := q.String("name"); ok && (r.Name == nil || !strings.EqualFold(*r.Name, v)) {
						continue
					}
					if n == 1 && f.fail != nil {
						yield(thing{}, f.fail)
						return
					}
					if ctx.Err() != nil {
						yield(thing{}, ctx.Err())
						return
					}
					if !yield(r, nil) {
						return
					}
					n++
				}
			}
		},
	}
}

func ptr[T any](v T) *T { return &v }

func testRows() []thing {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))
	return []thing{
		{Region: "r1", ID: "a", Name: ptr("Alpha"), Size: 1, When: at, Tags: map[string]string{"k": "v,\"x\"\t\n<é>"}, Flag: ptr(true)},
		{Region: "r1", ID: "b", Name: ptr("alpha"), Size: 2, Flag: ptr(false)},
		{Region: "r2", ID: "c", Name: nil, Size: 3},
		{Region: "r2", ID: "d", Name: ptr("delta"), Size: 4},
	}
}

func open(t *testing.T, f *fake) (*vtab.Engine, *sql.DB) {
	t.Helper()
	e, err := vtab.New(f.def())
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	t.Cleanup(func() { db.Close() })
	return e, db
}

func query(t *testing.T, e *vtab.Engine, db *sql.DB, q string, args ...any) ([][]any, error) {
	t.Helper()
	st := e.Begin(context.Background())
	defer st.End()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		return nil, st.Cause(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return out, st.Cause(err)
	}
	return out, st.Err()
}

func TestEngineValues(t *testing.T) {
	f := &fake{rows: testRows()}
	e, db := open(t, f)
	got, err := query(t, e, db, "SELECT region, id, name, size, at, tags, flag, typeof(size), typeof(flag) FROM things WHERE id = 'a'")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"r1", "a", "Alpha", int64(1), "2026-01-02T02:04:05Z", `{"k":"v,\"x\"\t\n<é>"}`, int64(1), "integer", "integer"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got, err = query(t, e, db, "SELECT name, at, tags, flag FROM things WHERE id = 'c'")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]any{{nil, nil, nil, nil}}, got); diff != "" {
		t.Errorf("NULLs (-want +got):\n%s", diff)
	}
	got, err = query(t, e, db, "SELECT json_extract(tags, '$.k') FROM things WHERE id = 'a'")
	if err != nil || len(got) != 1 || got[0][0] != "v,\"x\"\t\n<é>" {
		t.Errorf("json_extract: %v %v", got, err)
	}
}

func TestEnginePushdown(t *testing.T) {
	type call = map[string][]string
	tests := []struct {
		sql   string
		args  []any
		calls []call
		ids   []string
		limit []int64
	}{
		{"SELECT id FROM things ORDER BY id", nil, []call{{}}, []string{"a", "b", "c", "d"}, []int64{0}},
		{"SELECT id FROM things WHERE region = 'r2' ORDER BY id", nil, []call{{"region": {"r2"}}}, []string{"c", "d"}, []int64{0}},
		// An IN list comes whole: one call for every value.
		{"SELECT id FROM things WHERE id IN ('a', 'd', 'a') ORDER BY id", nil, []call{{"id": {"a", "d"}}}, []string{"a", "d"}, []int64{0}},
		// More values than one call takes: one scan, SQLite checks.
		{"SELECT id FROM things WHERE region IN ('r1', 'r2', 'r3') ORDER BY id", nil, []call{{}}, []string{"a", "b", "c", "d"}, []int64{0}},
		// ... unless the column asks for a call per value.
		{"SELECT id FROM things WHERE name IN ('alpha', 'delta') ORDER BY id", nil, []call{{"name": {"alpha"}}, {"name": {"delta"}}}, []string{"b", "d"}, []int64{0, 0}},
		// The list function's match is loose; SQLite re-checks.
		{"SELECT id FROM things WHERE name = 'alpha'", nil, []call{{"name": {"alpha"}}}, []string{"b"}, []int64{0}},
		{"SELECT id FROM things WHERE region = 'r1' LIMIT 1", nil, []call{{"region": {"r1"}}}, []string{"a"}, []int64{1}},
		{"SELECT id FROM things LIMIT 2 OFFSET 1", nil, []call{{}}, []string{"b", "c"}, []int64{3}},
		// Not taken: SQLite must apply LIKE before counting.
		{"SELECT id FROM things WHERE name LIKE 'd%' LIMIT 1", nil, []call{{}}, []string{"d"}, []int64{0}},
		{"SELECT id FROM things WHERE name = 'alpha' LIMIT 1", nil, []call{{"name": {"alpha"}}}, []string{"b"}, []int64{0}},
		{"SELECT id FROM things WHERE id = NULL", nil, nil, nil, nil},
		// Collations and types decide with SQLite, not against it.
		{"SELECT id FROM things WHERE region = 'R1' COLLATE NOCASE ORDER BY id", nil, []call{{}}, []string{"a", "b"}, []int64{0}},
		{"SELECT id FROM things WHERE region = x'7231'", nil, nil, nil, nil},
		{"SELECT id FROM things WHERE region = 1.5", nil, []call{{}}, nil, []int64{0}},
		{"SELECT id FROM things WHERE id = 7", nil, []call{{"id": {"7"}}}, nil, []int64{0}},
		// A bound value is not a constant to the planner: the call is
		// narrowed by text, re-checked, and LIMIT stays with SQLite.
		{"SELECT id FROM things WHERE region = ? LIMIT 1", []any{"r2"}, []call{{"region": {"r2"}}}, []string{"c"}, []int64{0}},
		{"SELECT id FROM things WHERE region = ?", []any{int64(2)}, []call{{}}, nil, []int64{0}},
		// Another table's values, one Filter per outer row.
		{"SELECT x, id FROM (SELECT 'a' AS x UNION ALL SELECT 'c') CROSS JOIN things WHERE id = x", nil, []call{{"id": {"a"}}, {"id": {"c"}}}, []string{"a", "c"}, []int64{0, 0}},
		// OR plans de-duplicate by rowid.
		{"SELECT id FROM things WHERE id = 'a' OR region = 'r1' ORDER BY id", nil, nil, []string{"a", "b"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			f := &fake{rows: testRows()}
			e, db := open(t, f)
			got, err := query(t, e, db, tt.sql, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r[len(r)-1].(string))
			}
			if diff := cmp.Diff(tt.ids, ids); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if tt.calls != nil || tt.ids == nil {
				if diff := cmp.Diff(tt.calls, f.calls); diff != "" {
					t.Errorf("calls (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.limit, f.limit); diff != "" {
					t.Errorf("limits (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestEngineQueryAgain: a query says that the statement may make its calls
// again when its filter runs several queries, when SQLite may filter the
// cursor once per value of an IN list it does not hand over whole (past
// the 32nd constraint it offers), or when it filtered the cursor before.
func TestEngineQueryAgain(t *testing.T) {
	var past32 []string
	for i := range 32 {
		past32 = append(past32, fmt.Sprintf("size > %d", -i-1))
	}
	for _, c := range []struct {
		sql   string
		again []bool // each call's
	}{
		{"SELECT id FROM things WHERE region = 'r1'", []bool{false}},
		{"SELECT id FROM things WHERE id IN ('a', 'b')", []bool{false}},
		{"SELECT id FROM things WHERE name IN ('alpha', 'delta')", []bool{true, true}},
		{"SELECT id FROM things WHERE " + strings.Join(past32, " AND ") + " AND id IN ('a', 'c')", []bool{true, true}},
		{"SELECT id FROM things WHERE " + strings.Join(past32, " AND ") + " AND id = 'a'", []bool{false}},
		{"SELECT x, id FROM (SELECT 'a' AS x UNION ALL SELECT 'c') CROSS JOIN things WHERE id = x", []bool{false, true}},
	} {
		f := &fake{rows: testRows()}
		e, db := open(t, f)
		if _, err := query(t, e, db, c.sql); err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if diff := cmp.Diff(c.again, f.again); diff != "" {
			t.Errorf("%s: Again of each call (-want +got):\n%s", c.sql, diff)
		}
	}
}

// TestEngineAnswersAsSQLite compares every pushed constraint, in many
// shapes (collations, literals and other tables' columns of every type and
// affinity), with the same statement on a plain SQLite table holding the
// same rows: the engine must never answer otherwise than SQLite does. (A
// unary '+' on the column would hide the constraint from the planner but
// also drop the column's affinity, so it is no oracle for types.)
func TestEngineAnswersAsSQLite(t *testing.T) {
	values := []string{"'r1'", "'R1'", "'r1' COLLATE NOCASE", "'R1' COLLATE NOCASE", "'r1 ' COLLATE RTRIM", "x'7231'",
		"12", "12.0", "'12'", "NULL", "'a'", "'*'", "''", "n.i", "n.r", "n.t", "n.b",
		// A CAST gives a constant its affinity: a text column compared
		// with a numeric one compares as numbers ('012' = 12); a unary
		// '+' or '-' takes the affinity away again.
		"CAST(12 AS INTEGER)", "CAST('12' AS NUMERIC)", "CAST(12 AS INT) COLLATE BINARY", "CAST(12 AS BOOLEAN)",
		"CAST(12 AS TEXT)", "CAST(12 AS BLOB)", "+CAST(12 AS INTEGER)", "-CAST(-12 AS INTEGER)", "(CAST(12 AS INTEGER))"}
	var where []string
	for _, col := range []string{"region", "id", "name"} {
		for _, v := range values {
			where = append(where, col+" = "+v, v+" = "+col, col+" IN ("+v+", 'b')")
		}
	}
	// Another table's columns of every affinity, with a number among them:
	// '012' equals 12 when compared as numbers, not as text.
	f := &fake{rows: append(testRows(), thing{Region: "r3", ID: "012", Name: ptr("12")})}
	e, db := open(t, f)
	for _, ddl := range []string{
		"CREATE TEMP TABLE n(i INTEGER, r REAL, t TEXT, b BLOB)",
		"INSERT INTO n VALUES (12, 12.0, '12', 12), ('r1', 'r1', 'r1', 'r1')",
		"CREATE TEMP TABLE plain(region TEXT, id TEXT, name TEXT)",
		"INSERT INTO plain SELECT region, id, name FROM things",
	} {
		if _, err := query(t, e, db, ddl); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range where {
		pushed, err := query(t, e, db, "SELECT DISTINCT id FROM n CROSS JOIN things WHERE "+w+" ORDER BY id")
		if err != nil {
			t.Fatalf("%s: %v", w, err)
		}
		checked, err := query(t, e, db, "SELECT DISTINCT id FROM n CROSS JOIN plain AS things WHERE "+w+" ORDER BY id")
		if err != nil {
			t.Fatalf("%s: %v", w, err)
		}
		if diff := cmp.Diff(checked, pushed); diff != "" {
			t.Errorf("WHERE %s answers otherwise than SQLite's own check (-sqlite +pushed):\n%s", w, diff)
		}
	}
}

func TestEngineColumnsUsed(t *testing.T) {
	f := &fake{rows: testRows()}
	e, db := open(t, f)
	if _, err := query(t, e, db, "SELECT id FROM things WHERE size > 1"); err != nil {
		t.Fatal(err)
	}
	slices.Sort(f.used)
	if diff := cmp.Diff([]string{"id", "size"}, f.used); diff != "" {
		t.Errorf("used (-want +got):\n%s", diff)
	}
}

func TestEngineErrorKeepsMessage(t *testing.T) {
	f := &fake{rows: testRows(), fail: errors.New("account 1, region r1: DescribeThings: Boom: the real message")}
	e, db := open(t, f)
	for _, q := range []string{"SELECT id FROM things", "SELECT count(*) FROM things"} {
		_, err := query(t, e, db, q)
		if err == nil || !strings.Contains(err.Error(), "things: account 1, region r1: DescribeThings: Boom: the real message") {
			t.Errorf("%s: error %v: want the list function's message", q, err)
		}
	}
}

func TestEngineRequiredKey(t *testing.T) {
	f := &fake{rows: testRows()}
	def := f.def()
	def.Columns = append(def.Columns, vtab.Column[thing]{Name: "bucket", Key: vtab.Required, Push: "Bucket", Hidden: true, Get: func(*thing) any { return nil }})
	e, err := vtab.New(def)
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	_, err = query(t, e, db, "SELECT id FROM things")
	if err == nil || !strings.Contains(err.Error(), "things: a value for bucket is required: add WHERE bucket = 'b'") {
		t.Errorf("error %v", err)
	}
	// Given in an IN list, the plan with the key is chosen.
	if _, err := query(t, e, db, "SELECT id FROM things WHERE bucket IN ('x', 'y')"); err != nil {
		t.Errorf("IN list on the required key: %v", err)
	}
}

func TestEngineContextReachesList(t *testing.T) {
	f := &fake{rows: testRows()}
	e, db := open(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := e.Begin(ctx)
	defer st.End()
	rows, err := db.QueryContext(context.Background(), "SELECT id FROM things")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if !errors.Is(st.Err(), context.Canceled) {
		t.Errorf("statement error %v (query error %v): want context.Canceled from the list function", st.Err(), err)
	}
}

func TestEngineValidation(t *testing.T) {
	bad := &vtab.Table[thing]{Name: "Bad Name", Columns: []vtab.Column[thing]{{Name: "x"}, {Name: "x"}, {Name: "y", Key: vtab.Required, Get: func(*thing) any { return nil }}}}
	_, err := vtab.New(bad)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"snake_case", "no description", "no list function", "no row identity", `column "x" defined twice`, `column "x" has no getter`, "Example"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestSQLValue(t *testing.T) {
	type enum string
	tests := []struct {
		typ  vtab.Type
		in   any
		want any
	}{
		{vtab.Text, enum("running"), "running"},
		{vtab.Text, (*string)(nil), nil},
		{vtab.Integer, ptr(int32(7)), int64(7)},
		{vtab.Integer, uint16(7), int64(7)},
		{vtab.Real, ptr(1.5), 1.5},
		{vtab.Real, ptr(float32(0.012)), 0.012},
		{vtab.Bool, ptr(false), int64(0)},
		{vtab.Time, time.Time{}, nil},
		{vtab.Time, ptr(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)), "2026-05-06T07:08:09Z"},
		{vtab.JSON, []string{}, nil},
		{vtab.JSON, []string{"a&b"}, `["a&b"]`},
		{vtab.JSON, struct{ A *int }{}, nil},
		{vtab.JSON, struct {
			A *int
			B []string
			C bool
			D map[string]int
			E string
			F []struct{ X *int }
		}{B: []string{}, D: map[string]int{}, F: []struct{ X *int }{{}}}, `{"C":false,"E":""}`},
		{vtab.JSON, []int64{1 << 62}, `[4611686018427387904]`},
		{vtab.JSON, `{"already":"json"}`, `{"already":"json"}`},
	}
	for _, tt := range tests {
		got, err := vtab.SQLValue(tt.typ, tt.in)
		if err != nil {
			t.Errorf("SQLValue(%v, %#v): %v", tt.typ, tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SQLValue(%v, %#v) (-want +got):\n%s", tt.typ, tt.in, diff)
		}
	}
	if _, err := vtab.SQLValue(vtab.JSON, "{not json"); err == nil {
		t.Error("invalid JSON text: want an error")
	}
	if _, err := vtab.SQLValue(vtab.Text, struct{}{}); err == nil {
		t.Error("a struct in a text column: want an error")
	}
}

func ExampleEngine() {
	tbl := &vtab.Table[int]{
		Name: "numbers", Doc: "1 to 3",
		Columns: []vtab.Column[int]{{Name: "n", Type: vtab.Integer, Get: func(n *int) any { return *n }}},
		ID:      func(n int) string { return fmt.Sprint(n) },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[int, error] {
			return func(yield func(int, error) bool) {
				for n := 1; n <= 3 && yield(n, nil); n++ {
				}
			}
		},
	}
	e, _ := vtab.New(tbl)
	db := e.DB()
	defer db.Close()
	st := e.Begin(context.Background())
	defer st.End()
	var sum int
	_ = db.QueryRow("SELECT sum(n) FROM numbers").Scan(&sum)
	fmt.Println(sum)
	// Output: 6
}

// A statement writes no file unless the engine allows it: ATTACH creates
// one, and so does VACUUM INTO.
func TestEngineWritesNoFiles(t *testing.T) {
	for _, allow := range []bool{false, true} {
		dir := t.TempDir()
		f := &fake{rows: testRows()}
		e, err := vtab.New(f.def())
		if err != nil {
			t.Fatal(err)
		}
		if allow {
			e.AllowAttach()
		}
		db := e.DB()
		for _, stmt := range []string{
			fmt.Sprintf("ATTACH '%s/a.db' AS a", dir),
			fmt.Sprintf("VACUUM INTO '%s/b.db'", dir),
		} {
			_, err := query(t, e, db, stmt)
			if allow && err != nil {
				t.Errorf("allowed: %s: %v", stmt, err)
			}
			if !allow && (err == nil || !strings.Contains(err.Error(), "too many attached databases")) {
				t.Errorf("%s: error %v, want it refused", stmt, err)
			}
		}
		db.Close()
		files, _ := os.ReadDir(dir)
		if !allow && len(files) != 0 {
			t.Errorf("files written: %v", files)
		}
		if allow && len(files) != 2 {
			t.Errorf("allowed: %d files written, want 2", len(files))
		}
	}
}
