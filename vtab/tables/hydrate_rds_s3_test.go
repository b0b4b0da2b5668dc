package tables_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

// demoOrg opens the demo organization as --demo reads it (less the member
// awssql cannot enter).
func openDemoOrg(t *testing.T) *env {
	ds := fakedata.Demo()
	return open(t, ds, regionsOf(ds), func(o *fetch.Options) {
		o.RoleChain, o.ExternalID, o.ListAccounts, o.MemberRole = fakedata.DemoRoleChain(), fakedata.DemoExternalID, true, fakedata.DemoMemberRole
		o.SkipAccounts = []string{fakedata.DemoNoRoleAccount}
	})
}

// counts returns how many requests of each operation awsfake saw.
func counts(e *env, ops ...string) map[string]int {
	out := map[string]int{}
	for _, op := range ops {
		out[op] = e.srv.Count(op, "", "")
	}
	return out
}

// dbInstances are the demo instances awssql reads, with their account and
// region.
func dbInstances(ds *fakedata.Dataset) []fetch.Item[rdsInstance] {
	return items(ds, func(r *fakedata.Region) []rdsInstance { return r.DBInstances })
}

// TestRDSInstancesHydrated: certificate, pending_maintenance_actions and
// processor_features call only when a statement reads them; once per
// instance, or once per distinct input (a CA, an engine's options) since
// instances share those answers; a CA RDS has retired is NULL, not a
// failure; and a failed call fails the target, named, rather than reading
// as NULL.
func TestRDSInstancesHydrated(t *testing.T) {
	ds := fakedata.Demo()
	dbs := dbInstances(ds)
	extra := []string{"DescribeCertificates", "DescribePendingMaintenanceActions", "DescribeOrderableDBInstanceOptions"}
	distinct := func(key func(fetch.Item[rdsInstance]) string) int {
		seen := map[string]bool{}
		for _, d := range dbs {
			if k := key(d); k != "" {
				seen[d.Account+"/"+d.Region+"/"+k] = true
			}
		}
		return len(seen)
	}
	certs := distinct(func(d fetch.Item[rdsInstance]) string { return aws.ToString(d.Value.CACertificateIdentifier) })
	orderable := distinct(func(d fetch.Item[rdsInstance]) string {
		engine := aws.ToString(d.Value.Engine)
		if !strings.HasPrefix(engine, "oracle") && !strings.HasPrefix(engine, "sqlserver") || len(d.Value.ProcessorFeatures) > 0 {
			return ""
		}
		return engine + aws.ToString(d.Value.EngineVersion) + aws.ToString(d.Value.DBInstanceClass) + aws.ToString(d.Value.LicenseModel)
	})
	if certs < 2 || certs >= len(dbs) || orderable < 2 {
		t.Fatalf("the demo should share CAs among its %d instances and have several Oracle or SQL Server ones: %d CAs, %d option lists", len(dbs), certs, orderable)
	}
	for _, tt := range []struct {
		sql  string
		want map[string]int
	}{
		{"SELECT db_instance_identifier, engine, tags, subnets, certificate IS NULL AS c FROM rds_instances WHERE 0", map[string]int{}},
		{"SELECT db_instance_identifier, engine, tags, subnets, status_infos FROM rds_instances", map[string]int{}},
		{"SELECT db_instance_identifier, certificate FROM rds_instances", map[string]int{"DescribeCertificates": certs}},
		{"SELECT pending_maintenance_actions FROM rds_instances", map[string]int{"DescribePendingMaintenanceActions": len(dbs)}},
		{"SELECT processor_features FROM rds_instances", map[string]int{"DescribeOrderableDBInstanceOptions": orderable}},
		{"SELECT * FROM rds_instances", map[string]int{"DescribeCertificates": certs, "DescribePendingMaintenanceActions": len(dbs), "DescribeOrderableDBInstanceOptions": orderable}},
		{"SELECT * FROM aws_rds_db_instance", map[string]int{"DescribeCertificates": certs, "DescribePendingMaintenanceActions": len(dbs), "DescribeOrderableDBInstanceOptions": orderable}},
	} {
		t.Run(tt.sql, func(t *testing.T) {
			e := openDemoOrg(t)
			e.query(t, tt.sql)
			want := map[string]int{}
			for _, op := range extra {
				want[op] = tt.want[op]
			}
			if diff := cmp.Diff(want, counts(e, extra...)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}

	e := openDemoOrg(t)
	got := map[string]map[string]any{}
	for _, r := range e.query(t, "SELECT db_instance_identifier AS id, ca_certificate_identifier AS ca, certificate ->> 'CertificateIdentifier' AS cert, "+
		"pending_maintenance_actions ->> '$[0].PendingMaintenanceActionDetails[0].Action' AS action, processor_features FROM rds_instances") {
		got[r["id"].(string)] = r
	}
	for id, want := range map[string]map[string]any{
		"legacy-mysql":  {"ca": "rds-ca-2019", "cert": nil, "action": "db-upgrade", "processor_features": nil}, // a retired CA: no certificate
		"orders-db":     {"ca": "rds-ca-rsa2048-g1", "cert": "rds-ca-rsa2048-g1", "action": "system-update"},
		"crm-sqlserver": {"processor_features": `[{"Name":"coreCount","Value":"2"},{"Name":"threadsPerCore","Value":"2"}]`, "action": nil},
		"test-oracle":   {"processor_features": nil}, // a burstable class: no processor features
	} {
		for k, v := range want {
			if got[id][k] != v {
				t.Errorf("%s %s: %v, want %v", id, k, got[id][k], v)
			}
		}
	}

	// A failed call fails its target, and names it; the target's rows are
	// not read as NULL.
	e = openDemoOrg(t)
	e.srv.AddFault(awsfake.Fault{Service: "rds", Operation: "DescribePendingMaintenanceActions", Account: fakedata.DemoAccountID, Region: "us-east-1",
		Code: "AccessDenied", Status: 403, Message: "denied by the test"})
	rows, st := e.queryStats(t, "SELECT account_id, region, db_instance_identifier, pending_maintenance_actions FROM rds_instances")
	want := fetch.Failure{Account: fakedata.DemoAccountID, Region: "us-east-1", Operation: "DescribePendingMaintenanceActions", Code: "AccessDenied"}
	if len(st.Failures) != 1 || st.Failures[0].Account != want.Account || st.Failures[0].Region != want.Region ||
		st.Failures[0].Operation != want.Operation || st.Failures[0].Code != want.Code {
		t.Errorf("failures %+v, want one: %+v", st.Failures, want)
	}
	for _, r := range rows {
		if r["account_id"] == want.Account && r["region"] == want.Region {
			t.Errorf("a row of the failed target: %v", r)
		}
	}
	if len(rows) == 0 {
		t.Error("the other targets' rows should still come")
	}
}

// TestS3BucketsHydrated: each configuration column calls only when read,
// in the bucket's region, once per bucket even when two columns need the
// same call (and when S3's answer is "not configured", which the cache
// keeps as an empty answer); "not configured" is NULL (or false); and a
// failure of a call fails the account's rows, naming the bucket.
func TestS3BucketsHydrated(t *testing.T) {
	ds := fakedata.Demo()
	var buckets []fakedata.Bucket
	regionOf := map[string]string{}
	accounts := 0
	for _, a := range ds.Accounts {
		if a.ID == fakedata.DemoNoRoleAccount || (a.State != "" && a.State != "ACTIVE") {
			continue
		}
		accounts++
		for region, r := range a.Regions {
			for _, b := range r.Buckets {
				buckets = append(buckets, b)
				regionOf[b.Name] = region
			}
		}
	}
	ops := []string{"ListBuckets", "GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketVersioning", "GetBucketEncryption", "GetPublicAccessBlock",
		"GetBucketAcl", "GetBucketLifecycleConfiguration", "GetBucketLogging", "GetObjectLockConfiguration", "GetBucketOwnershipControls",
		"GetBucketReplication", "GetBucketWebsite", "GetBucketTagging", "GetBucketNotificationConfiguration", "HeadBucket"}
	for _, tt := range []struct {
		sql  string
		want map[string]int
	}{
		{"SELECT name, region, creation_date, arn, akas, title, partition FROM s3_buckets", map[string]int{"ListBuckets": accounts}},
		{"SELECT name FROM aws_s3_bucket", map[string]int{"ListBuckets": accounts}},
		// Two columns of one call; a policy some buckets lack.
		{"SELECT name, policy, policy_std FROM s3_buckets", map[string]int{"ListBuckets": accounts, "GetBucketPolicy": len(buckets)}},
		{"SELECT versioning_enabled, versioning_mfa_delete FROM s3_buckets", map[string]int{"ListBuckets": accounts, "GetBucketVersioning": len(buckets)}},
		{"SELECT tags, tags_src FROM s3_buckets", map[string]int{"ListBuckets": accounts, "GetBucketTagging": len(buckets)}},
		{"SELECT block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets FROM s3_buckets",
			map[string]int{"ListBuckets": accounts, "GetPublicAccessBlock": len(buckets)}},
		{"SELECT * FROM s3_buckets", func() map[string]int {
			m := map[string]int{"ListBuckets": accounts}
			for _, op := range ops[1 : len(ops)-1] {
				m[op] = len(buckets)
			}
			return m
		}()},
	} {
		t.Run(tt.sql, func(t *testing.T) {
			e := openDemoOrg(t)
			e.query(t, tt.sql)
			want := map[string]int{}
			for _, op := range ops {
				want[op] = tt.want[op]
			}
			if diff := cmp.Diff(want, counts(e, ops...)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			for _, r := range e.srv.Requests() {
				if b := r.Params.Get("Bucket"); b != "" && r.Region != regionOf[b] {
					t.Errorf("%s of %s in %s, not in the bucket's region %s", r.Operation, b, r.Region, regionOf[b])
				}
			}
		})
	}

	e := openDemoOrg(t)
	got := map[string]map[string]any{}
	for _, r := range e.query(t, "SELECT * FROM s3_buckets") {
		got[r["name"].(string)] = r
	}
	for name, want := range map[string]map[string]any{
		// Nothing configured: NULL, or false where Steampipe says false.
		fakedata.DemoForbiddenBucket: {"policy": nil, "policy_std": nil, "tags": nil, "tags_src": nil, "server_side_encryption_configuration": nil,
			"lifecycle_rules": nil, "object_lock_configuration": nil, "object_ownership_controls": nil, "replication": nil, "website_configuration": nil,
			"logging": nil, "event_notification_configuration": nil, "bucket_policy_is_public": int64(0), "block_public_acls": int64(0),
			"versioning_enabled": int64(0), "region": "us-west-2"},
		fakedata.DemoDataBucket: {"bucket_policy_is_public": int64(1), "block_public_acls": int64(1), "block_public_policy": int64(0),
			"tags": `{"Environment":"demo","Team":"analytics"}`, "logging": `{"TargetBucket":"awssql-demo-logs","TargetPrefix":"s3-access/awssql-demo-data/"}`,
			"policy_std": `{"Statement":[{"Action":["s3:getobject"],"Effect":"Allow","Principal":{"AWS":["*"]},"Resource":["arn:aws:s3:::awssql-demo-data/images/*"],"Sid":"PublicImages"}],"Version":"2012-10-17"}`},
		fakedata.DemoLogsBucket: {"versioning_enabled": int64(1), "versioning_mfa_delete": int64(0), "bucket_policy_is_public": int64(0),
			"event_notification_configuration": `{"EventBridgeConfiguration":{}}`, "arn": "arn:aws:s3:::awssql-demo-logs"},
		fakedata.DemoArchiveBucket: {"versioning_mfa_delete": int64(1), "region": "eu-west-1", "block_public_acls": int64(0),
			"object_lock_configuration": `{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Days":365,"Mode":"GOVERNANCE"}}}`},
	} {
		for k, v := range want {
			if got[name][k] != v {
				t.Errorf("%s %s: %v, want %v", name, k, got[name][k], v)
			}
		}
	}
	var rules []map[string]any
	if err := json.Unmarshal([]byte(fmt.Sprint(got[fakedata.DemoLogsBucket]["lifecycle_rules"])), &rules); err != nil || len(rules) != 2 || rules[0]["ID"] != "archive-logs" {
		t.Errorf("lifecycle rules of %s: %v (%v)", fakedata.DemoLogsBucket, got[fakedata.DemoLogsBucket]["lifecycle_rules"], err)
	}

	// A refused call fails the account's rows, naming the bucket and the
	// region it was asked in, not the account's home region.
	e = openDemoOrg(t)
	e.srv.AddFault(awsfake.Fault{Service: "s3", Operation: "GetBucketTagging", Account: fakedata.DemoAccountID, Region: "eu-west-1",
		Code: "AccessDenied", Status: 403, Message: "denied by the test"})
	rows, st := e.queryStats(t, "SELECT account_id, name, tags FROM s3_buckets")
	if len(st.Failures) != 1 || st.Failures[0].Account != fakedata.DemoAccountID || st.Failures[0].Region != "eu-west-1" ||
		st.Failures[0].Operation != "GetBucketTagging" || st.Failures[0].Code != "AccessDenied" ||
		!strings.Contains(st.Failures[0].Message, fmt.Sprintf("bucket %q", fakedata.DemoArchiveBucket)) {
		t.Errorf("failures %+v, want GetBucketTagging AccessDenied naming %s in eu-west-1", st.Failures, fakedata.DemoArchiveBucket)
	}
	for _, r := range rows {
		if r["account_id"] == fakedata.DemoAccountID {
			t.Errorf("a row of the failed account: %v", r)
		}
	}
	if len(rows) == 0 {
		t.Error("the other accounts' rows should still come")
	}
}

// TestS3ObjectsHydrated: the metadata columns call only when read, once
// per object and call whatever the number of columns read from it; and a
// failure of a call ends the statement, naming it and the object.
func TestS3ObjectsHydrated(t *testing.T) {
	ops := []string{"ListObjectsV2", "GetObject", "HeadObject", "GetObjectAttributes", "GetObjectAcl", "GetObjectTagging"}
	data := fakedata.DemoDataBucket
	var n int
	for _, b := range fakedata.Demo().Accounts[0].Regions["us-east-1"].Buckets {
		if b.Name == data {
			n = len(b.Objects)
		}
	}
	for _, tt := range []struct {
		sql  string
		want map[string]int
	}{
		{"SELECT key, size, etag, last_modified, storage_class, owner, arn, akas, title FROM s3_objects WHERE bucket_name = '" + data + "'",
			map[string]int{"ListObjectsV2": 1}},
		{"SELECT key, content_type, metadata, version_id, server_side_encryption, tag_count FROM s3_objects WHERE bucket_name = '" + data + "'",
			map[string]int{"ListObjectsV2": 1, "HeadObject": n}},
		{"SELECT checksum, object_parts FROM aws_s3_object WHERE bucket_name = '" + data + "'",
			map[string]int{"ListObjectsV2": 1, "GetObjectAttributes": n}},
		{"SELECT acl, tags, tags_src FROM s3_objects WHERE bucket_name = '" + data + "' AND key = 'README.md'",
			map[string]int{"ListObjectsV2": 1, "GetObjectAcl": 1, "GetObjectTagging": 1}},
	} {
		t.Run(tt.sql, func(t *testing.T) {
			e := openDemoOrg(t)
			e.query(t, tt.sql)
			want := map[string]int{}
			for _, op := range ops {
				want[op] = tt.want[op]
			}
			if diff := cmp.Diff(want, counts(e, ops...)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}

	e := openDemoOrg(t)
	got := map[string]map[string]any{}
	for _, r := range e.query(t, "SELECT key, object_parts ->> 'TotalPartsCount' AS parts, tags ->> 'Quarter' AS quarter, content_length, "+
		"acl ->> '$.Grants[1].Grantee.URI' AS grantee, expires, website_redirection_location AS redirect FROM s3_objects WHERE bucket_name = '"+data+"'") {
		got[r["key"].(string)] = r
	}
	for key, want := range map[string]map[string]any{
		"exports/2026-10/orders.csv":  {"parts": int64(2), "quarter": nil},
		"reports/2026/q3 summary.txt": {"quarter": "Q3", "content_length": "37", "parts": nil},
		"images/logo.png":             {"grantee": "http://acs.amazonaws.com/groups/global/AllUsers", "expires": "2027-01-01T00:00:00Z"},
		"legacy/old-notes.txt":        {"redirect": "/README.md", "grantee": nil},
	} {
		for k, v := range want {
			if got[key][k] != v {
				t.Errorf("%s %s: %v, want %v", key, k, got[key][k], v)
			}
		}
	}

	e = openDemoOrg(t)
	e.srv.AddFault(awsfake.Fault{Service: "s3", Operation: "GetObjectTagging", Code: "AccessDenied", Status: 403, Message: "denied by the test"})
	stmt := e.eng.Begin(context.Background())
	defer stmt.End()
	rows, err := e.db.Query("SELECT key, tags FROM s3_objects WHERE bucket_name = '" + data + "' AND key = 'README.md'")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if err = stmt.Cause(err); err == nil || !strings.Contains(err.Error(), "GetObjectTagging") || !strings.Contains(err.Error(), "s3:GetObjectTagging") ||
		!strings.Contains(err.Error(), data) {
		t.Errorf("a refused GetObjectTagging: %v; want an error naming the call, the permission and the bucket", err)
	}
}

// TestAliasesCallAsNativeNames: a statement written for Steampipe's table
// name makes exactly the calls the same statement makes under awssql's
// name.
func TestAliasesCallAsNativeNames(t *testing.T) {
	where := map[string]string{"s3_objects": "WHERE bucket_name = '" + fakedata.DemoDataBucket + "'"}
	for _, tbl := range tables.All(nil) {
		for _, alias := range tbl.Aliases {
			t.Run(alias, func(t *testing.T) {
				calls := func(name string) []string {
					e := openDemoOrg(t)
					e.query(t, fmt.Sprintf("SELECT * FROM %s %s", name, where[tbl.Name]))
					var out []string
					for _, r := range e.srv.Requests() {
						out = append(out, strings.Join([]string{r.Operation, r.Account, r.Region, r.Params.Encode()}, " "))
					}
					slices.Sort(out)
					return out
				}
				native, aliased := calls(tbl.Name), calls(alias)
				if len(native) == 0 {
					t.Fatal("no calls at all")
				}
				if diff := cmp.Diff(native, aliased); diff != "" {
					t.Errorf("%s calls otherwise than %s (-native +alias):\n%s", alias, tbl.Name, diff)
				}
			})
		}
	}
}
