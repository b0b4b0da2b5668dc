package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/queries"
	"github.com/awssql/awssql/vtab"
)

// script is SQL to run and where it came from (for error messages).
type script struct {
	source string
	sql    string
}

// runSQL runs the SQL argument, the -f files, or stdin.
func (a *app) runSQL(ctx context.Context, args []string) error {
	var scripts []script
	switch {
	case len(args) > 0 && len(a.opts.files) > 0:
		return usageErrorf("give SQL as an argument or with -f, not both")
	case len(args) > 0:
		scripts = append(scripts, script{source: "argument", sql: args[0]})
	case len(a.opts.files) > 0:
		for _, f := range a.opts.files {
			b, err := os.ReadFile(f)
			if err != nil {
				return usageErrorf("-f: %v", err)
			}
			scripts = append(scripts, script{source: f, sql: string(b)})
		}
	case a.io.inTTY:
		return a.shell(ctx)
	default:
		b, err := io.ReadAll(a.io.in)
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		scripts = append(scripts, script{source: "stdin", sql: string(b)})
	}
	return a.runScripts(ctx, scripts, nil, "")
}

// runScripts runs the statements of the scripts in order, with --param
// values over the defaults that a saved query (named what) declares.
func (a *app) runScripts(ctx context.Context, scripts []script, decl []queries.Param, what string) error {
	format := a.opts.output
	if format == "" {
		format = "csv"
		if a.io.outTTY {
			format = "table"
		}
	}
	w, err := newWriter(format, a.io.out, a.writerOptions())
	if err != nil {
		return err
	}
	given, err := parseParams(a.opts.params)
	if err != nil {
		return err
	}
	if a.opts.stats != "" && a.opts.stats != "text" && a.opts.stats != "json" {
		return usageErrorf("--stats takes text or json, not %q", a.opts.stats)
	}
	var stmts []script
	for _, s := range scripts {
		if err := checkNUL(s); err != nil {
			return err
		}
		for _, st := range splitStatements(s.sql) {
			stmts = append(stmts, script{source: s.source, sql: st})
		}
	}
	if len(stmts) == 0 {
		return usageErrorf("no SQL statement to run")
	}
	var known []string
	values := map[string]string{}
	for _, p := range decl {
		known = append(known, p.Name)
		if !p.Required {
			values[p.Name] = p.Default
		}
	}
	for _, st := range stmts {
		for _, name := range usedParams(st.sql) {
			if !slices.Contains(known, name) {
				known = append(known, name)
			}
		}
	}
	if what == "" {
		what = "the statement"
		if len(stmts) > 1 {
			what = "the statements"
		}
	}
	if err := knownParams(given, what, known); err != nil {
		return err
	}
	maps.Copy(values, given)
	params, err := bindParams(values, decl)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		if err := bindable(st.sql, params); err != nil {
			return err
		}
	}
	for _, st := range stmts {
		// One statement, not the shell's: no later statement can ask its
		// calls again.
		if err := a.runStatement(ctx, st.sql, params, w, len(stmts) == 1); err != nil {
			return err
		}
	}
	switch {
	case a.targetsFailed > 0 && a.targetsOK == 0:
		return fmt.Errorf("every target failed (%d)", a.targetsFailed)
	case a.targetsFailed > 0:
		return &partialError{failed: a.targetsFailed, ok: a.targetsOK}
	}
	return nil
}

// oneLoop says whether SQLite's plan for query reads one virtual table in
// one loop, and nothing else (but sorting or grouping what it reads): its
// cursor is then filtered once, and each of the table's calls is made
// once. Calls that rows share (a hydrated column's) and those of a filter
// that may repeat them (vtab.Query.Again) are kept all the same. A join, a
// subquery, a compound, an OR over several indexes, or a plan it cannot
// read: false, and the answers are kept for the calls asked again.
func oneLoop(ctx context.Context, eng *vtab.Engine, db *sql.DB, query string, params map[string]any) bool {
	st := eng.Begin(ctx)
	defer st.End()
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, namedArgs(query, params)...)
	if err != nil {
		return false
	}
	defer rows.Close()
	loops := 0
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return false
		}
		switch {
		case strings.HasPrefix(detail, "USE TEMP B-TREE FOR "):
		case (strings.HasPrefix(detail, "SCAN ") || strings.HasPrefix(detail, "SEARCH ")) && strings.Contains(detail, " VIRTUAL TABLE INDEX "):
			loops++
		default:
			return false
		}
	}
	return rows.Err() == nil && loops == 1
}

// checkNUL refuses SQL that holds a NUL byte: SQLite reads a statement up
// to it, so what follows would be dropped without a word.
func checkNUL(s script) error {
	if i := strings.IndexByte(s.sql, 0); i >= 0 {
		return usageErrorf("%s: line %d holds a NUL byte, which would end the SQL there (a file saved as UTF-16? awssql reads UTF-8)",
			s.source, strings.Count(s.sql[:i], "\n")+1)
	}
	return nil
}

// runStatement runs one statement and streams its rows. last says that
// no statement follows it in this process: then a statement that reads
// one table in one loop keeps no answers in memory, since nothing could
// ask for them again.
func (a *app) runStatement(ctx context.Context, query string, params map[string]any, w resultWriter, last bool) (err error) {
	eng, db, err := a.engine(ctx)
	if err != nil {
		return err
	}
	if last && oneLoop(ctx, eng, db, query, params) {
		ctx = fetch.AskedOnce(ctx)
	}
	st := fetch.NewStats()
	ctx, cancel := context.WithCancelCause(fetch.WithStats(ctx, st))
	defer cancel(nil)
	if a.opts.timeout > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(ctx, a.opts.timeout, errStatementTimeout)
		defer stop()
	}
	// Rows reach a terminal one at a time. Elsewhere (a pipe, a file) they
	// are written when a buffer fills and when the statement is about to
	// wait for AWS, so that they still arrive as the pages do: a write for
	// each row cost more CPU than the row (20,000 reserved instances to a
	// pipe: 0.58 s of CPU against 0.50 s). The wait's flush runs on the
	// goroutine reading the scan, while this one waits for its row; out
	// keeps the writer to one of them regardless.
	var out sync.Mutex
	var outErr error // the wait's flush's
	if !a.io.outTTY {
		ctx = fetch.WithIdle(ctx, func() {
			out.Lock()
			defer out.Unlock()
			if outErr == nil {
				if outErr = w.flush(); outErr != nil {
					cancel(errOutput) // stop every call in flight: nobody reads on
				}
			}
		})
	}
	stmt := eng.Begin(ctx)
	defer stmt.End()
	var nrows int
	printed := &rowsOut{w: w} // used with out held
	gotOut := func() int {
		out.Lock()
		defer out.Unlock()
		return printed.count()
	}
	// A statement cut short never ends as a success, whatever streamed:
	// the error says so and how many rows came before it.
	defer func() {
		switch {
		case isPipeClosed(err):
			// The reader went away (| head): the rest of the answer
			// was not delivered.
			err = &interruptedError{rows: gotOut(), closed: true}
		case ctx.Err() == nil, context.Cause(ctx) == errOutput:
			// A write that failed otherwise (a full disk) is its own
			// error, not an interrupt.
		case context.Cause(ctx) == errStatementTimeout:
			err = &timeoutError{after: a.opts.timeout, running: running(st.Snapshot()), rows: gotOut()}
		default:
			err = &interruptedError{rows: gotOut()}
		}
	}()

	start := time.Now()
	var firstRow time.Duration
	defer func() {
		st.Settle() // the cursors are closed: the lists left going end now
		snap := st.Snapshot()
		a.targetsOK += snap.Targets.OK
		a.targetsFailed += snap.Targets.Failed
		if !isPipeClosed(err) {
			err = markReported(err, a.reportFailures(snap))
		}
		a.printStats(snap, nrows, firstRow, time.Since(start))
	}()

	var prog *progress
	var nrowsLive atomic.Int64
	if a.io.errTTY || a.opts.progress {
		prog = startProgress(a.io.errOut, &nrowsLive, st)
		defer prog.clear()
	}
	// The rows are read through SQLite's C API (vtab.QueryRows), on the
	// pool's one connection: database/sql and the driver would copy each
	// text into a string and box it, as much CPU as SQLite's step.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) (err error) {
		if vtab.InTransaction(dc) {
			// A statement that fails or is cut short inside BEGIN may
			// have SQLite roll the whole transaction back: say so, or
			// the next statements would run outside it unawares.
			defer func() {
				if err != nil && !vtab.InTransaction(dc) {
					fmt.Fprintln(a.io.errOut, "awssql: SQLite rolled back the open transaction: what it changed since BEGIN is gone")
				}
			}()
		}
		rows, err := vtab.QueryRows(ctx, dc, query, namedArgs(query, params)...)
		if err != nil {
			return explainSQLError(stmt.Cause(err), query)
		}
		defer rows.Close()
		cols := resultColumns(rows)
		if len(cols) == 0 { // a statement without result (CREATE TEMP TABLE ...)
			for rows.Next() {
			}
			return stmt.Cause(rows.Err())
		}
		// The header waits for the first row (or the end), so that the
		// progress line has the terminal until output begins.
		begun := false
		begin := func() error {
			if begun {
				return nil
			}
			begun = true
			if a.io.outTTY || w.buffers() {
				prog.clear()
			}
			out.Lock()
			defer out.Unlock()
			if err := w.begin(cols); err != nil {
				return err
			}
			if a.io.outTTY {
				return w.flush()
			}
			return nil
		}
		// The wait's flush failed: its cancel may have ended the statement
		// with the context's error, which this one explains.
		flushErr := func() error {
			out.Lock()
			defer out.Unlock()
			return outErr
		}
		for rows.Next() {
			if nrows == 0 {
				firstRow = time.Since(start)
				if err := begin(); err != nil {
					cancel(errOutput)
					return pipeOr(err)
				}
			}
			nrows++
			nrowsLive.Store(int64(nrows))
			out.Lock()
			err := w.row(rows.Values())
			if err == nil && a.io.outTTY {
				err = w.flush()
			}
			if err == nil {
				printed.wrote()
			}
			out.Unlock()
			if err != nil {
				cancel(errOutput) // stop every call in flight: nobody reads on
				return pipeOr(err)
			}
		}
		if ferr := flushErr(); ferr != nil {
			w.end()
			return pipeOr(ferr)
		}
		rerr := rows.Err()
		if rerr == nil && ctx.Err() != nil && context.Cause(ctx) != errOutput {
			rerr = context.Cause(ctx) // a scan that ended because the statement did
		}
		prog.clear()
		if err := begin(); err != nil && rerr == nil {
			return pipeOr(err)
		}
		if err := w.end(); err != nil && rerr == nil {
			return pipeOr(err)
		}
		if rerr != nil {
			return stmt.Cause(rerr)
		}
		return stmt.Err()
	})
}

func pipeOr(err error) error {
	if isPipeClosed(err) {
		return errPipeClosed
	}
	return err
}

func resultColumns(rows *vtab.Rows) []column {
	rc := rows.Columns()
	cols := make([]column, len(rc))
	for i, c := range rc {
		cols[i] = columnOf(c.Name, c.DeclType)
	}
	return cols
}

var errStatementTimeout = errors.New("statement timeout")

// running lists the targets a statement was still waiting for.
func running(st *fetch.Stats) []string {
	var out []string
	for k := range st.Running {
		account, region, _ := strings.Cut(k, "/")
		out = append(out, target(fetch.Failure{Account: account, Region: region}))
	}
	sort.Strings(out)
	return out
}

// reportFailures says out loud which targets failed: one line each, or,
// when there are many, one line per (operation, code) with a count and a
// few examples. A failure told for an earlier statement (the shell's, a
// script's) is not told again: it still counts in the exit status, and the
// shell's .show lists it. It returns the statement's failures.
func (a *app) reportFailures(st *fetch.Stats) []fetch.Failure {
	// A statement that reads a table twice, or two tables, meets an
	// account it cannot enter once per scan: say it once.
	seen := map[fetch.Failure]bool{}
	failures := []fetch.Failure{} // --stats=json's "failures": [], never null
	var fresh []fetch.Failure
	for _, f := range st.Failures {
		if !seen[f] {
			seen[f] = true
			failures = append(failures, f)
			if !a.told[f] {
				fresh = append(fresh, f)
			}
		}
	}
	st.Failures = failures // --stats=json lists every one
	if a.told == nil {
		a.told = map[fetch.Failure]bool{}
	}
	for _, f := range fresh {
		a.told[f] = true
		a.toldOrder = append(a.toldOrder, f)
	}
	const listAll = 10
	if len(fresh) <= listAll {
		for _, f := range fresh {
			fmt.Fprintf(a.io.errOut, "awssql: %s\n", failureLine(f))
		}
		return failures
	}
	type group struct {
		op, code string
		fs       []fetch.Failure
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, f := range fresh {
		k := f.Operation + "\x00" + f.Code
		g := byKey[k]
		if g == nil {
			g = &group{op: f.Operation, code: f.Code}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.fs = append(g.fs, f)
	}
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].fs) > len(groups[j].fs) })
	fmt.Fprintf(a.io.errOut, "awssql: %d targets failed:\n", len(fresh))
	for _, g := range groups {
		var where []string
		for _, f := range g.fs[:min(3, len(g.fs))] {
			where = append(where, target(f))
		}
		more := ""
		if len(g.fs) > 3 {
			more = ", ..."
		}
		fmt.Fprintf(a.io.errOut, "  %s %s in %d targets (%s%s): %s\n", g.op, g.code, len(g.fs), strings.Join(where, "; "), more, g.fs[0].Message)
	}
	fmt.Fprintln(a.io.errOut, "  (--stats=json lists every failure)")
	return failures
}

func target(f fetch.Failure) string {
	if f.Region == "" {
		return "account " + f.Account
	}
	return "account " + f.Account + ", region " + f.Region
}

func failureLine(f fetch.Failure) string {
	return fmt.Sprintf("%s: %s: %s: %s", target(f), f.Operation, f.Code, f.Message)
}

// statsJSON is the documented --stats=json object: fetch's statistics and
// the statement's own; fields may be added, never renamed.
type statsJSON struct {
	*fetch.Stats
	Rows       int   `json:"rows"`
	FirstRowMS int64 `json:"first_row_ms"`
	WallMS     int64 `json:"wall_ms"`
}

func (a *app) printStats(st *fetch.Stats, rows int, firstRow, wall time.Duration) {
	switch a.opts.stats {
	case "json":
		b, _ := json.Marshal(statsJSON{Stats: st, Rows: rows, FirstRowMS: firstRow.Milliseconds(), WallMS: wall.Milliseconds()})
		fmt.Fprintln(a.io.errOut, string(b))
	case "text":
		var ops []string
		for op, accts := range st.Calls {
			n := 0
			for _, regions := range accts {
				for _, c := range regions {
					n += c
				}
			}
			ops = append(ops, fmt.Sprintf("%s %d", op, n))
		}
		sort.Strings(ops)
		calls := st.TotalCalls()
		detail := ""
		if len(ops) > 0 {
			detail = " (" + strings.Join(ops, ", ") + ")"
		}
		fmt.Fprintf(a.io.errOut, "stats: %d rows; %d calls%s, %d pages, %d retries, %d throttled, %d from memory, %d from disk cache; targets %d planned, %d ok, %d failed, %d ignored; first row %s, total %s\n",
			rows, calls, detail, st.Pages, st.Retries, st.Throttles, st.CacheHits, st.DiskHits,
			st.Targets.Planned, st.Targets.OK, st.Targets.Failed, st.Targets.Ignored,
			firstRow.Round(time.Millisecond), wall.Round(time.Millisecond))
	}
}
