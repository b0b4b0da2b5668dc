package vtab

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// Engine holds a set of table definitions and the context of the statement
// being run.
//
// The tables are SQLite modules of their own (sqlite.go), eponymous: each
// exists in every connection under its name and its aliases, with no DDL.
// The vtab API passes no context to cursors, so the statement's context is
// set here by Begin, around each statement, and read by Filter.
// database/sql runs the statements of one *sql.DB from DB() on one
// connection, one at a time.
type Engine struct {
	tables []*table
	byName map[string]*table // names and aliases
	driver *sqlite.Driver
	attach bool // ATTACH and VACUUM INTO may write files

	mu   sync.Mutex
	stmt *Statement
}

// New validates every definition (reporting all problems at once).
func New(defs ...Def) (*Engine, error) {
	e := &Engine{byName: map[string]*table{}, driver: new(sqlite.Driver)}
	var errs []error
	for _, d := range defs {
		t := d.erase()
		if err := t.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, n := range append([]string{t.name}, t.aliases...) {
			if e.byName[n] != nil {
				errs = append(errs, fmt.Errorf("table %q defined twice", n))
			}
			e.byName[n] = t
		}
		e.tables = append(e.tables, t)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(e.tables, func(i, j int) bool { return e.tables[i].name < e.tables[j].name })
	return e, nil
}

// AllowAttach lets statements ATTACH database files and VACUUM INTO a
// file. By default they may not: a query, a saved query or an -f file
// writes nowhere unless the user asked for it.
func (e *Engine) AllowAttach() { e.attach = true }

// DB opens an in-memory database in which every table exists. It holds a
// single connection: statements are run one at a time, each under the
// Statement that Begin made.
func (e *Engine) DB() *sql.DB {
	db := sql.OpenDB(connector{e})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db
}

type connector struct{ e *Engine }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.e.driver.Open(":memory:")
	if err != nil {
		return nil, err
	}
	if err := c.e.install(conn); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func (c connector) Driver() driver.Driver { return c.e.driver }

// Statement is the scope of one SQL statement: its context reaches every
// cursor, and the first error a cursor met is kept here with its message
// (SQLite reports an error from Next only as "SQL logic error").
type Statement struct {
	e      *Engine
	ctx    context.Context
	dryRun func(FilterInfo)

	mu  sync.Mutex
	err error
}

// Begin makes ctx the context of the statements run until End.
func (e *Engine) Begin(ctx context.Context) *Statement {
	s := &Statement{e: e, ctx: ctx}
	e.mu.Lock()
	e.stmt = s
	e.mu.Unlock()
	return s
}

// End closes the statement's scope.
func (s *Statement) End() {
	s.e.mu.Lock()
	if s.e.stmt == s {
		s.e.stmt = nil
	}
	s.e.mu.Unlock()
}

// Err returns the first error a cursor of the statement met, with its real
// message.
func (s *Statement) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Cause returns the error a cursor recorded in place of err, which SQLite
// may have reduced to "SQL logic error"; err itself when none was recorded.
func (s *Statement) Cause(err error) error {
	if err == nil {
		return nil
	}
	if serr := s.Err(); serr != nil {
		return serr
	}
	return err
}

func (s *Statement) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

func (e *Engine) current() *Statement {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stmt
}

type vtable struct {
	e *Engine
	t *table
}

func (v *vtable) bestIndex(cons []Constraint, orderBy int, colUsed uint64) (Plan, []Usage) {
	return plan(v.t, cons, orderBy, colUsed)
}

// schema is the CREATE TABLE statement that declares the table to SQLite.
func (t *table) schema() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE x(")
	for i, c := range t.columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q %s", c.name, c.typ.sqlType())
		if c.hidden {
			b.WriteString(" HIDDEN")
		}
	}
	b.WriteString(")")
	return b.String()
}

type cursor struct {
	e *Engine
	t *table

	stmt   *Statement
	cancel context.CancelFunc
	next   func() (any, error, bool)
	stop   func()

	row      any
	eof      bool
	n        int64  // rows returned by this Filter
	limit    int64  // -1: no limit
	filtered bool   // a Filter ran queries before this one
	text     []byte // scratch a column's text is written into (a time's)
}

// filter starts a scan for the plan in idxStr; value(i) returns the values
// SQLite bound for argument i (several for an IN list handed over whole).
func (c *cursor) filter(idxStr string, argc int, value func(i int, in bool) []any) error {
	c.release()
	c.row, c.eof, c.n = nil, false, 0
	p, err := decodePlan(idxStr)
	if err != nil {
		return err
	}
	c.stmt = c.e.current()
	if c.stmt == nil {
		return fmt.Errorf("%s: statement run outside Engine.Begin: no context to run it under", c.t.name)
	}
	if p.MissingRequired {
		return c.fail(c.missingRequired())
	}
	for _, r := range p.Rest {
		if r.Why != WhyCollation || r.Column < 0 || r.Column >= len(c.t.columns) || !c.t.columns[r.Column].scope || p.hasArg(r.Column) {
			continue
		}
		name := c.t.columns[r.Column].name
		return c.fail(fmt.Errorf("%s = ... under a COLLATE other than BINARY cannot be asked of the API, and without a value for %s the table lists other rows than those that match: compare %s without COLLATE",
			name, name, name))
	}
	if argc < len(p.Args) {
		return fmt.Errorf("%s: plan wants %d values, got %d", c.t.name, len(p.Args), argc)
	}
	base := &Query{Table: c.t.name, eq: map[string][]string{}, used: map[string]bool{}}
	for i, col := range c.t.columns {
		if p.uses(i) {
			base.used[col.name] = true
		}
	}
	var split []int // columns whose values take several calls
	var scanned []string
	for i, a := range p.Args {
		col := c.t.columns[a.Column]
		vals, narrow := argValues(col, a, value(i, a.In))
		switch {
		case !narrow && col.key == Required:
			return c.fail(fmt.Errorf("%s must be text, as in WHERE %s", col.name, c.t.example))
		case !narrow:
			scanned = append(scanned, col.name)
			continue
		case len(vals) == 0: // nothing can match: '= NULL', a blob
			c.eof = true
			return nil
		case len(vals) > col.batch && !col.perValue && col.key != Required:
			scanned = append(scanned, col.name) // one scan costs less than many calls
			continue
		case len(vals) > col.batch:
			split = append(split, a.Column)
		}
		base.eq[col.name] = vals
	}
	c.limit = -1
	var offset int64
	if p.Limit {
		c.limit = intArg(value, len(p.Args))
		if p.Offset {
			offset = max(intArg(value, len(p.Args)+1), 0)
		}
		if c.limit >= 0 {
			base.Limit = c.limit + offset
		}
	}
	if c.limit == 0 {
		c.eof = true
		return nil
	}
	queries := c.batches(base, split)
	again := c.filtered || len(queries) > 1 || slices.ContainsFunc(p.Args, func(a Arg) bool { return a.Each })
	c.filtered = true
	for _, q := range queries {
		q.Again = again
	}
	if c.stmt.dryRun != nil {
		for _, q := range queries {
			c.stmt.dryRun(FilterInfo{Table: c.t.name, Plan: idxStr, Pushed: q.Pushed(), Scanned: scanned, Limit: q.Limit})
		}
		c.eof = true
		return nil
	}
	ctx, cancel := context.WithCancel(c.stmt.ctx)
	c.cancel = cancel
	c.next, c.stop = iter.Pull2(c.chain(ctx, queries))
	for ; offset > 0; offset-- {
		if err := c.advance(false); err != nil || c.eof {
			return err
		}
	}
	return c.advance(true)
}

// batches splits the values of each column in split into chunks the API
// takes in one call, one query per combination.
func (c *cursor) batches(base *Query, split []int) []*Query {
	queries := []*Query{base}
	for _, ci := range split {
		col := c.t.columns[ci]
		vals := base.eq[col.name]
		var next []*Query
		for _, q := range queries {
			for chunk := range slices.Chunk(vals, col.batch) {
				nq := *q
				nq.eq = maps.Clone(q.eq)
				nq.eq[col.name] = chunk
				next = append(next, &nq)
			}
		}
		queries = next
	}
	return queries
}

// chain lists the queries one after the other; the engine counts LIMIT
// over all of them.
func (c *cursor) chain(ctx context.Context, queries []*Query) iter.Seq2[any, error] {
	if len(queries) == 1 {
		return c.t.list(ctx, queries[0])
	}
	return func(yield func(any, error) bool) {
		for _, q := range queries {
			for row, err := range c.t.list(ctx, q) {
				if !yield(row, err) || err != nil {
					return
				}
			}
		}
	}
}

// argValues turns the values SQLite bound for one argument into the text
// the API is asked for. narrow is false when a value's comparison with the
// column follows rules only SQLite applies (a number from a numeric
// column): then the call is not narrowed by the column and SQLite, which
// re-checks every row of a non-exact argument, decides.
func argValues(col column, a Arg, raw []any) (vals []string, narrow bool) {
	seen := map[string]bool{}
	for _, v := range raw {
		var text string
		switch v := v.(type) {
		case nil, []byte:
			continue // '= NULL' is never true; a blob never equals text or a number
		case int64:
			// As text it matches '12' but not '012', which a number from a
			// numeric column matches: a call not narrowed by it, SQLite
			// decides. Not for a column whose scan lists other rows than
			// its calls (Required, PerValue: whose images, which bucket):
			// there, not narrowing would answer from the wrong rows, while
			// the decimal text is what a bound number matches.
			if col.typ.affinity() == textAffinity && !a.Exact && col.key != Required && !col.perValue {
				return nil, false
			}
			text = strconv.FormatInt(v, 10)
		case string:
			if col.typ.affinity() != textAffinity {
				return nil, false
			}
			text = v
		default:
			return nil, false
		}
		if !seen[text] {
			seen[text] = true
			vals = append(vals, text)
		}
	}
	return vals, true
}

func (c *cursor) missingRequired() error {
	var names []string
	for _, col := range c.t.columns {
		if col.key == Required {
			names = append(names, col.name)
		}
	}
	return fmt.Errorf("a value for %s is required: add WHERE %s", strings.Join(names, " and "), c.t.example)
}

func intArg(value func(int, bool) []any, i int) int64 {
	vals := value(i, false)
	if len(vals) != 1 {
		return -1
	}
	switch v := vals[0].(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return -1
}

func (c *cursor) fail(err error) error {
	err = fmt.Errorf("%s: %w", c.t.name, err)
	if c.stmt != nil {
		c.stmt.fail(err)
	}
	c.eof = true
	return err
}

func (c *cursor) advance(count bool) error {
	if count && c.limit >= 0 && c.n >= c.limit {
		c.eof = true
		c.release()
		return nil
	}
	row, err, ok := c.next()
	if !ok {
		c.eof = true
		c.release()
		// A list function stops quietly when its context ends; to SQLite
		// that would read as the end of the table, and a cut-short answer
		// as a whole one. The statement's context says which it was.
		if err := c.stmt.ctx.Err(); err != nil {
			return c.fail(context.Cause(c.stmt.ctx))
		}
		return nil
	}
	if err != nil {
		err = c.fail(err)
		c.release()
		return err
	}
	c.row = row
	if count {
		c.n++
	}
	return nil
}

func (c *cursor) Next() error { return c.advance(true) }

// column returns the SQL value of column i of the current row, unboxed.
// Text written for it (a time's) is in the cursor's buffer until the next
// column is read.
func (c *cursor) column(i int) (unboxedValue, error) {
	if i < 0 || i >= len(c.t.columns) {
		return unboxedValue{}, fmt.Errorf("%s: no column %d", c.t.name, i)
	}
	col := &c.t.columns[i]
	v, buf, err := unboxed(col.typ, col.get(c.row), c.text)
	c.text = buf
	if err != nil {
		return unboxedValue{}, c.fail(fmt.Errorf("column %s: %w", col.name, err))
	}
	return v, nil
}

func (c *cursor) rowid() int64 {
	h := fnv.New64a()
	h.Write([]byte(c.t.id(c.row)))
	return int64(h.Sum64() >> 1)
}

// release stops the list function and cancels its calls in flight.
func (c *cursor) release() {
	if c.stop != nil {
		c.stop()
		c.stop, c.next = nil, nil
	}
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
}
