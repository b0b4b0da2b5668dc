package tables_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

// openDemo connects to the demo organization as --demo does, less the
// member that has no member role.
func openDemo(t *testing.T) (*env, *fakedata.Dataset) {
	t.Helper()
	ds := fakedata.Demo()
	e := open(t, ds, fakedata.DemoRegions(), func(o *fetch.Options) {
		o.RoleChain, o.ExternalID, o.ListAccounts, o.MemberRole = fakedata.DemoRoleChain(), fakedata.DemoExternalID, true, fakedata.DemoMemberRole
		o.SkipAccounts = []string{fakedata.DemoNoRoleAccount}
	})
	return e, ds
}

// queryStats runs a statement as query does, counting its calls and
// failures.
func (e *env) queryStats(t *testing.T, q string) ([]map[string]any, *fetch.Stats) {
	t.Helper()
	st := fetch.NewStats()
	stmt := e.eng.Begin(fetch.WithStats(context.Background(), st))
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
	return out, st.Snapshot()
}

// readable are the demo's records that a connection reads: those of the
// accounts it can enter.
func readable[T any](ds *fakedata.Dataset, pick func(*fakedata.Region) []T) []fetch.Item[T] {
	return items(ds, pick)
}

// details is what the demo keeps of an instance beyond its record.
func details(ds *fakedata.Dataset, i fetch.Item[ec2types.Instance]) fakedata.InstanceDetails {
	for _, a := range ds.Accounts {
		if a.ID == i.Account {
			return a.Regions[i.Region].InstanceDetails[aws.ToString(i.Value.InstanceId)]
		}
	}
	return fakedata.InstanceDetails{}
}

// hydrateCase is a column that costs a call per row: the expression that
// reads it, the operation it calls, and what each row's value must be.
type hydrateCase struct {
	table, id, column, expr, op string
	// faultCode is the error a denied call answers.
	faultCode string
	// want returns the expected value of expr by "account/region/id".
	want func(ds *fakedata.Dataset) map[string]any
	// calls are the calls reading the column makes, when not one per row.
	calls func(rows int) int
}

func hydrateCases() []hydrateCase {
	instances := func(ds *fakedata.Dataset) []fetch.Item[ec2types.Instance] {
		return readable(ds, func(r *fakedata.Region) []ec2types.Instance { return r.Instances })
	}
	byInstance := func(f func(ds *fakedata.Dataset, i fetch.Item[ec2types.Instance]) any) func(*fakedata.Dataset) map[string]any {
		return func(ds *fakedata.Dataset) map[string]any {
			m := map[string]any{}
			for _, i := range instances(ds) {
				m[i.Account+"/"+i.Region+"/"+aws.ToString(i.Value.InstanceId)] = f(ds, i)
			}
			return m
		}
	}
	return []hydrateCase{
		{table: "ec2_instances", id: "instance_id", column: "disable_api_termination", op: "DescribeInstanceAttribute", faultCode: "UnauthorizedOperation",
			want: byInstance(func(ds *fakedata.Dataset, i fetch.Item[ec2types.Instance]) any {
				if details(ds, i).DisableAPITermination {
					return int64(1)
				}
				return int64(0)
			})},
		{table: "ec2_instances", id: "instance_id", column: "instance_initiated_shutdown_behavior", op: "DescribeInstanceAttribute", faultCode: "UnauthorizedOperation",
			want: byInstance(func(ds *fakedata.Dataset, i fetch.Item[ec2types.Instance]) any {
				return string(details(ds, i).Shutdown())
			})},
		{table: "ec2_instances", id: "instance_id", column: "user_data", op: "DescribeInstanceAttribute", faultCode: "UnauthorizedOperation",
			want: byInstance(func(ds *fakedata.Dataset, i fetch.Item[ec2types.Instance]) any {
				switch ud := details(ds, i).UserData; {
				case ud == "":
					return nil
				case !utf8.ValidString(ud):
					// Not text (gzip'd): left in base64, as Steampipe does.
					return base64.StdEncoding.EncodeToString([]byte(ud))
				default:
					return ud
				}
			})},
		{table: "ec2_instances", id: "instance_id", column: "launch_template_data", expr: "launch_template_data ->> 'ImageId'",
			op: "GetLaunchTemplateData", faultCode: "UnauthorizedOperation",
			want: byInstance(func(_ *fakedata.Dataset, i fetch.Item[ec2types.Instance]) any { return aws.ToString(i.Value.ImageId) })},
		{table: "ec2_instances", id: "instance_id", column: "instance_status", expr: "instance_status -> '$.InstanceStatus' ->> 'Status'",
			op: "DescribeInstanceStatus", faultCode: "UnauthorizedOperation",
			want: byInstance(func(ds *fakedata.Dataset, i fetch.Item[ec2types.Instance]) any {
				switch i.Value.State.Name {
				case ec2types.InstanceStateNameRunning:
					if !details(ds, i).ImpairedSince.IsZero() {
						return "impaired"
					}
					return "ok"
				case ec2types.InstanceStateNamePending:
					return "initializing"
				}
				return "not-applicable"
			})},
		{table: "images", id: "image_id", column: "launch_permissions", expr: "json_array_length(launch_permissions)",
			op: "DescribeImageAttribute", faultCode: "UnauthorizedOperation",
			want: func(ds *fakedata.Dataset) map[string]any {
				m := map[string]any{}
				for _, a := range ds.Accounts {
					for region, r := range a.Regions {
						for _, img := range r.Images {
							n := int64(len(r.ImageLaunchPermissions[aws.ToString(img.ImageId)]))
							if aws.ToBool(img.Public) {
								n++
							}
							var v any
							if n > 0 {
								v = n
							}
							m[a.ID+"/"+region+"/"+aws.ToString(img.ImageId)] = v
						}
					}
				}
				return m
			}},
		{table: "reserved_instances", id: "reserved_instance_id", column: "reserved_instances_modifications",
			expr: "reserved_instances_modifications -> '$[0]' ->> 'Status'", op: "DescribeReservedInstancesModifications", faultCode: "UnauthorizedOperation",
			want: func(ds *fakedata.Dataset) map[string]any {
				m := map[string]any{}
				for _, a := range ds.Accounts {
					for region, r := range a.Regions {
						for _, ri := range r.ReservedInstances {
							id := aws.ToString(ri.ReservedInstancesId)
							var v any
							for _, mod := range r.ReservedInstancesModifications {
								if aws.ToString(mod.ReservedInstancesIds[0].ReservedInstancesId) == id {
									v = aws.ToString(mod.Status)
								}
							}
							m[a.ID+"/"+region+"/"+id] = v
						}
					}
				}
				return m
			}},
		// One call per account, in the home region.
		{table: "accounts", id: "account_id", column: "account_aliases", expr: "account_aliases ->> '$[0]'",
			op: "ListAccountAliases", faultCode: "AccessDenied",
			want: func(ds *fakedata.Dataset) map[string]any {
				m := map[string]any{}
				for _, a := range ds.Accounts {
					if a.ID == fakedata.DemoNoRoleAccount || (a.State != "" && a.State != "ACTIVE") {
						continue
					}
					var v any
					if len(a.Aliases) > 0 {
						v = a.Aliases[0]
					}
					m[a.ID+"/global/"+a.ID] = v
				}
				return m
			}},
	}
}

// TestHydratedColumns: each column that costs a call per row calls only
// when the statement reads it, once per row, and answers what AWS holds;
// a failure of its call is a failure of the row's target, named with its
// operation and AWS's code, and the target's rows are missing, not NULL.
func TestHydratedColumns(t *testing.T) {
	for _, tc := range hydrateCases() {
		t.Run(tc.table+"."+tc.column, func(t *testing.T) {
			expr := tc.expr
			if expr == "" {
				expr = tc.column
			}
			// Every other column, the last ones (which SQLite does not tell
			// apart from each other) included: no call.
			e, ds := openDemo(t)
			info, _ := e.eng.Table(tc.table)
			tbl, _ := tables.Find(tables.All(nil), tc.table)
			var others []string
			for _, c := range info.Columns {
				if !slices.Contains(tbl.Hydrated, c.Name) && !c.Hidden {
					others = append(others, c.Name)
				}
			}
			e.query(t, fmt.Sprintf("SELECT %s FROM %s", strings.Join(others, ", "), tc.table))
			// Hidden: SELECT * costs what it did before the column was.
			e.query(t, "SELECT * FROM "+tc.table)
			if n := e.srv.Count(tc.op, "", ""); n != 0 {
				t.Errorf("reading every other column, and *, made %d %s calls, want none", n, tc.op)
			}

			// Reading it: a call per row, each row's value.
			rows, st := e.queryStats(t, fmt.Sprintf("SELECT account_id, region, %s AS id, %s AS v FROM %s", tc.id, expr, tc.table))
			if len(st.Failures) > 0 {
				t.Fatalf("failures: %+v", st.Failures)
			}
			want, got := tc.want(ds), map[string]any{}
			for _, r := range rows {
				got[fmt.Sprint(r["account_id"], "/", r["region"], "/", r["id"])] = r["v"]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s by row (-want +got):\n%s", expr, diff)
			}
			if n := e.srv.Count(tc.op, "", ""); n != len(rows) {
				t.Errorf("%d rows made %d %s calls, want one per row", len(rows), n, tc.op)
			}
			// Again: the same calls, answered from memory.
			before := len(e.srv.Requests())
			e.query(t, fmt.Sprintf("SELECT %s FROM %s", expr, tc.table))
			if n := len(e.srv.Requests()) - before; n != 0 {
				t.Errorf("reading it again made %d calls, want none", n)
			}

			// Its call refused in one target: that target fails, named;
			// the others answer.
			e, _ = openDemo(t)
			account, region := fakedata.DemoAccountID, "us-east-1"
			e.srv.AddFault(awsfake.Fault{Operation: tc.op, Account: account, Region: region, Code: tc.faultCode})
			rows, st = e.queryStats(t, fmt.Sprintf("SELECT account_id, region, %s AS id, %s AS v FROM %s", tc.id, expr, tc.table))
			wantFailure := fetch.Failure{Account: account, Region: region, Operation: tc.op, Code: tc.faultCode}
			if len(st.Failures) != 1 || st.Failures[0].Message == "" {
				t.Fatalf("failures %+v, want one: %+v", st.Failures, wantFailure)
			}
			if f := st.Failures[0]; f.Account != wantFailure.Account || f.Region != wantFailure.Region || f.Operation != wantFailure.Operation || f.Code != wantFailure.Code {
				t.Errorf("failure %+v, want %+v", f, wantFailure)
			}
			failed := 0
			for k := range want {
				if strings.HasPrefix(k, account+"/"+region+"/") || (tc.table == "accounts" && strings.HasPrefix(k, account+"/")) {
					failed++
				}
			}
			if failed == 0 {
				t.Fatalf("no row of %s/%s in the data: the failure proves nothing", account, region)
			}
			for _, r := range rows {
				if r["account_id"] == account && (r["region"] == region || tc.table == "accounts") {
					t.Errorf("a row of the failed target: %v", r)
				}
			}
			if len(rows) != len(want)-failed {
				t.Errorf("%d rows, want the %d of the other targets", len(rows), len(want)-failed)
			}
		})
	}
}

// Only an image's owner may read its launch permissions: another's (an
// Amazon AMI looked up by id or alias) is NULL, without a call that AWS
// would refuse.
func TestLaunchPermissionsOfOthersImages(t *testing.T) {
	e, _ := openDemo(t)
	rows := e.query(t, "SELECT image_id, launch_permissions FROM images WHERE image_owner_alias = 'amazon' AND account_id = '"+fakedata.DemoAccountID+"'")
	if len(rows) == 0 {
		t.Fatal("no Amazon image in the demo")
	}
	for _, r := range rows {
		if r["launch_permissions"] != nil {
			t.Errorf("%v: launch permissions of an image the account does not own", r)
		}
	}
	if n := e.srv.Count("DescribeImageAttribute", "", ""); n != 0 {
		t.Errorf("%d DescribeImageAttribute calls for Amazon's images, want none", n)
	}
}

// The organization's columns cost one DescribeOrganization, by the
// caller, whatever the number of accounts; an account in no organization
// has them NULL.
func TestAccountOrganizationColumns(t *testing.T) {
	e, ds := openDemo(t)
	rows := e.query(t, "SELECT account_id, organization_id, organization_master_account_id, organization_feature_set, "+
		"organization_available_policy_types ->> '$[0].Type' AS policy FROM aws_account")
	if len(rows) != 4 {
		t.Fatalf("%d accounts, want the demo's 4 readable ones", len(rows))
	}
	for _, r := range rows {
		if r["organization_id"] != ds.Org.ID || r["organization_master_account_id"] != ds.Org.ManagementAccount ||
			r["organization_feature_set"] != "ALL" || r["policy"] != "SERVICE_CONTROL_POLICY" {
			t.Errorf("%v: want the demo organization", r)
		}
	}
	if n := e.srv.Count("DescribeOrganization", "", ""); n != 1 {
		t.Errorf("%d DescribeOrganization calls, want 1", n)
	}
	e.query(t, "SELECT account_id, name, arn, title IS NULL FROM accounts WHERE account_id = '"+fakedata.DemoAccountID+"'")
	if n := e.srv.Count("DescribeOrganization", "", ""); n != 1 {
		t.Errorf("%d DescribeOrganization calls after a statement that reads no organization column, want still 1", n)
	}

	// An account in no organization.
	solo := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Seed: 1})
	solo.Org = nil
	e = open(t, solo, nil)
	rows = e.query(t, "SELECT account_id, organization_id, title, arn, region FROM accounts")
	want := []map[string]any{{"account_id": solo.Accounts[0].ID, "organization_id": nil, "title": solo.Accounts[0].Aliases[0],
		"arn": "arn:aws:::" + solo.Accounts[0].ID, "region": "global"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
