package vtab

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"modernc.org/sqlite/vtab"
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
		{name: "size"},
	}}
	if withRequired {
		t.columns = append(t.columns, column{name: "bucket", key: Required})
	}
	return t
}

func eq(col int) vtab.Constraint { return vtab.Constraint{Column: col, Op: vtab.OpEQ, Usable: true} }

func TestPlan(t *testing.T) {
	limit := vtab.Constraint{Column: -1, Op: vtab.OpLIMIT, Usable: true}
	offset := vtab.Constraint{Column: -1, Op: vtab.OpOFFSET, Usable: true}
	unusable := eq(2)
	unusable.Usable = false
	tests := []struct {
		name     string
		required bool
		cons     []vtab.Constraint
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
			cons:  []vtab.Constraint{eq(1), eq(2)},
			want:  Plan{Args: []int{1, 2}, Rows: 1, Cost: costPerCall + costPerRow},
			usage: []Usage{{0, true}, {1, true}},
		},
		{
			name:  "a pushed key is passed but re-checked",
			cons:  []vtab.Constraint{eq(3)},
			want:  Plan{Args: []int{3}, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, false}},
		},
		{
			name:  "a column without key is left to SQLite",
			cons:  []vtab.Constraint{eq(4)},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false}},
		},
		{
			name:  "the second '=' on one column is left to SQLite",
			cons:  []vtab.Constraint{eq(1), eq(1)},
			want:  Plan{Args: []int{1}, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, true}, {-1, false}},
		},
		{
			name:  "unusable and non-'=' constraints are not taken",
			cons:  []vtab.Constraint{unusable, {Column: 2, Op: vtab.OpGT, Usable: true}, {Column: 3, Op: vtab.OpLIKE, Usable: true}},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false}, {-1, false}, {-1, false}},
		},
		{
			name:  "LIMIT and OFFSET taken when everything else is omitted",
			cons:  []vtab.Constraint{eq(1), limit, offset},
			want:  Plan{Args: []int{1}, Limit: true, Offset: true, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, true}, {1, true}, {2, true}},
		},
		{
			name:  "LIMIT alone",
			cons:  []vtab.Constraint{limit},
			want:  Plan{Limit: true, Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{0, true}},
		},
		{
			name:    "no LIMIT under an unconsumed ORDER BY",
			cons:    []vtab.Constraint{limit},
			orderBy: 1,
			want:    Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage:   []Usage{{-1, false}},
		},
		{
			name:  "no LIMIT when SQLite re-checks a pushed key",
			cons:  []vtab.Constraint{eq(3), limit},
			want:  Plan{Args: []int{3}, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage: []Usage{{0, false}, {-1, false}},
		},
		{
			name:  "no LIMIT when SQLite checks a constraint we do not take (LIKE)",
			cons:  []vtab.Constraint{{Column: 3, Op: vtab.OpLIKE, Usable: true}, limit},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false}, {-1, false}},
		},
		{
			name:  "no LIMIT when a constraint is unusable in this plan",
			cons:  []vtab.Constraint{unusable, limit},
			want:  Plan{Rows: 1e6, Cost: costPerCall + 1e6*costPerRow},
			usage: []Usage{{-1, false}, {-1, false}},
		},
		{
			name:     "a missing required key is priced out of reach, not an error",
			required: true,
			cons:     []vtab.Constraint{eq(1)},
			want:     Plan{Args: []int{1}, MissingRequired: true, Rows: 1e9, Cost: unreachable},
			usage:    []Usage{{0, true}},
		},
		{
			name:     "the required key given",
			required: true,
			cons:     []vtab.Constraint{eq(5)},
			want:     Plan{Args: []int{5}, Rows: 1e5, Cost: costPerCall + 1e5*costPerRow},
			usage:    []Usage{{0, true}},
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
	like := vtab.Constraint{Column: 3, Op: vtab.OpLIKE, Usable: true}
	unusable := eq(2)
	unusable.Usable = false
	p, _ := plan(planTable(false), []vtab.Constraint{eq(1), like, eq(4), unusable}, 0, 0)
	want := []Rest{{Column: 3, Op: vtab.OpLIKE}, {Column: 4, Op: vtab.OpEQ}}
	if diff := cmp.Diff(want, p.Rest); diff != "" {
		t.Errorf("constraints left to SQLite (-want +got):\n%s", diff)
	}
}

func TestPlanPrefersLookups(t *testing.T) {
	tbl := planTable(false)
	scan, _ := plan(tbl, nil, 0, 0)
	region, _ := plan(tbl, []vtab.Constraint{eq(1)}, 0, 0)
	lookup, _ := plan(tbl, []vtab.Constraint{eq(0), eq(1), eq(2)}, 0, 0)
	if !(lookup.Cost < region.Cost && region.Cost < scan.Cost) {
		t.Errorf("costs: lookup %v, region %v, scan %v: want strictly increasing", lookup.Cost, region.Cost, scan.Cost)
	}
}

func TestPlanEncoding(t *testing.T) {
	for _, p := range []Plan{
		{},
		{Args: []int{0, 5, 2}, Limit: true, Offset: true, Used: 1<<63 | 5},
		{Args: []int{3}, MissingRequired: true},
		{Table: "ec2_instances", Args: []int{1}, Rest: []Rest{{Column: 4, Op: vtab.OpLIKE}, {Column: -1, Op: vtab.OpGT}}},
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

func TestPlanUsesHighColumns(t *testing.T) {
	p := Plan{Used: 1 << 63}
	if !p.uses(63) || !p.uses(70) || p.uses(0) {
		t.Errorf("bit 63 must cover columns 63 and above only")
	}
}
