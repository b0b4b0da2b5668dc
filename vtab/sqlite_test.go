package vtab

import (
	"context"
	"database/sql/driver"
	"iter"
	"sync"
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

// TestHandles: handles made, read and deleted from many goroutines at once
// (SQLite's callbacks on the connections of parallel engines) each find
// their own value until deleted, and not after; run it with -race.
func TestHandles(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var mine []uintptr
			for i := range 2000 {
				v := [2]int{g, i}
				h := newHandle(&v)
				mine = append(mine, h)
				if got, _ := handleValue(h).(*[2]int); got != &v {
					t.Errorf("handle %d: %v, want %v", h, got, v)
					return
				}
				if i%3 == 0 { // some deleted at once, the rest at the end
					deleteHandle(h)
					// Its index may already be another's.
					if got, _ := handleValue(h).(*[2]int); got == &v {
						t.Errorf("deleted handle %d: still %v", h, got)
						return
					}
					mine = mine[:len(mine)-1]
				}
			}
			for _, h := range mine {
				if got, _ := handleValue(h).(*[2]int); got == nil || got[0] != g {
					t.Errorf("handle %d: %v, want goroutine %d's", h, got, g)
				}
				deleteHandle(h)
			}
		})
	}
	wg.Wait()
	if got := handleValue(0); got != nil {
		t.Errorf("handle 0: %v", got)
	}
}
