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
