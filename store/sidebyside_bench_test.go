package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awssql/awssql/vtab"
)

// BenchmarkTablesSideBySide measures how the rows of tables read side by
// side best reach one transaction: each table's goroutine writing under a
// mutex (the row written before the next is read, so its Values are
// reused), or one writer goroutine fed copies of the rows in batches over
// a channel; and, for the cost of writing alone, one table after the
// other from one goroutine.
func BenchmarkTablesSideBySide(b *testing.B) {
	const tables, rowsPerTable = 4, 20000
	cols := []Column{{"account_id", vtab.Text}, {"region", vtab.Text}}
	for i := range 30 {
		cols = append(cols, Column{fmt.Sprintf("c%02d", i), vtab.Text})
	}
	cols = append(cols, Column{"n", vtab.Integer}, Column{"tags", vtab.JSON})
	var ts []Table
	for i := range tables {
		ts = append(ts, Table{Name: fmt.Sprintf("t%d", i), Scope: ScopeRegion, Columns: cols})
	}
	// fill makes row j of a table in vals: about 1.5 KB, as an instance's.
	fill := func(vals []any, j int) string {
		vals[0], vals[1] = fmt.Sprintf("%012d", 100000000000+j%10), "us-east-1"
		for k := 2; k < len(vals)-2; k++ {
			vals[k] = fmt.Sprintf("value %d of column %d: %s", j, k, strings.Repeat("x", 30))
		}
		vals[len(vals)-2], vals[len(vals)-1] = int64(j), fmt.Sprintf(`{"Name":"host-%d","Env":"prod"}`, j)
		return fmt.Sprintf("%s/us-east-1/i-%08x", vals[0], j)
	}
	for _, kind := range []string{"sqlite", "parquet"} {
		for _, how := range []string{"one-after-another", "mutex", "channel"} {
			b.Run(kind+"/"+how, func(b *testing.B) {
				ctx := context.Background()
				for n := range b.N {
					spec := filepath.Join(b.TempDir(), "s.db")
					if kind == "parquet" {
						spec = "parquet:" + filepath.Join(b.TempDir(), "lake")
					}
					st, err := Open(ctx, spec, true)
					if err != nil {
						b.Fatal(err)
					}
					snap := testSnapshot(time.Date(2026, 11, 1, 0, 0, n, 0, time.UTC), Shard{})
					tx, err := st.Begin(ctx, snap)
					if err != nil {
						b.Fatal(err)
					}
					ws := make([]TableWriter, tables)
					for i, t := range ts {
						if ws[i], err = tx.Table(ctx, t); err != nil {
							b.Fatal(err)
						}
					}
					switch how {
					case "one-after-another":
						vals := make([]any, len(cols))
						for i := range ts {
							for j := range rowsPerTable {
								if err := ws[i].Write(ctx, Row{Key: fill(vals, j), Values: vals}); err != nil {
									b.Fatal(err)
								}
							}
						}
					case "mutex":
						var mu sync.Mutex
						var wg sync.WaitGroup
						for i := range ts {
							wg.Go(func() {
								vals := make([]any, len(cols))
								for j := range rowsPerTable {
									key := fill(vals, j)
									mu.Lock()
									err := ws[i].Write(ctx, Row{Key: key, Values: vals})
									mu.Unlock()
									if err != nil {
										b.Error(err)
										return
									}
								}
							})
						}
						wg.Wait()
					case "channel":
						type batch struct {
							i    int
							rows []Row
						}
						ch := make(chan batch, 16)
						var wg sync.WaitGroup
						for i := range ts {
							wg.Go(func() {
								vals := make([]any, len(cols))
								var pending []Row
								for j := range rowsPerTable {
									key := fill(vals, j)
									pending = append(pending, Row{Key: key, Values: slices.Clone(vals)})
									if len(pending) == 64 || j == rowsPerTable-1 {
										ch <- batch{i, pending}
										pending = nil
									}
								}
							})
						}
						go func() { wg.Wait(); close(ch) }()
						for bt := range ch {
							for _, r := range bt.rows {
								if err := ws[bt.i].Write(ctx, r); err != nil {
									b.Fatal(err)
								}
							}
						}
					}
					for i := range ts {
						if _, err := ws[i].Close(ctx); err != nil {
							b.Fatal(err)
						}
					}
					if err := tx.Commit(ctx, snap); err != nil {
						b.Fatal(err)
					}
					st.Close()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tables*rowsPerTable), "ns/row")
			})
		}
	}
}
