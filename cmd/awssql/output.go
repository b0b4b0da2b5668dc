package main

import (
	"bufio"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Formats are the values of -o.
var formats = []string{"table", "csv", "tsv", "json", "jsonl", "markdown"}

// column is a result column: its name as written in the SQL and whether
// its declared type is JSON (so json output can embed it as a value).
type column struct {
	name string
	json bool
}

// resultWriter writes the rows of one statement.
type resultWriter interface {
	begin(cols []column) error
	row(vals []any) error
	// end finishes the statement's output; it is called after an error too,
	// so that JSON output stays valid.
	end() error
	// buffers says the writer holds rows until end (to size columns).
	buffers() bool
}

func (c *csvWriter) buffers() bool   { return false }
func (t *tsvWriter) buffers() bool   { return false }
func (j *jsonWriter) buffers() bool  { return false }
func (t *tableWriter) buffers() bool { return true }

func newWriter(format string, w io.Writer) (resultWriter, error) {
	switch format {
	case "table":
		return &tableWriter{w: w}, nil
	case "markdown":
		return &tableWriter{w: w, markdown: true}, nil
	case "csv":
		return &csvWriter{w: csv.NewWriter(w)}, nil
	case "tsv":
		return &tsvWriter{w: bufio.NewWriter(w)}, nil
	case "json":
		return &jsonWriter{w: bufio.NewWriter(w), array: true}, nil
	case "jsonl":
		return &jsonWriter{w: bufio.NewWriter(w)}, nil
	}
	return nil, usageErrorf("unknown output format %q: use one of %s", format, strings.Join(formats, ", "))
}

// text renders a value for the text formats; NULL is empty.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		if utf8.Valid(v) {
			return string(v)
		}
		return base64.StdEncoding.EncodeToString(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}

type csvWriter struct {
	w *csv.Writer
}

func (c *csvWriter) begin(cols []column) error {
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
	}
	return c.w.Write(names)
}

func (c *csvWriter) row(vals []any) error {
	rec := make([]string, len(vals))
	for i, v := range vals {
		rec[i] = text(v)
	}
	if err := c.w.Write(rec); err != nil {
		return err
	}
	// Flush per row: rows stream to a pipe as pages arrive.
	c.w.Flush()
	return c.w.Error()
}

func (c *csvWriter) end() error {
	c.w.Flush()
	return c.w.Error()
}

// tsvEscaper makes each value one field on one line.
var tsvEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

type tsvWriter struct {
	w *bufio.Writer
}

func (t *tsvWriter) line(fields []string) error {
	for i, f := range fields {
		if i > 0 {
			t.w.WriteByte('\t')
		}
		t.w.WriteString(tsvEscaper.Replace(f))
	}
	t.w.WriteByte('\n')
	return t.w.Flush()
}

func (t *tsvWriter) begin(cols []column) error {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return t.line(names)
}

func (t *tsvWriter) row(vals []any) error {
	rec := make([]string, len(vals))
	for i, v := range vals {
		rec[i] = text(v)
	}
	return t.line(rec)
}

func (t *tsvWriter) end() error { return t.w.Flush() }

// jsonWriter writes objects whose keys are the column names in order;
// numbers stay numbers, NULL stays null and JSON columns stay JSON.
type jsonWriter struct {
	w     *bufio.Writer
	array bool
	cols  []column
	n     int
	open  bool
}

func (j *jsonWriter) begin(cols []column) error {
	j.cols, j.n, j.open = cols, 0, true
	if j.array {
		j.w.WriteString("[")
	}
	return nil
}

func (j *jsonWriter) row(vals []any) error {
	if j.array {
		if j.n > 0 {
			j.w.WriteString(",")
		}
		j.w.WriteString("\n  ")
	}
	j.n++
	j.w.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			j.w.WriteByte(',')
		}
		k, _ := json.Marshal(j.cols[i].name)
		j.w.Write(k)
		j.w.WriteByte(':')
		j.w.Write(jsonValue(v, j.cols[i].json))
	}
	j.w.WriteByte('}')
	if !j.array {
		j.w.WriteByte('\n')
	}
	return j.w.Flush()
}

func jsonValue(v any, isJSON bool) []byte {
	switch v := v.(type) {
	case nil:
		return []byte("null")
	case int64:
		return strconv.AppendInt(nil, v, 10)
	case float64:
		b, err := json.Marshal(v)
		if err != nil { // NaN, Inf
			return []byte("null")
		}
		return b
	case string:
		if isJSON && json.Valid([]byte(v)) {
			return []byte(v)
		}
	}
	b, _ := json.Marshal(text(v))
	return b
}

func (j *jsonWriter) end() error {
	if j.array && j.open {
		if j.n > 0 {
			j.w.WriteString("\n")
		}
		j.w.WriteString("]\n")
	}
	j.open = false
	return j.w.Flush()
}

// tableWriter buffers the rows to size the columns.
type tableWriter struct {
	w        io.Writer
	markdown bool
	cols     []string
	rows     [][]string
}

// cellEscaper keeps a value on one line of the table.
var cellEscaper = strings.NewReplacer("\n", `\n`, "\t", `\t`, "\r", `\r`)

func (t *tableWriter) begin(cols []column) error {
	t.cols = make([]string, len(cols))
	for i, c := range cols {
		t.cols[i] = c.name
	}
	t.rows = nil
	return nil
}

func (t *tableWriter) row(vals []any) error {
	rec := make([]string, len(vals))
	for i, v := range vals {
		if v == nil {
			rec[i] = "<null>"
			continue
		}
		rec[i] = cellEscaper.Replace(text(v))
		if t.markdown {
			rec[i] = strings.ReplaceAll(rec[i], "|", `\|`)
		}
	}
	t.rows = append(t.rows, rec)
	return nil
}

func (t *tableWriter) end() error {
	if t.cols == nil {
		return nil
	}
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
	}
	if t.markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	}
	tbl := tablewriter.NewTable(t.w, opts...)
	tbl.Header(t.cols)
	for _, r := range t.rows {
		if err := tbl.Append(r); err != nil {
			return err
		}
	}
	t.cols, t.rows = nil, nil
	return tbl.Render()
}
