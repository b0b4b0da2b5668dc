package fetch_test

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// testOps are what the tests' own list functions call, declared as a
// table declares its operations.
var testOps = []fetch.Operation{
	fetch.Read[ec2.DescribeInstancesOutput]("EC2", "DescribeInstances", "ec2:DescribeInstances"),
	fetch.Stream("S3", "GetObject", "s3:GetObject"),
}

// fourRegions are the regions dataset has resources in.
var fourRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}

// connect starts awsfake with ds and opens a session on its first account.
func connect(t *testing.T, ds *fakedata.Dataset, mod func(*fetch.Options)) (*fetch.Session, *awsfake.Server) {
	t.Helper()
	srv, url := awsfaketest.NewServer(t, ds)
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	opts := fetch.Options{
		AccessKeyID: key, SecretAccessKey: secret, EndpointURL: url, HomeRegion: "us-east-1",
		Isolated: true, Regions: fourRegions, Operations: testOps,
	}
	if mod != nil {
		mod(&opts)
	}
	s, err := fetch.NewSession(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, op := range srv.Operations() {
			svc, name, _ := strings.Cut(op, ":")
			if !onAllowlist(svc, name) {
				t.Errorf("awsfake saw %s, which is not on the allowlist", op)
			}
		}
	})
	return s, srv
}

func onAllowlist(signingName, op string) bool {
	for _, o := range fetch.Allowlist(testOps) {
		if strings.EqualFold(strings.SplitN(o.Action, ":", 2)[0], signingName) && o.Name == op {
			return true
		}
	}
	return false
}

func dataset() *fakedata.Dataset {
	return fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 12, Seed: 1})
}

// TestAllowlist: fetch's own operations only read, the tables' are added
// once each, and a declaration that writes is refused at session start.
func TestAllowlist(t *testing.T) {
	var got []string
	for _, op := range fetch.Allowlist(append(testOps, testOps...)) {
		got = append(got, op.Action)
	}
	want := []string{
		"ec2:DescribeInstances", "ec2:DescribeRegions",
		"organizations:DescribeOrganization", "organizations:ListAccounts", "organizations:ListAccountsForParent",
		"organizations:ListOrganizationalUnitsForParent", "organizations:ListParents",
		"s3:GetObject", "s3:ListBucket", // HeadBucket, for a bucket's region
		"sts:AssumeRole", "sts:GetCallerIdentity",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("allowlist (-want +got):\n%s", diff)
	}
	if err := fetch.CheckReadOnly(fetch.Allowlist(nil)); err != nil {
		t.Error(err)
	}
	write := fetch.Read[ec2.TerminateInstancesOutput]("EC2", "TerminateInstances", "ec2:TerminateInstances")
	_, err := fetch.NewSession(context.Background(), fetch.Options{AccessKeyID: "AKIA", SecretAccessKey: "x", Isolated: true,
		Operations: []fetch.Operation{write}})
	if err == nil || !strings.Contains(err.Error(), "EC2 TerminateInstances") {
		t.Errorf("a session allowing TerminateInstances: %v, want refused", err)
	}
}

// TestReadOnlyGuard: a write is refused inside the SDK, before it is
// signed or sent.
func TestReadOnlyGuard(t *testing.T) {
	s, srv := connect(t, dataset(), nil)
	c := s.Client(fetch.Target{Account: "100000000000", Region: "us-east-1"})
	_, err := fetch.Service(c, ec2.NewFromConfig).TerminateInstances(context.Background(), &ec2.TerminateInstancesInput{InstanceIds: []string{"i-12345678"}})
	var na *fetch.ErrNotAllowed
	if !errors.As(err, &na) || na.Operation != "TerminateInstances" {
		t.Fatalf("TerminateInstances: %v, want ErrNotAllowed", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("awsfake saw %d requests, want none", n)
	}
}

func instances(ctx context.Context, c *fetch.Client, max int64) iter.Seq2[[]ec2types.Instance, error] {
	return func(yield func([]ec2types.Instance, error) bool) {
		in := &ec2.DescribeInstancesInput{MaxResults: aws.Int32(fetch.PageSize(max, 5, 1000))}
		p := ec2.NewDescribeInstancesPaginator(fetch.Service(c, ec2.NewFromConfig), in)
		for items, err := range fetch.Pages(ctx, p, func(o *ec2.DescribeInstancesOutput) []ec2types.Instance {
			var out []ec2types.Instance
			for _, r := range o.Reservations {
				out = append(out, r.Instances...)
			}
			return out
		}, max) {
			if !yield(items, err) {
				return
			}
		}
	}
}

func scanInstances(ctx context.Context, s *fetch.Session, sc fetch.Scope, max int64) ([]fetch.Item[ec2types.Instance], error) {
	var out []fetch.Item[ec2types.Instance]
	for it, err := range fetch.Scan(ctx, s, sc, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, max)
	}) {
		if err != nil {
			return out, err
		}
		out = append(out, it)
	}
	return out, nil
}

func TestScanFansOut(t *testing.T) {
	s, srv := connect(t, dataset(), nil)
	st := fetch.NewStats()
	ctx := fetch.WithStats(context.Background(), st)
	items, err := scanInstances(ctx, s, fetch.Scope{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 48 {
		t.Errorf("%d instances, want 48", len(items))
	}
	for _, r := range fourRegions {
		if n := srv.Count("DescribeInstances", "", r); n != 1 {
			t.Errorf("%s: %d DescribeInstances calls, want 1", r, n)
		}
	}
	snap := st.Snapshot()
	if snap.Targets != (fetch.TargetCounts{Planned: 4, OK: 4}) {
		t.Errorf("targets %+v", snap.Targets)
	}
	if got := snap.Calls["DescribeInstances"]["100000000000"]["us-west-1"]; got != 1 {
		t.Errorf("stats count %d calls in us-west-1, want 1", got)
	}
	// The region scope trims the fan-out before any call (a new session:
	// this one would answer from its cache).
	s, srv = connect(t, dataset(), nil)
	items, err = scanInstances(ctx, s, fetch.Scope{Regions: []string{"us-west-1"}, Accounts: []string{"100000000000"}}, 0)
	if err != nil || len(items) != 12 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	if n := srv.Count("DescribeInstances", "", ""); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	// An account outside the connection: nothing to call.
	srv.Reset()
	items, err = scanInstances(ctx, s, fetch.Scope{Accounts: []string{"999999999999"}}, 0)
	if err != nil || len(items) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("other account: %d items, %v, %d requests", len(items), err, len(srv.Requests()))
	}
}

func TestScanFailuresAreReported(t *testing.T) {
	for _, strict := range []bool{false, true} {
		s, srv := connect(t, dataset(), func(o *fetch.Options) { o.Strict = strict })
		srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-2", Code: "UnauthorizedOperation", Status: 403, Message: "You are not authorized to perform this operation."})
		st := fetch.NewStats()
		items, err := scanInstances(fetch.WithStats(context.Background(), st), s, fetch.Scope{}, 0)
		snap := st.Snapshot()
		want := fetch.Failure{Account: "100000000000", Region: "us-west-2", Operation: "DescribeInstances",
			Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."}
		if diff := cmp.Diff([]fetch.Failure{want}, snap.Failures); diff != "" {
			t.Errorf("strict=%v failures (-want +got):\n%s", strict, diff)
		}
		if strict {
			var te *fetch.TargetError
			if !errors.As(err, &te) || te.Code != "UnauthorizedOperation" {
				t.Errorf("strict: error %v, want the target's", err)
			}
			continue
		}
		if err != nil || len(items) != 36 {
			t.Errorf("%d items, %v: want the other three regions' 36", len(items), err)
		}
		if snap.Targets != (fetch.TargetCounts{Planned: 4, OK: 3, Failed: 1}) {
			t.Errorf("targets %+v", snap.Targets)
		}
	}
}

func TestScanStopsAtLimitAndCancels(t *testing.T) {
	s, srv := connect(t, dataset(), nil)
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-1", Latency: 5 * time.Second})
	start := time.Now()
	var n int
	for _, err := range fetch.Scan(context.Background(), s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 1)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("stopping took %v: the slow region was not cancelled", took)
	}
	for _, r := range srv.Requests() {
		if r.Params.Get("NextToken") != "" {
			t.Errorf("a call carried a NextToken: %v", r.Params)
		}
	}
	if n != 1 {
		t.Errorf("%d items", n)
	}
	// The slow call, if it reached awsfake before the scan stopped, was
	// cancelled rather than answered.
	deadline := time.Now().Add(2 * time.Second)
	for {
		pending := 0
		for _, r := range srv.Requests() {
			if r.Region == "us-west-1" && !r.Canceled {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests to the slow region were not cancelled", pending)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRegionSelection(t *testing.T) {
	tests := []struct {
		patterns []string
		want     []string
		err      string
	}{
		{patterns: []string{"eu-west-*"}, want: []string{"eu-west-1", "eu-west-2", "eu-west-3"}},
		{patterns: []string{"us-east-1", "us-east-1"}, want: []string{"us-east-1"}},
		{patterns: []string{"xx-*"}, err: "no such region: xx-*"},
		{patterns: []string{"eu-west-9"}, err: "no such region: eu-west-9"},
	}
	for _, tt := range tests {
		s, _ := connect(t, dataset(), func(o *fetch.Options) { o.Regions = tt.patterns })
		id, err := s.Identity(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got, disabled, err := s.TargetRegions(context.Background(), id.Account)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v: error %v, want %q", tt.patterns, err, tt.err)
			}
			continue
		}
		if err != nil || len(disabled) != 0 {
			t.Fatalf("%v: %v %v", tt.patterns, err, disabled)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.patterns, diff)
		}
	}
	// A region named explicitly but not enabled is reported, not dropped.
	s, _ := connect(t, dataset(), func(o *fetch.Options) { o.Regions = []string{"af-south-1", "us-east-1"} })
	st := fetch.NewStats()
	_, err := scanInstances(fetch.WithStats(context.Background(), st), s, fetch.Scope{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	snap := st.Snapshot()
	if len(snap.Failures) != 1 || snap.Failures[0].Region != "af-south-1" || snap.Failures[0].Code != "OptInRequired" {
		t.Errorf("failures %+v: want af-south-1 reported as not enabled", snap.Failures)
	}
}

func TestParseRegions(t *testing.T) {
	for in, want := range map[string][]string{"": nil, " us-east-1 , eu-* ": {"us-east-1", "eu-*"}, "ap-?outh*-1": {"ap-?outh*-1"}} {
		got, err := fetch.ParseRegions(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseRegions(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"US-EAST-1", "us_east_1", "useast1", "eu-[a]", "us-east-1;rm"} {
		if _, err := fetch.ParseRegions(bad); err == nil {
			t.Errorf("ParseRegions(%q): want an error", bad)
		}
	}
}

func TestCredentialsErrors(t *testing.T) {
	s, _ := connect(t, dataset(), func(o *fetch.Options) { o.SecretAccessKey = "wrong-secret-value" })
	_, err := s.Identity(context.Background())
	var ce *fetch.CredentialsError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want a CredentialsError", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") {
		t.Errorf("the error shows the secret: %v", err)
	}
	if !strings.Contains(err.Error(), "SignatureDoesNotMatch") && !strings.Contains(err.Error(), "InvalidClientTokenId") {
		t.Errorf("error %q does not name AWS's code", err)
	}
}

func TestCallCache(t *testing.T) {
	// A glob: DescribeRegions is needed, and asked once.
	s, srv := connect(t, dataset(), func(o *fetch.Options) { o.Regions = []string{"us-*"} })
	ctx := context.Background()
	for range 3 {
		if _, err := scanInstances(ctx, s, fetch.Scope{}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Count("DescribeInstances", "", ""); n != 4 {
		t.Errorf("%d calls for three identical scans, want 4 (one per region)", n)
	}
	if n := srv.Count("DescribeRegions", "", ""); n != 1 {
		t.Errorf("%d DescribeRegions, want 1", n)
	}
}
