package tables_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// TestPushdownProperty proves the pushdown of every pushed column of every
// table, rather than trusting its declaration: for values that exist, that
// do not, and that hold EC2's wildcard characters, `WHERE c = v` (and IN,
// and with LIMIT) answers exactly what `WHERE +c = v` answers (the unary +
// hides the constraint from the planner, so SQLite checks a full scan
// itself). A push that lost its effect on the call, or one looser than '='
// declared exact, fails here.
func TestPushdownProperty(t *testing.T) {
	datasets := []struct {
		name string
		ds   *fakedata.Dataset
		mod  func(*fetch.Options)
		rich bool // every pushed column has two distinct values
	}{
		{"demo", fakedata.Demo(), func(o *fetch.Options) {
			o.RoleChain, o.ExternalID, o.ListAccounts, o.MemberRole = fakedata.DemoRoleChain(), fakedata.DemoExternalID, true, fakedata.DemoMemberRole
			o.SkipAccounts = []string{fakedata.DemoNoRoleAccount}
		}, true},
		{"generated", fakedata.Generate(fakedata.GenOptions{Accounts: 2, Regions: 2, InstancesPerRegion: 12, ImagesPerRegion: 4,
			DBInstancesPerRegion: 4, ReservedPerRegion: 4, BucketsPerRegion: 1, ObjectsPerBucket: 12, Seed: 3}),
			func(o *fetch.Options) { o.ListAccounts, o.MemberRole = true, fakedata.GenMemberRole }, false},
	}
	for _, d := range datasets {
		t.Run(d.name, func(t *testing.T) {
			e := open(t, d.ds, regionsOf(d.ds), d.mod)
			for _, tbl := range tables.All(e.sess) {
				info, _ := e.eng.Table(tbl.Name)
				t.Run(tbl.Name, func(t *testing.T) {
					base := universe(t, e, tbl.Name)
					for _, c := range info.Columns {
						if c.Key == vtab.NoKey || skip[tbl.Name+"."+c.Name] {
							continue
						}
						t.Run(c.Name, func(t *testing.T) {
							vals := candidates(t, e, tbl.Name, base, c)
							if len(vals) == 0 && !d.rich {
								t.Skipf("no value of %s.%s in this data", tbl.Name, c.Name)
							}
							if len(vals) < 2 && d.rich {
								t.Fatalf("the data has %d distinct values of %s.%s: it needs two to prove its pushdown", len(vals), tbl.Name, c.Name)
							}
							checkPushdown(t, e, tbl.Name, base, c, variants(vals))
						})
					}
				})
			}
		})
	}
}

// skip are the pushed columns that choose what a table lists rather than
// filter it, so that hiding them from the planner changes the question:
// s3_objects' bucket_name and account_id (whose credentials read it; its
// own tests cover it). prefix and start_after are checked against the keys
// instead (oracle).
var skip = map[string]bool{"s3_objects.bucket_name": true, "s3_objects.account_id": true}

// universe is a condition that fixes what a table lists whatever else the
// query pushes: images list anyone's image by id, Amazon's by alias, and
// otherwise the account's own, so both sides of a comparison name every
// owner; s3_objects lists one bucket.
func universe(t *testing.T, e *env, table string) string {
	switch table {
	case "images":
		var owners []string
		for _, r := range e.query(t, `SELECT account_id AS o FROM accounts UNION
			SELECT DISTINCT owner_id FROM images WHERE image_owner_alias IN ('amazon', 'aws-marketplace', 'aws-backup-vault')`) {
			owners = append(owners, literal(r["o"]))
		}
		return "owner_id IN (" + strings.Join(owners, ", ") + ") AND "
	case "ebs_snapshots":
		// As images: the accounts' own, those shared with them, and the
		// public ones of Amazon and the Marketplace.
		var owners []string
		for _, r := range e.query(t, `SELECT account_id AS o FROM accounts UNION
			SELECT DISTINCT owner_id FROM ebs_snapshots WHERE owner_alias IN ('amazon', 'aws-marketplace')`) {
			owners = append(owners, literal(r["o"]))
		}
		return "owner_id IN (" + strings.Join(owners, ", ") + ") AND "
	case "s3_objects":
		return "bucket_name = " + literal(firstBucket(t, e)) + " AND "
	}
	return ""
}

// oracle is the condition SQLite checks on a full listing that means what
// c = v means. A hidden column given a value is an input (s3_objects'
// prefix): its oracle says what it selects.
func oracle(table, column, lit string) string {
	if table == "s3_objects" && column == "prefix" {
		return "substr(key, 1, length(" + lit + ")) = " + lit
	}
	if table == "ec2_instance_types" && column == "instance_type_pattern" {
		// EC2's wildcards are GLOB's '*' and '?' (the values tried hold
		// no '[').
		return "instance_type GLOB " + lit
	}
	if table == "s3_objects" && column == "start_after" {
		return "key > " + lit
	}
	return "+" + column + " = " + lit
}

// candidates returns up to two values of a column that exist.
func candidates(t *testing.T, e *env, table, base string, c vtab.ColumnInfo) []any {
	q := fmt.Sprintf("SELECT DISTINCT %s AS v FROM %s WHERE %s v IS NOT NULL ORDER BY 1", c.Name, table, base)
	if table == "s3_objects" && c.Name == "prefix" {
		q = fmt.Sprintf("SELECT DISTINCT substr(key, 1, 3) AS v FROM %s WHERE %s 1 ORDER BY 1", table, base)
	}
	if table == "ec2_instance_types" && c.Name == "instance_type_pattern" {
		q = fmt.Sprintf("SELECT DISTINCT substr(instance_type, 1, 2) || '*' AS v FROM %s WHERE %s 1 ORDER BY 1", table, base)
	}
	if table == "s3_objects" && c.Name == "start_after" {
		q = fmt.Sprintf("SELECT DISTINCT key AS v FROM %s WHERE %s 1 ORDER BY 1", table, base)
	}
	var exist []any
	for _, r := range e.query(t, q) {
		exist = append(exist, r["v"])
	}
	return exist[:min(2, len(exist))]
}

// variants adds, to values that exist, values that do not: around an
// existing one, EC2's wildcards and its escape, another case.
func variants(exist []any) []any {
	if _, ok := exist[0].(int64); ok {
		return append(exist, int64(2), int64(-1))
	}
	v := exist[0].(string)
	return append(exist, "no-such-"+v, v+"*", "*", v[:len(v)-1]+"?", `\`+v, strings.ToUpper(v), v+`\`)
}

func checkPushdown(t *testing.T, e *env, table, base string, c vtab.ColumnInfo, values []any) {
	cols := "*" // without the hidden columns, whose value is the input, not in the oracle's rows
	if c.Hidden && table == "s3_objects" {
		cols = "key, size, etag"
	}
	for _, v := range values {
		lit, other := literal(v), literal(values[1])
		for _, w := range [][2]string{
			{c.Name + " = " + lit, oracle(table, c.Name, lit)},
			{c.Name + " IN (" + lit + ", " + other + ", 'no-such-value')",
				"(" + oracle(table, c.Name, lit) + " OR " + oracle(table, c.Name, other) + " OR " + oracle(table, c.Name, "'no-such-value'") + ")"},
		} {
			pushed := rows(t, e, fmt.Sprintf("SELECT %s FROM %s WHERE %s%s", cols, table, base, w[0]))
			checked := rows(t, e, fmt.Sprintf("SELECT %s FROM %s WHERE %s%s", cols, table, base, w[1]))
			if c.Hidden && strings.Contains(w[0], " IN ") {
				// A hidden column given values is an input: each value
				// is a listing of its own, and a row two values list is
				// two rows (the input is part of each).
				checked = nil
				for _, l := range slices.Compact([]string{lit, other, "'no-such-value'"}) {
					checked = append(checked, rows(t, e, fmt.Sprintf("SELECT %s FROM %s WHERE %s%s", cols, table, base, oracle(table, c.Name, l)))...)
				}
				slices.Sort(checked)
			}
			if diff := cmp.Diff(checked, pushed); diff != "" {
				t.Errorf("WHERE %s answers otherwise than SQLite's own check (-checked +pushed):\n%s", w[0], diff)
			}
		}
		// LIMIT pushed with the key: at most that many rows, each a row
		// of the answer.
		all := rows(t, e, fmt.Sprintf("SELECT %s FROM %s WHERE %s%s", cols, table, base, oracle(table, c.Name, lit)))
		for _, n := range []int{1, 2} {
			got := rows(t, e, fmt.Sprintf("SELECT %s FROM %s WHERE %s%s = %s LIMIT %d", cols, table, base, c.Name, lit, n))
			if len(got) != min(n, len(all)) {
				t.Errorf("WHERE %s = %s LIMIT %d: %d rows, want %d", c.Name, lit, n, len(got), min(n, len(all)))
			}
			for _, r := range got {
				if !slices.Contains(all, r) {
					t.Errorf("WHERE %s = %s LIMIT %d: a row that does not match: %.160s...", c.Name, lit, n, r)
				}
			}
		}
	}
}

// rows returns a statement's rows as JSON text, sorted.
func rows(t *testing.T, e *env, q string) []string {
	t.Helper()
	var out []string
	for _, r := range e.query(t, q) {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

func literal(v any) string {
	if s, ok := v.(string); ok {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return fmt.Sprint(v)
}

func firstBucket(t *testing.T, e *env) string {
	r := e.query(t, "SELECT name FROM s3_buckets ORDER BY name LIMIT 1")
	if len(r) == 0 {
		t.Fatal("no bucket to list")
	}
	return r[0]["name"].(string)
}

func regionsOf(ds *fakedata.Dataset) []string {
	seen := map[string]bool{}
	for _, a := range ds.Accounts {
		for r := range a.Regions {
			seen[r] = true
		}
	}
	var out []string
	for r := range seen {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
