package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
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
.mode MODE              output: table, csv, tsv, json, jsonl, markdown, line
.headers on|off         the header line of csv, tsv and table output
.width [N ...]          table column widths: N cuts or pads, -N right-aligns,
                        0 fits the values; no N: every column fits
.output [FILE]          send results to FILE (emptied first); no FILE: back here
.once FILE              send the next statement's results to FILE
.stats on|off           print what each statement cost
.timer on|off           print how long each statement took
.cache clear            forget what this shell fetched: ask AWS again
.show                   the current settings, and the targets that failed
.read FILE              run the statements of FILE
.help                   this text
.quit                   leave (also .exit)
`

var dotCommands = []string{".tables", ".schema", ".mode", ".headers", ".width", ".output", ".once", ".stats", ".timer", ".cache", ".show",
	".read", ".help", ".quit", ".exit"}

// shellState is what the shell's dot-commands set besides the options.
type shellState struct {
	timer      bool
	output     *os.File // .output FILE; nil: the terminal
	outputName string
	once       *os.File // .once FILE, for the next statement only
	onceName   string
}

// results is where the next statement's rows go, and what to do after.
func (a *app) results() (io.Writer, func()) {
	switch {
	case a.sh.once != nil:
		f := a.sh.once
		a.sh.once, a.sh.onceName = nil, ""
		return f, func() {
			if err := f.Close(); err != nil {
				fmt.Fprintln(a.io.errOut, "awssql: .once: "+err.Error())
			}
		}
	case a.sh.output != nil:
		return a.sh.output, func() {}
	}
	return a.io.out, func() {}
}

// closeOutput ends .output and .once: results go to the terminal again.
func (a *app) closeOutput() error {
	var errs []error
	for _, f := range []*os.File{a.sh.output, a.sh.once} {
		if f != nil {
			errs = append(errs, f.Close())
		}
	}
	a.sh.output, a.sh.outputName, a.sh.once, a.sh.onceName = nil, "", nil, ""
	return errors.Join(errs...)
}

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
	defer a.closeOutput()
	fmt.Fprintln(a.io.out, `awssql shell: end statements with ";", .help for commands, Ctrl-D to leave`)
	var buf strings.Builder
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
			quit, err := a.dotCommand(ctx, strings.Fields(strings.TrimSpace(line)))
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
			a.shellStatement(ctx, st)
		}
	}
}

// shellStatement runs one statement; Ctrl-C cancels it (its calls too)
// and the shell goes on.
func (a *app) shellStatement(ctx context.Context, stmt string) {
	// .once is for this statement, even if it fails before it runs.
	out, done := a.results()
	defer done()
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
	w, err := newWriter(a.opts.output, out, a.writerOptions())
	if err != nil {
		fmt.Fprintln(a.io.errOut, "awssql: "+message(err))
		return
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	restore := a.onInterrupt(cancel)
	defer restore()
	start := time.Now()
	err = a.runStatement(sctx, stmt, params, w, false)
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
	if a.sh.timer {
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

func (a *app) dotCommand(ctx context.Context, f []string) (quit bool, err error) {
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
	case ".headers":
		on, err := onOff(".headers")
		if err != nil {
			return false, err
		}
		a.opts.noHeader = !on
	case ".width":
		var widths []int
		for _, w := range f[1:] {
			n, err := strconv.Atoi(w)
			if err != nil {
				return false, usageErrorf(".width %q: give whole numbers, e.g. .width 20 -8 0", w)
			}
			widths = append(widths, n)
		}
		a.opts.widths = widths
	case ".output", ".once":
		if len(f) > 2 || (f[0] == ".once" && len(f) != 2) {
			return false, usageErrorf("%s FILE", f[0])
		}
		if f[0] == ".output" {
			if err := a.closeOutput(); err != nil {
				return false, fmt.Errorf(".output: %w", err)
			}
			if len(f) == 1 {
				return false, nil
			}
		}
		file, err := os.Create(f[1])
		if err != nil {
			return false, fmt.Errorf("%s: %w", f[0], err)
		}
		if f[0] == ".once" {
			if a.sh.once != nil {
				a.sh.once.Close()
			}
			a.sh.once, a.sh.onceName = file, f[1]
		} else {
			a.sh.output, a.sh.outputName = file, f[1]
		}
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
		a.sh.timer = on
	case ".cache":
		if len(f) != 2 || f[1] != "clear" {
			return false, usageErrorf(".cache clear")
		}
		n := 0
		if a.sess != nil {
			n = a.sess.ForgetAnswers()
		}
		a.told, a.toldOrder = nil, nil // a failure met again is news again
		fmt.Fprintf(a.io.out, "forgot %d answers, the accounts and their regions: the next statements ask AWS again\n", n)
	case ".show":
		a.show()
	case ".read":
		if len(f) != 2 {
			return false, usageErrorf(".read FILE")
		}
		b, err := os.ReadFile(f[1])
		if err != nil {
			return false, err
		}
		if err := checkNUL(script{source: f[1], sql: string(b)}); err != nil {
			return false, err
		}
		for _, st := range splitStatements(string(b)) {
			a.shellStatement(ctx, st)
		}
	default:
		msg := fmt.Sprintf("unknown command %s", f[0])
		if s := closest(f[0], dotCommands); len(s) > 0 {
			msg += ": did you mean " + orList(s) + "?"
		}
		return false, usageErrorf("%s (.help lists them)", msg)
	}
	return false, nil
}

// show prints the shell's settings, as sqlite3's .show does, and the
// targets that failed so far.
func (a *app) show() {
	onOff := map[bool]string{true: "on", false: "off"}
	output := "stdout"
	if a.sh.output != nil {
		output = a.sh.outputName
	}
	if a.sh.once != nil {
		output += " (next statement: " + a.sh.onceName + ")"
	}
	var widths []string
	for _, w := range a.opts.widths {
		widths = append(widths, strconv.Itoa(w))
	}
	regions := a.opts.regions
	if regions == "" {
		regions = "every enabled region"
	}
	stats := a.opts.stats
	if stats == "" {
		stats = "off"
	}
	rows := [][2]string{
		{"mode", a.opts.output},
		{"headers", onOff[!a.opts.noHeader]},
		{"width", strings.Join(widths, " ")},
		{"output", output},
		{"stats", stats},
		{"timer", onOff[a.sh.timer]},
		{"regions", regions},
		{"params", strings.Join(a.opts.params, " ")},
	}
	for _, r := range rows {
		fmt.Fprintf(a.io.out, "%10s: %s\n", r[0], r[1])
	}
	if len(a.toldOrder) == 0 {
		fmt.Fprintf(a.io.out, "%10s: none\n", "failed")
	}
	for i, f := range a.toldOrder {
		label := "failed:"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(a.io.out, "%11s %s\n", label, failureLine(f))
	}
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
	case strings.HasPrefix(trimmed, ".headers "), strings.HasPrefix(trimmed, ".stats "), strings.HasPrefix(trimmed, ".timer "):
		cands = []string{"on", "off"}
	case strings.HasPrefix(trimmed, ".cache "):
		cands = []string{"clear"}
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
