package tables_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
)

// TestEveryTableEndsWithItsScansError walks every table under each way a
// fan-out ends the statement with an error of its own rather than a row:
// --regions naming a region that does not exist, the organization's
// second page of accounts refused, and --strict with a target refused.
// Every statement must end with that error, named. An error's item
// carries no resource: a table that reads one from it panics, and the
// panic takes the test down with it.
func TestEveryTableEndsWithItsScansError(t *testing.T) {
	gen := fakedata.GenOptions{Accounts: 25, Regions: 2, InstancesPerRegion: 1, DBInstancesPerRegion: 1, ImagesPerRegion: 1,
		ReservedPerRegion: 1, BucketsPerRegion: 1, ObjectsPerBucket: 1, FunctionsPerRegion: 1, ManagedPerRegion: 1, Seed: 3}
	org := func(o *fetch.Options) { o.ListAccounts, o.MemberRole = true, fakedata.GenMemberRole }
	for _, c := range []struct {
		name    string
		regions []string
		mod     func(*fetch.Options)
		fault   *awsfake.Fault
		want    string // a part of the statement's error
	}{
		{name: "region that does not exist", regions: []string{"us-east-1", "xx-west-1"}, want: "no such region: xx-west-1"},
		{name: "second page of accounts refused", regions: []string{"us-east-1"}, mod: org,
			fault: &awsfake.Fault{Operation: "ListAccounts", Code: "AccessDeniedException", Match: func(r awsfake.Request) bool {
				return r.Params.Get("NextToken") != ""
			}}, want: "AccessDeniedException"},
		{name: "strict, a region refused", regions: []string{"us-east-1", "us-east-2"}, mod: func(o *fetch.Options) { o.Strict = true },
			fault: &awsfake.Fault{Region: "us-east-2", Code: "UnauthorizedOperation"}, want: "UnauthorizedOperation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds := fakedata.Generate(gen)
			var bucket string
			for _, r := range ds.Accounts[0].Regions {
				for _, b := range r.Buckets {
					bucket = b.Name
				}
			}
			var mods []func(*fetch.Options)
			if c.mod != nil {
				mods = append(mods, c.mod)
			}
			e := openFake(t, ds, c.regions, []awsfake.Option{awsfake.WithPageSize(20)}, mods...)
			if c.fault != nil {
				e.srv.AddFault(*c.fault)
			}
			failed := 0
			for _, ti := range e.eng.Tables() {
				where := []string{"1"}
				for _, col := range ti.Columns {
					if col.Key == vtab.Required {
						where = append(where, fmt.Sprintf("%q = '%s'", col.Name, bucket))
					}
				}
				q := fmt.Sprintf("SELECT * FROM %s WHERE %s", ti.Name, strings.Join(where, " AND "))
				err := scanErr(e, q)
				if err == nil {
					continue // a table this failure does not reach (no region, no account of a later page)
				}
				failed++
				if !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: %v, want the error %q", ti.Name, err, c.want)
				}
			}
			if failed < len(e.eng.Tables())/2 {
				t.Errorf("only %d of %d tables ended with the error", failed, len(e.eng.Tables()))
			}
		})
	}
}

// scanErr runs a statement to its end and returns its error, if any.
func scanErr(e *env, q string) error {
	stmt := e.eng.Begin(context.Background())
	defer stmt.End()
	rows, err := e.db.Query(q)
	if err != nil {
		return stmt.Cause(err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return stmt.Cause(err)
	}
	return stmt.Err()
}
