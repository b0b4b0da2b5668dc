package awsfake_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// genEndpoint serves a generated organization and holds the management
// account's key.
func genEndpoint(t *testing.T, g fakedata.GenOptions, opts ...awsfake.Option) (endpoint, *fakedata.Dataset) {
	t.Helper()
	ds := fakedata.Generate(g)
	srv, url := awsfaketest.NewServer(t, ds, opts...)
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	return endpoint{srv: srv, url: url, key: key, secret: secret}, ds
}

func memberRoleARN(account string) string {
	return "arn:aws:iam::" + account + ":role/" + fakedata.GenMemberRole
}

func TestAssumeRole(t *testing.T) {
	now := &clock{now: time.Date(2030, 1, 2, 3, 4, 5, 600e6, time.UTC)}
	e, ds := genEndpoint(t, fakedata.GenOptions{Accounts: 3, Regions: 1, InstancesPerRegion: 4, Seed: 1}, awsfake.WithWallClock(now.Now))
	member := fakedata.GenAccountID(1)
	out, err := e.assume(t, e.base(), &sts.AssumeRoleInput{RoleArn: aws.String(memberRoleARN(member)), RoleSessionName: aws.String("audit@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	user, c := out.AssumedRoleUser, out.Credentials
	wantARN := "arn:aws:sts::" + member + ":assumed-role/OrganizationAccountAccessRole/audit@example.com"
	if *user.Arn != wantARN {
		t.Errorf("Arn %s, want %s", *user.Arn, wantARN)
	}
	roleID, sessionName, _ := strings.Cut(*user.AssumedRoleId, ":")
	if !strings.HasPrefix(roleID, "AROA") || len(roleID) != 21 || sessionName != "audit@example.com" {
		t.Errorf("AssumedRoleId %s", *user.AssumedRoleId)
	}
	if !strings.HasPrefix(*c.AccessKeyId, "ASIA") || len(*c.AccessKeyId) != 20 || len(*c.SecretAccessKey) != 40 || *c.SessionToken == "" {
		t.Errorf("credentials %s %d %d", *c.AccessKeyId, len(*c.SecretAccessKey), len(*c.SessionToken))
	}
	// One hour by default, in whole seconds.
	if want := time.Date(2030, 1, 2, 4, 4, 5, 0, time.UTC); !c.Expiration.Equal(want) {
		t.Errorf("Expiration %v, want %v", c.Expiration, want)
	}
	if out.PackedPolicySize != nil || out.SourceIdentity != nil {
		t.Errorf("unexpected members %v %v", out.PackedPolicySize, out.SourceIdentity)
	}

	// The session reads the role's account, and says who it is.
	got := allInstances(t, ec2.NewFromConfig(e.as(session(out), "us-east-1")), &ec2.DescribeInstancesInput{})
	if want := instanceIDs(ds.Accounts[1].Regions["us-east-1"].Instances); !slices.Equal(instanceIDs(got), want) {
		t.Errorf("session read %q, want the member's %q", instanceIDs(got), want)
	}
	id, err := sts.NewFromConfig(e.as(session(out), "us-east-1")).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *id.Arn != wantARN || *id.UserId != *user.AssumedRoleId || *id.Account != member {
		t.Errorf("identity %s %s %s", *id.Arn, *id.UserId, *id.Account)
	}

	// The AssumeRole counts under the role's account; the caller is kept.
	if n := e.srv.Count("AssumeRole", member, ""); n != 1 {
		t.Errorf("%d AssumeRole for %s", n, member)
	}
	if n := e.srv.Count("", fakedata.GenAccountID(0), ""); n != 0 {
		t.Errorf("%d calls for the management account", n)
	}
	if n := e.srv.Count("", fakedata.GenAccountID(2), ""); n != 0 {
		t.Errorf("%d calls for an account nobody asked about", n)
	}
	r := e.srv.Requests()[0]
	if r.Caller != fakedata.GenAccountID(0) || r.CallerARN != "arn:aws:iam::"+fakedata.GenAccountID(0)+":user/bench" || r.Account != member {
		t.Errorf("AssumeRole recorded as %+v", r)
	}
	if r := e.srv.Requests()[1]; r.Caller != member || r.CallerARN != wantARN {
		t.Errorf("session call recorded as %+v", r)
	}
}

// The demo's connection: a user, two hops in the management account and the
// member role, each with the external id, through the SDK's providers.
func TestAssumeRoleChain(t *testing.T) {
	e := demoEndpoint(t)
	const member = "210987654321"
	chain := fakedata.DemoRoleChain()
	hop2 := e.chain(e.base(), fakedata.DemoExternalID, chain...)
	reader := e.chain(hop2, fakedata.DemoExternalID, "arn:aws:iam::"+member+":role/"+fakedata.DemoMemberRole)

	got := allInstances(t, ec2.NewFromConfig(e.as(reader, "eu-west-1")), &ec2.DescribeInstancesInput{})
	demo := fakedata.Demo()
	var want []string
	for _, a := range demo.Accounts {
		if a.ID == member {
			want = instanceIDs(a.Regions["eu-west-1"].Instances)
		}
	}
	if len(want) == 0 || !slices.Equal(instanceIDs(got), want) {
		t.Errorf("member read %q, want %q", instanceIDs(got), want)
	}
	// The last hop reads the management account itself.
	got = allInstances(t, ec2.NewFromConfig(e.as(hop2, "eu-west-1")), &ec2.DescribeInstancesInput{})
	if want := instanceIDs(demo.Accounts[0].Regions["eu-west-1"].Instances); !slices.Equal(instanceIDs(got), want) {
		t.Errorf("hop 2 read %d instances, want the management account's %d", len(got), len(want))
	}

	var callers []string
	for _, r := range e.srv.Requests() {
		if r.Operation == "AssumeRole" {
			callers = append(callers, r.CallerARN+" -> "+r.Params.Get("RoleArn")+" in "+r.Account)
			if r.Params.Get("ExternalId") != fakedata.DemoExternalID {
				t.Errorf("hop without the external id: %v", r.Params)
			}
		}
	}
	wantCallers := []string{
		"arn:aws:iam::123456789012:user/demo-user -> " + chain[0] + " in 123456789012",
		"arn:aws:sts::123456789012:assumed-role/awssql-entry/" + sessionOf(t, e, 0) + " -> " + chain[1] + " in 123456789012",
		"arn:aws:sts::123456789012:assumed-role/awssql-org-reader/" + sessionOf(t, e, 1) + " -> arn:aws:iam::210987654321:role/awssql-reader in 210987654321",
	}
	if !slices.Equal(callers, wantCallers) {
		t.Errorf("hops:\n%s\nwant:\n%s", strings.Join(callers, "\n"), strings.Join(wantCallers, "\n"))
	}
}

// sessionOf is the RoleSessionName of the n-th AssumeRole (from 0) the
// server saw (stscreds picks one from the clock).
func sessionOf(t *testing.T, e endpoint, n int) string {
	t.Helper()
	for _, r := range e.srv.Requests() {
		if r.Operation == "AssumeRole" {
			if n == 0 {
				return r.Params.Get("RoleSessionName")
			}
			n--
		}
	}
	t.Fatal("no such AssumeRole")
	return ""
}

func TestAssumeRoleDenied(t *testing.T) {
	e := demoEndpoint(t)
	chain := fakedata.DemoRoleChain()
	user := "arn:aws:iam::123456789012:user/demo-user"
	hop1 := e.chain(e.base(), fakedata.DemoExternalID, chain[0])
	hop2 := e.chain(hop1, fakedata.DemoExternalID, chain[1])
	hop1ARN, hop2ARN := callerARN(t, e, hop1), callerARN(t, e, hop2)
	reader := "arn:aws:iam::210987654321:role/" + fakedata.DemoMemberRole
	id := aws.String(fakedata.DemoExternalID)
	tests := []struct {
		name   string
		creds  aws.CredentialsProvider
		caller string
		role   string
		extID  *string
	}{
		{"no such role", hop2, hop2ARN, "arn:aws:iam::210987654321:role/nope", id},
		{"the member without the role", hop2, hop2ARN, "arn:aws:iam::" + fakedata.DemoNoRoleAccount + ":role/" + fakedata.DemoMemberRole, id},
		{"an account outside the data set", hop2, hop2ARN, "arn:aws:iam::999999999999:role/" + fakedata.DemoMemberRole, id},
		{"a path the role does not have", hop2, hop2ARN, "arn:aws:iam::210987654321:role/team/" + fakedata.DemoMemberRole, id},
		{"another partition", hop2, hop2ARN, "arn:aws-cn:iam::210987654321:role/" + fakedata.DemoMemberRole, id},
		{"the user is not trusted by the member role", e.base(), user, reader, id},
		{"hop 1 is not trusted by the member role", hop1, hop1ARN, reader, id},
		{"the user cannot skip hop 1", e.base(), user, chain[1], id},
		{"external id missing", hop2, hop2ARN, reader, nil},
		{"external id wrong", hop2, hop2ARN, reader, aws.String("awssql-demo-wrong")},
		{"external id missing on hop 1", e.base(), user, chain[0], nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.srv.Reset()
			_, err := e.assume(t, tc.creds, &sts.AssumeRoleInput{RoleArn: aws.String(tc.role), ExternalId: tc.extID})
			ae := apiError(t, err, "AccessDenied")
			want := "User: " + tc.caller + " is not authorized to perform: sts:AssumeRole on resource: " + tc.role
			if ae.ErrorMessage() != want {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), want)
			}
			if s := statusOf(t, err); s != http.StatusForbidden {
				t.Errorf("status %d", s)
			}
			r := e.srv.Requests()[0]
			if want := strings.Split(tc.role, ":")[4]; r.Account != want || r.Code != "AccessDenied" {
				t.Errorf("recorded for account %s (%s), want %s", r.Account, r.Code, want)
			}
		})
	}
	// A role that requires no external id accepts one anyway.
	g, _ := genEndpoint(t, fakedata.GenOptions{Accounts: 2, Seed: 1})
	if _, err := g.assume(t, g.base(), &sts.AssumeRoleInput{RoleArn: aws.String(memberRoleARN(fakedata.GenAccountID(1))), ExternalId: id}); err != nil {
		t.Error(err)
	}
}

// callerARN asks STS who creds are.
func callerARN(t *testing.T, e endpoint, creds aws.CredentialsProvider) string {
	t.Helper()
	out, err := sts.NewFromConfig(e.as(creds, "us-east-1")).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Arn
}

func TestAssumeRoleValidation(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 3, Seed: 1})
	ds.Accounts[2].Roles[0].MaxSessionDuration = 12 * time.Hour
	srv, url := awsfaketest.NewServer(t, ds)
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	e := endpoint{srv: srv, url: url, key: key, secret: secret}
	role, longRole := memberRoleARN(fakedata.GenAccountID(1)), memberRoleARN(fakedata.GenAccountID(2))
	prefix := func(n int) string {
		if n == 1 {
			return "1 validation error detected: "
		}
		return fmt.Sprintf("%d validation errors detected: ", n)
	}
	long := strings.Repeat("s", 65)
	tests := []struct {
		name string
		in   sts.AssumeRoleInput
		msg  string
	}{
		{"short ARN", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::1:role")},
			prefix(1) + "Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"not a role", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::100000000000:user/bench")}, "Request ARN is invalid"},
		{"no account", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam:100000000000:role/x")}, "Request ARN is invalid"},
		{"a region", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam:us-east-1:100000000000:role/x")}, "Request ARN is invalid"},
		{"session name pattern", sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("alice/laptop")},
			prefix(1) + `Value 'alice/laptop' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"session name short", sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("a")},
			prefix(1) + "Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name long", sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String(long)},
			prefix(1) + "Value '" + long + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"external id short", sts.AssumeRoleInput{RoleArn: aws.String(role), ExternalId: aws.String("x")},
			prefix(1) + "Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"external id pattern", sts.AssumeRoleInput{RoleArn: aws.String(role), ExternalId: aws.String("a b")},
			prefix(1) + `Value 'a b' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`},
		{"duration short", sts.AssumeRoleInput{RoleArn: aws.String(role), DurationSeconds: aws.Int32(899)},
			prefix(1) + "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration long", sts.AssumeRoleInput{RoleArn: aws.String(role), DurationSeconds: aws.Int32(43201)},
			prefix(1) + "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"two at once", sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("a"), DurationSeconds: aws.Int32(60)},
			prefix(2) + "Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
				"Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"beyond the role's maximum", sts.AssumeRoleInput{RoleArn: aws.String(role), DurationSeconds: aws.Int32(3601)},
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.assume(t, e.base(), &tc.in)
			if ae := apiError(t, err, "ValidationError"); ae.ErrorMessage() != tc.msg {
				t.Errorf("message\n%q, want\n%q", ae.ErrorMessage(), tc.msg)
			}
			if s := statusOf(t, err); s != http.StatusBadRequest {
				t.Errorf("status %d", s)
			}
		})
	}

	// A role raised to 12 hours gives 12 hours.
	out, err := e.assume(t, e.base(), &sts.AssumeRoleInput{RoleArn: aws.String(longRole), DurationSeconds: aws.Int32(43200)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(*out.Credentials.Expiration); d < 11*time.Hour+59*time.Minute || d > 12*time.Hour {
		t.Errorf("12-hour session expires in %v", d)
	}

	// A session (role chaining) may ask for at most one hour of the next role.
	d := demoEndpoint(t)
	chain := fakedata.DemoRoleChain()
	hop1 := d.chain(d.base(), fakedata.DemoExternalID, chain[0])
	_, err = d.assume(t, hop1, &sts.AssumeRoleInput{RoleArn: aws.String(chain[1]), ExternalId: aws.String(fakedata.DemoExternalID), DurationSeconds: aws.Int32(3601)})
	if ae := apiError(t, err, "ValidationError"); ae.ErrorMessage() != "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." {
		t.Errorf("chained: %q", ae.ErrorMessage())
	}
	if _, err := d.assume(t, hop1, &sts.AssumeRoleInput{RoleArn: aws.String(chain[1]), ExternalId: aws.String(fakedata.DemoExternalID), DurationSeconds: aws.Int32(3600)}); err != nil {
		t.Errorf("chained hour: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	now := &clock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, _ := genEndpoint(t, fakedata.GenOptions{Accounts: 2, Regions: 1, Seed: 1},
		awsfake.WithWallClock(now.Now), awsfake.WithMaxSessionDuration(10*time.Minute))
	out, err := e.assume(t, e.base(), &sts.AssumeRoleInput{RoleArn: aws.String(memberRoleARN(fakedata.GenAccountID(1))), DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Now().Add(10 * time.Minute); !out.Credentials.Expiration.Equal(want) {
		t.Errorf("capped Expiration %v, want %v", out.Credentials.Expiration, want)
	}
	s := session(out)
	for _, svc := range []string{"sts", "ec2", "organizations"} {
		if err := callAs(t, e.as(s, "us-east-1"), svc); err != nil {
			t.Errorf("%s before expiry: %v", svc, err)
		}
	}
	now.Advance(10*time.Minute - time.Second)
	if err := callAs(t, e.as(s, "us-east-1"), "sts"); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	now.Advance(time.Second)
	for _, tc := range []struct {
		svc, code string
		status    int
	}{{"sts", "ExpiredToken", 403}, {"ec2", "RequestExpired", 400}, {"organizations", "ExpiredTokenException", 400}} {
		err := callAs(t, e.as(s, "us-east-1"), tc.svc)
		if ae := apiError(t, err, tc.code); ae.ErrorMessage() == "" {
			t.Errorf("%s: no message", tc.svc)
		}
		if st := statusOf(t, err); st != tc.status {
			t.Errorf("%s: status %d, want %d", tc.svc, st, tc.status)
		}
	}
	// Organizations' other credential errors.
	bad := credentials.NewStaticCredentialsProvider(e.key, "wrong", "")
	apiError(t, callAs(t, e.as(bad, "us-east-1"), "organizations"), "InvalidSignatureException")
	unknown := credentials.NewStaticCredentialsProvider("AKIAUNKNOWN000000000", "x", "")
	apiError(t, callAs(t, e.as(unknown, "us-east-1"), "organizations"), "UnrecognizedClientException")
	apiError(t, callAs(t, e.as(aws.AnonymousCredentials{}, "us-east-1"), "organizations"), "MissingAuthenticationTokenException")
}

// callAs makes one cheap call of a service (callers pick the credentials).
func callAs(t *testing.T, cfg aws.Config, service string) error {
	t.Helper()
	if service == "organizations" {
		_, err := organizations.NewFromConfig(cfg).DescribeOrganization(ctx(t), &organizations.DescribeOrganizationInput{})
		return err
	}
	return call(t, cfg, service)
}

// The SDK's credentials cache over stscreds refreshes a session that
// expired between two calls: the server refuses the old token and accepts
// the new one.
func TestCredentialsRefreshAcrossExpiry(t *testing.T) {
	e, _ := genEndpoint(t, fakedata.GenOptions{Accounts: 2, Regions: 1, InstancesPerRegion: 2, Seed: 1},
		awsfake.WithMaxSessionDuration(2*time.Second))
	member := fakedata.GenAccountID(1)
	cache := e.chain(e.base(), "", memberRoleARN(member)).(*aws.CredentialsCache)
	client := ec2.NewFromConfig(e.as(cache, "us-east-1"))
	if _, err := client.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	first, err := cache.Retrieve(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(first.Expires); d > 2*time.Second || d <= 0 {
		t.Fatalf("session lasts %v, want at most the 2s cap", d)
	}
	time.Sleep(time.Until(first.Expires) + 50*time.Millisecond)

	old := credentials.NewStaticCredentialsProvider(first.AccessKeyID, first.SecretAccessKey, first.SessionToken)
	apiError(t, callAs(t, e.as(old, "us-east-1"), "sts"), "ExpiredToken")
	if _, err := client.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := e.srv.Count("AssumeRole", member, ""); n != 2 {
		t.Errorf("%d AssumeRole, want 2 (the first and the refresh)", n)
	}
	if n := e.srv.Count("DescribeInstances", member, ""); n != 2 {
		t.Errorf("%d DescribeInstances, want 2", n)
	}
}

// Faults match AssumeRole by the role's account: one member's AssumeRole
// is throttled, the others' are not.
func TestAssumeRoleFaults(t *testing.T) {
	e, _ := genEndpoint(t, fakedata.GenOptions{Accounts: 3, Seed: 1})
	e.srv.AddFault(awsfake.Fault{Service: "sts", Operation: "AssumeRole", Account: fakedata.GenAccountID(2), Code: "Throttling"})
	if _, err := e.assume(t, e.base(), &sts.AssumeRoleInput{RoleArn: aws.String(memberRoleARN(fakedata.GenAccountID(1)))}); err != nil {
		t.Error(err)
	}
	_, err := e.assume(t, e.base(), &sts.AssumeRoleInput{RoleArn: aws.String(memberRoleARN(fakedata.GenAccountID(2)))})
	apiError(t, err, "Throttling")
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
		t.Errorf("Throttling is not a throttle to the SDK: %v", err)
	}
}
