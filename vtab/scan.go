package vtab

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// ScanRow is one row of a table as Scan reads it.
type ScanRow struct {
	// ID is the row's stable identity, the one its rowid is derived from:
	// it names the same resource from one read to the next.
	ID string
	// Values are the row's columns as `SELECT *` returns them (every column
	// that is not hidden, in declared order), converted as for SQLite: nil,
	// int64, float64, string or []byte. The slice is reused for the next
	// row: copy what must outlive it.
	Values []any
}

// Scan reads every row of a table as `SELECT * FROM table` would, with
// where's values pushed down as `column IN (...)` would push them, but
// without SQLite: for a snapshot, which keeps each row's identity, not
// only its columns. Only columns whose pushdown is exact (or required) may
// be in where, since no one re-checks the rows. It runs under ctx, not
// under a Statement; a scan cut short by ctx ends with ctx's cause, never
// as if the table had ended.
func (e *Engine) Scan(ctx context.Context, table string, where map[string][]string) iter.Seq2[ScanRow, error] {
	return func(yield func(ScanRow, error) bool) {
		t := e.byName[table]
		if t == nil {
			yield(ScanRow{}, fmt.Errorf("no table %q", table))
			return
		}
		queries, err := t.scanQueries(where)
		if err != nil {
			yield(ScanRow{}, err)
			return
		}
		var shown []column
		for _, c := range t.columns {
			if !c.hidden {
				shown = append(shown, c)
			}
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		row := ScanRow{Values: make([]any, len(shown))}
		for _, q := range queries {
			for item, err := range t.list(ctx, q) {
				if err != nil {
					yield(ScanRow{}, fmt.Errorf("%s: %w", t.name, err))
					return
				}
				row.ID = t.id(item)
				for i, c := range shown {
					v, err := SQLValue(c.typ, c.get(item))
					if err != nil {
						yield(ScanRow{}, fmt.Errorf("%s: column %s: %w", t.name, c.name, err))
						return
					}
					row.Values[i] = v
				}
				if !yield(row, nil) {
					return
				}
			}
			// A list function stops quietly when its context ends: that
			// is not the end of the table.
			if ctx.Err() != nil {
				yield(ScanRow{}, fmt.Errorf("%s: %w", t.name, context.Cause(ctx)))
				return
			}
		}
	}
}

// scanQueries builds the queries of a Scan: where's values split in the
// batches each column takes, every shown column used.
func (t *table) scanQueries(where map[string][]string) ([]*Query, error) {
	base := &Query{Table: t.name, eq: map[string][]string{}, used: map[string]bool{}}
	var split []int
	for i, c := range t.columns {
		vals, ok := where[c.name]
		switch {
		case !ok && c.key == Required:
			var names []string
			for _, c := range t.columns {
				if c.key == Required {
					names = append(names, c.name)
				}
			}
			return nil, fmt.Errorf("%s: a value for %s is required: it cannot be read whole", t.name, strings.Join(names, " and "))
		case !ok:
		case c.key != Exact && c.key != Required:
			return nil, fmt.Errorf("%s: column %s does not push down exactly: a scan cannot be narrowed by it", t.name, c.name)
		case len(vals) == 0:
			return nil, nil // nothing can match
		default:
			base.eq[c.name] = slices.Compact(slices.Sorted(slices.Values(vals)))
			if len(base.eq[c.name]) > c.batch {
				split = append(split, i)
			}
		}
		if !c.hidden || ok {
			base.used[c.name] = true
		}
	}
	for name := range where {
		if !slices.ContainsFunc(t.columns, func(c column) bool { return c.name == name }) {
			return nil, fmt.Errorf("%s: no column %s", t.name, name)
		}
	}
	queries := []*Query{base}
	for _, ci := range split {
		c := t.columns[ci]
		var next []*Query
		for _, q := range queries {
			for chunk := range slices.Chunk(q.eq[c.name], c.batch) {
				nq := *q
				nq.eq = make(map[string][]string, len(q.eq))
				for k, v := range q.eq {
					nq.eq[k] = v
				}
				nq.eq[c.name] = chunk
				next = append(next, &nq)
			}
		}
		queries = next
	}
	return queries, nil
}

// SQLType is the type a column of t is declared with to SQLite: a plain
// table that keeps a table's rows declares the same, so that its values
// compare, sort and print as the live table's do.
func (t Type) SQLType() string { return t.sqlType() }
