package vtab

import (
	"fmt"
	"strconv"
	"strings"
)

// Op is a constraint's operator, with SQLite's own codes
// (SQLITE_INDEX_CONSTRAINT_*).
type Op int

// The operators SQLite offers to BestIndex.
const (
	OpEQ        Op = 2
	OpGT        Op = 4
	OpLE        Op = 8
	OpLT        Op = 16
	OpGE        Op = 32
	OpMATCH     Op = 64
	OpLIKE      Op = 65
	OpGLOB      Op = 66
	OpREGEXP    Op = 67
	OpNE        Op = 68
	OpISNOT     Op = 69
	OpISNOTNULL Op = 70
	OpISNULL    Op = 71
	OpIS        Op = 72
	OpLIMIT     Op = 73
	OpOFFSET    Op = 74
	OpFUNCTION  Op = 150
)

func (o Op) String() string {
	switch o {
	case OpEQ:
		return "="
	case OpGT:
		return ">"
	case OpLE:
		return "<="
	case OpLT:
		return "<"
	case OpGE:
		return ">="
	case OpMATCH:
		return "MATCH"
	case OpLIKE:
		return "LIKE"
	case OpGLOB:
		return "GLOB"
	case OpREGEXP:
		return "REGEXP"
	case OpNE:
		return "!="
	case OpISNOT:
		return "IS NOT"
	case OpISNOTNULL:
		return "IS NOT NULL"
	case OpISNULL:
		return "IS NULL"
	case OpIS:
		return "IS"
	case OpLIMIT:
		return "LIMIT"
	case OpOFFSET:
		return "OFFSET"
	}
	return "(function)"
}

// Constraint is one WHERE term SQLite offers to BestIndex, with what SQLite
// tells about it beyond the operator: the collating sequence the comparison
// uses (sqlite3_vtab_collation), whether it is an IN list SQLite can hand
// over whole (sqlite3_vtab_in), and its right-hand side when that is a
// constant (sqlite3_vtab_rhs_value; a literal, not a bound parameter, a
// column of another table or an IN list).
type Constraint struct {
	Column    int
	Op        Op
	Usable    bool
	Collation string // "" or "BINARY": the byte-wise comparison an API makes
	In        bool
	RHS       any // nil, int64, float64, string or []byte, when HasRHS
	HasRHS    bool
	// RHSNumeric says that SQLite gives the constant INTEGER, REAL or
	// NUMERIC affinity (a CAST to such a type): a text column then
	// compares with it as a number, '012' = CAST(12 AS INTEGER).
	RHSNumeric bool
}

// The contract between BestIndex and Filter, written down once.
//
// BestIndex turns the constraints SQLite offers into a Plan:
//   - for each key column, the first usable '=' on it becomes an argument;
//     arguments are numbered in the order of the constraints. It is not
//     taken (SQLite checks it on a scan) when SQLite would compare under a
//     collation other than BINARY, which no API applies, or when its
//     right-hand side is a constant that no text asked of an API matches
//     the way SQLite matches it (a REAL for a text column, say);
//   - an argument is exact, and its constraint marked Omit, only when the
//     column's Key is Exact or Required and its right-hand side is a
//     constant that is not an IN list. Then Filter knows the value's SQL
//     type as SQLite compares it (a literal takes the column's affinity).
//     Any other argument (a Pushed key; a bound parameter, another table's
//     column, an IN list) narrows the call with the values that are text
//     and SQLite re-checks every row: a value of another type (a number
//     from a numeric column) compares under rules only SQLite knows, so
//     Filter does not narrow by it;
//   - an IN list is handed over whole (sqlite3_vtab_in) so that one call
//     can carry many values. SQLite says whether an '=' is an IN list only
//     for the first 32 constraints it offers; past them, an argument whose
//     right-hand side is not a constant may be an IN list that SQLite binds
//     one value at a time, filtering the cursor once per value. Such an
//     argument is marked, so that Filter knows the statement may make the
//     same calls again (Query.Again);
//   - LIMIT (and OFFSET) become the last arguments, and are taken only when
//     SQLite offers them as usable, no ORDER BY is left unconsumed, and
//     every other constraint offered was taken with Omit: otherwise SQLite
//     would apply a check after the cursor already stopped at LIMIT rows.
//
// The plan travels to Filter as IdxStr, the only channel SQLite offers:
//
//	"t=<table> a=<col>[i][e][x],... l o m u=<hex colUsed> r=<col>:<op>[:<why>],..."
//
// where t names the table (so that EXPLAIN QUERY PLAN, which shows IdxStr,
// says which table a plan is for), a lists the column index of each
// argument in argv order (i: an IN list, e: maybe an IN list bound one
// value at a time, x: exact), l and o say that LIMIT
// and OFFSET follow them, m that a required key is missing, u is the
// column-used mask (Filter is not told which columns the statement reads)
// and r lists the constraints left to SQLite and, for explain, why a key's
// was not taken (c: collation, t: the value's type). IdxNum is unused.
type Plan struct {
	Table  string
	Args   []Arg
	Limit  bool // argv holds LIMIT after the key values
	Offset bool // argv holds OFFSET after LIMIT
	Used   uint64
	// MissingRequired is set when the plan lacks a required key: it is
	// priced out of reach, and Filter reports it if SQLite picks it anyway.
	MissingRequired bool
	Cost            float64
	Rows            int64
	// Rest are the constraints SQLite offered that the plan leaves to it.
	Rest []Rest
}

// Arg is one argument of a plan: the column whose values it carries.
type Arg struct {
	Column int
	In     bool // the value is an IN list, handed over whole
	Exact  bool // SQLite omits its check: the call must match exactly
	// Each says the value may be one of an IN list that SQLite binds one
	// value at a time: it filters the cursor once per value.
	Each bool
}

// inConstraints is how many of the constraints it offers SQLite says
// whether they are IN lists of (sqlite3_vtab_in keeps one bit each in a
// 32-bit mask).
const inConstraints = 32

// Rest is a constraint left to SQLite: a column (-1 for rowid), an operator
// and, for a key column's '=', why it was not taken.
type Rest struct {
	Column int
	Op     Op
	Why    Why
}

// Why says why a key column's '=' was left to SQLite.
type Why byte

const (
	WhyNone      Why = 0
	WhyCollation Why = 'c' // compared under a collation no API applies
	WhyType      Why = 't' // a constant of a type the column cannot match as SQLite does
)

// Usage is what BestIndex tells SQLite about one offered constraint.
type Usage struct {
	ArgIndex int // -1: not passed
	Omit     bool
	In       bool // ask for the IN list whole
}

const (
	defaultRows        = 10000
	defaultSelectivity = 10
	costPerRow         = 10.0
	costPerCall        = 100.0
	unreachable        = 1e15
)

// plan is BestIndex as a pure function: SQLite needs not be present to test it.
func plan(t *table, cons []Constraint, orderBy int, colUsed uint64) (Plan, []Usage) {
	usage := make([]Usage, len(cons))
	for i := range usage {
		usage[i].ArgIndex = -1
	}
	p := Plan{Table: t.name, Used: colUsed}
	taken := map[int]bool{}
	allTaken := true
	limitAt, offsetAt := -1, -1
	rows := t.rows
	if rows <= 0 {
		rows = defaultRows
	}
	for i, c := range cons {
		switch c.Op {
		case OpLIMIT:
			if c.Usable {
				limitAt = i
			}
			continue
		case OpOFFSET:
			if c.Usable {
				offsetAt = i
			}
			continue
		}
		if !c.Usable {
			allTaken = false
			continue
		}
		if c.Op == OpIS && c.HasRHS && c.RHS != nil && c.Column >= 0 && c.Column < len(t.columns) && t.columns[c.Column].scope {
			c.Op = OpEQ // IS a constant that is not NULL is '='
		}
		if c.Column < 0 || c.Column >= len(t.columns) || c.Op != OpEQ || t.columns[c.Column].key == NoKey || taken[c.Column] {
			allTaken = false
			p.Rest = append(p.Rest, Rest{Column: c.Column, Op: c.Op})
			continue
		}
		col := t.columns[c.Column]
		if why := unusable(col, c); why != WhyNone {
			allTaken = false
			p.Rest = append(p.Rest, Rest{Column: c.Column, Op: c.Op, Why: why})
			continue
		}
		exact := col.key != Pushed && c.HasRHS && !c.In
		each := i >= inConstraints && !c.In && !c.HasRHS
		taken[c.Column] = true
		usage[i] = Usage{ArgIndex: len(p.Args), Omit: exact, In: c.In}
		if !exact {
			allTaken = false
		}
		p.Args = append(p.Args, Arg{Column: c.Column, In: c.In, Exact: exact, Each: each})
		sel := col.sel
		if sel <= 0 {
			sel = defaultSelectivity
		}
		rows /= sel
	}
	for i, c := range t.columns {
		if c.key == Required && !taken[i] {
			p.MissingRequired = true
		}
	}
	if limitAt >= 0 && allTaken && orderBy == 0 {
		p.Limit = true
		usage[limitAt] = Usage{ArgIndex: len(p.Args), Omit: true}
		if offsetAt >= 0 {
			p.Offset = true
			usage[offsetAt] = Usage{ArgIndex: len(p.Args) + 1, Omit: true}
		}
	}
	if rows < 1 {
		rows = 1
	}
	p.Rows = int64(rows)
	p.Cost = costPerCall + rows*costPerRow
	if p.MissingRequired {
		p.Cost, p.Rows = unreachable, 1e9
	}
	return p, usage
}

// unusable says why '=' on a key column cannot be handed to its list
// function, or WhyNone.
func unusable(col column, c Constraint) Why {
	if c.Collation != "" && !strings.EqualFold(c.Collation, "BINARY") {
		return WhyCollation
	}
	if c.HasRHS && !exactConstant(col.typ, c.RHS, c.RHSNumeric) {
		return WhyType
	}
	return WhyNone
}

// exactConstant reports whether a constant right-hand side can be asked of
// an API as text that matches exactly what SQLite matches: a literal takes
// the column's affinity, so an integer compares with a text column as its
// decimal text. A REAL's text is SQLite's own, and text compared with an
// integer column may become a number: those are left to SQLite. NULL and a
// blob are fine: they match nothing. A constant of numeric affinity (a
// CAST) makes SQLite compare a text column's values as numbers: left to
// SQLite too.
func exactConstant(typ Type, v any, numeric bool) bool {
	switch v.(type) {
	case nil, []byte:
		return true
	case int64:
		return !numeric || typ.affinity() != textAffinity
	case string:
		return typ.affinity() == textAffinity
	}
	return false
}

func (p Plan) encode() string {
	var b strings.Builder
	if p.Table != "" {
		b.WriteString("t=" + p.Table + " ")
	}
	b.WriteString("a=")
	for i, a := range p.Args {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(a.Column))
		if a.In {
			b.WriteByte('i')
		}
		if a.Each {
			b.WriteByte('e')
		}
		if a.Exact {
			b.WriteByte('x')
		}
	}
	if p.Limit {
		b.WriteString(" l")
	}
	if p.Offset {
		b.WriteString(" o")
	}
	if p.MissingRequired {
		b.WriteString(" m")
	}
	fmt.Fprintf(&b, " u=%x", p.Used)
	if len(p.Rest) > 0 {
		b.WriteString(" r=")
		for i, r := range p.Rest {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%d:%d", r.Column, r.Op)
			if r.Why != WhyNone {
				fmt.Fprintf(&b, ":%c", r.Why)
			}
		}
	}
	return b.String()
}

func decodePlan(s string) (Plan, error) {
	var p Plan
	bad := fmt.Errorf("bad plan %q", s)
	for _, f := range strings.Fields(s) {
		switch {
		case f == "l":
			p.Limit = true
		case f == "o":
			p.Offset = true
		case f == "m":
			p.MissingRequired = true
		case strings.HasPrefix(f, "a="):
			if f == "a=" {
				continue
			}
			for _, n := range strings.Split(f[2:], ",") {
				var a Arg
				n, a.Exact = strings.CutSuffix(n, "x")
				n, a.Each = strings.CutSuffix(n, "e")
				n, a.In = strings.CutSuffix(n, "i")
				i, err := strconv.Atoi(n)
				if err != nil {
					return p, bad
				}
				a.Column = i
				p.Args = append(p.Args, a)
			}
		case strings.HasPrefix(f, "t="):
			p.Table = f[2:]
		case strings.HasPrefix(f, "r="):
			for _, r := range strings.Split(f[2:], ",") {
				parts := strings.Split(r, ":")
				if len(parts) < 2 || len(parts) > 3 {
					return p, bad
				}
				c, err1 := strconv.Atoi(parts[0])
				o, err2 := strconv.Atoi(parts[1])
				if err1 != nil || err2 != nil {
					return p, bad
				}
				rest := Rest{Column: c, Op: Op(o)}
				if len(parts) == 3 {
					if len(parts[2]) != 1 {
						return p, bad
					}
					rest.Why = Why(parts[2][0])
				}
				p.Rest = append(p.Rest, rest)
			}
		case strings.HasPrefix(f, "u="):
			u, err := strconv.ParseUint(f[2:], 16, 64)
			if err != nil {
				return p, bad
			}
			p.Used = u
		default:
			return p, bad
		}
	}
	return p, nil
}

// uses reports whether the column-used mask covers column i; SQLite's bit 63
// stands for every column from 63 on.
func (p Plan) uses(i int) bool {
	if i >= 63 {
		return p.Used&(1<<63) != 0
	}
	return p.Used&(1<<uint(i)) != 0
}

// hasArg reports whether column i is one of the plan's arguments.
func (p Plan) hasArg(i int) bool {
	for _, a := range p.Args {
		if a.Column == i {
			return true
		}
	}
	return false
}
