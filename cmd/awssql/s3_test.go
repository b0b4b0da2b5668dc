package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// newS3 serves a two-account organization whose management account owns
// a bucket in us-east-2 with a prefix tree, a text object, a binary one
// and a large one, and whose member owns a bucket the management account
// may not read.
func newS3(t *testing.T) (*fake, []string) {
	t.Helper()
	f, chain := newOrg(t, 2, fakedata.GenOptions{Seed: 1})
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	mgmt, member := f.ds.Accounts[0], f.ds.Accounts[1]
	mgmt.Regions["us-east-2"].Buckets = append(mgmt.Regions["us-east-2"].Buckets, fakedata.Bucket{
		Name: "acme-logs", Created: at,
		Objects: []fakedata.Object{
			{Key: "logs/2026/11/01/a.log", Body: []byte("first line\nsecond, with é\n"), LastModified: at},
			{Key: "logs/2026/11/02/b.log", Body: []byte("b"), LastModified: at.Add(time.Hour)},
			{Key: "logs/2026/12/01/c.log", Body: bytes.Repeat([]byte("c"), 300), LastModified: at.Add(2 * time.Hour)},
			{Key: "bin/blob.bin", Body: []byte{0xff, 0x00, 0xfe, 'x'}, LastModified: at},
			{Key: "big/huge.dat", Body: bytes.Repeat([]byte("z"), 5000), LastModified: at, StorageClass: "STANDARD_IA"},
			{Key: "with space/ünï.txt", Body: []byte("ok"), LastModified: at},
		},
	})
	member.Regions["us-east-1"].Buckets = append(member.Regions["us-east-1"].Buckets, fakedata.Bucket{
		Name: "member-private", Created: at, Objects: []fakedata.Object{{Key: "secret.txt", Body: []byte("no"), LastModified: at}},
	})
	return f, chain
}

func TestS3Objects(t *testing.T) {
	f, chain := newS3(t)
	run := func(args ...string) result {
		t.Helper()
		return f.run(append(append(chainArgs(chain), "--list-accounts", "--max-object-bytes", "1000"), args...)...)
	}
	r := run("SELECT key, size, storage_class FROM s3_objects WHERE bucket_name = 'acme-logs' AND prefix = 'logs/2026/11/' ORDER BY key")
	want := "key,size,storage_class\nlogs/2026/11/01/a.log,27,STANDARD\nlogs/2026/11/02/b.log,1,STANDARD\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("prefix listing: exit %d %q %s\nwant %q", r.code, r.stdout, r.stderr, want)
	}
	for _, q := range f.requestsOf("ListObjectsV2") {
		if q.Params.Get("prefix") != "logs/2026/11/" || q.Region != "us-east-2" {
			t.Errorf("ListObjectsV2 %v in %s: want the prefix pushed, in the bucket's region", q.Params, q.Region)
		}
	}
	if n := len(f.requestsOf("GetObject")); n != 0 {
		t.Errorf("%d GetObject calls for a query that does not read body", n)
	}

	r = run("-o", "jsonl", "SELECT key, body, typeof(body) AS t FROM s3_objects WHERE bucket_name = 'acme-logs' AND key IN ('logs/2026/11/01/a.log', 'bin/blob.bin', 'with space/ünï.txt') ORDER BY key")
	for _, w := range []string{`{"key":"bin/blob.bin","body":"/wD+eA==","t":"blob"}`, `"body":"first line\nsecond, with é\n","t":"text"`, `{"key":"with space/ünï.txt","body":"ok","t":"text"}`} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("bodies: want %s in\n%s%s", w, r.stdout, r.stderr)
		}
	}

	r = run("SELECT count(*) FROM s3_objects WHERE bucket_name = 'acme-logs' AND prefix = 'nothing/here/'")
	if r.code != 0 || r.stdout != "count(*)\n0\n" {
		t.Errorf("an empty prefix has no rows: exit %d %q %s", r.code, r.stdout, r.stderr)
	}

	tests := []struct {
		sql, want string
	}{
		{"SELECT key FROM s3_objects", "s3_objects: a value for bucket_name is required: add WHERE bucket_name = 'my-bucket'"},
		{"SELECT key FROM s3_objects WHERE bucket_name = 'no-such-bucket-here'", `bucket "no-such-bucket-here": NoSuchBucket`},
		{"SELECT key FROM s3_objects WHERE bucket_name = 'member-private'", `bucket "member-private": AccessDenied`},
		{"SELECT body FROM s3_objects WHERE bucket_name = 'acme-logs' AND prefix = 'big/'", "s3://acme-logs/big/huge.dat is 5000 bytes, over --max-object-bytes 1000"},
	}
	for _, tt := range tests {
		r := run(tt.sql)
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q: want 1 and %q", tt.sql, r.code, r.stderr, tt.want)
		}
		if strings.Contains(r.stderr, "s3_objects: s3_objects:") {
			t.Errorf("%s: stderr %q names the table twice", tt.sql, r.stderr)
		}
	}
	if r := run("SELECT key FROM s3_objects WHERE bucket_name = 'member-private'"); !strings.Contains(r.stderr, "s3:ListBucket") {
		t.Errorf("a denied bucket should name the permission: %s", r.stderr)
	}
	// With the member's account_id, its own credentials read its bucket.
	member := f.ds.Accounts[1].ID
	r = run("SELECT account_id, key, body FROM s3_objects WHERE bucket_name = 'member-private' AND account_id = '" + member + "'")
	if r.code != 0 || r.stdout != "account_id,key,body\n"+member+",secret.txt,no\n" {
		t.Errorf("the member's bucket with its account_id: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
}

func TestS3Buckets(t *testing.T) {
	f, chain := newS3(t)
	r := f.run(append(chainArgs(chain), "--list-accounts", "SELECT account_id, name, region, creation_date FROM s3_buckets ORDER BY name")...)
	want := "account_id,name,region,creation_date\n" +
		f.ds.Accounts[0].ID + ",acme-logs,us-east-2,2026-10-01T12:00:00Z\n" +
		f.ds.Accounts[1].ID + ",member-private,us-east-1,2026-10-01T12:00:00Z\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d %s\n%s\nwant\n%s", r.code, r.stderr, r.stdout, want)
	}
	if n := len(f.requestsOf("ListBuckets")); n != 2 {
		t.Errorf("%d ListBuckets calls, want one per account", n)
	}
}

// TestS3BucketsConfiguration: a query written for Steampipe's
// aws_s3_bucket runs unchanged and answers as under awssql's own name; a
// bucket without configuration reads NULL (false for the public access
// block) with exit 0; a refused configuration call fails that account's
// rows, naming the bucket, the call and its region, while the other
// account's rows still come (exit 3).
func TestS3BucketsConfiguration(t *testing.T) {
	f, chain := newS3(t)
	run := func(args ...string) result {
		t.Helper()
		return f.run(append(append(chainArgs(chain), "--list-accounts"), args...)...)
	}
	native := run("SELECT name, region FROM s3_buckets ORDER BY name")
	f.srv.Reset()
	steampipe := run("SELECT name, region FROM aws_s3_bucket ORDER BY name")
	if native.code != 0 || steampipe.stdout != native.stdout || steampipe.stderr != "" {
		t.Errorf("aws_s3_bucket: exit %d %q %s; want what s3_buckets answers: %q", steampipe.code, steampipe.stdout, steampipe.stderr, native.stdout)
	}
	for _, r := range f.srv.Requests() {
		if r.Service == "s3" && r.Operation != "ListBuckets" {
			t.Errorf("SELECT name, region called %s: only ListBuckets is needed", r.Operation)
		}
	}

	r := run("SELECT name, policy, tags, block_public_acls, versioning_enabled FROM aws_s3_bucket WHERE name = 'acme-logs'")
	if r.code != 0 || r.stderr != "" || r.stdout != "name,policy,tags,block_public_acls,versioning_enabled\nacme-logs,,,0,0\n" {
		t.Errorf("a bucket without configuration: exit %d %q %s", r.code, r.stdout, r.stderr)
	}

	member := f.ds.Accounts[1].ID
	f.srv.AddFault(awsfake.Fault{Service: "s3", Operation: "GetBucketPolicy", Account: member, Code: "AccessDenied", Status: 403, Message: "denied by the test"})
	r = run("SELECT account_id, name, policy FROM aws_s3_bucket ORDER BY name")
	want := "account_id,name,policy\n" + f.ds.Accounts[0].ID + ",acme-logs,\n"
	if r.code != 3 || r.stdout != want ||
		!strings.Contains(r.stderr, "account "+member+", region us-east-1: GetBucketPolicy: AccessDenied: bucket \"member-private\": denied by the test") {
		t.Errorf("a refused GetBucketPolicy: exit %d %q\n%s\nwant exit 3, %q, and the failure named", r.code, r.stdout, r.stderr, want)
	}
}
