package fetch

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

var (
	regionNameRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	regionGlobRE = regexp.MustCompile(`^[a-z0-9*?-]+$`)
)

// ParseRegions checks the syntax of a comma-separated list of region names
// and globs (`us-east-1,eu-*`), before any call is made. Empty means every
// region enabled for the account.
func ParseRegions(list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if err := CheckRegion(p, true); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// CheckRegion validates one region name (or glob, when allowed).
func CheckRegion(p string, glob bool) error {
	if glob && strings.ContainsAny(p, "*?") {
		if !regionGlobRE.MatchString(p) {
			return fmt.Errorf("bad region pattern %q: use lowercase letters, digits, '-', '*' and '?'", p)
		}
		return nil
	}
	if !regionNameRE.MatchString(p) {
		return fmt.Errorf("bad region %q: a region looks like us-east-1", p)
	}
	return nil
}

// RegionError says that --regions names regions that do not exist: a typo
// must not quietly query nothing.
type RegionError struct{ Patterns []string }

func (e *RegionError) Error() string {
	return fmt.Sprintf("--regions: no such region: %s (awssql 'SELECT region, opt_in_status FROM regions' lists them)",
		strings.Join(e.Patterns, ", "))
}

func isGlob(p string) bool { return strings.ContainsAny(p, "*?") }

// regionStatus tells whether a region may be called in an account.
func enabled(r ec2types.Region) bool {
	s := aws.ToString(r.OptInStatus)
	return s == "opt-in-not-required" || s == "opted-in"
}

// selectRegions applies the --regions patterns to what DescribeRegions
// (AllRegions) said for one account. A pattern that matches no region of
// the partition is an error (a typo must not quietly query nothing). A glob
// or an empty list covers the enabled regions; a region named explicitly
// but not enabled in this account is returned in disabled, so that the
// caller reports it rather than leaves it out in silence.
func selectRegions(all []ec2types.Region, patterns []string) (regions, disabled []string, err error) {
	names := map[string]ec2types.Region{}
	for _, r := range all {
		names[aws.ToString(r.RegionName)] = r
	}
	pick := map[string]bool{}
	var missing []string
	if len(patterns) == 0 {
		for n, r := range names {
			if enabled(r) {
				pick[n] = true
			}
		}
	}
	for _, p := range patterns {
		if !isGlob(p) {
			r, ok := names[p]
			switch {
			case !ok:
				missing = append(missing, p)
			case enabled(r):
				pick[p] = true
			default:
				disabled = append(disabled, p)
			}
			continue
		}
		matched := false
		for n, r := range names {
			if ok, _ := path.Match(p, n); ok {
				matched = true
				if enabled(r) {
					pick[n] = true
				}
			}
		}
		if !matched {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return nil, nil, &RegionError{Patterns: missing}
	}
	for n := range pick {
		regions = append(regions, n)
	}
	sort.Strings(regions)
	sort.Strings(disabled)
	return regions, disabled, nil
}

// defaultRegions returns the regions of a partition that every account
// has enabled and cannot disable: those AWS launched before 20 March 2019,
// which DescribeRegions reports as "opt-in-not-required". nil for a
// partition not known here.
func defaultRegions(partition string) []string {
	switch partition {
	case "aws":
		return []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
			"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
			"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2"}
	case "aws-cn":
		return []string{"cn-north-1", "cn-northwest-1"}
	case "aws-us-gov":
		return []string{"us-gov-west-1", "us-gov-east-1"}
	}
	return nil
}

// sureRegions returns the regions of a scan in scope that every account
// of the partition has enabled, which need no DescribeRegions to be
// read, and whether they are all the scope can hold: --regions names only
// such regions (no glob), or is empty and the scope names only such
// regions. Then DescribeRegions could add nothing, nor find a typo.
func sureRegions(partition string, patterns []string, sc Scope) (sure []string, all bool) {
	defaults := defaultRegions(partition)
	inScope := func(r string) bool { return len(sc.Regions) == 0 || slices.Contains(sc.Regions, r) }
	for _, r := range defaults {
		if !inScope(r) {
			continue
		}
		if len(patterns) == 0 || slices.ContainsFunc(patterns, func(p string) bool { ok, _ := path.Match(p, r); return ok }) {
			sure = append(sure, r)
		}
	}
	named := func(names []string) bool {
		return len(names) > 0 && !slices.ContainsFunc(names, func(n string) bool { return isGlob(n) || !slices.Contains(defaults, n) })
	}
	return sure, named(patterns) || (len(patterns) == 0 && named(sc.Regions))
}

// mayBeTypo reports whether a --regions pattern could name no region of
// the partition, which only DescribeRegions can tell: a name that is not
// one of its default regions, or a glob that matches none of them. Until
// it has told, no region is read: a typo is the query's mistake, to be
// said before any row of it is printed.
func mayBeTypo(partition string, patterns []string) bool {
	defaults := defaultRegions(partition)
	return slices.ContainsFunc(patterns, func(p string) bool {
		return !slices.ContainsFunc(defaults, func(r string) bool { ok, _ := path.Match(p, r); return ok })
	})
}
