package tables_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// env is an engine over a session connected to awsfake.
type env struct {
	srv  *awsfake.Server
	url  string
	sess *fetch.Session
	eng  *vtab.Engine
	db   *sql.DB
	// closeIdle, when set, closes the idle connections of the session's
	// HTTP client.
	closeIdle func()
}

func open(t testing.TB, ds *fakedata.Dataset, regions []string, mod ...func(*fetch.Options)) *env {
	t.Helper()
	return openFake(t, ds, regions, nil, mod...)
}

// openFake is open with awsfake's options fake (WithPageSize).
func openFake(t testing.TB, ds *fakedata.Dataset, regions []string, fake []awsfake.Option, mod ...func(*fetch.Options)) *env {
	t.Helper()
	srv, url := awsfaketest.NewServer(t, ds, fake...)
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	opts := fetch.Options{
		AccessKeyID: key, SecretAccessKey: secret, EndpointURL: url, HomeRegion: "us-east-1",
		Isolated: true, Regions: regions, Operations: tables.Operations(),
	}
	for _, m := range mod {
		m(&opts)
	}
	sess, err := fetch.NewSession(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := vtab.New(tables.Defs(tables.All(sess))...)
	if err != nil {
		t.Fatal(err)
	}
	db := eng.DB()
	t.Cleanup(func() {
		db.Close()
		// Whatever the test did, only the allowlist was called.
		for _, op := range srv.Operations() {
			svc, name, _ := strings.Cut(op, ":")
			ok := false
			for _, o := range sess.Operations() {
				ok = ok || (strings.HasPrefix(o.Action, svc+":") && o.Name == name)
			}
			if !ok {
				t.Errorf("awsfake saw %s, which is not on the allowlist", op)
			}
		}
	})
	return &env{srv: srv, url: url, sess: sess, eng: eng, db: db}
}

// rowMaps reads every row as a map keyed by column name. A value's error
// (rows.Err) comes back as it is, for the caller to explain.
func rowMaps(rows *sql.Rows) ([]map[string]any, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for i, c := range cols {
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// query returns the rows of a statement as maps keyed by column name.
func (e *env) query(t testing.TB, q string) []map[string]any {
	t.Helper()
	stmt := e.eng.Begin(context.Background())
	defer stmt.End()
	rows, err := e.db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, stmt.Cause(err))
	}
	defer rows.Close()
	out, err := rowMaps(rows)
	if err != nil {
		t.Fatalf("%s: %v", q, stmt.Cause(err))
	}
	if err := stmt.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// checkTable reads the whole table back and compares every column of every
// row with what the table's own getters make of awsfake's source record:
// a field the SDK failed to decode (a misnamed XML element) shows up as a
// difference. Every column must also be non-NULL in some row unless the
// table declares it nullable. hydrated, when given, says what a row's
// hydrated columns hold (what their extra calls answer from the source).
func checkTable[T any](t *testing.T, e *env, def vtab.Def, where string, want []fetch.Item[T], key func(T) string, everyColumn bool,
	hydrated ...func(fetch.Item[T]) map[string]any) {
	t.Helper()
	tbl := def.(*vtab.Table[tables.Row[T]])
	// Hydrated columns come from calls of their own, not from the record:
	// compared when the caller says what they hold, else left to their
	// own tests beside each table's.
	skip := map[string]bool{}
	if t, ok := tables.Find(tables.All(nil), tbl.Name); ok && len(hydrated) == 0 {
		for _, name := range t.Hydrated {
			skip[name] = true
		}
	}
	var names []string
	var columns []vtab.Column[tables.Row[T]]
	for _, c := range tbl.Columns {
		if !skip[c.Name] {
			names = append(names, c.Name)
			columns = append(columns, c)
		}
	}
	got := e.query(t, fmt.Sprintf("SELECT %s FROM %s %s", strings.Join(names, ", "), tbl.Name, where))
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", tbl.Name, len(got), len(want))
	}
	byKey := map[string]map[string]any{}
	idCol := tbl.Columns[2].Name // after account_id and region
	for _, r := range got {
		byKey[fmt.Sprint(r["account_id"], "/", r["region"], "/", r[idCol])] = r
	}
	nonNull := map[string]bool{}
	for _, item := range want {
		k := item.Account + "/" + item.Region + "/" + key(item.Value)
		row, ok := byKey[k]
		if !ok {
			t.Errorf("%s: no row for %s", tbl.Name, k)
			continue
		}
		var more map[string]any
		for _, h := range hydrated {
			more = h(item)
		}
		for _, c := range columns {
			exp, err := vtab.SQLValue(c.Type, c.Get(&tables.Row[T]{Item: item, More: more}))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(exp, row[c.Name]); diff != "" {
				t.Errorf("%s %s column %s (-source +read):\n%s", tbl.Name, k, c.Name, diff)
			}
			if row[c.Name] != nil {
				nonNull[c.Name] = true
			}
		}
	}
	for _, c := range columns {
		if everyColumn && !nonNull[c.Name] && !c.Nullable {
			t.Errorf("%s: column %s is NULL in every row and not declared nullable", tbl.Name, c.Name)
		}
	}
}

// items are the source records of every account the connection reads.
func items[T any](ds *fakedata.Dataset, pick func(*fakedata.Region) []T) []fetch.Item[T] {
	var out []fetch.Item[T]
	for _, a := range ds.Accounts {
		if a.ID == fakedata.DemoNoRoleAccount || (a.State != "" && a.State != "ACTIVE") || (ds.Org == nil && a != ds.Accounts[0]) {
			continue
		}
		for region, r := range a.Regions {
			for _, v := range pick(r) {
				out = append(out, fetch.Item[T]{Target: fetch.Target{Account: a.ID, Region: region}, Value: v})
			}
		}
	}
	return out
}

// pointers points at each of items, as the tables whose items are big
// hold them.
func pointers[T any](items []T) []*T {
	ps := make([]*T, len(items))
	for i := range items {
		ps[i] = &items[i]
	}
	return ps
}

func TestFidelity(t *testing.T) {
	// The demo data set is made to fill every column somewhere; the
	// generated one only adds volume and variety.
	datasets := []struct {
		name string
		ds   *fakedata.Dataset
		all  bool
	}{
		{"demo", fakedata.Demo(), true},
		{"generated", fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 3, InstancesPerRegion: 40, ImagesPerRegion: 8, DBInstancesPerRegion: 8, ReservedPerRegion: 8, Seed: 5,
			FunctionsPerRegion: 60, ManagedPerRegion: 5}), false},
	}
	for _, d := range datasets {
		ds, all := d.ds, d.all
		t.Run(d.name, func(t *testing.T) {
			regions := map[string]bool{}
			for _, a := range ds.Accounts {
				for r := range a.Regions {
					regions[r] = true
				}
			}
			var list []string
			for r := range regions {
				list = append(list, r)
			}
			// The demo is an organization: read it as --demo does.
			e := open(t, ds, list, func(o *fetch.Options) {
				if ds.Org != nil && d.name == "demo" {
					o.RoleChain, o.ExternalID, o.ListAccounts, o.MemberRole = fakedata.DemoRoleChain(), fakedata.DemoExternalID, true, fakedata.DemoMemberRole
				}
			})
			// Instances and DB instances are a kilobyte or more: the
			// tables hold them by pointer.
			checkTable(t, e, tables.EC2Instances(e.sess).Def, "", items(ds, func(r *fakedata.Region) []*ec2types.Instance { return pointers(r.Instances) }),
				func(i *ec2types.Instance) string { return aws.ToString(i.InstanceId) }, all)
			checkTable(t, e, tables.Images(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ec2types.Image { return r.Images }),
				func(i ec2types.Image) string { return aws.ToString(i.ImageId) }, all)
			checkTable(t, e, tables.ReservedInstances(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ec2types.ReservedInstances { return r.ReservedInstances }),
				func(i ec2types.ReservedInstances) string { return aws.ToString(i.ReservedInstancesId) }, all)
			rdsTable := tables.RDSInstances(e.sess)
			checkTable(t, e, rdsTable.Def, "", items(ds, func(r *fakedata.Region) []*rdsInstance { return pointers(r.DBInstances) }),
				func(d *rdsInstance) string { return aws.ToString(d.DBInstanceIdentifier) }, all)
			checkServerless(t, e, ds, all) // serverless_test.go
			// Amazon's public images, through the owner alias.
			var public []fetch.Item[ec2types.Image]
			for _, region := range list {
				for _, img := range ds.PublicImages[region] {
					if aws.ToString(img.ImageOwnerAlias) != "amazon" {
						continue
					}
					public = append(public, fetch.Item[ec2types.Image]{Target: fetch.Target{Account: ds.Accounts[0].ID, Region: region}, Value: img})
				}
			}
			if len(public) > 0 {
				checkTable(t, e, tables.Images(e.sess).Def, "WHERE image_owner_alias = 'amazon' AND account_id = '"+ds.Accounts[0].ID+"'", public,
					func(i ec2types.Image) string { return aws.ToString(i.ImageId) }, false)
			}
		})
	}
}

func TestRegionsTable(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, Seed: 1})
	e := open(t, ds, nil)
	got := e.query(t, "SELECT region, endpoint, opt_in_status FROM regions ORDER BY region")
	if len(got) != len(fakedata.Regions()) {
		t.Errorf("%d regions, want every region of the partition (%d)", len(got), len(fakedata.Regions()))
	}
	optIn := map[string]bool{}
	for _, r := range fakedata.OptInRegions() {
		optIn[r] = true
	}
	for _, r := range got {
		name := r["region"].(string)
		want := "opt-in-not-required"
		if optIn[name] {
			want = "not-opted-in"
		}
		if r["opt_in_status"] != want || r["endpoint"] != "ec2."+name+".amazonaws.com" {
			t.Errorf("%v: want %s", r, want)
		}
	}
	// The unconstrained read is region discovery's own call: one call in all.
	e.query(t, "SELECT count(*) FROM ec2_instances")
	if n := e.srv.Count("DescribeRegions", "", ""); n != 1 {
		t.Errorf("%d DescribeRegions calls, want 1", n)
	}
	one := e.query(t, "SELECT region FROM regions WHERE region = 'eu-west-1'")
	none := e.query(t, "SELECT region FROM regions WHERE region = 'xx-nowhere-1'")
	if len(one) != 1 || len(none) != 0 {
		t.Errorf("lookups: %v, %v", one, none)
	}
}

type rdsInstance = rdstypes.DBInstance
