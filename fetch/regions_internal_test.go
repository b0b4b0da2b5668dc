package fetch

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestDefaultRegionsAreTheFakesAlwaysEnabled: the regions awssql reads
// without asking DescribeRegions are exactly those awsfake (after AWS)
// reports as opt-in-not-required.
func TestDefaultRegionsAreTheFakesAlwaysEnabled(t *testing.T) {
	var always []string
	for _, r := range fakedata.Regions() {
		if !slices.Contains(fakedata.OptInRegions(), r) {
			always = append(always, r)
		}
	}
	got := slices.Sorted(slices.Values(defaultRegions("aws")))
	if slices.Sort(always); !slices.Equal(got, always) {
		t.Errorf("defaultRegions(aws) = %v, awsfake's regions that need no opt-in = %v", got, always)
	}
}

// TestSureRegionsAgreeWithDescribeRegions walks --regions selections and
// scopes (the region pushed down from WHERE) and checks, for an account
// with an opt-in region enabled, that an account's targets are the same
// whether the always-enabled regions are read before DescribeRegions
// answers, without it, or from its answer alone: the same targets, the
// same regions reported as not enabled, the same mistakes found.
func TestSureRegionsAgreeWithDescribeRegions(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 2, InstancesPerRegion: 1, Seed: 1})
	ds.Accounts[0].OptIn["af-south-1"] = "opted-in"
	patterns := [][]string{
		nil, {"us-east-1"}, {"us-east-1", "eu-west-1"}, {"af-south-1"}, {"me-south-1"}, {"us-east-1", "me-south-1"},
		{"eu-*"}, {"af-*"}, {"us-east-1", "af-*"}, {"eu-wast-1"}, {"us-east-1", "eu-wast-1"}, {"xx-*"}, {"us-east-1", "xx-*"}, {"*"},
	}
	scopes := [][]string{nil, {"us-east-1"}, {"af-south-1"}, {"us-east-1", "af-south-1"}, {"me-south-1"}, {"eu-wast-1"}, {"us-east-1", "eu-north-1"}}
	srv, url := awsfaketest.NewServer(t, ds)
	for _, p := range patterns {
		s := openSession(t, srv, url, ds, func(o *Options) { o.Regions = p })
		account := ds.Accounts[0].ID
		for _, r := range scopes {
			sc := Scope{Regions: r}
			name := fmt.Sprintf("--regions %v, region in %v", p, r)
			// From DescribeRegions alone, as before regions were known.
			wantT, wantF, wantErr := describedTargets(t, s, account, sc)
			// Without early: the sure regions are in the answer.
			got, gotF, gotErr := s.accountTargets(t.Context(), account, sc, nil)
			compareTargets(t, name+", at once", wantT, wantF, wantErr, got, gotF, gotErr)
			// With early: the sure regions come first, the others after.
			var early []Target
			rest, restF, restErr := s.accountTargets(t.Context(), account, sc, func(ts []Target) { early = append(early, ts...) })
			if restErr == nil && slices.ContainsFunc(rest, func(t Target) bool { return slices.Contains(early, t) }) {
				t.Errorf("%s: a target both early (%v) and after (%v)", name, early, rest)
			}
			// A typo in --regions is the query's mistake: no target of it
			// is read, no row printed, before the error says so.
			var re *RegionError
			if errors.As(restErr, &re) && len(early) > 0 {
				t.Errorf("%s: %v, after %v were handed early to be read", name, restErr, early)
			}
			if restErr != nil {
				early = nil
			}
			compareTargets(t, name+", early", wantT, wantF, wantErr, append(early, rest...), restF, restErr)
		}
	}
}

// describedTargets is what an account's targets were before awssql knew
// the always-enabled regions: DescribeRegions' answer, under --regions
// and the scope.
func describedTargets(t *testing.T, s *Session, account string, sc Scope) ([]Target, []string, error) {
	t.Helper()
	if err := s.Reach(t.Context(), account); err != nil {
		t.Fatal(err)
	}
	regions, disabled, err := s.TargetRegions(t.Context(), account)
	if err != nil {
		return nil, nil, err
	}
	var targets []Target
	for _, r := range regions {
		if len(sc.Regions) == 0 || slices.Contains(sc.Regions, r) {
			targets = append(targets, Target{Account: account, Region: r})
		}
	}
	var off []string
	for _, r := range disabled {
		if len(sc.Regions) == 0 || slices.Contains(sc.Regions, r) {
			off = append(off, r)
		}
	}
	return targets, off, nil
}

func compareTargets(t *testing.T, name string, wantT []Target, wantF []string, wantErr error, got []Target, gotF []*TargetError, gotErr error) {
	t.Helper()
	var wre, gre *RegionError
	if errors.As(wantErr, &wre) != errors.As(gotErr, &gre) || (wantErr == nil) != (gotErr == nil) {
		t.Errorf("%s: error %v, want %v", name, gotErr, wantErr)
		return
	}
	if wantErr != nil {
		if wre != nil && !slices.Equal(wre.Patterns, gre.Patterns) {
			t.Errorf("%s: error %v, want %v", name, gotErr, wantErr)
		}
		return
	}
	key := func(ts []Target) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Account+"/"+t.Region)
		}
		slices.Sort(out)
		return out
	}
	if g, w := key(got), key(wantT); !slices.Equal(g, w) {
		t.Errorf("%s: targets\n got %s\nwant %s", name, strings.Join(g, " "), strings.Join(w, " "))
	}
	var off []string
	for _, f := range gotF {
		off = append(off, f.Region)
	}
	slices.Sort(off)
	if !slices.Equal(off, wantF) {
		t.Errorf("%s: regions not enabled %v, want %v", name, off, wantF)
	}
}
