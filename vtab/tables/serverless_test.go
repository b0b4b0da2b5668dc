package tables_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// checkServerless is TestFidelity for lambda_functions (hydrated columns
// included, each against what the per-function call answers for it),
// ssm_managed_instances and ssm_inventory_entries.
func checkServerless(t *testing.T, e *env, ds *fakedata.Dataset, everyColumn bool) {
	t.Helper()
	functions := map[string]fakedata.Function{}
	for _, a := range ds.Accounts {
		for region, r := range a.Regions {
			for _, f := range r.Functions {
				functions[a.ID+"/"+region+"/"+aws.ToString(f.Configuration.FunctionName)] = f
			}
		}
	}
	hydrated := func(i fetch.Item[lambdatypes.FunctionConfiguration]) map[string]any {
		f := functions[i.Account+"/"+i.Region+"/"+aws.ToString(i.Value.FunctionName)]
		m := map[string]any{
			"reserved_concurrent_executions": f.ReservedConcurrency,
			"code":                           map[string]*string{"ImageUri": f.Code.ImageUri, "RepositoryType": f.Code.RepositoryType, "ResolvedImageUri": f.Code.ResolvedImageUri},
			"tags":                           f.Tags,
		}
		if f.URL != nil {
			m["url_config"] = *f.URL
		}
		if f.Policy != "" {
			var doc any
			if err := json.Unmarshal([]byte(f.Policy), &doc); err != nil {
				t.Fatal(err)
			}
			m["policy"] = doc
			std, err := tables.CanonicalPolicy(f.Policy)
			if err != nil {
				t.Fatal(err)
			}
			m["policy_std"] = std
		}
		return m
	}
	checkTable(t, e, tables.LambdaFunctions(e.sess).Def, "", items(ds, func(r *fakedata.Region) []lambdatypes.FunctionConfiguration {
		var out []lambdatypes.FunctionConfiguration
		for _, f := range r.Functions {
			out = append(out, f.Configuration)
		}
		return out
	}), func(f lambdatypes.FunctionConfiguration) string { return aws.ToString(f.FunctionName) }, everyColumn, hydrated)
	checkTable(t, e, tables.SSMManagedInstances(e.sess).Def, "", items(ds, func(r *fakedata.Region) []ssmtypes.InstanceInformation { return r.ManagedInstances }),
		func(i ssmtypes.InstanceInformation) string { return aws.ToString(i.InstanceId) }, everyColumn)

	// The inventory: every entry of every node, whatever its type, as the
	// source has it (JSON text compared as values).
	var want []string
	for _, it := range items(ds, func(r *fakedata.Region) []fakedata.InventoryItem { return r.Inventory }) {
		for _, entry := range it.Value.Entries {
			want = append(want, jsonRow(t, map[string]any{"account_id": it.Account, "region": it.Region, "instance_id": it.Value.InstanceID,
				"type_name": it.Value.TypeName, "schema_version": it.Value.SchemaVersion, "title": it.Value.InstanceID,
				"capture_time": it.Value.CaptureTime.UTC().Format(vtab.TimeFormat), "entries": entry, "partition": "aws"}))
		}
	}
	var got []string
	for _, r := range e.query(t, "SELECT * FROM ssm_inventory_entries") {
		var entries map[string]string
		if err := json.Unmarshal([]byte(r["entries"].(string)), &entries); err != nil {
			t.Fatal(err)
		}
		r["entries"] = entries
		got = append(got, jsonRow(t, r))
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 {
		t.Errorf("ssm_inventory_entries (-source +read):\n%s", diff)
	}
}

func jsonRow(t *testing.T, r map[string]any) string {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// calls counts the requests of each operation since the last Reset.
func calls(e *env) map[string]int {
	n := map[string]int{}
	for _, r := range e.srv.Requests() {
		switch r.Operation {
		case "GetCallerIdentity", "AssumeRole", "ListAccounts", "DescribeRegions":
		default:
			n[r.Operation]++
		}
	}
	return n
}

// The calls each form of a statement makes: the hydrated columns' only
// when read, each per-function call once whatever columns need it; a name
// read with GetFunction rather than a listing; the join from the managed
// nodes one ListInventoryEntries per node; a node's inventory without a
// type every type the region knows.
func TestServerlessCalls(t *testing.T) {
	const west = "account_id = '456789012345' AND region = 'us-west-2'"
	nodes := len(items(fakedata.Demo(), func(r *fakedata.Region) []ssmtypes.InstanceInformation { return r.ManagedInstances }))
	const targets = 4 * 4 // the demo's readable accounts, each in the regions of the demo's data
	tests := []struct {
		sql  string
		want map[string]int
		rows int
	}{
		{"SELECT name, runtime, environment_variables FROM lambda_functions WHERE " + west,
			map[string]int{"ListFunctions": 1}, 2},
		{"SELECT name, code, tags, reserved_concurrent_executions FROM lambda_functions WHERE " + west,
			map[string]int{"ListFunctions": 1, "GetFunction": 2}, 2},
		{"SELECT name, policy, policy_std, url_config FROM lambda_functions WHERE " + west + " AND name = 'dev-hello'",
			map[string]int{"GetFunction": 1, "GetPolicy": 1, "GetFunctionUrlConfig": 1}, 1},
		{"SELECT name FROM lambda_functions WHERE " + west + " AND name IN ('dev-hello', 'no-such-function', 'bad name*')",
			map[string]int{"ListFunctions": 1}, 1},
		{`SELECT m.instance_id, e.entries ->> 'Name' FROM ssm_managed_instances m
			JOIN ssm_inventory_entries e ON e.account_id = m.account_id AND e.region = m.region AND e.instance_id = m.instance_id
			WHERE e.type_name = 'AWS:Application'`,
			map[string]int{"DescribeInstanceInformation": targets, "ListInventoryEntries": nodes}, -1},
		{"SELECT * FROM ssm_inventory_entries WHERE " + west,
			map[string]int{"DescribeInstanceInformation": 1, "GetInventorySchema": 1, "ListInventoryEntries": len(fakedata.InventorySchemas())}, -1},
		{"SELECT * FROM ssm_inventory_entries WHERE " + west + " AND type_name IN ('AWS:Application', 'AWS:Network', 'Custom:Nope')",
			// A list of types: a query each, but the nodes listed once (the
			// call cache); Custom:Nope is no type here.
			map[string]int{"DescribeInstanceInformation": 1, "ListInventoryEntries": 3}, -1},
		{"SELECT * FROM ssm_managed_instances WHERE instance_id = 'i-0123456789abcdef0'",
			map[string]int{"DescribeInstanceInformation": targets}, 0},
	}
	for _, tt := range tests {
		e := openDemoOrg(t) // a session of its own: no answer from another statement's cache
		rows := e.query(t, tt.sql)
		if diff := cmp.Diff(tt.want, calls(e)); diff != "" {
			t.Errorf("%s: calls (-want +got):\n%s", tt.sql, diff)
		}
		if tt.rows >= 0 && len(rows) != tt.rows {
			t.Errorf("%s: %d rows, want %d", tt.sql, len(rows), tt.rows)
		}
		if tt.rows < 0 && len(rows) == 0 {
			t.Errorf("%s: no rows", tt.sql)
		}
	}
}

// The code column never shows the presigned URL that downloads the
// function's code, though GetFunction answers it.
func TestLambdaCodeHidesLocation(t *testing.T) {
	e := openDemoOrg(t)
	rows := e.query(t, "SELECT code FROM lambda_functions")
	if len(rows) == 0 {
		t.Fatal("no functions")
	}
	for _, r := range rows {
		if c, _ := r["code"].(string); c == "" || strings.Contains(c, "Location") || strings.Contains(c, "X-Amz-Signature") {
			t.Errorf("code %q", c)
		}
	}
}

func TestCanonicalPolicy(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"S3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Statement":[{"Action":["s3:getobject"],"Effect":"Allow","Principal":{"AWS":["*"]},"Resource":["arn:aws:s3:::b/*"]}],"Version":"2012-10-17"}`},
		{`{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Deny","Principal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root","arn:aws:iam::2:root"],"Service":"lambda.amazonaws.com"},
			"NotAction":["iam:*","EC2:Describe*","ec2:describe*"],"NotResource":["b","B","a"],
			"Condition":{"Bool":{"AWS:SecureTransport":false},"NumericLessThan":{"s3:max-keys":[10,"5"]}}}]}`,
			`{"Id":"x","Statement":[{"Condition":{"Bool":{"aws:securetransport":["false"]},"NumericLessThan":{"s3:max-keys":["10","5"]}},"Effect":"Deny",` +
				`"NotAction":["ec2:describe*","iam:*"],"NotResource":["B","a","b"],"Principal":{"AWS":["arn:aws:iam::1:root","arn:aws:iam::2:root"],"Service":["lambda.amazonaws.com"]},"Sid":"A"}],"Version":"2012-10-17"}`},
	}
	for _, tt := range tests {
		got, err := tables.CanonicalPolicy(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		text, err := vtab.SQLValue(vtab.JSON, got)
		if err != nil {
			t.Fatal(err)
		}
		if text != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, text, tt.want)
		}
	}
	for _, bad := range []string{`[]`, `{"Statement":["x"]}`, `not json`} {
		if _, err := tables.CanonicalPolicy(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestLambdaPerFunctionCallsOnce: each per-function call is made once per
// function, whatever columns need it and however often the statement or
// the session reads them, for functions that have no policy or no URL
// (Lambda answers 404) as for those that do: the "none" answer is kept by
// the call cache like any other. Without that, policy and policy_std of a
// function without a policy called GetPolicy twice whenever the two calls
// did not overlap, and every later statement called again.
func TestLambdaPerFunctionCallsOnce(t *testing.T) {
	ds := fakedata.Demo()
	functions, noPolicy, noURL := 0, 0, 0
	for _, f := range items(ds, func(r *fakedata.Region) []fakedata.Function { return r.Functions }) {
		if f.Account == fakedata.DemoNoRoleAccount {
			continue
		}
		functions++
		if f.Value.Policy == "" {
			noPolicy++
		}
		if f.Value.URL == nil {
			noURL++
		}
	}
	if noPolicy == 0 || noURL == 0 || noPolicy == functions || noURL == functions {
		t.Fatalf("%d functions, %d without a policy, %d without a URL: the test needs both kinds", functions, noPolicy, noURL)
	}
	tests := []struct {
		sql  string
		want map[string]int
	}{
		{"SELECT name, policy, policy_std FROM lambda_functions", map[string]int{"ListFunctions": 16, "GetPolicy": functions}},
		{"SELECT name, url_config FROM lambda_functions", map[string]int{"ListFunctions": 16, "GetFunctionUrlConfig": functions}},
		{"SELECT a.name, a.policy, b.policy_std, a.url_config, b.url_config FROM lambda_functions a " +
			"JOIN lambda_functions b ON b.account_id = a.account_id AND b.region = a.region AND b.name = a.name",
			map[string]int{"ListFunctions": 16, "GetFunction": functions, "GetPolicy": functions, "GetFunctionUrlConfig": functions}},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			e := openDemoOrg(t)
			for run := 1; run <= 3; run++ {
				rows := e.query(t, tt.sql)
				if len(rows) != functions {
					t.Fatalf("run %d: %d rows, want %d", run, len(rows), functions)
				}
				if diff := cmp.Diff(tt.want, calls(e)); diff != "" {
					t.Errorf("after run %d: calls (-want +got):\n%s", run, diff)
				}
			}
		})
	}
}
