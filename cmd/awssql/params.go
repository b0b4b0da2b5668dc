package main

import (
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/awssql/awssql/queries"
)

// parseParams reads --param name=value.
func parseParams(list []string) (map[string]string, error) {
	params := map[string]string{}
	for _, p := range list {
		name, value, ok := strings.Cut(p, "=")
		name = strings.TrimLeft(strings.TrimSpace(name), ":@$")
		if !ok || !paramNameRE.MatchString(name) {
			return nil, usageErrorf("--param %q: write name=value", p)
		}
		params[name] = value
	}
	return params, nil
}

var (
	paramNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	paramUseRE  = regexp.MustCompile(`[:@$]([A-Za-z_][A-Za-z0-9_]*)`)
	// positionalRE is SQLite's ? and ?NNN, which --param cannot bind.
	positionalRE = regexp.MustCompile(`\?[0-9]*`)
)

// usedParams lists the named parameters a statement refers to, outside
// string literals and comments.
func usedParams(stmt string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range paramUseRE.FindAllStringSubmatch(stripLiterals(stmt), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// bindParams types the values: as the query declares (text, integer,
// real), else as a number only when the text is one written as it reads
// back (42, -7, 2.5, 1.0), so that an account id with a leading zero, a +1 or
// 1e3 stay the text they were given as.
func bindParams(given map[string]string, decl []queries.Param) (map[string]any, error) {
	types := map[string]string{}
	for _, p := range decl {
		types[p.Name] = p.Type
	}
	out := make(map[string]any, len(given))
	for name, v := range given {
		b, err := bindValue(v, types[name])
		if err != nil {
			return nil, usageErrorf("--param %s=%s: %v", name, v, err)
		}
		out[name] = b
	}
	return out, nil
}

func bindValue(v, typ string) (any, error) {
	switch typ {
	case "text":
		return v, nil
	case "integer":
		i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("the query declares it an integer: give a whole number")
		}
		return i, nil
	case "date":
		if !isDate(v) {
			return nil, fmt.Errorf("the query declares it a date: give YYYY-MM-DD (a time may follow) or now")
		}
		return v, nil
	case "real":
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, fmt.Errorf("the query declares it a real: give a number")
		}
		return f, nil
	}
	if i, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(i, 10) == v {
		return i, nil
	}
	// A REAL reads back as Go writes it (2.5) or as SQLite shows it (1.0,
	// 1.0e+20): a whole number written with ".0" is the REAL it says.
	if f, err := strconv.ParseFloat(v, 64); err == nil && strings.Contains(v, ".") && (strconv.FormatFloat(f, 'f', -1, 64) == v || formatReal(f) == v) {
		return f, nil
	}
	return v, nil
}

// dateLayouts are the forms of a day SQLite's date functions read that a
// --param gives: a day, with a time or not.
var dateLayouts = []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339, time.RFC3339Nano}

// isDate says whether SQLite's julianday() reads v as a day, rather than
// answering NULL, which compares with nothing and empties the answer.
func isDate(v string) bool {
	if v == "now" {
		return true
	}
	for _, l := range dateLayouts {
		if _, err := time.Parse(l, v); err == nil {
			return true
		}
	}
	return false
}

// bindable checks that every parameter the statement uses has a value: an
// unbound parameter would silently be NULL.
func bindable(stmt string, params map[string]any) error {
	if m := positionalRE.FindString(stripLiterals(stmt)); m != "" {
		return usageErrorf("parameter %s has no name: write :name and give --param name=VALUE", m)
	}
	for _, name := range usedParams(stmt) {
		if _, ok := params[name]; !ok {
			return usageErrorf("parameter :%s has no value: add --param %s=VALUE", name, name)
		}
	}
	return nil
}

// knownParams checks that every parameter given is one that the
// statements use or the query declares: a misspelt name would otherwise
// leave the default in place, or bind nothing, and answer quietly.
func knownParams(given map[string]string, what string, known []string) error {
	var unknown []string
	for name := range given {
		if !slices.Contains(known, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	name := unknown[0]
	msg := fmt.Sprintf("--param %s: no parameter :%s in %s", name, name, what)
	if s := closest(name, known); len(s) > 0 {
		msg += " (did you mean " + orList(prefixed(":", s)) + "?)"
	}
	if len(known) == 0 {
		return usageErrorf("%s, which takes none", msg)
	}
	return usageErrorf("%s; the parameters are %s", msg, strings.Join(prefixed(":", slices.Sorted(slices.Values(known))), ", "))
}

func prefixed(p string, list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = p + s
	}
	return out
}

// namedArgs binds the parameters the statement uses.
func namedArgs(stmt string, params map[string]any) []any {
	var args []any
	for _, name := range usedParams(stmt) {
		args = append(args, sql.Named(name, params[name]))
	}
	return args
}
