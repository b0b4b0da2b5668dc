// Package queries holds awssql's saved queries: .sql files embedded in the
// binary. Each begins with `--` comment lines: the first says what the query
// answers, and lines of the form
//
//	-- param: NAME [TYPE] [= DEFAULT]  DESCRIPTION
//
// declare its named parameters. TYPE is text, integer, real or date (now,
// or a day SQLite's date functions read: YYYY-MM-DD, with a time or not,
// bound as the text given); without it a
// value binds as a number only when it is written as one that reads back
// the same (so 012345678901 stays text). A DEFAULT ends at the first space;
// quote it, SQL-style, to hold spaces: 'a b'. An empty default (two
// spaces after "=") is the empty string; a parameter without "=" has no
// default and must be given. The description follows after two spaces.
package queries

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
)

//go:embed *.sql
var files embed.FS

// Query is one saved query.
type Query struct {
	Name        string
	Description string
	Params      []Param
	SQL         string
	Source      string // where it was read from
}

// Param is a named parameter with its default.
type Param struct {
	Name    string
	Type    string // "text", "integer", "real", "date", or "" when undeclared
	Default string
	// Required: the declaration has no default, so a run must give one.
	Required bool
	Doc      string
}

// Types are the parameter types a query may declare.
var Types = []string{"text", "integer", "real", "date"}

var (
	paramLineRE = regexp.MustCompile(`^--\s*param:(.*)$`)
	paramNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`)
)

// parseParam reads the text after "-- param:".
func parseParam(decl string) (Param, error) {
	s := strings.TrimLeft(decl, " \t")
	name := paramNameRE.FindString(s)
	if name == "" {
		return Param{}, fmt.Errorf("%q: begin with the parameter's name", strings.TrimSpace(decl))
	}
	p := Param{Name: name, Required: true}
	s = s[len(name):]
	// A single space separates the parts of the declaration; two spaces
	// (or a tab) begin the description.
	single := func(s string) (string, bool) {
		if s == "" || s[0] == '=' {
			return s, true
		}
		if s[0] == ' ' && len(s) > 1 && s[1] != ' ' && s[1] != '\t' {
			return s[1:], true
		}
		return s, false
	}
	if rest, ok := single(s); ok {
		if w := paramNameRE.FindString(rest); slices.Contains(Types, w) && (len(rest) == len(w) || strings.ContainsRune(" \t=", rune(rest[len(w)]))) {
			p.Type, s = w, rest[len(w):]
		}
	}
	if rest, ok := single(s); ok && strings.HasPrefix(rest, "=") {
		p.Required = false
		v := strings.TrimPrefix(rest[1:], " ")
		switch {
		case strings.HasPrefix(v, "'"):
			def, n, err := quoted(v)
			if err != nil {
				return Param{}, fmt.Errorf("param %s: %w", name, err)
			}
			p.Default, s = def, v[n:]
		case v == "" || v[0] == ' ' || v[0] == '\t':
			s = v // an empty default: the description follows
		default:
			end := strings.IndexAny(v, " \t")
			if end < 0 {
				end = len(v)
			}
			p.Default, s = v[:end], v[end:]
		}
	}
	if s != "" && !strings.HasPrefix(s, "  ") && !strings.HasPrefix(s, "\t") && !strings.HasPrefix(s, " \t") {
		return Param{}, fmt.Errorf("param %s: cannot read %q: write NAME [TYPE] [= DEFAULT], then two spaces and the description (quote a default that holds spaces)", name, strings.TrimSpace(s))
	}
	p.Doc = strings.TrimSpace(s)
	return p, nil
}

// quoted reads an SQL-style quoted string at the start of s (two single
// quotes are one inside), returning its value and the bytes it took.
func quoted(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), i + 1, nil
	}
	return "", 0, fmt.Errorf("the default %s has no closing quote", s)
}

// ErrNoDescription: a query file does not begin with a comment saying what
// it answers (which a file run by path need not).
var ErrNoDescription = errors.New("begin it with a -- comment saying what it answers")

// Parse reads a query's header.
func Parse(name, source, text string) (Query, error) {
	q := Query{Name: name, SQL: text, Source: source}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "--") {
			break
		}
		if m := paramLineRE.FindStringSubmatch(line); m != nil {
			p, err := parseParam(m[1])
			if err != nil {
				return q, fmt.Errorf("query %s: %w", name, err)
			}
			q.Params = append(q.Params, p)
			continue
		}
		if q.Description == "" {
			q.Description = strings.TrimSpace(strings.TrimPrefix(line, "--"))
		}
	}
	if q.Description == "" {
		return q, fmt.Errorf("query %s: %w", name, ErrNoDescription)
	}
	return q, nil
}

// Builtin returns the embedded queries, sorted by name.
func Builtin() ([]Query, error) {
	return load(files, "embedded")
}

// Dir returns the queries of a folder (e.g. the user's), sorted by name.
func Dir(fsys fs.FS, source string) ([]Query, error) {
	return load(fsys, source)
}

func load(fsys fs.FS, source string) ([]Query, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Query
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		q, err := Parse(strings.TrimSuffix(path.Base(n), ".sql"), source+"/"+n, string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}
