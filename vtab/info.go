package vtab

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
				Name: c.name, Type: c.typ, Doc: c.doc, Key: c.key, Hidden: c.hidden, Nullable: c.nullable,
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
