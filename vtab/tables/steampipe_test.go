package tables_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// steampipeColumns reads testdata/steampipe_columns.txt: Steampipe's table
// names and, for each, its columns and their types.
func steampipeColumns(t *testing.T) map[string]map[string]string {
	f, err := os.Open("testdata/steampipe_columns.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string]string{}
	var table string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "\t"):
			name, typ, _ := strings.Cut(strings.TrimSpace(line), " ")
			out[table][name] = typ
		default:
			table = line
			out[table] = map[string]string{}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// steampipeType is the awssql type a Steampipe column type reads as.
var steampipeType = map[string]vtab.Type{
	"STRING": vtab.Text, "IPADDR": vtab.Text, "CIDR": vtab.Text, "INET": vtab.Text,
	"INT": vtab.Integer, "BOOL": vtab.Bool, "TIMESTAMP": vtab.Time, "JSON": vtab.JSON, "DOUBLE": vtab.Real,
}

// TestSteampipeParity: a table that answers to a Steampipe name has every
// column of Steampipe's table of that name, with a type that reads the
// same, or declares why it does not.
func TestSteampipeParity(t *testing.T) {
	ref := steampipeColumns(t)
	ts := tables.All(nil)
	eng, err := vtab.New(tables.Defs(ts)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tbl := range ts {
		info, _ := eng.Table(tbl.Name)
		for _, alias := range info.Aliases {
			want, ok := ref[alias]
			if !ok {
				continue
			}
			t.Run(alias, func(t *testing.T) {
				have := map[string]vtab.Type{}
				for _, c := range info.Columns {
					have[c.Name] = c.Type
				}
				for name, typ := range want {
					why, missing := tbl.Missing[name]
					got, ok := have[name]
					switch {
					case ok && missing:
						t.Errorf("%s has %s but also says it is missing: %s", tbl.Name, name, why)
					case !ok && !missing:
						t.Errorf("%s lacks Steampipe's %s (%s), and does not say why", tbl.Name, name, typ)
					case ok && got != steampipeType[typ]:
						t.Errorf("%s.%s is %s; Steampipe's is %s", tbl.Name, name, got, typ)
					case missing && strings.TrimSpace(why) == "":
						t.Errorf("%s: no reason given for the missing %s", tbl.Name, name)
					}
				}
				for name := range tbl.Missing {
					if _, ok := want[name]; !ok {
						t.Errorf("%s says Steampipe's %s is missing, but Steampipe has no such column", tbl.Name, name)
					}
				}
			})
		}
	}
}

// TestSteampipeNames: every Steampipe table of the reference answers here,
// by an alias of the awssql table for the same resource.
func TestSteampipeNames(t *testing.T) {
	for name := range steampipeColumns(t) {
		if _, ok := tables.Find(tables.All(nil), name); !ok {
			t.Errorf("no table answers to Steampipe's %s", name)
		}
	}
}
