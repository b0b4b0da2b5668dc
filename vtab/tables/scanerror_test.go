package tables_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
)

// TestEveryTableEndsWithItsScansError reads every table with the
// credentials refused: each statement must end with an error (the one
// its scan yields), never with rows, an empty answer or a panic.
func TestEveryTableEndsWithItsScansError(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 1, Seed: 1})
	e := open(t, ds, []string{"us-east-1"}, func(o *fetch.Options) { o.SecretAccessKey = "refused-secret-0123456789" })
	for _, ti := range e.eng.Tables() {
		where := []string{"1"}
		for _, c := range ti.Columns {
			if c.Key == vtab.Required {
				where = append(where, fmt.Sprintf("%q = 'x'", c.Name))
			}
		}
		q := fmt.Sprintf("SELECT * FROM %s WHERE %s", ti.Name, strings.Join(where, " AND "))
		t.Run(ti.Name, func(t *testing.T) {
			before := len(e.srv.Requests())
			stmt := e.eng.Begin(context.Background())
			defer stmt.End()
			n := 0
			rows, err := e.db.Query(q)
			if err == nil {
				for rows.Next() {
					n++
				}
				err = rows.Err()
				rows.Close()
			}
			if err == nil && len(e.srv.Requests()) > before {
				t.Errorf("%s: %d rows and no error, the credentials refused", q, n)
			}
			if err != nil && !strings.Contains(stmt.Cause(err).Error(), "SignatureDoesNotMatch") {
				t.Errorf("%s: %v, want the refusal", q, stmt.Cause(err))
			}
		})
	}
}
