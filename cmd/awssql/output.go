package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/awssql/awssql/vtab"
)

// Formats are the values of -o.
var formats = []string{"table", "csv", "tsv", "json", "jsonl", "markdown", "line"}

// column is a result column: its name as written in the SQL and what its
// declared type says (the driver's DatabaseTypeName): JSON columns are
// embedded as values in json output, BOOLEAN ones are true/false there.
type column struct {
	name    string
	json    bool
	boolean bool
}

// columnOf reads a result column's declared type; an expression has none.
func columnOf(name, declType string) column {
	t := strings.ToUpper(declType)
	return column{name: name, json: strings.HasPrefix(t, "JSON"), boolean: strings.HasPrefix(t, "BOOL")}
}

// writerOptions are the shell's and the flags' settings of a writer.
type writerOptions struct {
	noHeader bool  // csv, tsv and table: rows only (--no-header, .headers off)
	widths   []int // table: .width per column; 0 sizes to fit, negative right-aligns
}

// resultWriter writes the rows of one statement.
type resultWriter interface {
	begin(cols []column) error
	// row writes a row. Its texts and blobs may be SQLite's memory,
	// valid until row returns: a writer that keeps one copies it.
	row(vals []vtab.Value) error
	// end finishes the statement's output; it is called after an error too,
	// so that JSON output stays valid.
	end() error
	// buffers says the writer holds rows until end (to size columns).
	buffers() bool
	// flush writes what row buffered. row writes whole buffers only: the
	// caller flushes after each row on a terminal, and elsewhere when the
	// statement is about to wait, since a write for each row cost more
	// CPU than the row.
	flush() error
	// written says how many bytes the output took (out) and how many the
	// writer was given (total: out and what it holds), so that a statement
	// cut short counts only the rows that got out. A writer that buffers
	// (a table) says 0, 0.
	written() (out, total int64)
}

// rowsOut counts the rows of a writer that got out whole, for the message
// of a statement cut short: rows written a buffer at a time are out only
// when their buffer is, and a table's only once it is drawn.
type rowsOut struct {
	w       resultWriter
	ends    []int64 // where the rows still held in w's buffer end, in bytes given to it
	printed int     // the rows before them, which got out
}

// wrote records that w took a whole row.
func (r *rowsOut) wrote() {
	_, end := r.w.written()
	r.ends = append(r.ends, end)
	r.settle()
}

func (r *rowsOut) settle() {
	done, _ := r.w.written()
	for len(r.ends) > 0 && r.ends[0] <= done {
		r.ends = r.ends[1:]
		r.printed++
	}
}

// count is how many rows the reader has.
func (r *rowsOut) count() int {
	if t, ok := r.w.(interface{ rowsPrinted() int }); ok {
		return t.rowsPrinted() // a table, written at its end
	}
	r.settle()
	return r.printed
}

// counter counts the bytes its writer took.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// stream is a streaming writer's buffer over a counter of what got out;
// the writers embed it, and with it flush and written.
type stream struct {
	c *counter
	b *bufio.Writer
}

func newStream(w io.Writer) stream {
	c := &counter{w: w}
	return stream{c: c, b: bufio.NewWriter(c)}
}

func (s stream) written() (out, total int64) { return s.c.n, s.c.n + int64(s.b.Buffered()) }

func (s stream) flush() error { return s.b.Flush() }

func (c *csvWriter) buffers() bool   { return false }
func (t *tsvWriter) buffers() bool   { return false }
func (j *jsonWriter) buffers() bool  { return false }
func (l *lineWriter) buffers() bool  { return false }
func (t *tableWriter) buffers() bool { return true }
func (t *tableWriter) flush() error  { return nil }

func (t *tableWriter) written() (int64, int64) { return 0, 0 }

func newWriter(format string, w io.Writer, o writerOptions) (resultWriter, error) {
	switch format {
	case "table":
		return &tableWriter{w: w, opts: o}, nil
	case "markdown":
		return &tableWriter{w: w, markdown: true, opts: writerOptions{widths: o.widths}}, nil
	case "csv":
		s := newStream(w)
		// csv.NewWriter writes through s.b itself: a *bufio.Writer of
		// its size is not wrapped again.
		return &csvWriter{w: csv.NewWriter(s.b), stream: s, noHeader: o.noHeader}, nil
	case "tsv":
		return &tsvWriter{stream: newStream(w), noHeader: o.noHeader}, nil
	case "json":
		return &jsonWriter{stream: newStream(w), array: true}, nil
	case "jsonl":
		return &jsonWriter{stream: newStream(w)}, nil
	case "line":
		return &lineWriter{stream: newStream(w)}, nil
	}
	return nil, usageErrorf("unknown output format %q: use one of %s", format, strings.Join(formats, ", "))
}

// formatReal renders a REAL as the sqlite3 shell does (printf's "%!.15g"):
// the shortest form that gives the value back to 15 significant digits
// (0.1 + 0.2 is 0.3), positional from 1e-4 up to 1e15 and with an
// exponent beyond, and always with a decimal point, so 2.0 stays a REAL
// to the eye.
func formatReal(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f): // SQLite stores NaN as NULL
		return ""
	case f == 0: // and -0.0 as 0.0
		return "0.0"
	}
	if tie15(f) { // SQLite rounds a tie away from zero, Go to even
		f = math.Nextafter(f, math.Copysign(math.Inf(1), f))
	}
	mant, exp, hasExp := strings.Cut(strconv.FormatFloat(f, 'g', 15, 64), "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	if hasExp {
		return mant + "e" + exp
	}
	return mant
}

// tie15 says whether f lies exactly halfway between two numbers of 15
// significant digits.
func tie15(f float64) bool {
	tail := func(prec int) string {
		digits := strings.Replace(strings.SplitN(strconv.FormatFloat(math.Abs(f), 'e', prec, 64), "e", 2)[0], ".", "", 1)
		return digits[15:]
	}
	isTie := func(t string) bool { return t[0] == '5' && strings.Trim(t[1:], "0") == "" }
	// 26 digits rule most values out cheaply; a double's exact decimal
	// expansion has at most 767 significant digits.
	return isTie(tail(25)) && isTie(tail(800))
}

// isNumber says whether a value is an SQL number (right-aligned in tables).
func isNumber(v vtab.Value) bool {
	return v.Kind == vtab.ValueInt || v.Kind == vtab.ValueFloat
}

// text renders a value for the text formats; NULL is empty. A text is
// its bytes in place (v.View): valid as long as v's, so that a writer
// that keeps it clones it.
func text(v vtab.Value) string {
	switch v.Kind {
	case vtab.ValueNull:
		return ""
	case vtab.ValueText:
		return v.View()
	case vtab.ValueBlob:
		if utf8.Valid(v.Bytes) {
			return v.View()
		}
		return base64.StdEncoding.EncodeToString(v.Bytes)
	case vtab.ValueInt:
		return strconv.FormatInt(v.Int, 10)
	case vtab.ValueFloat:
		return formatReal(v.Float)
	}
	return ""
}

type csvWriter struct {
	stream   // under w, whose Flush is the flush
	w        *csv.Writer
	noHeader bool
	rec      []string // a row's fields, reused: csv.Writer keeps none
}

func (c *csvWriter) begin(cols []column) error {
	if c.noHeader {
		return nil
	}
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
	}
	return c.w.Write(names)
}

func (c *csvWriter) row(vals []vtab.Value) error {
	c.rec = c.rec[:0]
	for _, v := range vals {
		c.rec = append(c.rec, text(v))
	}
	if err := c.w.Write(c.rec); err != nil {
		return err
	}
	return c.w.Error()
}

func (c *csvWriter) flush() error {
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
	stream
	noHeader bool
	rec      []string // a row's fields, reused
}

func (t *tsvWriter) line(fields []string) error {
	for i, f := range fields {
		if i > 0 {
			t.b.WriteByte('\t')
		}
		t.b.WriteString(tsvEscaper.Replace(f))
	}
	return t.b.WriteByte('\n') // an earlier write's error too: bufio keeps it
}

func (t *tsvWriter) begin(cols []column) error {
	if t.noHeader {
		return nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return t.line(names)
}

func (t *tsvWriter) row(vals []vtab.Value) error {
	t.rec = t.rec[:0]
	for _, v := range vals {
		t.rec = append(t.rec, text(v))
	}
	return t.line(t.rec)
}

func (t *tsvWriter) end() error { return t.b.Flush() }

// jsonWriter writes objects whose keys are the column names in order;
// numbers stay numbers, NULL stays null and JSON columns stay JSON.
type jsonWriter struct {
	stream
	array bool
	cols  []column
	keys  [][]byte // each column's name as a JSON string, and ':'
	buf   []byte   // a row, written at once
	n     int
	open  bool
}

func (j *jsonWriter) begin(cols []column) error {
	j.cols, j.n, j.open = cols, 0, true
	j.keys = make([][]byte, len(cols))
	for i, c := range cols {
		j.keys[i] = append(vtab.AppendJSONString(nil, c.name), ':')
	}
	if j.array {
		j.b.WriteString("[")
	}
	return nil
}

func (j *jsonWriter) row(vals []vtab.Value) error {
	if j.array {
		if j.n > 0 {
			j.b.WriteString(",")
		}
		j.b.WriteString("\n  ")
	}
	j.n++
	b := append(j.buf[:0], '{')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, j.keys[i]...)
		b = appendJSONValue(b, v, j.cols[i])
	}
	b = append(b, '}')
	if !j.array {
		b = append(b, '\n')
	}
	j.buf = b
	_, err := j.b.Write(b)
	return err
}

// appendJSONValue appends v as the value of col: as json.Marshal writes
// it, but a JSON column's text as the JSON it holds, and a boolean's 0 or
// 1 as false or true.
func appendJSONValue(b []byte, v vtab.Value, col column) []byte {
	switch v.Kind {
	case vtab.ValueNull:
		return append(b, "null"...)
	case vtab.ValueInt:
		if col.boolean { // jq and every JSON reader take 0 for true
			return strconv.AppendBool(b, v.Int != 0)
		}
		return strconv.AppendInt(b, v.Int, 10)
	case vtab.ValueFloat:
		if f, ok := vtab.AppendJSONFloat(b, v.Float); ok {
			return f
		}
		return append(b, "null"...) // NaN, Inf
	case vtab.ValueText:
		if col.json && vtab.ValidJSONText(v.View()) {
			return append(b, v.Bytes...)
		}
		return vtab.AppendJSONString(b, v.View())
	}
	return vtab.AppendJSONString(b, text(v))
}

func (j *jsonWriter) end() error {
	if j.array && j.open {
		if j.n > 0 {
			j.b.WriteString("\n")
		}
		j.b.WriteString("]\n")
	}
	j.open = false
	return j.b.Flush()
}

// tableWriter buffers the rows to size the columns.
type tableWriter struct {
	w        io.Writer
	markdown bool
	opts     writerOptions
	cols     []string
	rows     [][]string
	// A column of numbers (and NULLs) is right-aligned; one that holds
	// anything else, or only NULLs, left-aligned.
	text, number []bool
	printed      int // rows whose line got out whole, once end wrote
}

// rowsPrinted says how many rows' lines got out whole: none before end,
// and fewer than all when the reader went away during it (| head).
func (t *tableWriter) rowsPrinted() int { return t.printed }

// cellEscaper keeps a value on one line of the table.
var cellEscaper = strings.NewReplacer("\n", `\n`, "\t", `\t`, "\r", `\r`)

// cell keeps a text on one line of the table and, in markdown, in its
// column.
func (t *tableWriter) cell(s string) string {
	s = cellEscaper.Replace(s)
	if t.markdown {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	return s
}

func (t *tableWriter) begin(cols []column) error {
	t.cols = make([]string, len(cols))
	for i, c := range cols { // a name is shown as a value is
		t.cols[i] = t.cell(c.name)
	}
	t.rows = nil
	t.text, t.number = make([]bool, len(cols)), make([]bool, len(cols))
	return nil
}

func (t *tableWriter) row(vals []vtab.Value) error {
	rec := make([]string, len(vals))
	for i, v := range vals {
		if v.Kind == vtab.ValueNull {
			rec[i] = "<null>"
			continue
		}
		if isNumber(v) {
			t.number[i] = true
		} else {
			t.text[i] = true
		}
		rec[i] = t.cell(strings.Clone(text(v))) // kept until end
	}
	t.rows = append(t.rows, rec)
	return nil
}

// fit cuts or pads a cell to a .width, counted in the columns a terminal
// gives it (a wide character takes two), on the left when it is
// right-aligned.
func fit(s string, width int, right bool) string {
	if runewidth.StringWidth(s) > width {
		s = runewidth.Truncate(s, width, "…")
	}
	if right {
		return runewidth.FillLeft(s, width)
	}
	return runewidth.FillRight(s, width)
}

func (t *tableWriter) end() error {
	if t.cols == nil {
		return nil
	}
	align := make([]tw.Align, len(t.cols))
	for i := range align {
		align[i] = tw.AlignLeft
		if t.number[i] && !t.text[i] {
			align[i] = tw.AlignRight
		}
		if i < len(t.opts.widths) && t.opts.widths[i] != 0 {
			width := t.opts.widths[i]
			if width < 0 {
				align[i], width = tw.AlignRight, -width
			}
			right := align[i] == tw.AlignRight
			t.cols[i] = fit(t.cols[i], width, right)
			for _, r := range t.rows {
				r[i] = fit(r[i], width, right)
			}
		}
	}
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: align}),
		tablewriter.WithTrimSpace(tw.Off),
	}
	if t.markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	}
	// The table is drawn whole, then written, so that a write cut short
	// says which rows got out: each row is one line, and the lines before
	// the first row and after the last are the header's and the border's.
	var buf bytes.Buffer
	tbl := tablewriter.NewTable(&buf, opts...)
	if !t.opts.noHeader {
		tbl.Header(t.cols)
	}
	for _, r := range t.rows {
		if err := tbl.Append(r); err != nil {
			return err
		}
	}
	rows := len(t.rows)
	t.cols, t.rows, t.printed = nil, nil, 0
	if err := tbl.Render(); err != nil {
		return err
	}
	after := 1 // the bottom border
	if t.markdown {
		after = 0
	}
	before := bytes.Count(buf.Bytes(), []byte("\n")) - rows - after
	n, err := t.w.Write(buf.Bytes())
	t.printed = min(max(bytes.Count(buf.Bytes()[:n], []byte("\n"))-before, 0), rows)
	return err
}

// lineWriter writes each row as one "column = value" line per column, the
// names right-aligned, and a blank line between rows: sqlite3's line mode,
// for rows too wide for a table.
type lineWriter struct {
	stream
	names []string
	n     int
}

func (l *lineWriter) begin(cols []column) error {
	width := 0
	l.names, l.n = make([]string, len(cols)), 0
	for i, c := range cols { // one line each, as the values
		l.names[i] = cellEscaper.Replace(c.name)
		width = max(width, runewidth.StringWidth(l.names[i]))
	}
	for i, name := range l.names {
		l.names[i] = runewidth.FillLeft(name, width)
	}
	return nil
}

func (l *lineWriter) row(vals []vtab.Value) error {
	if l.n > 0 {
		l.b.WriteByte('\n')
	}
	l.n++
	var err error
	for i, v := range vals {
		s := "<null>"
		if v.Kind != vtab.ValueNull {
			s = cellEscaper.Replace(text(v))
		}
		_, err = l.b.WriteString(l.names[i] + " = " + s + "\n")
	}
	return err // an earlier write's error too: bufio keeps it
}

func (l *lineWriter) end() error { return l.b.Flush() }
