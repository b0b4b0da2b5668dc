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
	"slices"
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
	case Integer:
		return "INTEGER"
	case Bool:
		// INTEGER affinity (0/1, compared as numbers); the declared type
		// tells output formats that the column is a boolean.
		return "BOOLEAN INTEGER"
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

type affinity int

const (
	textAffinity affinity = iota
	integerAffinity
	realAffinity
)

// affinity is how SQLite compares the column's values with a constant:
// from the declared type (sqlType), by SQLite's rules.
func (t Type) affinity() affinity {
	switch t {
	case Integer, Bool:
		return integerAffinity
	case Real:
		return realAffinity
	}
	return textAffinity
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
	// Batch is how many values of an IN list one call can carry (EC2: 200
	// values per filter, 1000 instance ids); 0 means 1. A longer list is
	// not pushed (one scan, checked by SQLite) unless PerValue is set, or
	// the key is Required: then the list function runs once per batch.
	Batch int
	// PerValue says that a scan lists other rows than the calls its values
	// make (images: the account's own, not the owner's): such a column's
	// values are always asked of the API, a number bound for it as its
	// decimal text, as SQLite compares a bound number with text.
	PerValue bool
	// Scope says that without a value for it the table lists a default set
	// (the account's own images), not every row: a constant compared with
	// IS is then taken as '=', and an '=' that cannot be asked of the API
	// (under a collation other than BINARY) fails the statement rather
	// than answering from the default set. It implies PerValue.
	Scope bool
	// Get reads the column of a row. It must not keep the pointer: the
	// row is the engine's.
	Get func(*T) any
}

// Table is the definition of one virtual table over rows of type T.
type Table[T any] struct {
	Name string
	// Aliases are other names of the same table (Steampipe's, say): the
	// same definition, the same pushdown.
	Aliases []string
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
	batch    int
	perValue bool
	scope    bool
	get      func(any) any
}

type table struct {
	name    string
	aliases []string
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
			nullable: c.Nullable, sel: c.Selectivity, push: c.Push, batch: max(c.Batch, 1), perValue: c.PerValue || c.Scope, scope: c.Scope,
		}
		if get != nil {
			cols[i].get = func(row any) any { return get(row.(*T)) }
		}
	}
	list := t.List
	id := t.ID
	et := &table{name: t.Name, aliases: t.Aliases, doc: t.Doc, columns: cols, example: t.Example, rows: t.Rows}
	if list != nil {
		et.list = func(ctx context.Context, q *Query) iter.Seq2[any, error] {
			return func(yield func(any, error) bool) {
				// A row is held by pointer: each column reads it in
				// place, not from a copy. One variable holds each row in
				// turn: a cursor reads only its current row, and a row is
				// not kept once the next is asked for, so no row needs an
				// allocation of its own.
				cur := new(T)
				for row, err := range list(ctx, q) {
					*cur = row
					if !yield(cur, err) {
						return
					}
				}
			}
		}
	}
	if id != nil {
		et.id = func(row any) string { return id(*row.(*T)) }
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
	for _, n := range append([]string{t.name}, t.aliases...) {
		if !identRE.MatchString(n) {
			bad("name %q must be snake_case", n)
		}
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
		if c.key != NoKey && c.push == "" {
			bad("column %q is a key but does not say what its value becomes (Push)", c.name)
		}
		if c.key != NoKey && c.typ.affinity() == realAffinity {
			bad("column %q: a REAL column cannot be a key: no API matches floats as SQLite does", c.name)
		}
	}
	if required && t.example == "" {
		bad("a required key needs an Example WHERE clause")
	}
	return errors.Join(errs...)
}

// Query is what a list function is asked for: the values of the key
// columns the plan pushed down, the columns the statement uses, and LIMIT.
//
// Pushed values are text, as the API is to be asked for them: a number
// bound for a text column is its decimal form, a boolean 0 or 1. A column
// has at most its Batch values (an IN list longer than that was split into
// several queries, or not pushed at all).
type Query struct {
	Table string
	eq    map[string][]string
	used  map[string]bool
	// Limit is how many rows the statement needs at most from this call
	// (LIMIT plus OFFSET), or 0 when it needs them all. A list function may
	// stop early once it produced that many; the engine stops reading there.
	Limit int64
	// Again says that the statement may make this query's calls again,
	// even if it reads the table in one loop: the filter runs several
	// queries (an IN list split in batches, whose calls may share a
	// listing the table makes first), SQLite may filter the cursor once per
	// value of an IN list (see Arg.Each), or has filtered it before.
	Again bool
}

// Values returns the pushed values of column, if any were pushed.
func (q *Query) Values(column string) ([]string, bool) {
	v, ok := q.eq[column]
	return v, ok
}

// String returns the pushed value of column when exactly one was pushed.
func (q *Query) String(column string) (string, bool) {
	v, ok := q.eq[column]
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0], true
}

// Uses reports whether the statement reads column (so a costly column can
// be fetched only when asked for).
func (q *Query) Uses(column string) bool { return q.used[column] }

// Pushed lists the columns with pushed values, for diagnostics.
func (q *Query) Pushed() map[string][]string {
	m := make(map[string][]string, len(q.eq))
	for k, v := range q.eq {
		m[k] = slices.Clone(v)
	}
	return m
}

// NewQuery builds a Query directly, for table tests that call a list
// function without SQLite.
func NewQuery(table string, eq map[string][]string, used []string, limit int64) *Query {
	q := &Query{Table: table, eq: eq, used: map[string]bool{}, Limit: limit}
	if q.eq == nil {
		q.eq = map[string][]string{}
	}
	for _, u := range used {
		q.used[u] = true
	}
	return q
}
