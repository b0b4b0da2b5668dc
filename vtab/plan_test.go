package vtab

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// planTable: 0 account_id (Exact), 1 region (Exact), 2 id (Exact, very
// selective), 3 name (Pushed: the API's match is looser), 4 size (no key),
// 5 bucket (Required), when withRequired.
func planTable(withRequired bool) *table {
	t := &table{name: "t", rows: 1e6, columns: []column{
		{name: "account_id", key: Exact},
		{name: "region", key: Exact},
		{name: "id", key: Exact, sel: 1e6},
		{name: "name", key: Pushed},
		{name: "size", typ: Integer},
		{name: "public", typ: Bool, key: Exact},
	}}
	if withRequired {
		t.columns = append(t.columns, column{name: "bucket", key: Required})
	}
	return t
}

// eq is '=' on col with a text literal on the right: what SQLite offers for
// "col = 'x'".
func eq(col int) Constraint {
	return Constraint{Column: col, Op: OpEQ, Usable: true, Collation: "BINARY", RHS: "x", HasRHS: true}
}

// eqWith is '=' on col with rhs on the right; no rhs: not a constant (a
// bound parameter, another table's column).
func eqWith(col int, rhs ...any) Constraint {
	c := Constraint{Column: col, Op: OpEQ, Usable: true, Collation: "BINARY"}
	if len(rhs) == 1 {
		c.RHS, c.HasRHS = rhs[0], true
	}
	return c
}

func args(cols ...int) []Arg {
	out := make([]Arg, len(cols))
	for i, c := range cols {
		out[i] = Arg{Column: c, Exact: true}
	}
	return out
}

func TestPlan(t *testing.T) {
	limit := Constraint{Column: -1, Op: OpLIMIT, Usable: true}
	offset := Constraint{Column: -1, Op: OpOFFSET, Usable: true}
	unusable := eq(2)
	unusable.Usable = false
	tests := []struct {
		name     string
		required bool
		cons     []Constraint
		orderBy  int
		want     Plan
		usage    []Usage
	}{
		{
			name:  "no constraints: full scan",
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{},
		},
		{
			name:  "exact keys are omitted, in constraint order",
			cons:  []Constraint{eq(1), eq(2)},
			want:  Plan{Args: args(1, 2), Rows: 1, Cost: costPerCall + costPerRow},
			usage: []Usage{{0, true, false}, {1, true, false}},
		},
		{
			name:  "a pushed key is passed but re-checked",
			cons:  []Constraint{eq(3)},
			want:  Plan{Args: []Arg{{Column: 3}}, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, false, false}},
		},
		{
			name:  "a column without key is left to SQLite",
			cons:  []Constraint{eq(4)},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false, false}},
		},
		{
			name:  "the second '=' on one column is left to SQLite",
			cons:  []Constraint{eq(1), eq(1)},
			want:  Plan{Args: args(1), Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, true, false}, {-1, false, false}},
		},
		{
			name:  "unusable and non-'=' constraints are not taken",
			cons:  []Constraint{unusable, {Column: 2, Op: OpGT, Usable: true}, {Column: 3, Op: OpLIKE, Usable: true}},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false, false}, {-1, false, false}, {-1, false, false}},
		},
		{
			name:  "LIMIT and OFFSET taken when everything else is omitted",
			cons:  []Constraint{eq(1), limit, offset},
			want:  Plan{Args: args(1), Limit: true, Offset: true, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, true, false}, {1, true, false}, {2, true, false}},
		},
		{
			name:  "LIMIT alone",
			cons:  []Constraint{limit},
			want:  Plan{Limit: true, Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{0, true, false}},
		},
		{
			name:    "no LIMIT under an unconsumed ORDER BY",
			cons:    []Constraint{limit},
			orderBy: 1,
			want:    Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage:   []Usage{{-1, false, false}},
		},
		{
			name:  "no LIMIT when SQLite re-checks a pushed key",
			cons:  []Constraint{eq(3), limit},
			want:  Plan{Args: []Arg{{Column: 3}}, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, false, false}, {-1, false, false}},
		},
		{
			name:  "no LIMIT when SQLite checks a constraint we do not take (LIKE)",
			cons:  []Constraint{{Column: 3, Op: OpLIKE, Usable: true}, limit},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false, false}, {-1, false, false}},
		},
		{
			name:  "no LIMIT when a constraint is unusable in this plan",
			cons:  []Constraint{unusable, limit},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false, false}, {-1, false, false}},
		},
		{
			name:  "a collation other than BINARY is left to SQLite: no API compares that way",
			cons:  []Constraint{{Column: 1, Op: OpEQ, Usable: true, Collation: "NOCASE", RHS: "x", HasRHS: true}, limit},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false, false}, {-1, false, false}},
		},
		{
			name:  "an integer literal for a text key becomes its text, exactly",
			cons:  []Constraint{eqWith(2, int64(12))},
			want:  Plan{Args: args(2), Rows: 1, Cost: costPerCall + costPerRow},
			usage: []Usage{{0, true, false}},
		},
		{
			name:  "an integer CAST for a text key is left to SQLite: the column's text compares as a number ('012' = 12)",
			cons:  []Constraint{{Column: 2, Op: OpEQ, Usable: true, Collation: "BINARY", RHS: int64(12), HasRHS: true, RHSNumeric: true}},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false, false}},
		},
		{
			name:  "an integer CAST for an integer key is exact",
			cons:  []Constraint{{Column: 5, Op: OpEQ, Usable: true, Collation: "BINARY", RHS: int64(1), HasRHS: true, RHSNumeric: true}},
			want:  Plan{Args: args(5), Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, true, false}},
		},
		{
			name:  "a blob or NULL literal matches nothing, exactly",
			cons:  []Constraint{eqWith(1, []byte("x")), eqWith(2, nil)},
			want:  Plan{Args: args(1, 2), Rows: 1, Cost: costPerCall + costPerRow},
			usage: []Usage{{0, true, false}, {1, true, false}},
		},
		{
			name:  "a REAL literal for a text key is left to SQLite",
			cons:  []Constraint{eqWith(1, 1.5)},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false, false}},
		},
		{
			name:  "text for an integer key is left to SQLite: affinity may make it a number",
			cons:  []Constraint{eqWith(5, "1"), eqWith(5, int64(1))},
			want:  Plan{Args: args(5), Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{-1, false, false}, {0, true, false}},
		},
		{
			name:  "a value that is not a constant narrows the call and SQLite re-checks",
			cons:  []Constraint{eqWith(1), limit},
			want:  Plan{Args: []Arg{{Column: 1}}, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, false, false}, {-1, false, false}},
		},
		{
			name:  "an IN list is handed over whole and re-checked",
			cons:  []Constraint{{Column: 2, Op: OpEQ, Usable: true, In: true}},
			want:  Plan{Args: []Arg{{Column: 2, In: true}}, Rows: 1, Cost: costPerCall + costPerRow},
			usage: []Usage{{0, false, true}},
		},
		{
			name:     "a missing required key is priced out of reach, not an error",
			required: true,
			cons:     []Constraint{eq(1)},
			want:     Plan{Args: args(1), MissingRequired: true, Rows: 1e9, Cost: unreachable},
			usage:    []Usage{{0, true, false}},
		},
		{
			name:     "the required key given",
			required: true,
			cons:     []Constraint{eq(6)},
			want:     Plan{Args: args(6), Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage:    []Usage{{0, true, false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, usage := plan(planTable(tt.required), tt.cons, tt.orderBy, 0)
			tt.want.Table = "t"
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Plan{}, "Rest")); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.usage, usage); diff != "" {
				t.Errorf("usage (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanRest(t *testing.T) {
	like := Constraint{Column: 3, Op: OpLIKE, Usable: true}
	unusable := eq(2)
	unusable.Usable = false
	p, _ := plan(planTable(false), []Constraint{eq(1), like, eq(4), unusable}, 0, 0)
	want := []Rest{{Column: 3, Op: OpLIKE}, {Column: 4, Op: OpEQ}}
	if diff := cmp.Diff(want, p.Rest); diff != "" {
		t.Errorf("constraints left to SQLite (-want +got):\n%s", diff)
	}
}

func TestPlanPrefersLookups(t *testing.T) {
	tbl := planTable(false)
	scan, _ := plan(tbl, nil, 0, 0)
	region, _ := plan(tbl, []Constraint{eq(1)}, 0, 0)
	lookup, _ := plan(tbl, []Constraint{eq(0), eq(1), eq(2)}, 0, 0)
	if !(lookup.Cost < region.Cost && region.Cost < scan.Cost) {
		t.Errorf("costs: lookup %v, region %v, scan %v: want strictly increasing", lookup.Cost, region.Cost, scan.Cost)
	}
}

func TestPlanEncoding(t *testing.T) {
	for _, p := range []Plan{
		{},
		{Args: []Arg{{Column: 0, Exact: true}, {Column: 5, In: true}, {Column: 2}}, Limit: true, Offset: true, Used: 1<<63 | 5},
		{Args: args(3), MissingRequired: true},
		{Args: []Arg{{Column: 1, Each: true}, {Column: 2, Exact: true}, {Column: 3, In: true}}},
		{Table: "ec2_instances", Args: args(1), Rest: []Rest{{Column: 4, Op: OpLIKE}, {Column: -1, Op: OpGT}, {Column: 2, Op: OpEQ, Why: WhyCollation}}},
	} {
		s := p.encode()
		got, err := decodePlan(s)
		if err != nil {
			t.Fatalf("decode %q: %v", s, err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", s, diff)
		}
	}
	for _, bad := range []string{"a=x", "u=zz", "what"} {
		if _, err := decodePlan(bad); err == nil {
			t.Errorf("decodePlan(%q): want an error", bad)
		}
	}
}

// TestPlanEach: SQLite says whether an '=' is an IN list only for the
// first 32 constraints it offers; past them, an argument whose value is not
// a constant may be an IN list bound one value at a time, and is marked so.
func TestPlanEach(t *testing.T) {
	in := eqWith(2)
	in.In = true
	for _, c := range []struct {
		name string
		at   int // the constraint's index among those offered
		con  Constraint
		each bool
	}{
		{"not a constant, past the 32nd", 32, eqWith(2), true},
		{"not a constant, far past the 32nd", 40, eqWith(2), true},
		{"not a constant, the 32nd", 31, eqWith(2), false},
		{"a constant, past the 32nd", 32, eq(2), false},
		{"an IN list handed over whole", 32, in, false},
	} {
		cons := make([]Constraint, c.at+1)
		for i := range c.at {
			cons[i] = Constraint{Column: 4, Op: OpGT, Usable: true} // size > ...: not a key
		}
		cons[c.at] = c.con
		p, usage := plan(planTable(false), cons, 0, 0)
		if len(p.Args) != 1 || p.Args[0].Column != 2 || usage[c.at].ArgIndex != 0 {
			t.Fatalf("%s: args %+v, usage %+v: want id as the one argument", c.name, p.Args, usage[c.at])
		}
		if p.Args[0].Each != c.each {
			t.Errorf("%s: Each %v, want %v", c.name, p.Args[0].Each, c.each)
		}
	}
}

func TestPlanUsesHighColumns(t *testing.T) {
	p := Plan{Used: 1 << 63}
	if !p.uses(63) || !p.uses(70) || p.uses(0) {
		t.Errorf("bit 63 must cover columns 63 and above only")
	}
}

// TestPlanScopeIS: on a Scope key, IS a constant that is not NULL is '='
// (pushed, exact); IS NULL, and IS on any other key, are left to SQLite.
func TestPlanScopeIS(t *testing.T) {
	tbl := planTable(false)
	tbl.columns[2].scope = true
	is := func(col int, rhs any) Constraint {
		return Constraint{Column: col, Op: OpIS, Usable: true, Collation: "BINARY", RHS: rhs, HasRHS: true}
	}
	for _, tc := range []struct {
		name string
		c    Constraint
		args []Arg
	}{
		{"scope key IS a constant", is(2, "x"), args(2)},
		{"scope key IS NULL", is(2, nil), nil},
		{"other key IS a constant", is(0, "x"), nil},
	} {
		p, _ := plan(tbl, []Constraint{tc.c}, 0, 0)
		if !cmp.Equal(p.Args, tc.args, cmpopts.EquateEmpty()) {
			t.Errorf("%s: args %v, want %v", tc.name, p.Args, tc.args)
		}
	}
}
