package vtab_test

import (
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/awssql/awssql/vtab"
)

type benchRow struct {
	id   int64
	name string
	size float64
}

const benchRows = 100_000

// BenchmarkScan compares the rows per second SQLite reads through a
// virtual table with the same rows from a plain table: the lower bound
// the engine's own cost is measured against.
func BenchmarkScan(b *testing.B) {
	tbl := &vtab.Table[benchRow]{
		Name: "rows", Doc: "generated rows",
		Columns: []vtab.Column[benchRow]{
			{Name: "id", Type: vtab.Integer, Get: func(r *benchRow) any { return r.id }},
			{Name: "name", Type: vtab.Text, Get: func(r *benchRow) any { return r.name }},
			{Name: "size", Type: vtab.Real, Get: func(r *benchRow) any { return r.size }},
		},
		ID: func(r benchRow) string { return fmt.Sprint(r.id) },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[benchRow, error] {
			return func(yield func(benchRow, error) bool) {
				for i := int64(0); i < benchRows; i++ {
					if !yield(benchRow{id: i, name: "row", size: float64(i) / 2}, nil) {
						return
					}
				}
			}
		},
	}
	e, err := vtab.New(tbl)
	if err != nil {
		b.Fatal(err)
	}
	db := e.DB()
	defer db.Close()
	st := e.Begin(context.Background())
	defer st.End()
	if _, err := db.Exec("CREATE TEMP TABLE plain AS SELECT id, name, size FROM rows"); err != nil {
		b.Fatal(err)
	}
	const q = "SELECT id, name, size FROM %s"
	scan := func(b *testing.B, table string) time.Duration {
		start := time.Now()
		rows, err := db.Query(fmt.Sprintf(q, table))
		if err != nil {
			b.Fatal(err)
		}
		var (
			id   int64
			name string
			size float64
			n    int
		)
		for rows.Next() {
			if err := rows.Scan(&id, &name, &size); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		if n != benchRows {
			b.Fatalf("%d rows", n)
		}
		return time.Since(start)
	}
	var plain time.Duration
	b.Run("plain", func(b *testing.B) {
		plain = measure(b, func() time.Duration { return scan(b, "plain") })
	})
	b.Run("vtab", func(b *testing.B) {
		d := measure(b, func() time.Duration { return scan(b, "rows") })
		if plain > 0 {
			b.ReportMetric(float64(d)/float64(plain), "x_plain")
		}
	})
}

// measure runs one scan per iteration and reports rows/s; it returns the
// mean duration of a scan.
func measure(b *testing.B, scan func() time.Duration) time.Duration {
	var total time.Duration
	for range b.N {
		total += scan()
	}
	mean := total / time.Duration(b.N)
	b.ReportMetric(float64(benchRows)/mean.Seconds(), "rows/s")
	return mean
}
