package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/awssql/awssql/vtab"
)

// cutWriter takes the first n bytes it is given and fails the rest, as a
// pipe whose reader went away (| head).
type cutWriter struct {
	n   int
	got strings.Builder
}

func (c *cutWriter) Write(p []byte) (int, error) {
	k := min(len(p), c.n-c.got.Len())
	c.got.Write(p[:k])
	if k < len(p) {
		return k, errors.New("broken pipe")
	}
	return k, nil
}

// TestTableSaysRowsPrinted cuts a table's output at every byte and wants
// the rows the writer says got out to be the rows whose line the reader
// has whole, with and without a header, as a table and as markdown.
func TestTableSaysRowsPrinted(t *testing.T) {
	const rows = 7
	for _, format := range []string{"table", "markdown"} {
		for _, noHeader := range []bool{false, true} {
			if format == "markdown" && noHeader {
				continue // markdown always has its header
			}
			full := &cutWriter{n: 1 << 20}
			render := func(out *cutWriter) (int, error) {
				w, err := newWriter(format, out, writerOptions{noHeader: noHeader})
				if err != nil {
					t.Fatal(err)
				}
				if err := w.begin([]column{{name: "id"}, {name: "n"}}); err != nil {
					t.Fatal(err)
				}
				for i := range rows {
					if err := w.row([]vtab.Value{vtab.ValueOf(fmt.Sprintf("row-%d", i)), vtab.ValueOf(int64(i))}); err != nil {
						t.Fatal(err)
					}
				}
				err = w.end()
				return w.(*tableWriter).rowsPrinted(), err
			}
			if n, err := render(full); err != nil || n != rows {
				t.Fatalf("%s: whole table: %d rows printed, %v", format, n, err)
			}
			for cut := range full.got.Len() {
				out := &cutWriter{n: cut}
				n, err := render(out)
				if err == nil {
					t.Fatalf("%s cut at %d: no error", format, cut)
				}
				want := 0
				for _, line := range strings.SplitAfter(out.got.String(), "\n") {
					if strings.HasSuffix(line, "\n") && strings.Contains(line, "row-") {
						want++
					}
				}
				if n != want {
					t.Fatalf("%s (no header %v) cut at byte %d: %d rows printed, the reader has %d:\n%s", format, noHeader, cut, n, want, out.got.String())
				}
			}
		}
	}
}
