package fetch_test

import (
	"context"
	"iter"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// scanGoroutines lists the goroutines of which a frame is the fan-out's:
// Scan's own and its queue's workers.
func scanGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "awssql/fetch.Scan") || strings.Contains(g, "awssql/fetch.(*targetQueue)") {
			found = append(found, g)
		}
	}
	return found
}

// noScanGoroutines fails the test when goroutines of a fan-out are left
// a while after every scan returned.
func noScanGoroutines(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		left := scanGoroutines()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines of the scan are left:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestScanEndsWhileWorkersWait: the targets of the accounts already
// entered are read, and the workers wait for those of an account still
// being entered (its role assumed slowly). Whether the statement's
// context ends, the consumer stops (a LIMIT), or the account fails under
// --strict, the scan returns at once and leaves no goroutine behind.
func TestScanEndsWhileWorkersWait(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 3, Regions: 4, InstancesPerRegion: 3, Seed: 1})
	const entered = 2 * 4 * 3 // the instances of the two accounts entered
	for _, how := range []string{"context ends", "consumer stops", "the account fails under strict"} {
		t.Run(how, func(t *testing.T) {
			noScanGoroutines(t)
			strict := how == "the account fails under strict"
			s, srv := connect(t, ds, func(o *fetch.Options) {
				o.ListAccounts, o.MemberRole, o.Concurrency, o.Strict = true, fakedata.GenMemberRole, 2, strict
			})
			held, release := make(chan struct{}, 1), make(chan struct{})
			var releaseOnce sync.Once
			unhold := func() { releaseOnce.Do(func() { close(release) }) }
			t.Cleanup(unhold)
			f := awsfake.Fault{Operation: "AssumeRole", Account: ds.Accounts[2].ID, Hold: func(ctx context.Context, _ awsfake.Request) {
				select {
				case held <- struct{}{}:
				default:
				}
				select {
				case <-release:
				case <-ctx.Done():
				}
			}}
			if strict {
				f.Code = "AccessDenied"
			}
			srv.AddFault(f)
			ctx, cancel := context.WithCancel(fetch.WithStats(t.Context(), fetch.NewStats()))
			defer cancel()
			readAll := make(chan struct{})
			var n int
			scanned := make(chan error, 1)
			go func() {
				for _, err := range fetch.Scan(ctx, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
					return instances(ctx, c, 0)
				}) {
					if err != nil {
						scanned <- err
						return
					}
					if n++; n == entered {
						close(readAll)
						if how == "consumer stops" {
							break
						}
					}
				}
				scanned <- nil
			}()
			for _, ch := range []chan struct{}{held, readAll} {
				select {
				case <-ch:
				case <-time.After(10 * time.Second):
					t.Fatalf("the accounts entered were not read, or the slow one's role not asked for (%d rows)", n)
				}
			}
			time.Sleep(200 * time.Millisecond) // the workers have no target left: they wait
			start := time.Now()
			switch how {
			case "context ends":
				cancel()
			case "the account fails under strict":
				unhold()
			}
			select {
			case err := <-scanned:
				if d := time.Since(start); d > time.Second {
					t.Errorf("the scan returned %s after it should have", d)
				}
				if strict {
					if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
						t.Errorf("strict: %v, want the account's failure", err)
					}
				} else if err != nil {
					t.Error(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("the scan has not returned 5 s after it should have (%d rows read)", n)
			}
			if n != entered {
				t.Errorf("%d rows, want the %d of the accounts entered", n, entered)
			}
			noScanGoroutines(t)
		})
	}
}
