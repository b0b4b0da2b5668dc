package main

import (
	"slices"
	"strings"
)

// distance is the Levenshtein distance between two names, compared
// without regard to case.
func distance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// closest returns the candidates nearest to name, when they are near
// enough to be what was meant: a typo or two, more in a long name, or
// the name with a prefix or suffix missing.
func closest(name string, candidates []string) []string {
	limit := max(2, len(name)/4)
	if len(name) <= 3 {
		limit = 1
	}
	best := limit + 1
	var out []string
	for _, c := range candidates {
		d := distance(name, c)
		if d > limit && len(name) >= 3 && (strings.HasPrefix(strings.ToLower(c), strings.ToLower(name)) || strings.HasSuffix(strings.ToLower(c), strings.ToLower(name))) {
			d = limit
		}
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best && !slices.Contains(out, c):
			out = append(out, c)
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
