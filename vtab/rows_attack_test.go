package vtab_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awssql/awssql/vtab"
)

// lateCtx is a context that ended (Ctrl-C, --timeout) just after QueryRows
// looked at it: its first Err says nil, the rest context.Canceled, and
// its Done is closed.
type lateCtx struct {
	context.Context
	n atomic.Int32
}

func (c *lateCtx) Err() error {
	if c.n.Add(1) == 1 {
		return nil
	}
	return c.Context.Err()
}

// TestQueryRowsCancelBeforeFirstStep ends a statement's context after
// QueryRows checked it but before the statement's first step (a Ctrl-C
// or a --timeout during the prepare). SQLite clears an interrupt that
// comes before a statement's first step (sqlite3_step resets it when no
// other statement is active), so the interrupt alone can be lost: the
// statement must stop all the same, as under database/sql, whose driver
// also checked the context's end from a progress handler. The long
// column names only widen the window between the interrupt and the step
// (reading the names), so that the interrupt lands in it: at 4b2e58d
// (interrupt only, no progress handler) the first try of each case ran
// to its end in every run here.
func TestQueryRowsCancelBeforeFirstStep(t *testing.T) {
	e, err := vtab.New()
	if err != nil {
		t.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	long := strings.Repeat("x", 1<<20)
	var more []string
	for i := range 8 {
		more = append(more, fmt.Sprintf("%d AS c%d%s", i, i, long))
	}
	tests := []struct {
		name, q string
	}{
		{"aggregate", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<3000000) SELECT count(*) AS a%[1]s, %[2]s FROM c"},
		{"rows", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<3000000) SELECT x AS a%[1]s, %[2]s FROM c WHERE x %% 1000000 = 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := fmt.Sprintf(tc.q, long, strings.Join(more, ", "))
			for i := range 5 {
				ended, cancel := context.WithCancel(context.Background())
				cancel()
				ctx := &lateCtx{Context: ended}
				conn, err := db.Conn(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				n := 0
				err = conn.Raw(func(dc any) error {
					rows, err := vtab.QueryRows(ctx, dc, q)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						n++
					}
					return rows.Err()
				})
				conn.Close()
				took := time.Since(start)
				switch {
				case err == nil:
					t.Fatalf("try %d: the cancelled statement ran to its end: %d rows, no error, in %v", i, n, took)
				case !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "interrupt"):
					t.Fatalf("try %d: error %v", i, err)
				case n > 0:
					t.Fatalf("try %d: %d rows after the cancel", i, n)
				}
			}
		})
	}
}
