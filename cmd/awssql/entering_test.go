package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestCutWhileAnAccountIsEntered: the targets of the accounts entered are
// read and printed, and the scan's workers wait for those of an account
// whose role is still being assumed. Cut there, by Ctrl-C or --timeout,
// the statement ends at once and says its answer is incomplete, in every
// format: never exit 0 with the accounts that came.
func TestCutWhileAnAccountIsEntered(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		cancel bool
		code   int
		says   string
	}{
		{"timeout", []string{"--timeout", "700ms"}, false, 124, "timed out"},
		{"interrupt", nil, true, 130, "interrupted"},
	} {
		for _, format := range []string{"csv", "json"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				f, _ := newOrg(t, 3, fakedata.GenOptions{Seed: 1})
				release := make(chan struct{})
				var once sync.Once
				t.Cleanup(func() { once.Do(func() { close(release) }) })
				slow := fakedata.GenAccountID(2)
				f.srv.AddFault(awsfake.Fault{Operation: "AssumeRole", Account: slow, Hold: func(ctx context.Context, _ awsfake.Request) {
					select {
					case <-release:
					case <-ctx.Done():
					}
				}})
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tc.cancel {
					time.AfterFunc(700*time.Millisecond, cancel)
				}
				args := append(slices.Clone(tc.args), "--list-accounts", "--concurrency", "2", "-o", format,
					"SELECT account_id, region, instance_id FROM ec2_instances")
				start := time.Now()
				r := f.runIO(ctx, "", false, args...)
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("the statement ended %s after it started: it was not cut at 700 ms", d)
				}
				if r.code != tc.code {
					t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
				}
				// Two accounts entered, two regions, three instances each.
				if want := fmt.Sprintf("%d rows were printed: the answer is incomplete", 2*2*3); !strings.Contains(r.stderr, tc.says) || !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q: want %q and %q", r.stderr, tc.says, want)
				}
				if strings.Contains(r.stdout, slow) {
					t.Errorf("rows of the account still being entered:\n%s", r.stdout)
				}
			})
		}
	}
}

// TestLimitAnswersBeforeTheListEnds: a LIMIT answered from the
// organization's first page of accounts is whole: it ends at once with
// exit 0, even under a --timeout that its later pages would outlast. It
// used to wait for the whole list, then call its whole answer incomplete
// (exit 124).
func TestLimitAnswersBeforeTheListEnds(t *testing.T) {
	f, _ := newOrg(t, 45, fakedata.GenOptions{Seed: 1}) // 3 pages of 20
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}, Hold: func(ctx context.Context, _ awsfake.Request) {
		select {
		case <-release:
		case <-ctx.Done():
		}
	}})
	start := time.Now()
	r := f.run("--timeout", "3s", "--list-accounts", "SELECT account_id FROM ec2_instances LIMIT 1")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0; stderr %q", r.code, r.stderr)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the statement took %s: it waited for the organization's next page", d)
	}
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 {
		t.Errorf("stdout %q: want a header and one row", r.stdout)
	}
}

// TestLaterPageOfAccountsFails: the organization's second page of accounts
// is refused while the accounts of the first are read. A statement that
// needs every account fails with the organization's error (exit 1); one
// whose answer came whole from the first page (a LIMIT, an EXISTS) may
// exit 0; none panics, none exits 0 with a part of what it needs.
func TestLaterPageOfAccountsFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sql   string
		delay time.Duration // before the second page is refused
		code  int           // -1: 0 or 1
	}{
		{"full scan", "SELECT account_id, instance_id FROM ec2_instances", 300 * time.Millisecond, 1},
		{"count", "SELECT count(*) FROM ec2_instances", 300 * time.Millisecond, 1},
		{"group by", "SELECT account_id, count(*) FROM ec2_instances GROUP BY 1", 300 * time.Millisecond, 1},
		{"order by limit", "SELECT instance_id FROM ec2_instances ORDER BY instance_id LIMIT 1", 300 * time.Millisecond, 1},
		{"self join", "SELECT a.instance_id, b.instance_id FROM ec2_instances a JOIN ec2_instances b ON a.account_id = b.account_id", 300 * time.Millisecond, 1},
		{"in subquery", "SELECT count(*) FROM ec2_instances WHERE account_id IN (SELECT account_id FROM ec2_instances WHERE region = 'us-east-2')", 300 * time.Millisecond, 1},
		{"script, the second needs all", "SELECT account_id FROM ec2_instances LIMIT 1; SELECT count(*) FROM ec2_instances", 300 * time.Millisecond, 1},
		{"limit 1, refused late", "SELECT account_id FROM ec2_instances LIMIT 1", 2 * time.Second, 0},
		{"exists, refused late", "SELECT EXISTS (SELECT 1 FROM ec2_instances)", 2 * time.Second, 0},
		{"limit 1, refused at once", "SELECT account_id FROM ec2_instances LIMIT 1", 0, -1},
		{"exists, refused at once", "SELECT EXISTS (SELECT 1 FROM ec2_instances)", 0, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := newOrg(t, 45, fakedata.GenOptions{Seed: 1}) // 3 pages of 20
			f.srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Code: "AccessDeniedException", Status: 400,
				Message: "page two refused", Latency: tc.delay,
				Match: func(r awsfake.Request) bool { return r.Params.Get("NextToken") != "" }})
			r := f.run("--list-accounts", "-o", "csv", tc.sql)
			switch {
			case strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine "):
				t.Fatalf("panic: %s", r.stderr)
			case tc.code == -1 && r.code != 0 && r.code != 1:
				t.Fatalf("exit %d, want 0 or 1; stderr %q", r.code, r.stderr)
			case tc.code >= 0 && r.code != tc.code:
				t.Fatalf("exit %d, want %d; stderr %q; stdout %q", r.code, tc.code, r.stderr, r.stdout)
			}
			if r.code == 1 && !strings.Contains(r.stderr, "page two refused") {
				t.Errorf("exit 1 without the organization's error: %q", r.stderr)
			}
			if r.code == 0 && r.stderr != "" {
				t.Errorf("exit 0 with stderr %q", r.stderr)
			}
		})
	}
}
