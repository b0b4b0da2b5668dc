package queries

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseParam(t *testing.T) {
	tests := []struct {
		line string
		want Param
		err  string
	}{
		{"-- param: days = 30  how many days", Param{Name: "days", Default: "30", Doc: "how many days"}, ""},
		{"-- param: days integer = 30  how many days", Param{Name: "days", Type: "integer", Default: "30", Doc: "how many days"}, ""},
		// Two spaces after "=": the default is empty, and the description
		// is not read as the value.
		{"-- param: prefix =   the prefix (empty: all)", Param{Name: "prefix", Doc: "the prefix (empty: all)"}, ""},
		{"-- param: prefix =", Param{Name: "prefix"}, ""},
		{"-- param: prefix = ''  quoted empty", Param{Name: "prefix", Doc: "quoted empty"}, ""},
		{"-- param: greeting = 'it''s  here'  spaces kept", Param{Name: "greeting", Default: "it's  here", Doc: "spaces kept"}, ""},
		{"-- param: acct text = 012345678901  an account", Param{Name: "acct", Type: "text", Default: "012345678901", Doc: "an account"}, ""},
		{"-- param: bucket  the bucket", Param{Name: "bucket", Required: true, Doc: "the bucket"}, ""},
		{"-- param: bucket", Param{Name: "bucket", Required: true}, ""},
		// "text" after two spaces is the description, not a type.
		{"-- param: q  text to find", Param{Name: "q", Required: true, Doc: "text to find"}, ""},
		{"-- param: days=30\thow many", Param{Name: "days", Default: "30", Doc: "how many"}, ""},
		{"-- param: prefix = the prefix", Param{}, `param prefix: cannot read "prefix"`},
		{"-- param: bucket the bucket", Param{}, `param bucket: cannot read "the bucket"`},
		{"-- param: x = 'open", Param{}, "no closing quote"},
		{"-- param: = 3", Param{}, "begin with the parameter's name"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			q, err := Parse("q", "test", "-- A query.\n"+tt.line+"\nSELECT 1;")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Params) != 1 {
				t.Fatalf("params %+v", q.Params)
			}
			if diff := cmp.Diff(tt.want, q.Params[0]); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestShippedDefaults pins every shipped query's declared parameters: a
// default read wrongly (the description taken for it) silently changes
// what a query answers.
func TestShippedDefaults(t *testing.T) {
	want := map[string][]Param{
		"deprecated_ami_instances": {{Name: "today", Type: "date", Default: "now"}},
		"largest_s3_objects": {
			{Name: "bucket", Required: true},
			{Name: "prefix", Default: ""},
			{Name: "top", Type: "integer", Default: "20"},
		},
		"missing_tags":               {{Name: "tags", Default: "Owner,CostCenter"}},
		"reserved_expiring":          {{Name: "days", Type: "integer", Default: "30"}, {Name: "today", Type: "date", Default: "now"}},
		"stopped_instances":          {{Name: "days", Type: "integer", Default: "30"}, {Name: "today", Type: "date", Default: "now"}},
		"deprecated_lambda_runtimes": {{Name: "today", Type: "date", Default: "now"}, {Name: "days", Type: "integer", Default: "0"}},
		"installed_software":         {{Name: "name", Default: "%"}},
		"old_snapshots":              {{Name: "days", Type: "integer", Default: "90"}, {Name: "today", Type: "date", Default: "now"}},
		"open_port_instances":        {{Name: "port", Type: "integer", Default: "22"}},
	}
	qs, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		var got []Param
		for _, p := range q.Params {
			if p.Doc == "" {
				t.Errorf("%s: parameter %s has no description", q.Name, p.Name)
			}
			if p.Default != "" && strings.HasPrefix(p.Doc, p.Default+" ") {
				t.Errorf("%s: parameter %s: default %q looks like the start of its description %q", q.Name, p.Name, p.Default, p.Doc)
			}
			p.Doc = ""
			got = append(got, p)
		}
		w, ok := want[q.Name]
		if !ok && len(got) > 0 {
			t.Errorf("%s declares parameters %+v: add them to this test", q.Name, got)
			continue
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", q.Name, diff)
		}
	}
}
