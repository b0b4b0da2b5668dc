package vtab

import (
	"context"
	"database/sql/driver"
	"testing"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// TestRowsCloseClearsInterrupt interrupts a statement and wants its
// connection's interrupt cleared once the rows close: left set, the
// driver would call the connection broken and database/sql drop it,
// TEMP tables and all.
func TestRowsCloseClearsInterrupt(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		rows, err := QueryRows(ctx, dc, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c")
		if err == nil {
			rows.Close()
			t.Fatal("an endless statement answered")
		}
		tls, cdb, err := rawConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		if sqlite3.Xsqlite3_is_interrupted(tls, cdb) != 0 {
			t.Error("the connection is left interrupted")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
