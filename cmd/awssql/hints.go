package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/awssql/awssql/store"
)

// sqlError is SQLite's error for a statement, with what awssql can add: the
// names nearest to one SQLite did not know, and where in the statement the
// trouble is.
type sqlError struct {
	err  error
	hint string // "did you mean instance_state?"
	at   string // the statement's line, and a caret under the place
}

func (e *sqlError) Error() string { return e.err.Error() }
func (e *sqlError) Unwrap() error { return e.err }

var (
	noSuchRE = regexp.MustCompile(`no such (column|table): ([A-Za-z0-9_.$"]+)`)
	nearRE   = regexp.MustCompile(`near "([^"]+)": syntax error`)
)

// explainSQLError adds a hint and a pointer to SQLite's "no such column",
// "no such table" and syntax errors; other errors pass as they are.
func explainSQLError(err error, stmt string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if m := noSuchRE.FindStringSubmatchIndex(msg); m != nil && msg[m[1]:] != "" && strings.HasPrefix(msg[m[1]:], store.MissingTableNote) {
		// A table that the snapshot read with --db does not hold
		// (store.MissingTable): its own message says why.
		name := strings.TrimPrefix(msg[m[4]:m[5]], "main.")
		return &sqlError{err: errors.New(msg[:m[4]] + name + msg[m[5]:]), at: pointAt(stmt, name)}
	}
	if m := noSuchRE.FindStringSubmatch(msg); m != nil {
		name := strings.ReplaceAll(m[2], `"`, "")
		qualifier, bare := "", name
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			qualifier, bare = name[:i+1], name[i+1:]
		}
		var cands []string
		if m[1] == "column" {
			cands = columnNames(stmt)
		} else {
			cands = tableNames()
		}
		e := &sqlError{err: err, at: pointAt(stmt, name)}
		if q := strings.TrimSuffix(qualifier, "."); q != "" && slices.ContainsFunc(cands, func(c string) bool { return strings.EqualFold(c, bare) }) {
			// The column exists: what SQLite does not know is the
			// table or alias before it.
			if declared(stmt, q) {
				e.hint = q + " has no column " + bare
			} else if s := closest(q, statementTables(stmt)); len(s) > 0 {
				e.hint = "did you mean " + orList(suffixed(s, "."+bare)) + "?"
			} else {
				e.hint = q + " is not a table or alias of the statement"
			}
			return e
		}
		if s := closest(bare, cands); len(s) > 0 {
			e.hint = "did you mean " + orList(prefixed(qualifier, s)) + "?"
		} else if m[1] == "table" {
			e.hint = "awssql tables lists them"
		} else {
			e.hint = "awssql schema TABLE lists a table's columns"
		}
		return e
	}
	if m := nearRE.FindStringSubmatch(msg); m != nil {
		if at := pointAt(stmt, m[1]); at != "" {
			return &sqlError{err: err, at: at}
		}
	}
	return err
}

// tableNames are the tables and their aliases.
func tableNames() []string {
	eng, err := catalog()
	if err != nil {
		return nil
	}
	var names []string
	for _, t := range eng.Tables() {
		names = append(names, t.Name)
		names = append(names, t.Aliases...)
	}
	return names
}

// columnNames are the columns of the tables a statement names, or of
// every table when it names none.
func columnNames(stmt string) []string {
	eng, err := catalog()
	if err != nil {
		return nil
	}
	words := map[string]bool{}
	for _, w := range identRE.FindAllString(strings.ToLower(stripLiterals(stmt)), -1) {
		words[w] = true
	}
	var named, all []string
	for _, t := range eng.Tables() {
		in := words[t.Name]
		for _, a := range t.Aliases {
			in = in || words[a]
		}
		for _, c := range t.Columns {
			if !slices.Contains(all, c.Name) {
				all = append(all, c.Name)
			}
			if in && !slices.Contains(named, c.Name) {
				named = append(named, c.Name)
			}
		}
	}
	if len(named) > 0 {
		return named
	}
	return all
}

// statementTables are the tables the statement names.
func statementTables(stmt string) []string {
	words := map[string]bool{}
	for _, w := range identRE.FindAllString(strings.ToLower(stripLiterals(stmt)), -1) {
		words[w] = true
	}
	var out []string
	for _, t := range tableNames() {
		if words[t] {
			out = append(out, t)
		}
	}
	return out
}

// declared says whether a name appears in the statement other than as a
// qualifier (name.column): as a table or an alias.
func declared(stmt, name string) bool {
	code := strings.ToLower(stripLiterals(stmt))
	for _, m := range identRE.FindAllStringIndex(code, -1) {
		if code[m[0]:m[1]] == strings.ToLower(name) && !strings.HasPrefix(strings.TrimLeft(code[m[1]:], " \t\r\n"), ".") {
			return true
		}
	}
	return false
}

func suffixed(list []string, s string) []string {
	out := make([]string, len(list))
	for i, l := range list {
		out[i] = l + s
	}
	return out
}

var identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_$]*`)

// pointAt shows the line of the statement where a name or token first
// appears in code (not in a string or comment), with a caret under it;
// "" when it does not.
func pointAt(stmt, token string) string {
	code := strings.ToLower(stripLiterals(stmt))
	tok := strings.ToLower(token)
	at := -1
	for from := 0; from < len(code); {
		i := strings.Index(code[from:], tok)
		if i < 0 {
			break
		}
		i += from
		before, after := i == 0 || !isIdentByte(code[i-1]), i+len(tok) == len(code) || !isIdentByte(code[i+len(tok)])
		if before && (after || !isIdentByte(tok[len(tok)-1])) {
			at = i
			break
		}
		from = i + 1
	}
	if at < 0 {
		return ""
	}
	start := strings.LastIndexByte(stmt[:at], '\n') + 1
	end := strings.IndexByte(stmt[at:], '\n')
	if end < 0 {
		end = len(stmt)
	} else {
		end += at
	}
	line, col := strings.TrimRight(stmt[start:end], " \t\r"), utf8.RuneCountInString(stmt[start:at])
	// A long line is shown around the place.
	const width = 100
	if r := []rune(line); len(r) > width {
		from := max(0, min(col-width/2, len(r)-width))
		line = string(r[from:min(len(r), from+width)])
		col -= from
		if from > 0 {
			line, col = "..."+line, col+3
		}
	}
	prefix := "  "
	if n := strings.Count(stmt[:at], "\n"); n > 0 || strings.Contains(stmt[at:], "\n") {
		prefix = fmt.Sprintf("  line %d: ", n+1)
	}
	line = strings.ReplaceAll(line, "\t", " ")
	// The caret goes under the place as the terminal shows it: a wide
	// character (日本語) takes two columns.
	r := []rune(line)
	col = runewidth.StringWidth(string(r[:min(col, len(r))]))
	return prefix + line + "\n" + strings.Repeat(" ", len(prefix)+col) + "^"
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// sqlErrorMessage is the text of an sqlError after SQLite's own message.
func sqlErrorMessage(err error, first string) string {
	var se *sqlError
	if !errors.As(err, &se) {
		return first
	}
	if se.hint != "" {
		first += ": " + se.hint
	}
	if se.at != "" {
		first += "\n" + se.at
	}
	return first
}
