package vtab

import (
	"fmt"
	"strconv"
	"strings"

	"modernc.org/sqlite/vtab"
)

// The contract between BestIndex and Filter, written down once.
//
// BestIndex turns the constraints SQLite offers into a Plan:
//   - for each key column, the first usable '=' constraint on it becomes an
//     argument; arguments are numbered in the order of the constraints;
//   - the constraint is marked Omit when the column's Key is Exact or
//     Required (the API matches exactly what '=' matches); a Pushed key's
//     value narrows the call but SQLite re-checks every row;
//   - LIMIT (and OFFSET) become the last arguments, and are taken only when
//     SQLite offers them as usable, no ORDER BY is left unconsumed, and
//     every other constraint offered was taken with Omit: otherwise SQLite
//     would apply a check after the cursor already stopped at LIMIT rows.
//
// The plan travels to Filter as IdxStr, the only channel SQLite offers:
//
//	"t=<table> a=<col>,<col>,... l o u=<hex colUsed> r=<col>:<op>,..."
//
// where t names the table (so that EXPLAIN QUERY PLAN, which shows IdxStr,
// says which table a plan is for), a lists the column index of each
// argument in argv order, l and o say that LIMIT and OFFSET follow them, u
// is the column-used mask (Filter is not told which columns the statement
// reads) and r lists the constraints left to SQLite, for explain. IdxNum
// is unused.
type Plan struct {
	Table  string
	Args   []int // column index of each argv value, in order
	Limit  bool  // argv holds LIMIT after the key values
	Offset bool  // argv holds OFFSET after LIMIT
	Used   uint64
	// MissingRequired is set when the plan lacks a required key: it is
	// priced out of reach, and Filter reports it if SQLite picks it anyway.
	MissingRequired bool
	Cost            float64
	Rows            int64
	// Rest are the constraints SQLite offered that the plan leaves to it.
	Rest []Rest
}

// Rest is a constraint left to SQLite: a column (-1 for rowid) and an
// operator.
type Rest struct {
	Column int
	Op     vtab.ConstraintOp
}

// Usage is what BestIndex tells SQLite about one offered constraint.
type Usage struct {
	ArgIndex int // -1: not passed
	Omit     bool
}

const (
	defaultRows        = 10000
	defaultSelectivity = 10
	costPerRow         = 10.0
	costPerCall        = 100.0
	unreachable        = 1e15
)

// plan is BestIndex as a pure function: SQLite needs not be present to test it.
func plan(t *table, cons []vtab.Constraint, orderBy int, colUsed uint64) (Plan, []Usage) {
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
		case vtab.OpLIMIT:
			if c.Usable {
				limitAt = i
			}
			continue
		case vtab.OpOFFSET:
			if c.Usable {
				offsetAt = i
			}
			continue
		}
		if c.Column < 0 || c.Column >= len(t.columns) || !c.Usable || c.Op != vtab.OpEQ ||
			t.columns[c.Column].key == NoKey || taken[c.Column] {
			allTaken = false
			if c.Usable {
				p.Rest = append(p.Rest, Rest{Column: c.Column, Op: c.Op})
			}
			continue
		}
		col := t.columns[c.Column]
		taken[c.Column] = true
		usage[i] = Usage{ArgIndex: len(p.Args), Omit: col.key != Pushed}
		if col.key == Pushed {
			allTaken = false
		}
		p.Args = append(p.Args, c.Column)
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

func (p Plan) encode() string {
	var b strings.Builder
	if p.Table != "" {
		b.WriteString("t=" + p.Table + " ")
	}
	b.WriteString("a=")
	for i, c := range p.Args {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(c))
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
		}
	}
	return b.String()
}

func decodePlan(s string) (Plan, error) {
	var p Plan
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
				i, err := strconv.Atoi(n)
				if err != nil {
					return p, fmt.Errorf("bad plan %q", s)
				}
				p.Args = append(p.Args, i)
			}
		case strings.HasPrefix(f, "t="):
			p.Table = f[2:]
		case strings.HasPrefix(f, "r="):
			for _, r := range strings.Split(f[2:], ",") {
				col, op, ok := strings.Cut(r, ":")
				c, err1 := strconv.Atoi(col)
				o, err2 := strconv.Atoi(op)
				if !ok || err1 != nil || err2 != nil {
					return p, fmt.Errorf("bad plan %q", s)
				}
				p.Rest = append(p.Rest, Rest{Column: c, Op: vtab.ConstraintOp(o)})
			}
		case strings.HasPrefix(f, "u="):
			u, err := strconv.ParseUint(f[2:], 16, 64)
			if err != nil {
				return p, fmt.Errorf("bad plan %q", s)
			}
			p.Used = u
		default:
			return p, fmt.Errorf("bad plan %q", s)
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
