package main

import (
	"context"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/internal/faultproxy"
)

// Failures to get an answer are named for what they are, with what to
// check; only AWS refusing the credentials says "credentials refused".
func TestUnreachableEndpoint(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 2, Seed: 1})
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()
	// TLS with a certificate nobody trusts.
	tlsSrv := httptest.NewUnstartedServer(f.srv)
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes it refuses are the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	// An endpoint that never answers, and one that answers HTML pages.
	hang, _ := faultproxy.New(f.url)
	hang.Add(faultproxy.Rule{Fault: faultproxy.Hang})
	html, _ := faultproxy.New(f.url)
	html.Add(faultproxy.Rule{Fault: faultproxy.HTML500})
	hangSrv, htmlSrv := httptest.NewServer(hang), httptest.NewServer(html)
	t.Cleanup(func() {
		hang.Close() // releases the hanging requests first
		html.Close()
		hangSrv.Close()
		htmlSrv.Close()
	})

	tests := []struct {
		name, endpoint string
		args           []string
		want           string
	}{
		{"connection refused", refused, nil,
			"GetCallerIdentity: NetworkError: cannot reach " + refused + ": connection refused (check --endpoint-url, HTTPS_PROXY and the network) (3 attempts)"},
		{"untrusted certificate", tlsSrv.URL, nil,
			"GetCallerIdentity: TLSError: TLS with " + tlsSrv.URL + ": x509: certificate signed by unknown authority (check the endpoint's certificate and AWS_CA_BUNDLE"},
		{"https to an endpoint that speaks plain HTTP", "https://" + strings.TrimPrefix(f.url, "http://"), nil,
			"GetCallerIdentity: TLSError: TLS with https://" + strings.TrimPrefix(f.url, "http://") + ": the endpoint answered in plain HTTP, not TLS (check the scheme of --endpoint-url"},
		{"no answer", hangSrv.URL, []string{"--call-timeout", "200ms"},
			"GetCallerIdentity: Timeout: no answer within 200ms (--call-timeout) (3 attempts)"},
		{"an HTML error page", htmlSrv.URL, nil,
			"GetCallerIdentity: HTTP500: HTTP 500 Internal Server Error, and the body (text/html; charset=utf-8) was not an AWS error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := slices.Clone(f.args)
			args[1] = tt.endpoint
			r := runCLI(context.Background(), f.env, "", false, append(append(args, tt.args...), "SELECT count(*) FROM ec2_instances")...)
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q: want 1 and %q", r.code, r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, "refused: ") && !strings.Contains(r.stderr, "connection refused") {
				t.Errorf("stderr %q blames the credentials", r.stderr)
			}
		})
	}
}

// A role that cannot be assumed because STS is throttled or down is not a
// trust problem: the trust-policy hint goes with AccessDenied only.
func TestAssumeRoleHints(t *testing.T) {
	f, chain := newOrg(t, 2, fakedata.GenOptions{Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "AssumeRole", Code: "Throttling", Message: "Rate exceeded",
		Match: func(r awsfake.Request) bool { return strings.HasSuffix(r.Params.Get("RoleArn"), "role/hop-2") }})
	r := f.run(append(chainArgs(chain), "--max-attempts", "1", "SELECT count(*) FROM ec2_instances")...)
	if r.code != 1 || !strings.Contains(r.stderr, "role chain hop 2 ("+chain[1]+"): Throttling: Rate exceeded") || strings.Contains(r.stderr, "trust policy") {
		t.Errorf("throttled hop: exit %d, stderr %q: want the throttling named and no trust-policy hint", r.code, r.stderr)
	}

	f, chain = newOrg(t, 2, fakedata.GenOptions{Seed: 1})
	member := fakedata.GenAccountID(1)
	f.srv.AddFault(awsfake.Fault{Operation: "AssumeRole", Account: member, Code: "Throttling", Message: "Rate exceeded"})
	r = f.run(append(chainArgs(chain), "--list-accounts", "--max-attempts", "1", "SELECT count(*) FROM ec2_instances")...)
	if r.code != 3 || !strings.Contains(r.stderr, "account "+member+": AssumeRole: Throttling: cannot assume") || strings.Contains(r.stderr, "trust policy") {
		t.Errorf("throttled member role: exit %d, stderr %q: want it named and no trust-policy hint", r.code, r.stderr)
	}
}

// s3_objects.body reads objects past the transport's buffers (the issue's
// --demo command), and account_id = the caller's own account reads with
// the caller's credentials, as every other table does.
func TestS3BodyAndOwnAccount(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "--demo",
		"SELECT key, size, length(body) = size FROM s3_objects WHERE bucket_name = 'awssql-demo-data' AND key IN ('data/blob.bin', 'exports/2026-10/orders.csv')")
	if r.code != 0 || !strings.Contains(r.stdout, "data/blob.bin,65539,1") || !strings.Contains(r.stdout, "exports/2026-10/orders.csv,307205,") {
		t.Errorf("--demo bodies over 64 KB: exit %d %q %s", r.code, r.stdout, r.stderr)
	}

	f, chain := newS3(t)
	mgmt := f.ds.Accounts[0].ID
	r = f.run(append(chainArgs(chain), "--list-accounts",
		"SELECT account_id, key, body FROM s3_objects WHERE bucket_name = 'acme-logs' AND key = 'logs/2026/11/02/b.log' AND account_id = '"+mgmt+"'")...)
	if r.code != 0 || r.stdout != "account_id,key,body\n"+mgmt+",logs/2026/11/02/b.log,b\n" {
		t.Errorf("the caller's own account: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	for arn := range f.assumeRoles() {
		if strings.Contains(arn, mgmt) && !slices.Contains(chain, arn) {
			t.Errorf("assumed %s: the caller's own account is read with the caller's credentials", arn)
		}
	}
}
