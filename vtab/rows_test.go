package vtab_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/vtab"
)

// queryRows runs q with vtab.QueryRows on one connection of db and
// returns its columns and its rows, each value as database/sql would
// have read it into an `any`.
func queryRows(ctx context.Context, t *testing.T, db *sql.DB, q string, args ...any) ([]vtab.ResultColumn, [][]any, error) {
	t.Helper()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cols []vtab.ResultColumn
	var out [][]any
	err = conn.Raw(func(dc any) error {
		rows, err := vtab.QueryRows(ctx, dc, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols = rows.Columns()
		for rows.Next() {
			var row []any
			for _, v := range rows.Values() {
				row = append(row, v.Any())
			}
			out = append(out, row)
		}
		return rows.Err()
	})
	return cols, out, err
}

// querySQL is queryRows through database/sql and modernc's driver.
func querySQL(ctx context.Context, t *testing.T, db *sql.DB, q string, args ...any) ([]vtab.ResultColumn, [][]any, error) {
	t.Helper()
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]vtab.ResultColumn, len(types))
	for i, ct := range types {
		cols[i] = vtab.ResultColumn{Name: ct.Name(), DeclType: ct.DatabaseTypeName()}
	}
	var out [][]any
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]any(nil), vals...))
	}
	return cols, out, rows.Err()
}

// sameAsDatabaseSQL runs q with QueryRows and through database/sql, each
// within timeout (0: none; a run past it skips t), and fails t where the
// columns, the rows or the error differ.
func sameAsDatabaseSQL(t *testing.T, db *sql.DB, timeout time.Duration, q string, args ...any) {
	t.Helper()
	within := func() (context.Context, context.CancelFunc) {
		if timeout == 0 {
			return context.WithCancel(context.Background())
		}
		return context.WithTimeout(context.Background(), timeout)
	}
	ctx, cancel := within()
	defer cancel()
	wantCols, want, wantErr := querySQL(ctx, t, db, q, args...)
	if ctx.Err() != nil {
		t.Skipf("runs past %v", timeout)
	}
	ctx2, cancel2 := within()
	defer cancel2()
	cols, got, err := queryRows(ctx2, t, db, q, args...)
	if ctx2.Err() != nil {
		t.Skipf("runs past %v", timeout)
	}
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("%s: error %v, database/sql's %v", q, err, wantErr)
	}
	if wantErr != nil {
		return
	}
	if len(wantCols) == 0 {
		wantCols = nil
	}
	if len(cols) == 0 {
		cols = nil
	}
	if d := cmp.Diff(wantCols, cols); d != "" {
		t.Errorf("%s: columns (-database/sql +QueryRows):\n%s", q, d)
	}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a == b || a != a && b != b })); d != "" {
		t.Errorf("%s: rows (-database/sql +QueryRows):\n%s", q, d)
	}
}

// TestQueryRowsIsDatabaseSQL runs statements of every kind of value, of
// no rows and of errors both ways, and wants the same columns, values
// and error messages from QueryRows as from database/sql.
func TestQueryRowsIsDatabaseSQL(t *testing.T) {
	f := &fake{rows: []thing{
		{Region: "us-east-1", ID: "i-1", Name: ptr("one"), Size: 3, Tags: map[string]string{"k": "v"}, Flag: ptr(true)},
		{Region: "eu-west-1", ID: "i-2", Size: -7},
		{Region: "eu-west-1", ID: "i-3", Name: ptr("ünï\x00cöde"), Tags: map[string]string{}},
	}}
	e, err := vtab.New(f.def())
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	ctx := context.Background()
	st := e.Begin(ctx)
	defer st.End()
	big := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		q    string
		args []any
	}{
		{q: "SELECT * FROM things"},
		{q: "SELECT region, count(*) AS n, sum(size) FROM things GROUP BY region ORDER BY region"},
		{q: "SELECT id, name FROM things WHERE region = 'eu-west-1' AND id = 'i-3'"},
		{q: "SELECT 1, -1, 9223372036854775807, -9223372036854775808, 0.1 + 0.2, 1e308 * 10, -0.0, NULL, '', x'', x'00ff', 'a' || char(0) || 'b', char(0x10ffff), 'ß'"},
		{q: "SELECT '" + big + "' AS big, length('" + big + "')"},
		{q: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000) SELECT x, x * 0.5, printf('%05d', x) FROM c"},
		{q: "SELECT :a, :b, :c, :d, :e, :f", args: []any{sql.Named("a", "text"), sql.Named("b", int64(42)), sql.Named("c", 2.5), sql.Named("d", nil), sql.Named("e", []byte{0, 1}), sql.Named("f", "")}},
		{q: "SELECT $x || @x, :x", args: []any{sql.Named("x", "é")}},
		{q: "SELECT ?, ?", args: []any{"p", int64(2)}},
		{q: "SELECT * FROM things WHERE 0"},
		{q: "CREATE TEMP TABLE IF NOT EXISTS scratch (a, b TEXT, c JSON)"},
		{q: "SELECT a, b, c FROM scratch"},
		{q: "-- only a comment"},
		{q: "SELECT 1 /* and a comment after */ -- more"},
		{q: "SELEC 1"},
		{q: "SELECT * FROM nothing_here"},
		{q: "SELECT nope FROM things"},
		{q: "SELECT :missing", args: []any{sql.Named("other", 1)}},
		{q: "SELECT json('{')"},
		{q: "SELECT abs(-9223372036854775808)"},
	} {
		t.Run(tc.q[:min(len(tc.q), 40)], func(t *testing.T) {
			sameAsDatabaseSQL(t, db, 0, tc.q, tc.args...)
		})
	}
	if _, _, err := queryRows(ctx, t, db, "SELECT 1; SELECT 2"); err == nil {
		t.Error("two statements: no error")
	}
}

// TestQueryRowsValues checks each kind of Value, and that a row's text
// is SQLite's bytes, not a copy.
func TestQueryRowsValues(t *testing.T) {
	e, err := vtab.New()
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		rows, err := vtab.QueryRows(ctx, dc, "SELECT NULL, 7, 1.5, 'abc', x'0102', '', x''")
		if err != nil {
			return err
		}
		defer rows.Close()
		if !rows.Next() {
			return fmt.Errorf("no row: %v", rows.Err())
		}
		want := []vtab.Value{{}, {Kind: vtab.ValueInt, Int: 7}, {Kind: vtab.ValueFloat, Float: 1.5},
			{Kind: vtab.ValueText, Bytes: []byte("abc")}, {Kind: vtab.ValueBlob, Bytes: []byte{1, 2}},
			{Kind: vtab.ValueText, Bytes: []byte{}}, {Kind: vtab.ValueBlob, Bytes: []byte{}}}
		if d := cmp.Diff(want, rows.Values()); d != "" {
			t.Errorf("values (-want +got):\n%s", d)
		}
		if v := rows.Values()[3]; v.View() != "abc" {
			t.Errorf("View = %q", v.View())
		}
		if rows.Next() {
			t.Error("a second row")
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{nil, int64(-3), 2.25, "s", []byte{9}, true, false} {
		got := vtab.ValueOf(v).Any()
		if b, ok := v.(bool); ok {
			v = map[bool]int64{true: 1, false: 0}[b]
		}
		if !cmp.Equal(got, v) {
			t.Errorf("ValueOf(%#v).Any() = %#v", v, got)
		}
	}
	if f := vtab.ValueOf(math.Inf(1)); f.Kind != vtab.ValueFloat || !math.IsInf(f.Float, 1) {
		t.Errorf("ValueOf(+Inf) = %+v", f)
	}
}

// TestQueryRowsCancel ends a statement's context while its rows stream:
// the rows end with an error, never as complete, and the connection
// answers the next statement.
func TestQueryRowsCancel(t *testing.T) {
	tbl := &vtab.Table[int]{
		Name: "endless", Doc: "rows until the context ends",
		Columns: []vtab.Column[int]{{Name: "n", Type: vtab.Integer, Get: func(n *int) any { return int64(*n) }}},
		ID:      func(n int) string { return fmt.Sprint(n) },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[int, error] {
			return func(yield func(int, error) bool) {
				for i := 0; ; i++ {
					if err := ctx.Err(); err != nil {
						yield(0, err)
						return
					}
					if !yield(i, nil) {
						return
					}
				}
			}
		},
	}
	e, err := vtab.New(tbl)
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	for _, q := range []string{"SELECT n FROM endless", "SELECT count(*) FROM endless", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"} {
		ctx, cancel := context.WithCancel(context.Background())
		st := e.Begin(ctx)
		conn, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		aggregate := !strings.HasPrefix(q, "SELECT n ")
		if aggregate {
			// No row comes before the end: the context ends while
			// SQLite steps, in QueryRows' first step.
			time.AfterFunc(20*time.Millisecond, cancel)
		}
		err = conn.Raw(func(dc any) error {
			rows, err := vtab.QueryRows(ctx, dc, q)
			if err != nil {
				return err
			}
			defer rows.Close()
			if aggregate {
				return errors.New("an endless aggregate answered")
			}
			for rows.Next() {
				if n++; n == 1000 {
					cancel()
				}
			}
			if rows.Err() == nil {
				return errors.New("the rows ended without an error")
			}
			return nil
		})
		st.End()
		cancel()
		// The first step may have ended it already: then QueryRows says so.
		if err != nil && !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "interrupt") {
			t.Errorf("%s: %v", q, err)
		}
		if n > 1000+1 {
			t.Errorf("%s: %d rows after the cancel", q, n-1000)
		}
		// The connection is whole, and not left interrupted.
		err = conn.Raw(func(dc any) error {
			st := e.Begin(context.Background())
			defer st.End()
			rows, err := vtab.QueryRows(context.Background(), dc, "SELECT n FROM endless LIMIT 3")
			if err != nil {
				return err
			}
			defer rows.Close()
			k := 0
			for rows.Next() {
				k++
			}
			if k != 3 {
				return fmt.Errorf("%d rows of 3: %v", k, rows.Err())
			}
			return rows.Err()
		})
		if err != nil {
			t.Errorf("after %s: %v", q, err)
		}
		conn.Close()
	}
}
