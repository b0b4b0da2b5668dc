package vtab

import (
	"context"
	"database/sql/driver"
	"iter"
	"testing"

	sqlite3 "modernc.org/sqlite/lib"
)

// TestConnectionHasNoMutex: every connection of an engine is one without
// a mutex of its own, as if opened SQLITE_OPEN_NOMUTEX (unlock), so that
// reading a value is not three lock and unlock pairs.
func TestConnectionHasNoMutex(t *testing.T) {
	e, err := New(&Table[int]{
		Name: "numbers", Doc: "numbers",
		Columns: []Column[int]{{Name: "n", Type: Integer, Get: func(i *int) any { return *i }}},
		ID:      func(i int) string { return "n" },
		List: func(context.Context, *Query) iter.Seq2[int, error] {
			return func(yield func(int, error) bool) { yield(1, nil) }
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	db.SetMaxOpenConns(3)
	ctx := context.Background()
	stmt := e.Begin(ctx)
	defer stmt.End()
	for range 3 { // several connections of the pool, each checked
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if err := conn.Raw(func(dc any) error {
			tls, h, err := rawConn(dc.(driver.Conn))
			if err != nil {
				return err
			}
			if mu := sqlite3.Xsqlite3_db_mutex(tls, h); mu != 0 {
				t.Errorf("connection %#x has a mutex %#x", h, mu)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT n FROM numbers").Scan(&n); err != nil || n != 1 {
			t.Fatalf("SELECT n: %d, %v", n, err)
		}
	}
}
