package tables_test

import (
	"testing"

	"github.com/awssql/awssql/vtab/tables"
)

// TestValidate: every table's declaration passes the checks the engine and
// the AWS side make (read-only operations, pushes that set the table's own
// input, hydrated columns SQLite can tell apart, ...), all reported at once.
func TestValidate(t *testing.T) {
	if err := tables.Validate(tables.All(nil)); err != nil {
		t.Error(err)
	}
}
