package vtab

import (
	"context"

	"modernc.org/sqlite/vtab"
)

// TableInfo describes a registered table for `tables`, `schema` and
// completion.
type TableInfo struct {
	Name    string
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
		ti := TableInfo{Name: t.name, Doc: t.doc, Example: t.example}
		for _, c := range t.columns {
			ti.Columns = append(ti.Columns, ColumnInfo{
				Name: c.name, Type: c.typ, Doc: c.doc, Key: c.key, Hidden: c.hidden, Nullable: c.nullable, Push: c.push,
			})
		}
		out = append(out, ti)
	}
	return out
}

// Table returns one table's description.
func (e *Engine) Table(name string) (TableInfo, bool) {
	for _, t := range e.Tables() {
		if t.Name == name {
			return t, true
		}
	}
	return TableInfo{}, false
}

// FilterInfo is what a cursor would have asked its list function, as
// recorded by a dry run (BeginDryRun).
type FilterInfo struct {
	Table  string
	Plan   string         // the plan, as IdxStr
	Pushed map[string]any // column -> value
	Limit  int64          // rows needed, LIMIT plus OFFSET; 0: all
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
	Pushed          []ColumnInfo // the columns whose values go to the list function, in order
	Rest            []string     // the constraints left to SQLite, e.g. "instance_type LIKE"
	Limit, Offset   bool
	MissingRequired bool
}

var opText = map[vtab.ConstraintOp]string{
	vtab.OpEQ: "=", vtab.OpGT: ">", vtab.OpLE: "<=", vtab.OpLT: "<", vtab.OpGE: ">=", vtab.OpMATCH: "MATCH",
	vtab.OpNE: "!=", vtab.OpIS: "IS", vtab.OpISNOT: "IS NOT", vtab.OpISNULL: "IS NULL", vtab.OpISNOTNULL: "IS NOT NULL",
	vtab.OpLIKE: "LIKE", vtab.OpGLOB: "GLOB", vtab.OpREGEXP: "REGEXP", vtab.OpFUNCTION: "(function)",
}

// ExplainPlan decodes a plan string (IdxStr, as EXPLAIN QUERY PLAN shows
// it after "VIRTUAL TABLE INDEX n:").
func (e *Engine) ExplainPlan(idxStr string) (PlanInfo, bool) {
	p, err := decodePlan(idxStr)
	if err != nil {
		return PlanInfo{}, false
	}
	t := e.byName[p.Table]
	if t == nil {
		return PlanInfo{}, false
	}
	ti, _ := e.Table(t.name)
	info := PlanInfo{Table: t.name, Limit: p.Limit, Offset: p.Offset, MissingRequired: p.MissingRequired}
	for _, a := range p.Args {
		info.Pushed = append(info.Pushed, ti.Columns[a])
	}
	for _, r := range p.Rest {
		name := "rowid"
		if r.Column >= 0 && r.Column < len(ti.Columns) {
			name = ti.Columns[r.Column].Name
		}
		info.Rest = append(info.Rest, name+" "+opText[r.Op])
	}
	return info, true
}
