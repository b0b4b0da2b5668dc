package vtab

import (
	"context"
	"strings"
)

// TableInfo describes a registered table for `tables`, `schema` and
// completion.
type TableInfo struct {
	Name    string
	Aliases []string
	Doc     string
	Example string
	Columns []ColumnInfo
}

// ColumnInfo describes one column.
type ColumnInfo struct {
	Name     string
	Type     Type
	Doc      string
	Key      Key
	Hidden   bool
	Nullable bool
	Push     string // what a pushed value becomes
	Batch    int    // values of an IN list one call carries
	PerValue bool   // a longer list takes one call per batch, not a scan
}

// Pushdown says in words what happens to `column = value`.
func (c ColumnInfo) Pushdown() string {
	switch c.Key {
	case Pushed:
		return "= (narrows the call; re-checked)"
	case Exact:
		return "= (exact)"
	case Required:
		return "= (required)"
	}
	return ""
}

// Tables lists the registered tables, sorted by name.
func (e *Engine) Tables() []TableInfo {
	out := make([]TableInfo, 0, len(e.tables))
	for _, t := range e.tables {
		ti := TableInfo{Name: t.name, Aliases: t.aliases, Doc: t.doc, Example: t.example}
		for _, c := range t.columns {
			ti.Columns = append(ti.Columns, ColumnInfo{
				Name: c.name, Type: c.typ, Doc: c.doc, Key: c.key, Hidden: c.hidden, Nullable: c.nullable, Push: c.push,
				Batch: c.batch, PerValue: c.perValue,
			})
		}
		out = append(out, ti)
	}
	return out
}

// Table returns one table's description, by its name or an alias.
func (e *Engine) Table(name string) (TableInfo, bool) {
	t := e.byName[name]
	if t == nil {
		return TableInfo{}, false
	}
	for _, ti := range e.Tables() {
		if ti.Name == t.name {
			return ti, true
		}
	}
	return TableInfo{}, false
}

// FilterInfo is what a cursor would have asked its list function, as
// recorded by a dry run (BeginDryRun).
type FilterInfo struct {
	Table  string
	Plan   string              // the plan, as IdxStr
	Pushed map[string][]string // column -> the values asked for
	// Scanned are key columns whose values did not narrow the call: an IN
	// list longer than one call takes, or values that are not text.
	Scanned []string
	Limit   int64 // rows needed, LIMIT plus OFFSET; 0: all
}

// BeginDryRun is Begin for a statement whose cursors record what they
// would ask instead of asking it: every table reads as empty.
func (e *Engine) BeginDryRun(ctx context.Context, record func(FilterInfo)) *Statement {
	s := e.Begin(ctx)
	s.dryRun = record
	return s
}

// PlanInfo describes a plan chosen for a table.
type PlanInfo struct {
	Table           string
	Pushed          []PushedInfo // the columns whose values go to the list function, in order
	Rest            []string     // the constraints left to SQLite, e.g. "instance_type LIKE"
	Limit, Offset   bool
	MissingRequired bool
	// Used are the columns the statement reads (SQLite tells the first 63
	// apart; the others all count as read when any of them is).
	Used []string
}

// PushedInfo is one argument of a plan.
type PushedInfo struct {
	ColumnInfo
	In    bool // an IN list, handed over whole
	Exact bool // SQLite does not re-check it
}

// ExplainPlan decodes a plan string (IdxStr, as EXPLAIN QUERY PLAN shows
// it after "VIRTUAL TABLE INDEX n:").
func (e *Engine) ExplainPlan(idxStr string) (PlanInfo, bool) {
	p, err := decodePlan(idxStr)
	if err != nil {
		return PlanInfo{}, false
	}
	ti, ok := e.Table(p.Table)
	if !ok {
		return PlanInfo{}, false
	}
	info := PlanInfo{Table: ti.Name, Limit: p.Limit, Offset: p.Offset, MissingRequired: p.MissingRequired}
	for i, c := range ti.Columns {
		if p.uses(i) {
			info.Used = append(info.Used, c.Name)
		}
	}
	for _, a := range p.Args {
		info.Pushed = append(info.Pushed, PushedInfo{ColumnInfo: ti.Columns[a.Column], In: a.In, Exact: a.Exact})
	}
	for _, r := range p.Rest {
		name := "rowid"
		if r.Column >= 0 && r.Column < len(ti.Columns) {
			name = ti.Columns[r.Column].Name
		}
		text := name + " " + r.Op.String()
		switch r.Why {
		case WhyCollation:
			text += " (not pushed: compared under a collation other than BINARY)"
		case WhyType:
			text += " (not pushed: a constant of another type, compared by SQLite's rules)"
		}
		info.Rest = append(info.Rest, text)
	}
	return info, true
}

// TableName returns the table an idxStr plan is for.
func TableName(idxStr string) string {
	for _, f := range strings.Fields(idxStr) {
		if t, ok := strings.CutPrefix(f, "t="); ok {
			return t
		}
	}
	return ""
}
