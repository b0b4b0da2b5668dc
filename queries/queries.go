// Package queries holds awssql's saved queries: .sql files embedded in the
// binary. Each begins with `--` comment lines: the first says what the query
// answers, and lines of the form `-- param: name = default  description`
// declare its named parameters.
package queries

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
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
	Name, Default, Doc string
}

var paramRE = regexp.MustCompile(`^--\s*param:\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S*)\s*(.*)$`)

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
		if m := paramRE.FindStringSubmatch(line); m != nil {
			q.Params = append(q.Params, Param{Name: m[1], Default: m[2], Doc: strings.TrimSpace(m[3])})
			continue
		}
		if q.Description == "" {
			q.Description = strings.TrimSpace(strings.TrimPrefix(line, "--"))
		}
	}
	if q.Description == "" {
		return q, fmt.Errorf("query %s: begin it with a -- comment saying what it answers", name)
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
