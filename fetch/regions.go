package fetch

import (
	"fmt"
	"path"
	"regexp"
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
