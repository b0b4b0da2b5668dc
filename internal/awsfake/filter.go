package awsfake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// This file holds what the EC2 and RDS handlers share: reading query-protocol
// lists, EC2 filter semantics (wildcards, OR within a filter, AND across
// filters) and opaque paging tokens.

// listParam reads a query-protocol list: prefix.1, prefix.2, ... in index
// order (e.g. "InstanceId" for InstanceId.N).
func listParam(p url.Values, prefix string) []string {
	type item struct {
		n int
		v string
	}
	var items []item
	for k, vs := range p {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok || len(vs) == 0 {
			continue
		}
		if n, err := strconv.Atoi(rest); err == nil {
			items = append(items, item{n, vs[0]})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// indexes returns the distinct N of keys shaped prefix.N.<anything>, sorted.
func indexes(p url.Values, prefix string) []int {
	seen := map[int]bool{}
	for k := range p {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if n, err := strconv.Atoi(num); err == nil {
			seen[n] = true
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// filter is one Name with its Values (ORed).
type filter struct {
	name   string
	values []string
}

// ec2Filters reads Filter.N.Name and Filter.N.Value.M.
func ec2Filters(p url.Values) []filter {
	var out []filter
	for _, n := range indexes(p, "Filter") {
		pre := fmt.Sprintf("Filter.%d.", n)
		out = append(out, filter{name: p.Get(pre + "Name"), values: listParam(p, pre+"Value")})
	}
	return out
}

// rdsFilters reads Filters.Filter.N.Name and Filters.Filter.N.Values.Value.M.
func rdsFilters(p url.Values) []filter {
	var out []filter
	for _, n := range indexes(p, "Filters.Filter") {
		pre := fmt.Sprintf("Filters.Filter.%d.", n)
		out = append(out, filter{name: p.Get(pre + "Name"), values: listParam(p, pre+"Values.Value")})
	}
	return out
}

// ec2Fields maps the EC2 filter names a resource supports to the values an
// item has for it (an item matches a filter when any of its values matches
// any of the filter's values).
type ec2Fields[T any] map[string]func(*T) []string

// compileEC2Filters turns filters into one predicate with EC2's semantics:
// wildcard values, OR within a filter, AND across filters, tag:<Key>,
// tag-key and tag-value through tags. An unknown name is an error.
// maxEC2FilterValues is how many filter values EC2 takes in one call, all
// filters together.
const maxEC2FilterValues = 200

func compileEC2Filters[T any](filters []filter, fields ec2Fields[T], tags func(*T) []ec2types.Tag) (func(*T) bool, *apiError) {
	values := 0
	for _, f := range filters {
		values += len(f.values)
	}
	if values > maxEC2FilterValues {
		return nil, invalidParameterValue("The maximum number of filter values specified on a single call is %d", maxEC2FilterValues)
	}
	var preds []func(*T) bool
	for _, f := range filters {
		var get func(*T) []string
		switch {
		case strings.HasPrefix(f.name, "tag:") && tags != nil:
			key := strings.TrimPrefix(f.name, "tag:")
			get = func(t *T) []string {
				var vs []string
				for _, tag := range tags(t) {
					if deref(tag.Key) == key {
						vs = append(vs, deref(tag.Value))
					}
				}
				return vs
			}
		case f.name == "tag-key" && tags != nil:
			get = func(t *T) []string {
				var vs []string
				for _, tag := range tags(t) {
					vs = append(vs, deref(tag.Key))
				}
				return vs
			}
		case f.name == "tag-value" && tags != nil:
			get = func(t *T) []string {
				var vs []string
				for _, tag := range tags(t) {
					vs = append(vs, deref(tag.Value))
				}
				return vs
			}
		default:
			get = fields[f.name]
		}
		if get == nil {
			return nil, invalidParameterValue("The filter '%s' is invalid", f.name)
		}
		patterns := make([]wildcard, len(f.values))
		for i, v := range f.values {
			patterns[i] = compileWildcard(v)
		}
		preds = append(preds, func(t *T) bool {
			for _, have := range get(t) {
				for _, p := range patterns {
					if p.match(have) {
						return true
					}
				}
			}
			return false
		})
	}
	return func(t *T) bool {
		for _, p := range preds {
			if !p(t) {
				return false
			}
		}
		return true
	}, nil
}

// wildcard is a compiled EC2 filter value: '*' matches any run of
// characters, '?' exactly one, and a backslash makes the next '*', '?' or
// '\' literal (before any other character it is itself literal).
type wildcard []wildcardToken

type wildcardToken struct {
	kind byte // 'l' literal, '*' any run, '?' one character
	r    rune
}

func compileWildcard(s string) wildcard {
	rs := []rune(s)
	var w wildcard
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\\' && i+1 < len(rs) && (rs[i+1] == '*' || rs[i+1] == '?' || rs[i+1] == '\\'):
			i++
			w = append(w, wildcardToken{'l', rs[i]})
		case r == '*' || r == '?':
			w = append(w, wildcardToken{kind: byte(r)})
		default:
			w = append(w, wildcardToken{'l', r})
		}
	}
	return w
}

// match reports whether the whole of s matches, backtracking only to the
// last '*' (which suffices for a single-star-kind glob).
func (w wildcard) match(s string) bool {
	rs := []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(rs) {
		switch {
		case pi < len(w) && (w[pi].kind == '?' || (w[pi].kind == 'l' && w[pi].r == rs[si])):
			pi++
			si++
		case pi < len(w) && w[pi].kind == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(w) && w[pi].kind == '*' {
		pi++
	}
	return pi == len(w)
}

// Paging. A token encodes the offset of the next item and a fingerprint of
// the query (operation, account, region and every parameter except the
// paging ones), so a token is rejected when replayed against another query.

func queryFingerprint(c *call) string {
	p := url.Values{}
	for k, v := range c.params {
		switch k {
		case "NextToken", "MaxResults", "Marker", "MaxRecords":
			continue
		}
		p[k] = v
	}
	h := sha256.Sum256([]byte(c.service + "\x00" + c.action + "\x00" + c.account.ID + "\x00" + c.region + "\x00" + p.Encode()))
	return hex.EncodeToString(h[:6])
}

func encodeToken(c *call, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%s", offset, queryFingerprint(c))))
}

// decodeToken returns the offset a token encodes, or false when the token
// is malformed or belongs to another query.
func decodeToken(c *call, token string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	off, fp, ok := strings.Cut(string(b), ".")
	if !ok || fp != queryFingerprint(c) {
		return 0, false
	}
	n, err := strconv.Atoi(off)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// pageBounds cuts [offset, offset+max) out of n items; max <= 0 means all.
// It reports whether items remain after the page.
func pageBounds(n, offset, max int) (lo, hi int, more bool) {
	lo = min(offset, n)
	hi = n
	if max > 0 && lo+max < n {
		hi = lo + max
	}
	return lo, hi, hi < n
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
