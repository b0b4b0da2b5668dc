package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chzyer/readline"

	"github.com/awssql/awssql/vtab"
)

const shellHelp = `Statements end with ";" and may span lines. Ctrl-C cancels the running
statement (or the line being typed); Ctrl-D or .quit leaves.

.tables                 list the tables
.schema [TABLE]         show a table's columns and what pushes down
.mode MODE              output: table, csv, tsv, json, jsonl, markdown
.stats on|off           print what each statement cost
.timer on|off           print how long each statement took
.read FILE              run the statements of FILE
.help                   this text
.quit                   leave (also .exit)
`

var dotCommands = []string{".tables", ".schema", ".mode", ".stats", ".timer", ".read", ".help", ".quit", ".exit"}

// shell reads statements from the terminal until Ctrl-D or .quit. One
// connection (accounts, roles, regions, cache) serves every statement, so
// a statement run again is answered from the in-process cache.
func (a *app) shell(ctx context.Context) error {
	if a.opts.output == "" {
		a.opts.output = "table"
	}
	histPath := a.historyPath()
	if histPath != "" {
		if err := prepareHistory(histPath); err != nil {
			fmt.Fprintf(a.io.errOut, "awssql: history: %v\n", err)
			histPath = ""
		}
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:          "awssql> ",
		HistoryFile:     histPath,
		AutoComplete:    &completer{a: a},
		InterruptPrompt: "^C",
		EOFPrompt:       "",
		Stdin:           io.NopCloser(a.io.in),
		Stdout:          a.io.out,
		Stderr:          a.io.errOut,
	})
	if err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	defer rl.Close()
	fmt.Fprintln(a.io.out, `awssql shell: end statements with ";", .help for commands, Ctrl-D to leave`)
	var buf strings.Builder
	timer := false
	for {
		if buf.Len() == 0 {
			rl.SetPrompt("awssql> ")
		} else {
			rl.SetPrompt("   ...> ")
		}
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			buf.Reset()
			continue
		}
		if err != nil { // io.EOF: Ctrl-D
			return nil
		}
		if buf.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ".") {
			quit, err := a.dotCommand(ctx, strings.Fields(strings.TrimSpace(line)), &timer)
			if err != nil {
				fmt.Fprintln(a.io.errOut, "awssql: "+message(err))
			}
			if quit {
				return nil
			}
			continue
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		stmts, rest := completeStatements(buf.String())
		buf.Reset()
		buf.WriteString(rest)
		for _, st := range stmts {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			a.shellStatement(ctx, st, timer)
		}
	}
}

// shellStatement runs one statement; Ctrl-C cancels it (its calls too)
// and the shell goes on.
func (a *app) shellStatement(ctx context.Context, stmt string, timer bool) {
	given, err := parseParams(a.opts.params)
	var params map[string]any
	if err == nil {
		params, err = bindParams(given, nil)
	}
	if err == nil {
		err = bindable(stmt, params)
	}
	if err != nil {
		fmt.Fprintln(a.io.errOut, "awssql: "+message(err))
		return
	}
	w, err := newWriter(a.opts.output, a.io.out, a.writerOptions())
	if err != nil {
		fmt.Fprintln(a.io.errOut, "awssql: "+message(err))
		return
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	restore := a.onInterrupt(cancel)
	defer restore()
	start := time.Now()
	err = a.runStatement(sctx, stmt, params, w)
	switch {
	case err == nil:
	case sctx.Err() != nil && ctx.Err() == nil:
		var ie *interruptedError
		if !errors.As(err, &ie) {
			ie = &interruptedError{}
		}
		fmt.Fprintln(a.io.errOut, "awssql: "+ie.Error())
	case !isPipeClosed(err) && !errors.As(err, new(*reportedError)):
		fmt.Fprintln(a.io.errOut, "awssql: "+message(err))
	}
	if timer {
		fmt.Fprintf(a.io.errOut, "run time: %.3fs\n", time.Since(start).Seconds())
	}
}

// completeStatements splits off the statements that end with ";" and
// returns the unfinished rest.
func completeStatements(text string) (stmts []string, rest string) {
	end := -1
	scanSQL(text, func(i int, code bool) {
		if code && text[i] == ';' && vtab.Complete(text[:i+1]) {
			end = i
		}
	})
	if end < 0 {
		return nil, text
	}
	return splitStatements(text[:end+1]), strings.TrimLeft(text[end+1:], " \t\n")
}

func (a *app) dotCommand(ctx context.Context, f []string, timer *bool) (quit bool, err error) {
	onOff := func(name string) (bool, error) {
		if len(f) != 2 || (f[1] != "on" && f[1] != "off") {
			return false, usageErrorf("%s on|off", name)
		}
		return f[1] == "on", nil
	}
	switch f[0] {
	case ".quit", ".exit":
		return true, nil
	case ".help":
		fmt.Fprint(a.io.out, shellHelp)
	case ".tables":
		return false, a.tablesCommand().RunE(nil, nil)
	case ".schema":
		if len(f) == 1 {
			for _, t := range a.catalogTables() {
				if err := a.schemaCommand().RunE(nil, []string{t}); err != nil {
					return false, err
				}
				fmt.Fprintln(a.io.out)
			}
			return false, nil
		}
		return false, a.schemaCommand().RunE(nil, f[1:2])
	case ".mode":
		if len(f) != 2 {
			return false, usageErrorf(".mode %s", strings.Join(formats, "|"))
		}
		if _, err := newWriter(f[1], io.Discard, writerOptions{}); err != nil {
			return false, err
		}
		a.opts.output = f[1]
	case ".stats":
		on, err := onOff(".stats")
		if err != nil {
			return false, err
		}
		a.opts.stats = map[bool]string{true: "text", false: ""}[on]
	case ".timer":
		on, err := onOff(".timer")
		if err != nil {
			return false, err
		}
		*timer = on
	case ".read":
		if len(f) != 2 {
			return false, usageErrorf(".read FILE")
		}
		b, err := os.ReadFile(f[1])
		if err != nil {
			return false, err
		}
		for _, st := range splitStatements(string(b)) {
			a.shellStatement(ctx, st, *timer)
		}
	default:
		return false, usageErrorf("unknown command %s: .help lists them", f[0])
	}
	return false, nil
}

func (a *app) catalogTables() []string {
	eng, err := catalog()
	if err != nil {
		return nil
	}
	var names []string
	for _, t := range eng.Tables() {
		names = append(names, t.Name)
	}
	return names
}

// historyPath is the shell's history under the XDG state directory.
func (a *app) historyPath() string {
	dir := a.io.getenv("XDG_STATE_HOME")
	if dir == "" {
		home := a.io.getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "awssql", "history")
}

// prepareHistory makes the history file private before readline opens it:
// statements may name accounts and resources.
func prepareHistory(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	return os.Chmod(path, 0o600)
}

// completer completes dot-commands, table names, column names and SQL
// keywords at the cursor.
type completer struct {
	a    *app
	once sync.Once
	word []string
}

var sqlKeywords = []string{"SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT", "JOIN", "LEFT JOIN", "ON", "AND", "OR", "NOT",
	"IN", "LIKE", "IS NULL", "IS NOT NULL", "COUNT(*)", "DISTINCT", "AS", "WITH", "MATERIALIZED", "HAVING", "json_extract"}

func (c *completer) words() []string {
	c.once.Do(func() {
		seen := map[string]bool{}
		add := func(w string) {
			if !seen[w] {
				seen[w] = true
				c.word = append(c.word, w)
			}
		}
		if eng, err := catalog(); err == nil {
			for _, t := range eng.Tables() {
				add(t.Name)
				for _, col := range t.Columns {
					add(col.Name)
				}
			}
		}
		for _, k := range sqlKeywords {
			add(k)
		}
		sort.Strings(c.word)
	})
	return c.word
}

func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	head := string(line[:pos])
	trimmed := strings.TrimLeft(head, " ")
	start := strings.LastIndexAny(head, " \t\n(,=<>.") + 1
	var cands []string
	switch {
	case strings.HasPrefix(trimmed, ".") && !strings.ContainsAny(trimmed, " \t"):
		start = strings.Index(head, ".")
		cands = dotCommands
	case strings.HasPrefix(trimmed, ".schema "):
		cands = c.a.catalogTables()
	case strings.HasPrefix(trimmed, ".mode "):
		cands = formats
	default:
		cands = c.words()
	}
	prefix := head[start:]
	var out [][]rune
	for _, w := range cands {
		if strings.HasPrefix(strings.ToLower(w), strings.ToLower(prefix)) && (prefix != "" || len(cands) < 20) {
			out = append(out, []rune(w[len(prefix):]+" "))
		}
	}
	return out, len([]rune(prefix))
}
