package awsfake_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// call makes one cheap call of a service and returns its error.
func call(t *testing.T, cfg aws.Config, service string) error {
	t.Helper()
	var err error
	switch service {
	case "ec2":
		_, err = ec2.NewFromConfig(cfg).DescribeRegions(ctx(t), &ec2.DescribeRegionsInput{})
	case "rds":
		_, err = rds.NewFromConfig(cfg).DescribeDBInstances(ctx(t), &rds.DescribeDBInstancesInput{})
	case "sts":
		_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	}
	return err
}

func TestAuthentication(t *testing.T) {
	e := demoEndpoint(t)
	withCreds := func(p aws.CredentialsProvider) aws.Config {
		cfg := e.config("us-east-1")
		cfg.Credentials = p
		return cfg
	}
	static := func(key, secret, token string) aws.Config {
		return withCreds(credentials.NewStaticCredentialsProvider(key, secret, token))
	}
	tests := []struct {
		name    string
		cfg     aws.Config
		service string
		code    string
		status  int
		msg     string
	}{
		{"unsigned ec2", withCreds(aws.AnonymousCredentials{}), "ec2", "MissingAuthenticationToken", 403, "Request is missing Authentication Token"},
		{"unsigned rds", withCreds(aws.AnonymousCredentials{}), "rds", "MissingAuthenticationToken", 403, ""},
		{"unsigned sts", withCreds(aws.AnonymousCredentials{}), "sts", "MissingAuthenticationToken", 403, ""},
		{"unknown key ec2", static("AKIAUNKNOWN000000000", e.secret, ""), "ec2", "AuthFailure", 401,
			"AWS was not able to validate the provided access credentials"},
		{"unknown key rds", static("AKIAUNKNOWN000000000", e.secret, ""), "rds", "InvalidClientTokenId", 403,
			"The security token included in the request is invalid."},
		{"unknown key sts", static("AKIAUNKNOWN000000000", e.secret, ""), "sts", "InvalidClientTokenId", 403,
			"The security token included in the request is invalid."},
		{"bad secret ec2", static(e.key, "wrong", ""), "ec2", "AuthFailure", 401, ""},
		{"bad secret rds", static(e.key, "wrong", ""), "rds", "SignatureDoesNotMatch", 403, ""},
		{"bad secret sts", static(e.key, "wrong", ""), "sts", "SignatureDoesNotMatch", 403, ""},
		{"long-term key with a token", static(e.key, e.secret, "token"), "sts", "InvalidClientTokenId", 403, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := call(t, tc.cfg, tc.service)
			if ae := apiError(t, err, tc.code); tc.msg != "" && ae.ErrorMessage() != tc.msg {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
			if s := statusOf(t, err); s != tc.status {
				t.Errorf("status %d, want %d", s, tc.status)
			}
		})
	}
	for _, svc := range []string{"ec2", "rds", "sts"} {
		if err := call(t, e.config("us-east-1"), svc); err != nil {
			t.Errorf("%s with the right key: %v", svc, err)
		}
	}
	reqs := e.srv.Requests()
	if reqs[0].Code != "MissingAuthenticationToken" || reqs[0].Service != "ec2" || reqs[0].Account != "" {
		t.Errorf("unsigned request recorded as %+v", reqs[0])
	}
}

// Session credentials (as STS AssumeRole will issue them) plug into the
// credential store.
func TestSessionCredentials(t *testing.T) {
	e := demoEndpoint(t)
	arn := "arn:aws:sts::123456789012:assumed-role/Auditor/awssql"
	e.srv.AddCredentials("ASIASESSION000000001", awsfake.Principal{
		Account: fakedata.DemoAccountID, Secret: "session-secret", SessionToken: "session-token",
		Expires: time.Now().Add(time.Hour), ARN: arn, UserID: "AROAEXAMPLE:awssql",
	})
	e.srv.AddCredentials("ASIAEXPIRED000000001", awsfake.Principal{
		Account: fakedata.DemoAccountID, Secret: "old-secret", SessionToken: "old-token",
		Expires: time.Now().Add(-time.Minute), ARN: arn,
	})
	cfg := func(key, secret, token string) aws.Config {
		c := e.config("us-east-1")
		c.Credentials = credentials.NewStaticCredentialsProvider(key, secret, token)
		return c
	}
	out, err := sts.NewFromConfig(cfg("ASIASESSION000000001", "session-secret", "session-token")).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil || *out.Arn != arn || *out.Account != fakedata.DemoAccountID || *out.UserId != "AROAEXAMPLE:awssql" {
		t.Fatalf("session identity: %v %+v", err, out)
	}
	if err := call(t, cfg("ASIASESSION000000001", "session-secret", "session-token"), "ec2"); err != nil {
		t.Errorf("session key on ec2: %v", err)
	}
	apiError(t, call(t, cfg("ASIASESSION000000001", "session-secret", ""), "sts"), "InvalidClientTokenId")
	apiError(t, call(t, cfg("ASIASESSION000000001", "session-secret", "other-token"), "ec2"), "AuthFailure")
	err = call(t, cfg("ASIAEXPIRED000000001", "old-secret", "old-token"), "sts")
	if apiError(t, err, "ExpiredToken"); statusOf(t, err) != 403 {
		t.Errorf("status %d", statusOf(t, err))
	}
	apiError(t, call(t, cfg("ASIAEXPIRED000000001", "old-secret", "old-token"), "rds"), "ExpiredToken")
	err = call(t, cfg("ASIAEXPIRED000000001", "old-secret", "old-token"), "ec2")
	if apiError(t, err, "RequestExpired"); statusOf(t, err) != 400 {
		t.Errorf("status %d", statusOf(t, err))
	}
}

func TestRegionRouting(t *testing.T) {
	e := demoEndpoint(t)
	west := allInstances(t, e.ec2("us-west-2"), &ec2.DescribeInstancesInput{})
	eu := allInstances(t, e.ec2("eu-west-1"), &ec2.DescribeInstancesInput{})
	if len(west) == 0 || len(eu) == 0 {
		t.Fatal("no instances")
	}
	for _, id := range instanceIDs(west) {
		if slices.Contains(instanceIDs(eu), id) {
			t.Errorf("%s seen in both regions", id)
		}
	}
	_, err := e.ec2("eu-west-1").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{InstanceIds: instanceIDs(west)[:1]})
	apiError(t, err, "InvalidInstanceID.NotFound")

	// The opted-in opt-in region answers, empty.
	if got := allInstances(t, e.ec2(fakedata.DemoOptInRegion), &ec2.DescribeInstancesInput{}); len(got) != 0 {
		t.Errorf("%d instances in %s", len(got), fakedata.DemoOptInRegion)
	}
	// Not opted in, or no such region: the credentials are refused there.
	for _, region := range []string{"me-south-1", "xx-fake-1"} {
		err := call(t, e.config(region), "ec2")
		if apiError(t, err, "AuthFailure"); statusOf(t, err) != 401 {
			t.Errorf("%s: status %d", region, statusOf(t, err))
		}
		err = call(t, e.config(region), "rds")
		if apiError(t, err, "InvalidClientTokenId"); statusOf(t, err) != 403 {
			t.Errorf("%s: status %d", region, statusOf(t, err))
		}
	}
	if n := e.srv.Count("", fakedata.DemoAccountID, "me-south-1"); n != 2 {
		t.Errorf("refused calls counted %d times, want 2", n)
	}
}

func TestAccountRouting(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 3, Regions: 1, InstancesPerRegion: 4, Seed: 1})
	srv, url := awsfaketest.NewServer(t, ds)
	for i, acct := range ds.Accounts {
		key, secret := srv.Credentials(acct.ID)
		if key != fakedata.GenAccessKeyID(i) {
			t.Errorf("key %s", key)
		}
		e := endpoint{srv: srv, url: url, key: key, secret: secret}
		got := instanceIDs(allInstances(t, e.ec2("us-east-1"), &ec2.DescribeInstancesInput{}))
		if want := instanceIDs(acct.Regions["us-east-1"].Instances); !slices.Equal(got, want) {
			t.Errorf("account %s sees %v, want %v", acct.ID, got, want)
		}
		id, err := e.sts("us-east-1").GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
		if err != nil || *id.Account != acct.ID {
			t.Errorf("identity %v %v", err, id)
		}
	}
	for _, acct := range ds.Accounts {
		if n := srv.Count("DescribeInstances", acct.ID, "us-east-1"); n != 1 {
			t.Errorf("%s: %d calls", acct.ID, n)
		}
	}
	if k, s := srv.Credentials("999999999999"); k != "" || s != "" {
		t.Error("credentials for an unknown account")
	}
}

func TestCountersAndLog(t *testing.T) {
	e := demoEndpoint(t)
	c := e.ec2("us-east-1")
	c.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{})
	c.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{InstanceIds: []string{"i-00000000"}}) // fails
	e.ec2("eu-west-1").DescribeImages(ctx(t), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	e.sts("us-east-1").GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	_, err := c.DescribeNatGateways(ctx(t), &ec2.DescribeNatGatewaysInput{}) // not served
	if ae := apiError(t, err, "InvalidAction"); ae.ErrorMessage() != "The action DescribeNatGateways is not valid for this web service." {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	for _, tc := range []struct {
		op, account, region string
		want                int
	}{
		{"DescribeInstances", "", "", 2},
		{"DescribeInstances", fakedata.DemoAccountID, "us-east-1", 2},
		{"DescribeInstances", "", "eu-west-1", 0},
		{"", "", "eu-west-1", 1},
		{"", fakedata.DemoAccountID, "", 5},
		{"", "", "", 5},
	} {
		if got := e.srv.Count(tc.op, tc.account, tc.region); got != tc.want {
			t.Errorf("Count(%q, %q, %q) = %d, want %d", tc.op, tc.account, tc.region, got, tc.want)
		}
	}
	want := []string{"ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeNatGateways", "sts:GetCallerIdentity"}
	if got := e.srv.Operations(); !slices.Equal(got, want) {
		t.Errorf("Operations() = %q, want %q", got, want)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 5 {
		t.Fatalf("%d requests", len(reqs))
	}
	if r := reqs[1]; r.Status != 400 || r.Code != "InvalidInstanceID.NotFound" || r.Params.Get("InstanceId.1") != "i-00000000" ||
		r.Service != "ec2" || r.Operation != "DescribeInstances" || r.Region != "us-east-1" || r.Account != fakedata.DemoAccountID {
		t.Errorf("failed request recorded as %+v", r)
	}
	if r := reqs[0]; r.Status != 200 || r.Code != "" || r.Canceled {
		t.Errorf("request recorded as %+v", r)
	}
	reqs[0].Params.Set("Action", "changed")
	if e.srv.Requests()[0].Params.Get("Action") != "DescribeInstances" {
		t.Error("Requests does not return a copy")
	}
	e.srv.Reset()
	if n := e.srv.Count("", "", ""); n != 0 || len(e.srv.Operations()) != 0 {
		t.Errorf("after Reset: %d requests", n)
	}
}

func TestUnknownActions(t *testing.T) {
	e := demoEndpoint(t)
	_, err := e.rds("us-east-1").DescribeDBClusters(ctx(t), &rds.DescribeDBClustersInput{})
	if ae := apiError(t, err, "InvalidAction"); ae.ErrorMessage() != "Could not find operation DescribeDBClusters for version 2014-10-31" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	_, err = e.sts("us-east-1").GetSessionToken(ctx(t), &sts.GetSessionTokenInput{})
	apiError(t, err, "InvalidAction")
}

func TestFaultErrors(t *testing.T) {
	e := demoEndpoint(t)
	e.srv.AddFault(awsfake.Fault{Service: "ec2", Operation: "DescribeInstances", Region: "us-west-2", Code: "RequestLimitExceeded"})
	e.srv.AddFault(awsfake.Fault{Service: "rds", Code: "Throttling"})
	e.srv.AddFault(awsfake.Fault{Service: "sts", Code: "First", Message: "first wins", Status: 500})
	e.srv.AddFault(awsfake.Fault{Service: "sts", Code: "Second"})

	_, err := e.ec2("us-west-2").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{})
	if ae := apiError(t, err, "RequestLimitExceeded"); ae.ErrorMessage() != "Request limit exceeded." || statusOf(t, err) != 503 {
		t.Errorf("%q %d", ae.ErrorMessage(), statusOf(t, err))
	}
	if _, err := e.ec2("us-east-1").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{}); err != nil {
		t.Errorf("other region hit by the fault: %v", err)
	}
	_, err = e.rds("eu-west-1").DescribeDBInstances(ctx(t), &rds.DescribeDBInstancesInput{})
	if ae := apiError(t, err, "Throttling"); ae.ErrorMessage() != "Rate exceeded" || statusOf(t, err) != 400 {
		t.Errorf("%q %d", ae.ErrorMessage(), statusOf(t, err))
	}
	_, err = e.sts("us-east-1").GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if ae := apiError(t, err, "First"); ae.ErrorMessage() != "first wins" || statusOf(t, err) != 500 {
		t.Errorf("%q %d", ae.ErrorMessage(), statusOf(t, err))
	}
	if r := e.srv.Requests()[0]; r.Code != "RequestLimitExceeded" || r.Status != 503 {
		t.Errorf("recorded %+v", r)
	}
}

func TestFaultTimesAndRetries(t *testing.T) {
	e := demoEndpoint(t)
	e.srv.AddFault(awsfake.Fault{Operation: "DescribeRegions", Code: "RequestLimitExceeded", Times: 2})
	cfg := e.config("us-east-1")
	cfg.RetryMaxAttempts = 0
	cfg.Retryer = fastRetries(3)
	if _, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx(t), &ec2.DescribeRegionsInput{}); err != nil {
		t.Fatalf("third attempt should succeed: %v", err)
	}
	var codes []string
	for _, r := range e.srv.Requests() {
		codes = append(codes, r.Code)
	}
	if want := []string{"RequestLimitExceeded", "RequestLimitExceeded", ""}; !slices.Equal(codes, want) {
		t.Errorf("codes %q, want %q", codes, want)
	}
}

func TestFaultMatch(t *testing.T) {
	e := demoEndpoint(t)
	e.srv.AddFault(awsfake.Fault{
		Operation: "DescribeInstances", Code: "InternalError",
		Match: func(r awsfake.Request) bool { return r.Params.Get("NextToken") != "" },
	})
	p := ec2.NewDescribeInstancesPaginator(e.ec2("us-east-1"), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	if _, err := p.NextPage(ctx(t)); err != nil {
		t.Fatalf("first page: %v", err)
	}
	_, err := p.NextPage(ctx(t))
	if apiError(t, err, "InternalError"); statusOf(t, err) != 500 {
		t.Errorf("status %d", statusOf(t, err))
	}
}

func TestFaultLatency(t *testing.T) {
	e := demoEndpoint(t)
	e.srv.AddFault(awsfake.Fault{Operation: "GetCallerIdentity", Latency: 40 * time.Millisecond})
	e.srv.AddFault(awsfake.Fault{Service: "sts", Latency: 40 * time.Millisecond})
	start := time.Now()
	if _, err := e.sts("us-east-1").GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("latencies do not add up: took %v", d)
	}

	// A client that gives up during the latency is recorded as Canceled.
	e.srv.Reset()
	e.srv.AddFault(awsfake.Fault{Operation: "DescribeRegions", Latency: time.Minute})
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := e.ec2("us-east-1").DescribeRegions(c, &ec2.DescribeRegionsInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		reqs := e.srv.Requests()
		if len(reqs) == 1 && reqs[0].Canceled {
			if reqs[0].Status != 0 || reqs[0].Code != "" {
				t.Errorf("canceled request recorded as %+v", reqs[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cancellation not recorded: %+v", reqs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("the server kept sleeping after the client left")
	}
}

// Probabilistic faults are a pure function of the seed and the requests.
// TestFaultHold: a held request waits for its Hold, which sees it, and
// requests are held outside the server's lock: two of them meet in their
// holds.
func TestFaultHold(t *testing.T) {
	e := demoEndpoint(t)
	arrived := make(chan awsfake.Request, 2)
	both := make(chan struct{})
	e.srv.AddFault(awsfake.Fault{Operation: "DescribeRegions", Hold: func(ctx context.Context, r awsfake.Request) {
		arrived <- r
		select {
		case <-both:
		case <-ctx.Done():
		}
	}})
	errs := make(chan error, 2)
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		go func() {
			_, err := e.ec2(region).DescribeRegions(ctx(t), &ec2.DescribeRegionsInput{})
			errs <- err
		}()
	}
	regions := map[string]bool{}
	for range 2 {
		select {
		case r := <-arrived:
			regions[r.Region] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d requests reached their hold: a held request blocks the others", len(regions))
		}
	}
	close(both)
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if !regions["us-east-1"] || !regions["eu-west-1"] {
		t.Errorf("held %v, want both regions' requests", regions)
	}
}

func TestFaultProbabilityDeterministic(t *testing.T) {
	pattern := func(seed int64) []bool {
		e := demoEndpoint(t, awsfake.WithSeed(seed))
		e.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Code: "RequestLimitExceeded", Probability: 0.5})
		var failed []bool
		for i := 0; i < 40; i++ {
			// The same request again and again: each repetition draws anew.
			_, err := e.ec2("us-east-1").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{
				Filters: []ec2types.Filter{filterOf("instance-type", "t3.micro")},
			})
			failed = append(failed, err != nil)
		}
		return failed
	}
	a, b, c := pattern(42), pattern(42), pattern(43)
	if !slices.Equal(a, b) {
		t.Error("same seed, different failures")
	}
	if slices.Equal(a, c) {
		t.Error("different seed, same failures")
	}
	n := 0
	for _, f := range a {
		if f {
			n++
		}
	}
	if n < 8 || n > 32 {
		t.Errorf("%d of 40 failed at probability 0.5", n)
	}
}
