package store

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"
)

// Group is one snapshot as a diff sees it: the parts a store holds that
// were taken at one time: one part, or the shards of a sharded snapshot.
type Group struct {
	Time  time.Time
	Parts []*Snapshot
}

// Groups gathers snapshots by time, oldest first.
func Groups(snaps []*Snapshot) []*Group {
	var out []*Group
	for _, s := range snaps {
		if n := len(out); n > 0 && out[n-1].Time.Equal(s.Time) {
			out[n-1].Parts = append(out[n-1].Parts, s)
			continue
		}
		out = append(out, &Group{Time: s.Time, Parts: []*Snapshot{s}})
	}
	slices.SortStableFunc(out, func(a, b *Group) int { return a.Time.Compare(b.Time) })
	return out
}

// ID names the group: its time, as its unsharded snapshot's ID would.
func (g *Group) ID() string { return SnapshotID(g.Time, Shard{}) }

// Complete reports whether the group read the whole connection: it has an
// unsharded part, or every shard of one split.
func (g *Group) Complete() bool {
	for _, p := range g.Parts {
		if p.Shard.N <= 1 {
			return true
		}
	}
	byN := map[int]map[int]bool{}
	for _, p := range g.Parts {
		if byN[p.Shard.N] == nil {
			byN[p.Shard.N] = map[int]bool{}
		}
		byN[p.Shard.N][p.Shard.I] = true
	}
	for n, is := range byN {
		if len(is) == n {
			return true
		}
	}
	return false
}

// Describe says what the group is, for messages.
func (g *Group) Describe() string {
	if len(g.Parts) == 1 {
		return g.Parts[0].ID
	}
	var shards []string
	for _, p := range g.Parts {
		shards = append(shards, p.Shard.String())
	}
	return fmt.Sprintf("%s (shards %s)", g.ID(), strings.Join(shards, ", "))
}

// check reports parts of a group that read the same account.
func (g *Group) check() error {
	seen := map[string]string{}
	for _, p := range g.Parts {
		for _, a := range p.Accounts {
			if other, ok := seen[a]; ok {
				return fmt.Errorf("snapshots %s and %s, taken at the same time, both read account %s: give each shard the same --snapshot-time and a different --shard", other, p.ID, a)
			}
			seen[a] = p.ID
		}
	}
	return nil
}

// Find returns the group a spec names: a snapshot's ID (a part's, or the
// group's), or its time in RFC 3339.
func Find(groups []*Group, spec string) (*Group, error) {
	t, terr := time.Parse(time.RFC3339, spec)
	for _, g := range groups {
		if terr == nil && g.Time.Equal(t) || g.ID() == spec {
			return g, nil
		}
		for _, p := range g.Parts {
			if p.ID == spec {
				return g, nil
			}
		}
	}
	return nil, fmt.Errorf("no snapshot %q in the store (awssql snapshots lists them)", spec)
}

// Since returns the newest group taken at least d before now.
func Since(groups []*Group, d time.Duration, now time.Time) (*Group, error) {
	for i := len(groups) - 1; i >= 0; i-- {
		if !groups[i].Time.After(now.Add(-d)) {
			return groups[i], nil
		}
	}
	return nil, fmt.Errorf("no snapshot in the store is %s old or older", d)
}

// Kinds of change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
	// Unknown: a target that failed in either snapshot, or that one of
	// them did not read: what it holds cannot be compared.
	Unknown = "unknown"
)

// Change is one difference between two snapshots: a row added or
// removed, a column changed (one Change per column), or a target whose
// rows are unknown. Account, Region, Key, Column, Old, New and Note are
// nil where they do not apply.
type Change struct {
	Table           string
	Kind            string
	Account, Region any
	Key, Column     any
	Old, New        any
	Note            any
}

// target is an (account, region) as failures and scopes name it; region
// "" is the whole account.
type target struct{ account, region string }

// side is what one snapshot says of one table.
type side struct {
	name string // "older", "newer"
	g    *Group
	// read: the parts of g that read the table. The parts of one snapshot
	// need not read the same tables (a shard run with another list): the
	// accounts of a part that did not read it are not read, not empty.
	read     *Group
	summary  *TableSummary
	accounts map[string]bool
	regions  map[string]map[string]bool
	failed   map[target]Failure
}

func newSide(name string, g *Group, table string) *side {
	s := &side{name: name, g: g, read: &Group{Time: g.Time}, accounts: map[string]bool{}, regions: map[string]map[string]bool{}, failed: map[target]Failure{}}
	for _, p := range g.Parts {
		if slices.ContainsFunc(p.Tables, func(t TableSummary) bool { return t.Name == table }) {
			s.read.Parts = append(s.read.Parts, p)
		}
	}
	for _, p := range s.read.Parts {
		for _, a := range p.Accounts {
			s.accounts[a] = true
		}
		for a, rs := range p.Targets {
			if s.regions[a] == nil {
				s.regions[a] = map[string]bool{}
			}
			for _, r := range rs {
				s.regions[a][r] = true
			}
		}
		for i := range p.Tables {
			if p.Tables[i].Name == table && s.summary == nil {
				s.summary = &p.Tables[i]
			}
		}
	}
	if s.summary != nil {
		for _, p := range s.read.Parts {
			for _, f := range p.Failures {
				if f.Table != table || f.Ignored {
					continue
				}
				t := target{f.Account, f.Region}
				if s.summary.Scope != ScopeRegion {
					t.region = ""
				}
				if _, ok := s.failed[t]; !ok {
					s.failed[t] = f
				}
			}
		}
	}
	return s
}

// unknownTarget is a target whose rows are not compared, and why.
type unknownTarget struct {
	target
	why        []string
	rows       [2]int // in the older and the newer snapshot
	regionNull bool
}

// unknowns lists the targets of a table that are not compared: failed in
// either snapshot, or read by one only.
func unknowns(older, newer *side, scope Scope) map[target]*unknownTarget {
	out := map[target]*unknownTarget{}
	add := func(t target, why string) {
		u := out[t]
		if u == nil {
			u = &unknownTarget{target: t}
			out[t] = u
		}
		if !slices.Contains(u.why, why) {
			u.why = append(u.why, why)
		}
	}
	for _, s := range []*side{older, newer} {
		for t, f := range s.failed {
			msg := f.Code
			if f.Message != "" {
				msg += ": " + f.Message
			}
			add(t, fmt.Sprintf("failed in the %s snapshot: %s: %s", s.name, f.Operation, msg))
		}
	}
	if scope == ScopeConnection && older.read.Complete() && newer.read.Complete() {
		return out // both read the whole connection: its accounts compare
	}
	for _, pair := range [][2]*side{{older, newer}, {newer, older}} {
		a, b := pair[0], pair[1]
		for acct := range a.accounts {
			if !b.accounts[acct] {
				add(target{acct, ""}, fmt.Sprintf("account %s not read in the %s snapshot", acct, b.name))
			}
		}
		if scope != ScopeRegion {
			continue
		}
		for acct, rs := range a.regions {
			if !b.accounts[acct] || b.regions[acct] == nil {
				continue // the account's own entry, or its failure, says it
			}
			for r := range rs {
				if !b.regions[acct][r] {
					add(target{acct, r}, fmt.Sprintf("region %s of account %s not read in the %s snapshot", r, acct, b.name))
				}
			}
		}
	}
	return out
}

// Diff compares two snapshots of a store, table by table: the rows added,
// removed and changed (by row identity; JSON compared as JSON), and the
// targets whose rows cannot be compared. Rows stream from the store in
// order and are merged, so that memory does not grow with the tables.
// With tables, only those are compared.
func Diff(ctx context.Context, st Store, from, to *Group, tables ...string) iter.Seq2[Change, error] {
	return func(yield func(Change, error) bool) {
		for _, g := range []*Group{from, to} {
			if err := g.check(); err != nil {
				yield(Change{}, err)
				return
			}
		}
		names := map[string]bool{}
		for _, g := range []*Group{from, to} {
			for _, p := range g.Parts {
				for _, t := range p.Tables {
					if len(tables) == 0 || slices.Contains(tables, t.Name) {
						names[t.Name] = true
					}
				}
			}
		}
		// A table asked for that neither snapshot read is not a table
		// without changes.
		for _, name := range tables {
			names[name] = true
		}
		for _, name := range slices.Sorted(maps.Keys(names)) {
			if !diffTable(ctx, st, name, newSide("older", from, name), newSide("newer", to, name), yield) {
				return
			}
		}
	}
}

func diffTable(ctx context.Context, st Store, name string, older, newer *side, yield func(Change, error) bool) bool {
	switch {
	case older.summary == nil && newer.summary == nil:
		return yield(Change{Table: name, Kind: Unknown, Note: "the table is in neither snapshot"}, nil)
	case older.summary == nil:
		return yield(Change{Table: name, Kind: Unknown, Note: "the table is not in the older snapshot"}, nil)
	case newer.summary == nil:
		return yield(Change{Table: name, Kind: Unknown, Note: "the table is not in the newer snapshot"}, nil)
	}
	newTable, err := newer.summary.Table()
	if err != nil {
		return yield(Change{}, err)
	}
	oldTable, err := older.summary.Table()
	if err != nil {
		return yield(Change{}, err)
	}
	// The columns both snapshots have: a column added to awssql between
	// them is not a change of every row.
	var cols []Column
	for _, c := range newTable.Columns {
		if slices.ContainsFunc(oldTable.Columns, func(o Column) bool { return o.Name == c.Name }) {
			cols = append(cols, c)
		}
	}
	parts := partitionColumns(cols)
	scope := newTable.Scope
	unknown := unknowns(older, newer, scope)
	lookup := func(r Row) *unknownTarget {
		acct, region := "", ""
		regionNull := true
		for _, i := range parts {
			v, _ := r.Values[i].(string)
			switch cols[i].Name {
			case "account_id":
				acct = v
			case "region":
				region, regionNull = v, r.Values[i] == nil
			}
		}
		if u := unknown[target{acct, ""}]; u != nil {
			return u
		}
		if scope == ScopeRegion && !regionNull {
			return unknown[target{acct, region}]
		}
		return nil
	}
	tuple := func(r Row) []any {
		t := make([]any, 0, len(parts)+1)
		for _, i := range parts {
			t = append(t, r.Values[i])
		}
		return append(t, r.Key)
	}
	partValue := func(r Row, col string) any {
		for _, i := range parts {
			if cols[i].Name == col {
				return r.Values[i]
			}
		}
		return nil
	}
	change := func(kind string, r Row) Change {
		return Change{Table: name, Kind: kind, Account: partValue(r, "account_id"), Region: partValue(r, "region"), Key: r.Key}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nextOld, stopOld := iter.Pull2(st.Rows(ctx, older.g.Parts, name, cols))
	defer stopOld()
	nextNew, stopNew := iter.Pull2(st.Rows(ctx, newer.g.Parts, name, cols))
	defer stopNew()
	read := func(next func() (Row, error, bool), s *side, prev *[]any) (Row, bool, error) {
		r, err, ok := next()
		if !ok || err != nil {
			return Row{}, false, err
		}
		t := tuple(r)
		if *prev != nil && compareValues(*prev, t) >= 0 {
			return Row{}, false, fmt.Errorf("the %s snapshot holds row %s of table %s twice, or out of order", s.name, r.Key, name)
		}
		*prev = t
		return r, true, nil
	}
	var prevOld, prevNew []any
	o, oOK, err := read(nextOld, older, &prevOld)
	if err != nil {
		return yield(Change{}, err)
	}
	n, nOK, err := read(nextNew, newer, &prevNew)
	if err != nil {
		return yield(Change{}, err)
	}
	for oOK || nOK {
		c := 0
		switch {
		case !oOK:
			c = 1
		case !nOK:
			c = -1
		default:
			c = compareValues(tuple(o), tuple(n))
		}
		if c <= 0 {
			if u := lookup(o); u != nil {
				u.rows[0]++
			} else if c < 0 && !yield(change(Removed, o), nil) {
				return false
			}
		}
		if c >= 0 {
			if u := lookup(n); u != nil {
				u.rows[1]++
			} else if c > 0 && !yield(change(Added, n), nil) {
				return false
			}
		}
		if c == 0 && lookup(n) == nil {
			for j, col := range cols {
				if slices.Contains(parts, j) || Equal(col.Type, o.Values[j], n.Values[j]) {
					continue
				}
				ch := change(Changed, n)
				ch.Column, ch.Old, ch.New = col.Name, o.Values[j], n.Values[j]
				if !yield(ch, nil) {
					return false
				}
			}
		}
		if c <= 0 {
			if o, oOK, err = read(nextOld, older, &prevOld); err != nil {
				return yield(Change{}, err)
			}
		}
		if c >= 0 {
			if n, nOK, err = read(nextNew, newer, &prevNew); err != nil {
				return yield(Change{}, err)
			}
		}
	}
	us := slices.Collect(maps.Values(unknown))
	slices.SortFunc(us, func(a, b *unknownTarget) int {
		return cmp.Or(strings.Compare(a.account, b.account), strings.Compare(a.region, b.region))
	})
	for _, u := range us {
		note := strings.Join(u.why, "; ") + fmt.Sprintf("; %s in the older snapshot, %s in the newer", rowCount(u.rows[0]), rowCount(u.rows[1]))
		ch := Change{Table: name, Kind: Unknown, Account: u.account, Note: note}
		if u.region != "" {
			ch.Region = u.region
		}
		if !yield(ch, nil) {
			return false
		}
	}
	return true
}

func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}
