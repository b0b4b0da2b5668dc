package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

// TestScanEntersAccountsAsTheyAreListed: the accounts of the
// organization's first page are read while its next page is still being
// asked for, and the scan still reads every account of every page once.
// An organization's pages come one after another: a thousand accounts are
// fifty of them, which a scan must not wait for before its first call.
func TestScanEntersAccountsAsTheyAreListed(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 3 pages of 20
	s, srv := connectOrg(t, ds)
	// The next pages wait until a member account of the first is read.
	read := make(chan struct{})
	var readOnce sync.Once
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Match: func(r awsfake.Request) bool {
		return r.Account != ds.Accounts[0].ID
	}, Hold: func(context.Context, awsfake.Request) { readOnce.Do(func() { close(read) }) }})
	var waited []bool // for each later page, whether it waited in vain
	var mu sync.Mutex
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}, Hold: func(ctx context.Context, _ awsfake.Request) {
		inVain := false
		select {
		case <-read:
		case <-time.After(3 * time.Second):
			inVain = true
		case <-ctx.Done():
		}
		mu.Lock()
		waited = append(waited, inVain)
		mu.Unlock()
	}})
	ctx := fetch.WithStats(t.Context(), fetch.NewStats())
	seen := map[string]int{}
	for item, err := range fetch.Scan(ctx, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[item.Account]++
	}
	if len(waited) != 2 || waited[0] || waited[1] {
		t.Errorf("the second and third pages of accounts waited for nothing read (timed out: %v): the scan waited for the whole list", waited)
	}
	if len(seen) != len(ds.Accounts) {
		t.Errorf("the scan read %d accounts, want %d", len(seen), len(ds.Accounts))
	}
	for a, n := range seen {
		if n != 1 {
			t.Errorf("account %s: %d rows, want 1", a, n)
		}
	}
	// The list, once whole, is kept: a second scan asks for no page.
	before := len(srv.Requests())
	for _, err := range fetch.Scan(ctx, s, fetch.Scope{Accounts: []string{ds.Accounts[44].ID}}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range srv.Requests()[before:] {
		if r.Operation == "ListAccounts" {
			t.Errorf("the second scan listed the accounts again")
		}
	}
}

// TestScanFailsWhenALaterPageOfAccountsFails: the accounts of the first
// page are already being read when the next page is refused; the scan
// still ends with the organization's error, never as a whole answer.
func TestScanFailsWhenALaterPageOfAccountsFails(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 25, Regions: 1, InstancesPerRegion: 1, Seed: 1})
	s, srv := connectOrg(t, ds)
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Code: "AccessDeniedException", Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}})
	var got error
	for _, err := range fetch.Scan(fetch.WithStats(t.Context(), fetch.NewStats()), s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			got = err
			break
		}
	}
	var oe *fetch.OrganizationError
	if !errors.As(got, &oe) {
		t.Fatalf("the scan ended with %v, want the organization's error", got)
	}
	if _, err := s.AccountList(t.Context()); err == nil {
		t.Errorf("a list cut short was kept")
	}
}

// TestAlwaysEnabledRegionsNeedNoDescribeRegions: regions launched before
// 2019 are enabled in every account and cannot be disabled. --regions that
// names only such regions makes no DescribeRegions call at all, and with
// no --regions they are read while DescribeRegions is asked for the
// opt-in ones; the rows are the same either way.
func TestAlwaysEnabledRegionsNeedNoDescribeRegions(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 3, Regions: 4, InstancesPerRegion: 2, Seed: 1})
	ds.Accounts[1].OptIn["af-south-1"] = "opted-in"
	rows := func(t *testing.T, regions []string, mod func(*awsfake.Server)) (map[string]int, *awsfake.Server) {
		t.Helper()
		s, srv := connect(t, ds, func(o *fetch.Options) {
			o.ListAccounts, o.MemberRole, o.Regions = true, fakedata.GenMemberRole, regions
		})
		if mod != nil {
			mod(srv)
		}
		seen := map[string]int{}
		for item, err := range fetch.Scan(fetch.WithStats(t.Context(), fetch.NewStats()), s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
			return instances(ctx, c, 0)
		}) {
			if err != nil {
				t.Fatal(err)
			}
			seen[item.Account+"/"+item.Region]++
		}
		return seen, srv
	}
	named := []string{"us-east-1", "us-west-2", "eu-west-1"}
	got, srv := rows(t, named, nil)
	if n := srv.Count("DescribeRegions", "", ""); n != 0 {
		t.Errorf("--regions %v: %d DescribeRegions, want none", named, n)
	}
	want, srv := rows(t, []string{"us-*", "eu-west-1"}, nil) // a glob: DescribeRegions says
	if n := srv.Count("DescribeRegions", "", ""); n != len(ds.Accounts) {
		t.Errorf("--regions with a glob: %d DescribeRegions, want %d", n, len(ds.Accounts))
	}
	maps.DeleteFunc(want, func(k string, _ int) bool {
		_, region, _ := strings.Cut(k, "/")
		return !slices.Contains(named, region)
	})
	if len(got) == 0 || !maps.Equal(got, want) {
		t.Errorf("--regions %v read %v, DescribeRegions' answer gives %v", named, got, want)
	}

	// No --regions: each account's always-enabled regions are read before
	// its DescribeRegions answers (held here until they are).
	read := map[string]chan struct{}{}
	for _, a := range ds.Accounts {
		read[a.ID] = make(chan struct{})
	}
	var once sync.Map
	var inVain sync.Map
	all, _ := rows(t, nil, func(srv *awsfake.Server) {
		srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Hold: func(_ context.Context, r awsfake.Request) {
			if _, done := once.LoadOrStore(r.Account, true); !done {
				close(read[r.Account])
			}
		}})
		srv.AddFault(awsfake.Fault{Operation: "DescribeRegions", Hold: func(ctx context.Context, r awsfake.Request) {
			select {
			case <-read[r.Account]:
			case <-time.After(3 * time.Second):
				inVain.Store(r.Account, true)
			case <-ctx.Done():
			}
		}})
	})
	inVain.Range(func(k, _ any) bool {
		t.Errorf("account %v: DescribeRegions waited for a read that never came: the always-enabled regions waited for it", k)
		return true
	})
	if n := len(all); n != len(ds.Accounts)*4 {
		t.Errorf("%d (account, region) pairs read, want %d", n, len(ds.Accounts)*4)
	}
}

// TestFirstPageOfAccountsBesideTheIdentity: the organization's first page
// of accounts is asked for while GetCallerIdentity is (neither needs the
// other), and its calls are still counted under the caller's account.
func TestFirstPageOfAccountsBesideTheIdentity(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 3, Regions: 1, InstancesPerRegion: 1, Seed: 1})
	s, srv := connectOrg(t, ds)
	listed := make(chan struct{})
	var once sync.Once
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Hold: func(context.Context, awsfake.Request) {
		once.Do(func() { close(listed) })
	}})
	var inVain atomic.Bool
	srv.AddFault(awsfake.Fault{Operation: "GetCallerIdentity", Hold: func(ctx context.Context, _ awsfake.Request) {
		select {
		case <-listed:
		case <-time.After(3 * time.Second):
			inVain.Store(true)
		case <-ctx.Done():
		}
	}})
	st := fetch.NewStats()
	if _, err := scanInstances(fetch.WithStats(t.Context(), st), s, fetch.Scope{}, 0); err != nil {
		t.Fatal(err)
	}
	if inVain.Load() {
		t.Errorf("GetCallerIdentity waited for a ListAccounts that came only after it")
	}
	calls := st.Snapshot().Calls["ListAccounts"]
	if len(calls) != 1 || calls[ds.Accounts[0].ID]["us-east-1"] != 1 {
		t.Errorf("ListAccounts counted as %v, want once under the caller's account %s", calls, ds.Accounts[0].ID)
	}
}

// TestTargetsAreWhatAScanReads: the targets Targets returns (what explain
// counts and check walks) are those a scan reads, and its failures those
// the scan reports, for --regions selections and pushed-down regions,
// whether DescribeRegions answers or is refused. Refused, the regions
// every account has enabled are still read by a scan; Targets must say
// so, not count the account as one target it cannot read.
func TestTargetsAreWhatAScanReads(t *testing.T) {
	for _, refused := range []bool{false, true} {
		for _, regions := range [][]string{nil, {"us-east-1", "us-west-2"}, {"us-east-1", "af-south-1"}, {"us-*"}} {
			for _, scope := range [][]string{nil, {"us-east-1"}, {"af-south-1"}} {
				name := fmt.Sprintf("DescribeRegions refused %v, --regions %v, region in %v", refused, regions, scope)
				ds := fakedata.Generate(fakedata.GenOptions{Accounts: 2, Regions: 2, InstancesPerRegion: 1, Seed: 1})
				s, srv := connect(t, ds, func(o *fetch.Options) {
					o.ListAccounts, o.MemberRole, o.Regions = true, fakedata.GenMemberRole, regions
				})
				if refused {
					srv.AddFault(awsfake.Fault{Operation: "DescribeRegions", Code: "UnauthorizedOperation"})
				}
				sc := fetch.Scope{Regions: scope}
				targets, failures, err := s.Targets(t.Context(), sc)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var planned []string
				for _, tg := range targets {
					planned = append(planned, tg.Account+"/"+tg.Region)
				}
				st := fetch.NewStats()
				before := len(srv.Requests())
				if _, err := scanInstances(fetch.WithStats(t.Context(), st), s, sc, 0); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var read []string
				for _, r := range srv.Requests()[before:] {
					if r.Operation == "DescribeInstances" {
						read = append(read, r.Account+"/"+r.Region)
					}
				}
				slices.Sort(planned)
				slices.Sort(read)
				if !slices.Equal(planned, read) {
					t.Errorf("%s: Targets says %v, the scan read %v", name, planned, read)
				}
				if got := st.Snapshot().Targets.Failed; got != len(failures) {
					t.Errorf("%s: Targets says %d cannot be read, the scan reported %d", name, len(failures), got)
				}
			}
		}
	}
}

// TestScanStoppedEarlyKeepsTheAccountList: a scan that stops at its first
// row (a LIMIT, an EXISTS, a correlated subquery's inner scan) still
// lists the organization whole, once: the next scans list nothing.
func TestScanStoppedEarlyKeepsTheAccountList(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 3 pages of 20
	s, srv := connectOrg(t, ds)
	// The later pages come slowly: the first row comes before them.
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Latency: 100 * time.Millisecond, Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}})
	ctx := fetch.WithStats(t.Context(), fetch.NewStats())
	for range 3 {
		for _, err := range fetch.Scan(ctx, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
			return instances(ctx, c, 0)
		}) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	first, all := 0, 0
	for _, r := range srv.Requests() {
		if r.Operation == "ListAccounts" {
			all++
			if r.Params.Get("NextToken") == "" {
				first++
			}
		}
	}
	if first != 1 || all != 3 {
		t.Errorf("three scans stopped at their first row asked for the first page of accounts %d times and for %d pages, want the 3 pages once", first, all)
	}
}

// TestScanStoppedEarlyWaitsForNoPage: a scan stopped at its first row
// (a LIMIT) returns while the organization's later pages are still being
// asked for, and the list goes on, kept for the next scan: a LIMIT 1 over a
// large organization waited for its fiftieth page, and under --timeout
// called its whole answer incomplete.
func TestScanStoppedEarlyWaitsForNoPage(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 3 pages of 20
	s, srv := connectOrg(t, ds)
	release := make(chan struct{})
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}, Hold: func(ctx context.Context, _ awsfake.Request) {
		select {
		case <-release:
		case <-ctx.Done():
		}
	}})
	ctx := fetch.WithStats(t.Context(), fetch.NewStats())
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		for _, err := range fetch.Scan(ctx, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
			return instances(ctx, c, 0)
		}) {
			if err != nil {
				t.Error(err)
			}
			break
		}
	}()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Error("a scan stopped at its first row waited for the organization's next page")
	}
	close(release)
	<-returned
	// The list went on: the next scan waits for it rather than ask again.
	n := 0
	for _, err := range fetch.Scan(ctx, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != len(ds.Accounts) {
		t.Errorf("the next scan read %d rows, want %d", n, len(ds.Accounts))
	}
	first := 0
	for _, r := range srv.Requests() {
		if r.Operation == "ListAccounts" && r.Params.Get("NextToken") == "" {
			first++
		}
	}
	if first != 1 {
		t.Errorf("the first page of accounts was asked for %d times, want once: the early stop cut the list", first)
	}
	noScanGoroutines(t)
}

// TestScanStoppedEarlyEntersNoMoreAccounts: a scan stopped at its first
// row lets the organization's list finish, but enters none of the
// accounts its later pages bring: their member roles are not assumed.
func TestScanStoppedEarlyEntersNoMoreAccounts(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 3 pages of 20
	s, srv := connectOrg(t, ds)
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Latency: 200 * time.Millisecond, Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}})
	ctx := fetch.WithStats(t.Context(), fetch.NewStats())
	for _, err := range fetch.Scan(ctx, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	noScanGoroutines(t)
	later := map[string]bool{}
	for _, a := range ds.Accounts[20:] {
		later[a.ID] = true
	}
	var assumed []string
	for _, r := range srv.Requests() {
		if r.Operation == "AssumeRole" && later[r.Account] {
			assumed = append(assumed, r.Account)
		}
	}
	if len(assumed) > 0 {
		t.Errorf("the scan stopped at its first row, then assumed the member role of %d accounts of the later pages: %v", len(assumed), assumed)
	}
}

// TestScanStoppedEarlyWaitsForNoTarget: the targets a scan stopped at its
// first row cut short are not what the statement waits for while the
// organization's list finishes: a --timeout then must not name them.
func TestScanStoppedEarlyWaitsForNoTarget(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 3 pages of 20
	s, srv := connectOrg(t, ds)
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Latency: 300 * time.Millisecond, Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}})
	// The other accounts' instances come slowly: they are cut short.
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: 2 * time.Second, Match: func(r awsfake.Request) bool {
		return r.Account != ds.Accounts[0].ID
	}})
	st := fetch.NewStats()
	for _, err := range fetch.Scan(fetch.WithStats(t.Context(), st), s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if running := st.Snapshot().Running; len(running) > 0 {
		t.Errorf("the scan stopped at its first row and returned, still marked running: %v", running)
	}
}

// TestIdentityFailureAsksForItOnce: with --list-accounts, the first page
// of accounts is asked for beside GetCallerIdentity. When the identity
// fails (STS answers 5xx), the error is the identity's, GetCallerIdentity
// is called once (its retries aside), not again for every page of
// accounts or the disk cache's key, and the listing stops.
func TestIdentityFailureAsksForItOnce(t *testing.T) {
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprintf("disk cache %v", disk), func(t *testing.T) {
			ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 3 pages of 20
			s, srv := connect(t, ds, func(o *fetch.Options) {
				o.ListAccounts, o.MemberRole, o.Regions = true, fakedata.GenMemberRole, []string{"us-east-1"}
				if disk {
					o.CacheTTL, o.CacheDir = 10*time.Minute, t.TempDir()
				}
			})
			srv.AddFault(awsfake.Fault{Operation: "GetCallerIdentity", Code: "InternalError"})
			st := fetch.NewStats()
			_, err := s.AccountList(fetch.WithStats(t.Context(), st))
			var ce *fetch.CredentialsError
			if !errors.As(err, &ce) {
				t.Fatalf("AccountList: %v, want the identity's error", err)
			}
			calls := callsOf(st, "GetCallerIdentity")
			if calls != 1 {
				t.Errorf("GetCallerIdentity called %d times, want once", calls)
			}
			pages := 0
			for _, r := range srv.Requests() {
				if r.Operation == "ListAccounts" {
					pages++
				}
			}
			if pages > 1 {
				t.Errorf("ListAccounts asked for %d pages after the identity failed, want at most the first", pages)
			}
		})
	}
}

// connectOrg connects to ds's organization (--list-accounts) in us-east-1.
func connectOrg(t *testing.T, ds *fakedata.Dataset) (*fetch.Session, *awsfake.Server) {
	t.Helper()
	return connect(t, ds, func(o *fetch.Options) {
		o.ListAccounts, o.MemberRole, o.Regions = true, fakedata.GenMemberRole, []string{"us-east-1"}
	})
}

// TestStatsCountTheRequestsSent: the calls --stats counts are the
// requests AWS received, operation by operation, when the identity, the
// role chain, a member role or a region's call is refused, and when all
// answer. A call that never left the process (it could not be signed) is
// not one: the organization's first page, asked for beside a role chain
// that fails, was counted under account "".
func TestStatsCountTheRequestsSent(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 25, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 2 pages of 20
	chainHop := "arn:aws:iam::" + fakedata.GenAccountID(1) + ":role/" + fakedata.GenMemberRole
	for _, tc := range []struct {
		name  string
		chain []string
		fault *awsfake.Fault
	}{
		{"all answer", nil, nil},
		{"the chain's second hop refused", []string{chainHop, "arn:aws:iam::" + fakedata.GenAccountID(2) + ":role/Nope"}, nil},
		{"the chain's role cannot list the organization", []string{chainHop}, nil},
		{"the identity refused", nil, &awsfake.Fault{Operation: "GetCallerIdentity", Code: "AccessDenied"}},
		{"a member role refused", nil, &awsfake.Fault{Operation: "AssumeRole", Account: fakedata.GenAccountID(3), Code: "AccessDenied"}},
		{"a region's instances refused", nil, &awsfake.Fault{Operation: "DescribeInstances", Account: fakedata.GenAccountID(4), Code: "UnauthorizedOperation"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, srv := connect(t, ds, func(o *fetch.Options) {
				o.ListAccounts, o.MemberRole, o.Regions, o.RoleChain = true, fakedata.GenMemberRole, []string{"us-east-1"}, tc.chain
			})
			if tc.fault != nil {
				srv.AddFault(*tc.fault)
			}
			st := fetch.NewStats()
			for range fetch.Scan(fetch.WithStats(t.Context(), st), s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
				return instances(ctx, c, 0)
			}) {
			}
			counted := map[string]int{}
			for op, byAccount := range st.Snapshot().Calls {
				for _, byRegion := range byAccount {
					for _, n := range byRegion {
						counted[op] += n
					}
				}
			}
			// A request written as its call was cut short (a refused
			// identity ends the listing) is counted at once; awsfake
			// logs it once its handler has read it.
			var sent map[string]int
			for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				sent = map[string]int{}
				for _, r := range srv.Requests() {
					sent[r.Operation]++
				}
				if maps.Equal(counted, sent) || time.Now().After(deadline) {
					break
				}
			}
			if !maps.Equal(counted, sent) {
				t.Errorf("--stats counted %v, AWS received %v", counted, sent)
			}
		})
	}
}

// TestStatsCountAPageInFlightWhenTheScanStops: a scan stopped at its first
// row (a LIMIT) while the organization's next page is in flight does not
// wait for it, and the statement prints its --stats as soon as its cursor
// is closed: that page, which AWS received, must be counted by then. It
// was counted once answered, after the statement's statistics were printed,
// so --stats showed fewer ListAccounts calls than AWS received.
func TestStatsCountAPageInFlightWhenTheScanStops(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1}) // 3 pages of 20
	s, srv := connectOrg(t, ds)
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Match: func(r awsfake.Request) bool {
		return r.Params.Get("NextToken") != ""
	}, Hold: func(ctx context.Context, _ awsfake.Request) { <-ctx.Done() }})
	st := fetch.NewStats()
	stmt, endStmt := context.WithCancel(fetch.WithStats(t.Context(), st))
	defer endStmt()
	cursor, closeCursor := context.WithCancel(stmt)
	for _, err := range fetch.Scan(cursor, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		// The second page is asked for before the row is taken.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if slices.ContainsFunc(srv.Requests(), func(r awsfake.Request) bool {
				return r.Operation == "ListAccounts" && r.Params.Get("NextToken") != ""
			}) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the second page was never asked for")
			}
		}
		break
	}
	closeCursor() // the statement's end closes its cursors, then prints
	counted := callsOf(st, "ListAccounts")
	sent := 0
	for _, r := range srv.Requests() {
		if r.Operation == "ListAccounts" {
			sent++
		}
	}
	if counted != sent {
		t.Errorf("--stats counted %d ListAccounts calls, AWS received %d", counted, sent)
	}
}

// TestStatsSettleCountsTheFirstPageInFlight: a statement cut (--timeout,
// Ctrl-C) while the organization's first page is in flight: the scan
// returns without waiting for the list, and that page is counted only
// once answered, its account known then. The statement's --stats waits
// (Settle) for the lists its scans left going, which its end cut: the
// page AWS received is counted.
func TestStatsSettleCountsTheFirstPageInFlight(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 45, Regions: 1, InstancesPerRegion: 1, Seed: 1})
	s, srv := connectOrg(t, ds)
	srv.AddFault(awsfake.Fault{Operation: "ListAccounts", Hold: func(ctx context.Context, _ awsfake.Request) {
		select {
		case <-ctx.Done():
		case <-time.After(300 * time.Millisecond): // the connection's end may go unseen
		}
	}})
	st := fetch.NewStats()
	stmt, endStmt := context.WithCancel(fetch.WithStats(t.Context(), st))
	go func() {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if slices.ContainsFunc(srv.Requests(), func(r awsfake.Request) bool { return r.Operation == "ListAccounts" }) {
				break
			}
		}
		endStmt() // the statement times out
	}()
	for _, err := range fetch.Scan(stmt, s, fetch.Scope{}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
		return instances(ctx, c, 0)
	}) {
		if err != nil {
			break
		}
	}
	st.Settle()
	counted := callsOf(st, "ListAccounts")
	if counted != 1 {
		t.Errorf("--stats counted %d ListAccounts calls, AWS received 1", counted)
	}
}

// callsOf is the number of calls to op that st counted, in every account
// and region.
func callsOf(st *fetch.Stats, op string) int {
	n := 0
	for _, byRegion := range st.Snapshot().Calls[op] {
		for _, c := range byRegion {
			n += c
		}
	}
	return n
}
