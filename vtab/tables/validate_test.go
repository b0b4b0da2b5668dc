package tables

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// Every table's declaration passes the checks the engine cannot make.
func TestValidateDeclarations(t *testing.T) {
	if err := Validate(All(nil)); err != nil {
		t.Fatal(err)
	}
}

// A hydrated column must be among the first 63: SQLite's column-used mask
// has one bit for all the others, so such a column would be called for by
// any statement reading any of them.
func TestValidateHydratedPosition(t *testing.T) {
	hydrate := func(context.Context, *fetch.Client, ec2types.Tag) (any, error) { return nil, nil }
	table := func(before int) Table {
		var cols []col[ec2types.Tag, struct{}]
		for i := range before {
			cols = append(cols, col[ec2types.Tag, struct{}]{Name: fmt.Sprintf("c%d", i), Type: vtab.Text, Get: func(*fetch.Item[ec2types.Tag]) any { return nil }})
		}
		cols = append(cols, col[ec2types.Tag, struct{}]{Name: "costly", Type: vtab.Text, Hydrate: hydrate})
		return define(nil, regional[ec2types.Tag, struct{}]{
			name: "synthetic", doc: "a table to validate", columns: cols, id: func(ec2types.Tag) string { return "" },
			list: func(context.Context, *fetch.Client, *struct{}, *vtab.Query) iter.Seq2[[]ec2types.Tag, error] {
				return done[ec2types.Tag]()
			},
		})
	}
	tests := []struct {
		before int // columns declared before it (account_id and region come first)
		ok     bool
	}{
		{0, true},
		{60, true}, // the 63rd column: the last with a bit of its own
		{61, false},
		{100, false},
	}
	for _, tt := range tests {
		err := Validate([]Table{table(tt.before)})
		if (err == nil) != tt.ok {
			t.Errorf("hydrated after %d columns: %v, want ok=%v", tt.before, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), `hydrated column "costly"`) {
			t.Errorf("the problem does not name the column: %v", err)
		}
	}
}

// A pushed column must say what it becomes: an EC2 filter's name, or the
// parameter it sets. An empty filter name is refused when the tables are
// validated, not found as a crash by the first statement that pushes it.
func TestValidatePushedIntoNothing(t *testing.T) {
	type in struct{ Filters []ec2types.Filter }
	table := func(p *push) Table {
		return define(nil, regional[ec2types.Tag, in]{
			name: "synthetic", doc: "a table to validate", id: func(ec2types.Tag) string { return "" },
			columns: []col[ec2types.Tag, in]{{Name: "key", Type: vtab.Text, Push: p, Get: func(*fetch.Item[ec2types.Tag]) any { return nil }}},
			filters: func(i *in) *[]ec2types.Filter { return &i.Filters },
			list: func(context.Context, *fetch.Client, *in, *vtab.Query) iter.Seq2[[]ec2types.Tag, error] {
				return done[ec2types.Tag]()
			},
		})
	}
	if err := Validate([]Table{table(filter("key"))}); err != nil {
		t.Errorf("a named filter: %v", err)
	}
	if err := Validate([]Table{table(filter(""))}); err == nil || !strings.Contains(err.Error(), `column "key" is pushed into nothing`) {
		t.Errorf("an empty filter name: %v, want it named", err)
	}
}
