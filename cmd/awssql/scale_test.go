package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// statsOf reads the last --stats=json line of stderr.
func statsOf(t *testing.T, stderr string) statsJSON {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	st := statsJSON{Stats: fetch.NewStats()}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &st); err != nil {
		t.Fatalf("no stats line: %v\n%s", err, stderr)
	}
	return st
}

// TestThrottlingGivesExactResults: with 30% of calls throttled, the
// organization-wide answer is the same as without.
func TestThrottlingGivesExactResults(t *testing.T) {
	const q = "SELECT account_id, region, count(*), group_concat(instance_id) FROM (SELECT * FROM ec2_instances ORDER BY instance_id) GROUP BY 1, 2 ORDER BY 1, 2"
	clean, chain := newOrg(t, 3, fakedata.GenOptions{Seed: 4, InstancesPerRegion: 12})
	want := clean.run(append(chainArgs(chain), "--list-accounts", q)...)
	if want.code != 0 {
		t.Fatalf("exit %d: %s", want.code, want.stderr)
	}
	throttled, chain := newOrg(t, 3, fakedata.GenOptions{Seed: 4, InstancesPerRegion: 12}, awsfake.WithSeed(9))
	throttled.srv.AddFault(awsfake.Fault{Service: "ec2", Code: "RequestLimitExceeded", Status: 503, Probability: 0.3,
		Message: "Request limit exceeded."})
	got := throttled.run(append(chainArgs(chain), "--list-accounts", "--stats=json", q)...)
	if got.code != 0 {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	if got.stdout != want.stdout {
		t.Errorf("throttled result differs:\n%s\nwant:\n%s", got.stdout, want.stdout)
	}
	st := statsOf(t, got.stderr)
	if st.Throttles == 0 || st.Retries < st.Throttles {
		t.Errorf("stats: %d throttles, %d retries: want them counted", st.Throttles, st.Retries)
	}
}

func TestHangingRegion(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-1", Latency: time.Hour})
	start := time.Now()
	r := f.run("--call-timeout", "300ms", "SELECT count(*) FROM ec2_instances")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v", took)
	}
	if r.code != 3 || !strings.Contains(r.stderr, "region us-west-1: DescribeInstances: Timeout: no answer within 300ms (--call-timeout)") {
		t.Errorf("exit %d, stderr %q: want the hanging region reported", r.code, r.stderr)
	}
	if r.stdout != "count(*)\n15\n" {
		t.Errorf("stdout %q: want the other regions' 15", r.stdout)
	}

	start = time.Now()
	r = f.run("--timeout", "500ms", "SELECT count(*) FROM ec2_instances")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("--timeout took %v", took)
	}
	if r.code != 124 || !strings.Contains(r.stderr, "timed out after 500ms") || !strings.Contains(r.stderr, "region us-west-1") {
		t.Errorf("exit %d, stderr %q: want 124 naming the region still running", r.code, r.stderr)
	}
}

func TestServerErrorsAreReportedWithinSeconds(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-east-2", Code: "InternalError", Status: 500, Message: "We encountered an internal error."})
	start := time.Now()
	r := f.run("SELECT count(*) FROM ec2_instances")
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("a failing region took %v to report", took)
	}
	if r.code != 3 || !strings.Contains(r.stderr, "us-east-2: DescribeInstances: InternalError") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if n := f.srv.Count("DescribeInstances", "", "us-east-2"); n != 3 {
		t.Errorf("%d attempts at the failing region, want 3", n)
	}
}

func TestIgnoreErrors(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-1", Code: "UnauthorizedOperation", Status: 403, Message: "denied by an SCP"})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-2", Code: "AccessDeniedException", Status: 400, Message: "denied"})
	for _, args := range [][]string{{}, {"--strict"}} {
		r := f.run(append(args, "--ignore-errors", "UnauthorizedOperation,AccessDenied*", "--stats=json", "SELECT count(*) FROM ec2_instances")...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "count(*)\n10\n") {
			t.Errorf("%v: exit %d %q %s", args, r.code, r.stdout, r.stderr)
		}
		st := statsOf(t, r.stderr)
		if len(st.Ignored) != 2 || len(st.Failures) != 0 || st.Targets.Ignored != 2 {
			t.Errorf("%v: stats ignored %v failures %v", args, st.Ignored, st.Failures)
		}
	}
	// Codes not listed still fail.
	r := f.run("--ignore-errors", "AccessDenied*", "SELECT count(*) FROM ec2_instances")
	if r.code != 3 || !strings.Contains(r.stderr, "UnauthorizedOperation") {
		t.Errorf("exit %d %s", r.code, r.stderr)
	}
}

func TestGroupedFailureReport(t *testing.T) {
	f, chain := newOrg(t, 12, fakedata.GenOptions{Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-east-2", Code: "UnauthorizedOperation", Status: 403, Message: "You are not authorized to perform this operation."})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Account: fakedata.GenAccountID(3), Region: "us-east-1", Code: "InternalError", Status: 500, Message: "internal"})
	r := f.run(append(chainArgs(chain), "--list-accounts", "SELECT count(*) FROM ec2_instances")...)
	if r.code != 3 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := []string{
		"awssql: 13 targets failed:",
		"  DescribeInstances UnauthorizedOperation in 12 targets (account 100000000000, region us-east-2; account 100000000001, region us-east-2; account 100000000002, region us-east-2, ...): You are not authorized to perform this operation.",
		"  DescribeInstances InternalError in 1 targets (account 100000000003, region us-east-1): internal (3 attempts)",
		"  (--stats=json lists every failure)",
	}
	if got := strings.Split(strings.TrimSpace(r.stderr), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, strings.Join(want, "\n"))
	}
}

func TestInProcessCache(t *testing.T) {
	tests := []struct {
		name, sql string
		op        string
		calls     int
	}{
		// The inner side is the same full scan for every outer row.
		{"self-join", `SELECT count(*) FROM ec2_instances a JOIN ec2_instances b ON a.launch_time = b.launch_time`, "DescribeInstances", 4},
		// The inner side looks each instance up by id: each once.
		{"self-join by id", `SELECT count(*) FROM ec2_instances a JOIN ec2_instances b ON a.instance_id = b.instance_id
			AND a.account_id = b.account_id AND a.region = b.region`, "DescribeInstances", 4 + 80},
		{"a repeated subquery", `SELECT (SELECT count(*) FROM ec2_instances WHERE instance_state = 'running'),
			(SELECT count(*) FROM ec2_instances WHERE instance_state = 'running')`, "DescribeInstances", 4},
		{"the same statement twice", "SELECT count(*) FROM rds_instances; SELECT count(*) FROM rds_instances", "DescribeDBInstances", 4},
		{"an IN list with a repeated value", "SELECT count(*) FROM images WHERE region = 'us-east-1' AND image_id IN ('ami-0123456789abcdef0', 'ami-0123456789abcdef0', 'ami-0123456789abcdef1')", "DescribeImages", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 20, ImagesPerRegion: 3, DBInstancesPerRegion: 2, Seed: 1})
			r := f.run(tt.sql)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if n := f.srv.Count(tt.op, "", ""); n > tt.calls {
				t.Errorf("%d %s calls, want at most %d", n, tt.op, tt.calls)
			}
			// No (account, region, operation, input) was called twice.
			seen := map[string]bool{}
			for _, q := range f.requestsOf(tt.op) {
				k := q.Account + q.Region + q.Params.Encode()
				if seen[k] {
					t.Errorf("%s called twice with %s in %s", tt.op, q.Params.Encode(), q.Region)
				}
				seen[k] = true
			}
		})
	}
}

func TestProgressLine(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: 400 * time.Millisecond})
	r := f.run("--progress", "SELECT count(*) FROM ec2_instances")
	if r.code != 0 || !strings.Contains(r.stderr, "targets, ") || !strings.HasSuffix(r.stderr, "\r\033[K") {
		t.Errorf("exit %d, stderr %q: want progress lines, cleared at the end", r.code, r.stderr)
	}
	if r.stdout != "count(*)\n20\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if r := f.run("SELECT count(*) FROM ec2_instances"); r.stderr != "" {
		t.Errorf("stderr is not a terminal: want no progress, got %q", r.stderr)
	}
}
