package main

import (
	"strings"

	"github.com/awssql/awssql/vtab"
)

// scanSQL walks SQL text and calls visit for every byte outside string
// literals, quoted identifiers and comments (code), and for those inside
// (literal). It is what statement splitting and parameter finding share.
func scanSQL(s string, visit func(i int, code bool)) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"' || c == '`' || c == '[':
			end := c
			if c == '[' {
				end = ']'
			}
			visit(i, false)
			for i++; i < len(s); i++ {
				visit(i, false)
				if s[i] == end {
					if end != ']' && i+1 < len(s) && s[i+1] == end { // doubled quote
						i++
						visit(i, false)
						continue
					}
					break
				}
			}
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for ; i < len(s) && s[i] != '\n'; i++ {
				visit(i, false)
			}
			if i < len(s) {
				visit(i, true)
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			stop := len(s)
			if j >= 0 {
				stop = i + 2 + j + 2
			}
			for ; i < stop; i++ {
				visit(i, false)
			}
			i--
		default:
			visit(i, true)
		}
	}
}

// splitStatements splits SQL text at the semicolons that end statements,
// where SQLite says a statement is complete (a trigger body's semicolons
// do not end it), dropping statements that hold nothing but whitespace and
// comments.
func splitStatements(s string) []string {
	var out []string
	add := func(st string) {
		if hasCode(st) {
			out = append(out, strings.TrimSpace(st))
		}
	}
	start := 0
	scanSQL(s, func(i int, code bool) {
		if code && s[i] == ';' && vtab.Complete(s[start:i+1]) {
			add(s[start:i])
			start = i + 1
		}
	})
	add(s[start:])
	return out
}

// hasCode reports whether SQL text holds more than whitespace and comments.
func hasCode(s string) bool {
	found := false
	scanSQL(s, func(i int, code bool) {
		if code && !strings.ContainsRune(" \t\n\r;", rune(s[i])) {
			found = true
		}
	})
	return found
}

// stripLiterals blanks out literals and comments, keeping offsets.
func stripLiterals(s string) string {
	b := []byte(s)
	scanSQL(s, func(i int, code bool) {
		if !code {
			b[i] = ' '
		}
	})
	return string(b)
}
