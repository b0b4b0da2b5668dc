package vtab

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"sort"
	"strings"
	"sync"

	"modernc.org/sqlite"
	"modernc.org/sqlite/vtab"
)

// Engine holds a set of table definitions registered on a driver of its
// own (so parallel engines, e.g. tests against different endpoints, stay
// apart) and the context of the statement being run.
//
// The vtab API passes no context to cursors, so the statement's context is
// set here by Begin, around each statement, and read by Filter. database/sql
// runs the statements of one *sql.DB from DB() on one connection, one at a
// time.
type Engine struct {
	tables []*table
	byName map[string]*table
	driver *sqlite.Driver

	mu   sync.Mutex
	stmt *Statement
}

// New validates every definition (reporting all problems at once) and
// registers them.
func New(defs ...Def) (*Engine, error) {
	e := &Engine{byName: map[string]*table{}, driver: new(sqlite.Driver)}
	var errs []error
	for _, d := range defs {
		t := d.erase()
		if err := t.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if e.byName[t.name] != nil {
			errs = append(errs, fmt.Errorf("table %q defined twice", t.name))
			continue
		}
		e.tables = append(e.tables, t)
		e.byName[t.name] = t
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(e.tables, func(i, j int) bool { return e.tables[i].name < e.tables[j].name })
	for _, t := range e.tables {
		if err := e.driver.RegisterModule(t.name, &module{e: e, t: t}); err != nil {
			return nil, fmt.Errorf("register %s: %w", t.name, err)
		}
	}
	return e, nil
}

// DB opens an in-memory database in which every table exists. It holds a
// single connection: the tables are created per connection (modernc's are
// not eponymous) and statements are run one at a time.
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
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("vtab: sqlite connection cannot execute")
	}
	for _, t := range c.e.tables {
		ddl := fmt.Sprintf("CREATE VIRTUAL TABLE temp.%s USING %s", t.name, t.name)
		if _, err := ex.ExecContext(ctx, ddl, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("create table %s: %w", t.name, err)
		}
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

type module struct {
	e *Engine
	t *table
}

func (m *module) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	return m.Connect(ctx, args)
}

func (m *module) Connect(ctx vtab.Context, _ []string) (vtab.Table, error) {
	var b strings.Builder
	b.WriteString("CREATE TABLE x(")
	for i, c := range m.t.columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q %s", c.name, c.typ.sqlType())
		if c.hidden {
			b.WriteString(" HIDDEN")
		}
	}
	b.WriteString(")")
	if err := ctx.Declare(b.String()); err != nil {
		return nil, fmt.Errorf("declare %s: %w", m.t.name, err)
	}
	return &vtable{e: m.e, t: m.t}, nil
}

type vtable struct {
	e *Engine
	t *table
}

func (v *vtable) BestIndex(info *vtab.IndexInfo) error {
	p, usage := plan(v.t, info.Constraints, len(info.OrderBy), info.ColUsed)
	for i, u := range usage {
		info.Constraints[i].ArgIndex = u.ArgIndex
		info.Constraints[i].Omit = u.Omit
	}
	info.IdxStr = p.encode()
	info.EstimatedCost = p.Cost
	info.EstimatedRows = p.Rows
	return nil
}

func (v *vtable) Open() (vtab.Cursor, error) { return &cursor{e: v.e, t: v.t}, nil }
func (v *vtable) Disconnect() error          { return nil }
func (v *vtable) Destroy() error             { return nil }

type cursor struct {
	e *Engine
	t *table

	stmt   *Statement
	cancel context.CancelFunc
	next   func() (any, error, bool)
	stop   func()

	row   any
	eof   bool
	n     int64 // rows returned by this Filter
	limit int64 // -1: no limit
}

func (c *cursor) Filter(_ int, idxStr string, vals []vtab.Value) error {
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
	if len(vals) < len(p.Args) {
		return fmt.Errorf("%s: plan wants %d values, got %d", c.t.name, len(p.Args), len(vals))
	}
	q := &Query{Table: c.t.name, eq: map[string]any{}, used: map[string]bool{}}
	for i, col := range p.Args {
		if vals[i] == nil { // '= NULL' is never true
			c.eof = true
			return nil
		}
		q.eq[c.t.columns[col].name] = vals[i]
	}
	for i, col := range c.t.columns {
		if p.uses(i) {
			q.used[col.name] = true
		}
	}
	c.limit = -1
	var offset int64
	if p.Limit {
		c.limit = intArg(vals, len(p.Args))
		if p.Offset {
			offset = max(intArg(vals, len(p.Args)+1), 0)
		}
		if c.limit >= 0 {
			q.Limit = c.limit + offset
		}
	}
	if c.limit == 0 {
		c.eof = true
		return nil
	}
	if c.stmt.dryRun != nil {
		c.stmt.dryRun(FilterInfo{Table: c.t.name, Plan: idxStr, Pushed: q.Pushed(), Limit: q.Limit})
		c.eof = true
		return nil
	}
	ctx, cancel := context.WithCancel(c.stmt.ctx)
	c.cancel = cancel
	c.next, c.stop = iter.Pull2(c.t.list(ctx, q))
	for ; offset > 0; offset-- {
		if err := c.advance(false); err != nil || c.eof {
			return err
		}
	}
	return c.advance(true)
}

func (c *cursor) missingRequired() error {
	var names []string
	for _, col := range c.t.columns {
		if col.key == Required {
			names = append(names, col.name)
		}
	}
	return fmt.Errorf("%s: a value for %s is required: add WHERE %s",
		c.t.name, strings.Join(names, " and "), c.t.example)
}

func intArg(vals []vtab.Value, i int) int64 {
	if i >= len(vals) {
		return -1
	}
	switch v := vals[i].(type) {
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

func (c *cursor) Eof() bool { return c.eof }

func (c *cursor) Column(i int) (vtab.Value, error) {
	if i < 0 || i >= len(c.t.columns) {
		return nil, fmt.Errorf("%s: no column %d", c.t.name, i)
	}
	col := c.t.columns[i]
	v, err := SQLValue(col.typ, col.get(c.row))
	if err != nil {
		return nil, c.fail(fmt.Errorf("column %s: %w", col.name, err))
	}
	return v, nil
}

func (c *cursor) Rowid() (int64, error) {
	h := fnv.New64a()
	h.Write([]byte(c.t.id(c.row)))
	return int64(h.Sum64() >> 1), nil
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

func (c *cursor) Close() error {
	c.release()
	return nil
}
