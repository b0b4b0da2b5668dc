// Package vtab is awssql's SQLite virtual-table engine. It owns planning
// (BestIndex as a pure function of the offered constraints), cursors that
// stream rows from Go iterators, value conversion and error surfacing.
//
// It knows SQLite and nothing of AWS: a table is data (columns, key columns,
// one list function) and the list function is all a table needs to supply.
package vtab

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"regexp"
)

// Type is a column's SQL type and how its Go value is converted.
type Type int

const (
	Text    Type = iota // strings and string-like enums
	Integer             // any Go integer
	Real                // float64
	Bool                // stored as 0/1
	Time                // RFC 3339 UTC text
	JSON                // slices, maps and structs as JSON text
)

func (t Type) sqlType() string {
	switch t {
	case Integer, Bool:
		return "INTEGER"
	case Real:
		return "REAL"
	case JSON:
		// TEXT affinity; the declared type tells output formats that the
		// column holds JSON.
		return "JSON TEXT"
	default:
		return "TEXT"
	}
}

// String is how `schema` shows the type.
func (t Type) String() string {
	switch t {
	case Integer:
		return "integer"
	case Real:
		return "real"
	case Bool:
		return "boolean"
	case Time:
		return "timestamp"
	case JSON:
		return "json"
	default:
		return "text"
	}
}

// Key says that a column's equality constraint is handed to the list function.
type Key int

const (
	// NoKey: SQLite checks every constraint on the column itself.
	NoKey Key = iota
	// Pushed: the value reaches the list function, which uses it to narrow the
	// call, but the API's match may be looser than SQL's '=' (case, wildcard),
	// so SQLite re-checks each row.
	Pushed
	// Exact: the API matches exactly what SQL's '=' matches; SQLite omits its
	// own check.
	Exact
	// Required: like Exact, and the table cannot be listed without it. A plan
	// without it is priced out of reach and Filter reports the missing value.
	Required
)

// Column describes one column of a table whose rows are of type T.
type Column[T any] struct {
	Name     string
	Type     Type
	Doc      string
	Key      Key
	Hidden   bool // a HIDDEN column: not in SELECT *, usable in WHERE
	Nullable bool // documents that the column may be NULL in every row
	// Selectivity is how many times fewer rows a pushed constraint on this
	// column leaves (an id: many; a region: a few). Zero means 10.
	Selectivity float64
	// Push says, for explain and schema, what a pushed value becomes (an
	// API parameter or filter).
	Push string
	Get  func(T) any
}

// Table is the definition of one virtual table over rows of type T.
type Table[T any] struct {
	Name    string
	Doc     string
	Columns []Column[T]
	// Example is a WHERE clause shown when a required key is missing.
	Example string
	// Rows is the estimated number of rows of an unconstrained scan.
	Rows float64
	// List returns the rows for a query. It must honour ctx: the engine
	// cancels it when the statement is interrupted or the cursor closes.
	List func(ctx context.Context, q *Query) iter.Seq2[T, error]
	// ID returns a stable identity for a row; the rowid is derived from it,
	// so OR plans, which de-duplicate by rowid, stay right.
	ID func(T) string
}

// Def is a table definition of any row type, ready to be registered.
type Def interface {
	erase() *table
}

type column struct {
	name     string
	typ      Type
	doc      string
	key      Key
	hidden   bool
	nullable bool
	sel      float64
	push     string
	get      func(any) any
}

type table struct {
	name    string
	doc     string
	columns []column
	example string
	rows    float64
	list    func(ctx context.Context, q *Query) iter.Seq2[any, error]
	id      func(any) string
}

func (t *Table[T]) erase() *table {
	cols := make([]column, len(t.Columns))
	for i, c := range t.Columns {
		get := c.Get
		cols[i] = column{
			name: c.Name, typ: c.Type, doc: c.Doc, key: c.Key, hidden: c.Hidden,
			nullable: c.Nullable, sel: c.Selectivity, push: c.Push,
		}
		if get != nil {
			cols[i].get = func(row any) any { return get(row.(T)) }
		}
	}
	list := t.List
	id := t.ID
	et := &table{name: t.Name, doc: t.Doc, columns: cols, example: t.Example, rows: t.Rows}
	if list != nil {
		et.list = func(ctx context.Context, q *Query) iter.Seq2[any, error] {
			return func(yield func(any, error) bool) {
				for row, err := range list(ctx, q) {
					if !yield(row, err) {
						return
					}
				}
			}
		}
	}
	if id != nil {
		et.id = func(row any) string { return id(row.(T)) }
	}
	return et
}

var identRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validate reports every problem of a definition at once.
func (t *table) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("table %q: "+format, append([]any{t.name}, args...)...))
	}
	if !identRE.MatchString(t.name) {
		bad("name must be snake_case")
	}
	if t.doc == "" {
		bad("no description")
	}
	if t.list == nil {
		bad("no list function")
	}
	if t.id == nil {
		bad("no row identity (ID)")
	}
	if len(t.columns) == 0 {
		bad("no columns")
	}
	if len(t.columns) > 63 {
		bad("%d columns: at most 63 fit SQLite's column-used mask", len(t.columns))
	}
	seen := map[string]bool{}
	required := false
	for _, c := range t.columns {
		if !identRE.MatchString(c.name) {
			bad("column %q must be snake_case", c.name)
		}
		if seen[c.name] {
			bad("column %q defined twice", c.name)
		}
		seen[c.name] = true
		if c.get == nil {
			bad("column %q has no getter", c.name)
		}
		if c.key == Required {
			required = true
		}
	}
	if required && t.example == "" {
		bad("a required key needs an Example WHERE clause")
	}
	return errors.Join(errs...)
}

// Query is what a list function is asked for: the values of the key
// columns the plan pushed down, the columns the statement uses, and LIMIT.
type Query struct {
	Table string
	eq    map[string]any
	used  map[string]bool
	// Limit is how many rows the statement needs at most from this call
	// (LIMIT plus OFFSET), or 0 when it needs them all. A list function may
	// stop early once it produced that many; the engine stops reading there.
	Limit int64
}

// Eq returns the value an equality constraint pushed for column, if any.
func (q *Query) Eq(column string) (any, bool) {
	v, ok := q.eq[column]
	return v, ok
}

// String returns the pushed value of column as text. A value of another
// SQL type is formatted the way SQLite would compare it as text.
func (q *Query) String(column string) (string, bool) {
	v, ok := q.eq[column]
	if !ok {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	default:
		return fmt.Sprint(v), true
	}
}

// Uses reports whether the statement reads column (so a costly column can
// be fetched only when asked for).
func (q *Query) Uses(column string) bool { return q.used[column] }

// Pushed lists the columns with a pushed value, for diagnostics.
func (q *Query) Pushed() map[string]any {
	m := make(map[string]any, len(q.eq))
	for k, v := range q.eq {
		m[k] = v
	}
	return m
}

// NewQuery builds a Query directly, for table tests that call a list
// function without SQLite.
func NewQuery(table string, eq map[string]any, used []string, limit int64) *Query {
	q := &Query{Table: table, eq: eq, used: map[string]bool{}, Limit: limit}
	if q.eq == nil {
		q.eq = map[string]any{}
	}
	for _, u := range used {
		q.used[u] = true
	}
	return q
}
