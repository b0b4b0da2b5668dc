package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/awssql/awssql/vtab"
)

// TestWritersReadRowsInPlace writes the same rows in every format twice:
// as awssql reads them, each text and blob SQLite's memory until the next
// row (vtab.QueryRows), and copied out first through database/sql. The
// outputs must be the same bytes: a writer that keeps a value past its
// row (the table, which sizes its columns at the end) must copy it.
func TestWritersReadRowsInPlace(t *testing.T) {
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
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE r (i INTEGER, f REAL, s TEXT, j JSON, b BOOLEAN, x BLOB, a)`); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "plain", "a,\"b\"\nc\td\\e|f", "é ü 日本", "<&>\u2028", "\x01\x1f", "null", "{\"k\":[1,2]}", "[1", "  42  "}
	for n := range 300 {
		pick := func() any {
			switch rng.IntN(7) {
			case 0:
				return nil
			case 1:
				return rng.Int64N(1<<40) - 1<<39
			case 2:
				return rng.Float64()*1e6 - 5e5
			case 3:
				return []byte{byte(n), 0xff, byte(rng.IntN(256))}
			case 4:
				return []byte(texts[rng.IntN(len(texts))])
			}
			return texts[rng.IntN(len(texts))] + strings.Repeat(fmt.Sprint(n), rng.IntN(4))
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?)`,
			pick(), pick(), pick(), pick(), pick(), pick(), pick()); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT * FROM r`
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			var inPlace, copied bytes.Buffer
			w, err := newWriter(format, &inPlace, writerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			err = conn.Raw(func(dc any) error {
				rows, err := vtab.QueryRows(ctx, dc, q)
				if err != nil {
					return err
				}
				defer rows.Close()
				if err := w.begin(resultColumns(rows)); err != nil {
					return err
				}
				for rows.Next() {
					if err := w.row(rows.Values()); err != nil {
						return err
					}
				}
				if err := rows.Err(); err != nil {
					return err
				}
				return w.end()
			})
			if err != nil {
				t.Fatal(err)
			}

			w, err = newWriter(format, &copied, writerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := conn.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			types, err := rows.ColumnTypes()
			if err != nil {
				t.Fatal(err)
			}
			cols := make([]column, len(types))
			for i, ct := range types {
				cols[i] = columnOf(ct.Name(), ct.DatabaseTypeName())
			}
			if err := w.begin(cols); err != nil {
				t.Fatal(err)
			}
			vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			row := make([]vtab.Value, len(cols))
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					row[i] = vtab.ValueOf(v)
				}
				if err := w.row(row); err != nil {
					t.Fatal(err)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if err := w.end(); err != nil {
				t.Fatal(err)
			}
			if inPlace.Len() < 300 {
				t.Fatalf("%d bytes of output", inPlace.Len())
			}
			if got, want := inPlace.String(), copied.String(); got != want {
				gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("line %d in place:\n%q\ncopied:\n%q", i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%d lines in place, %d copied", len(gl), len(wl))
			}
		})
	}
}
