package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/store"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

// snapshotMemoryLimit is the Go runtime's soft memory limit while a
// snapshot runs, unless GOMEMLIMIT sets one. A snapshot holds what a query
// holds (the pages in flight, decoded) and no more, but under the default
// GC that comes to about 300 MB of RSS at a million instances
// (bench/BENCHMARKS.md); the limit has the GC collect sooner rather than
// let the heap double, for a little CPU.
const snapshotMemoryLimit = 200 << 20

// snapshotOptions are the flags of awssql snapshot.
type snapshotOptions struct {
	into, shard, at string
}

func (a *app) snapshotCommand() *cobra.Command {
	var o snapshotOptions
	cmd := &cobra.Command{
		Use:   "snapshot [TABLE...]",
		Short: "Fetch tables and keep them in a store: a SQLite file, Parquet (parquet:DIR) or PostgreSQL (postgres://...)",
		Long: `awssql snapshot reads the named tables (default: every table that needs no
required key) for the connection's accounts and regions, and writes them, with
the time, the connection, the accounts and regions asked and every target that
failed, into a store. A snapshot is written whole or not at all.`,
		Example: `  awssql snapshot --into inventory.db
  awssql snapshot ec2_instances images --into parquet:lake
  awssql snapshot --into postgres://inventory@db/aws --shard 2/4 --snapshot-time 2026-11-01T00:00:00Z`,
		ValidArgsFunction: completeTables,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.snapshot(cmd.Context(), o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.into, "into", "", "the store: FILE (SQLite), parquet:DIR, or postgres://...")
	f.StringVar(&o.shard, "shard", "", "I/N: read only the I-th of N disjoint parts of the accounts (by account id), for N machines")
	f.StringVar(&o.at, "snapshot-time", "", "the snapshot's time, RFC 3339 (default: now); give the shards of one snapshot the same")
	f.BoolVar(&a.opts.strict, "strict", false, "any failed account or region fails the snapshot, and nothing is written")
	return cmd
}

func completeTables(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	eng, err := catalog()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var names []string
	for _, t := range eng.Tables() {
		if strings.HasPrefix(t.Name, prefix) {
			names = append(names, t.Name)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// snapshotTables resolves the tables named (names or aliases; none: every
// table that can be read whole) to what a store keeps of each.
func snapshotTables(eng *vtab.Engine, ts []tables.Table, names []string) ([]store.Table, error) {
	if len(names) == 0 {
		for _, t := range eng.Tables() {
			if !slices.ContainsFunc(t.Columns, func(c vtab.ColumnInfo) bool { return c.Key == vtab.Required }) {
				names = append(names, t.Name)
			}
		}
	}
	var out []store.Table
	for _, name := range names {
		ti, ok := eng.Table(name)
		if !ok {
			var all []string
			for _, t := range eng.Tables() {
				all = append(all, t.Name)
			}
			return nil, usageErrorf("no table %q: the tables are %s", name, strings.Join(all, ", "))
		}
		if slices.ContainsFunc(out, func(t store.Table) bool { return t.Name == ti.Name }) {
			continue
		}
		var required []string
		t := store.Table{Name: ti.Name, Scope: store.ScopeRegion}
		for _, c := range ti.Columns {
			if c.Key == vtab.Required {
				required = append(required, c.Name)
			}
			if !c.Hidden {
				t.Columns = append(t.Columns, store.Column{Name: c.Name, Type: c.Type})
			}
		}
		if len(required) > 0 {
			return nil, usageErrorf("table %s needs a value for %s: it cannot be read whole, so it cannot be snapshotted", ti.Name, strings.Join(required, " and "))
		}
		if decl, ok := tables.Find(ts, ti.Name); ok {
			switch decl.Scope {
			case tables.PerAccount, tables.PerBucket:
				t.Scope = store.ScopeAccount
			case tables.PerConnection:
				t.Scope = store.ScopeConnection
			}
		}
		out = append(out, t)
	}
	return out, store.Check(out)
}

func (a *app) snapshot(ctx context.Context, o snapshotOptions, args []string) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(snapshotMemoryLimit))
	}
	shard, err := store.ParseShard(o.shard)
	if err != nil {
		return usageErrorf("--shard: %v", err)
	}
	at := time.Now().UTC().Truncate(time.Second)
	if o.at != "" {
		if at, err = time.Parse(time.RFC3339, o.at); err != nil {
			return usageErrorf("--snapshot-time %q: write RFC 3339, as in 2026-11-01T00:00:00Z", o.at)
		}
		at = at.UTC().Truncate(time.Second)
	}
	if o.into == "" {
		return usageErrorf("snapshot: say where with --into FILE.db, --into parquet:DIR or --into postgres://...")
	}
	eng, _, err := a.engine(ctx)
	if err != nil {
		return err
	}
	want, err := snapshotTables(eng, a.tables, args)
	if err != nil {
		return err
	}
	for _, t := range want {
		ti, _ := eng.Table(t.Name)
		narrow := slices.ContainsFunc(ti.Columns, func(c vtab.ColumnInfo) bool {
			return c.Name == "account_id" && (c.Key == vtab.Exact || c.Key == vtab.Required)
		})
		if !narrow && shard.N > 1 {
			return usageErrorf("table %s cannot be read by account, so it cannot be sharded: snapshot it without --shard", t.Name)
		}
	}
	st, err := store.Open(ctx, o.into, true)
	if err != nil {
		return err
	}
	defer st.Close()

	sess := a.sess
	all, err := sess.Accounts(ctx)
	if err != nil {
		return err
	}
	var accounts []string
	for _, acct := range all {
		if shard.Holds(acct) {
			accounts = append(accounts, acct)
		}
	}
	snap := &store.Snapshot{
		ID: store.SnapshotID(at, shard), Time: at, Connection: a.connName, Shard: shard,
		Accounts: accounts, Regions: sess.Options().Regions, Targets: map[string][]string{},
	}
	if snap.Connection == "" && a.opts.demo {
		snap.Connection = "demo"
	}
	if len(accounts) > 0 {
		targets, _, err := sess.Targets(ctx, fetch.Scope{Accounts: accounts})
		if err != nil {
			return err
		}
		for _, t := range targets {
			snap.Targets[t.Account] = append(snap.Targets[t.Account], t.Region)
		}
	}
	tx, err := st.Begin(ctx, snap)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
			fmt.Fprintf(a.io.errOut, "awssql: snapshot %s not written: %s holds what it held before\n", snap.ID, st)
		}
	}()
	// Each failure is said once, though an account that cannot be entered
	// fails every table.
	failures := fetch.NewStats()
	reported := false
	defer func() {
		if !reported {
			a.reportFailures(failures)
		}
	}()
	tables, err := a.snapshotTables(ctx, eng, tx, want, accounts)
	var ok, failed int
	for _, t := range tables {
		failures.Failures = append(failures.Failures, t.failures...)
		snap.Failures = append(snap.Failures, t.recorded...)
		ok, failed = ok+t.sum.TargetsOK, failed+t.sum.TargetsFailed
		snap.Tables = append(snap.Tables, t.sum)
	}
	if err != nil {
		return err
	}
	// Once written, the snapshot is committed whole even if Ctrl-C comes
	// now: stopping half way would be worse.
	if err := tx.Commit(context.WithoutCancel(ctx), snap); err != nil {
		return err
	}
	committed = true
	a.reportFailures(failures)
	reported = true
	var counts []string
	for _, t := range snap.Tables {
		counts = append(counts, fmt.Sprintf("%s %d", t.Name, t.Rows))
	}
	msg := fmt.Sprintf("awssql: snapshot %s into %s: %s rows", snap.ID, st, strings.Join(counts, ", "))
	if failed > 0 {
		msg += fmt.Sprintf("; %d targets failed (counted table by table), recorded as failed", failed)
	}
	fmt.Fprintln(a.io.errOut, msg)
	switch {
	case failed > 0 && ok == 0:
		return fmt.Errorf("every target failed (%d)", failed)
	case failed > 0:
		return &partialError{failed: failed, ok: ok}
	}
	return nil
}

// tableSnapshot is what a snapshot read of one table: its summary, its
// failed targets, and those as the snapshot records them.
type tableSnapshot struct {
	sum      store.TableSummary
	failures []fetch.Failure
	recorded []store.Failure
}

// snapshotTables reads the tables for the accounts, side by side in one
// fan-out, and writes them in tx. The session's --concurrency bounds the
// targets read and the calls made at once by all of them together, not
// by each: a snapshot of thirty tables calls an account no harder than a
// query does. Each table's rows are written as they come, the tables'
// interleaved, by one goroutine, the transaction's writer (written by the
// tables' goroutines in turn under a mutex, the same rows took 15 to 30%
// longer to write: BenchmarkTablesSideBySide). The first error ends every
// table; what each table read until then is returned with it, in the
// order of want.
func (a *app) snapshotTables(ctx context.Context, eng *vtab.Engine, tx store.Tx, want []store.Table, accounts []string) ([]tableSnapshot, error) {
	writers := make([]store.TableWriter, len(want))
	for i, t := range want {
		w, err := tx.Table(ctx, t)
		if err != nil {
			return nil, err
		}
		writers[i] = w
	}
	stats := make([]*fetch.Stats, len(want))
	for i := range stats {
		stats[i] = fetch.NewStats()
	}
	var nrows atomic.Int64
	if a.io.errTTY {
		prog := startProgress(a.io.errOut, &nrows, stats...)
		defer prog.clear()
	}
	g, gctx := errgroup.WithContext(fetch.WithBound(ctx, fetch.NewBound(a.sess.Options().Concurrency)))
	batches := make(chan rowBatch, writeAhead)
	send := func(b rowBatch) error {
		select {
		case batches <- b:
			return nil
		case <-gctx.Done():
			return context.Cause(gctx)
		}
	}
	g.Go(func() error {
		for open := len(want); open > 0; {
			var b rowBatch
			select {
			case b = <-batches:
			case <-gctx.Done():
				return context.Cause(gctx)
			}
			for _, r := range b.rows {
				if err := writers[b.table].Write(gctx, r); err != nil {
					return err
				}
			}
			nrows.Add(int64(len(b.rows)))
			if b.closed != nil {
				n, err := writers[b.table].Close(gctx)
				if err != nil {
					return err // and the table's goroutine has it as gctx's cause
				}
				b.closed <- n
				open--
			}
		}
		return nil
	})
	out := make([]tableSnapshot, len(want))
	for i, t := range want {
		g.Go(func() error {
			var err error
			var rows []store.Row
			out[i], err = snapshotTable(fetch.WithStats(gctx, stats[i]), eng, t, accounts, stats[i], func(r store.Row) error {
				// The engine reuses a row's Values for the next.
				rows = append(rows, store.Row{Key: r.Key, Values: slices.Clone(r.Values)})
				if len(rows) < batchRows {
					return nil
				}
				err := send(rowBatch{table: i, rows: rows})
				rows = nil
				return err
			}, func() (int64, error) {
				closed := make(chan int64, 1)
				if err := send(rowBatch{table: i, rows: rows, closed: closed}); err != nil {
					return 0, err
				}
				select {
				case n := <-closed:
					return n, nil
				case <-gctx.Done():
					return 0, context.Cause(gctx)
				}
			})
			return err
		})
	}
	return out, g.Wait()
}

// rowBatch is rows of one table on their way to the writer, the table's
// last when closed is set: the writer then closes the table and sends its
// row count there.
type rowBatch struct {
	table  int
	rows   []store.Row
	closed chan<- int64
}

// A table's rows go to the writer batchRows at a time, and at most
// writeAhead batches wait for it: memory stays bounded, and a table's
// reading goes on while the writer writes another's rows.
const (
	batchRows  = 64
	writeAhead = 4
)

// snapshotTable reads one table for the accounts, with its statistics in
// st, and hands each row to write; close ends the table's rows and says
// how many were written.
func snapshotTable(ctx context.Context, eng *vtab.Engine, t store.Table, accounts []string, st *fetch.Stats,
	write func(store.Row) error, close func() (int64, error)) (tableSnapshot, error) {
	where := map[string][]string{}
	if ti, _ := eng.Table(t.Name); slices.ContainsFunc(ti.Columns, func(c vtab.ColumnInfo) bool {
		return c.Name == "account_id" && (c.Key == vtab.Exact || c.Key == vtab.Required)
	}) {
		where["account_id"] = accounts
	}
	var err error
	for r, serr := range eng.Scan(ctx, t.Name, where) {
		if err = serr; err == nil {
			err = write(store.Row{Key: r.ID, Values: r.Values})
		}
		if err != nil {
			break
		}
	}
	var n int64
	if err == nil {
		n, err = close()
	}
	s := st.Snapshot()
	out := tableSnapshot{sum: store.Summarize(t), failures: s.Failures}
	out.sum.Rows, out.sum.TargetsOK, out.sum.TargetsFailed, out.sum.Ignored = n, s.Targets.OK, s.Targets.Failed, s.Targets.Ignored
	for _, f := range s.Failures {
		out.recorded = append(out.recorded, store.Failure{Table: t.Name, Account: f.Account, Region: f.Region,
			Operation: f.Operation, Code: f.Code, Message: f.Message})
	}
	for _, f := range s.Ignored {
		out.recorded = append(out.recorded, store.Failure{Table: t.Name, Account: f.Account, Region: f.Region,
			Operation: f.Operation, Code: f.Code, Message: f.Message, Ignored: true})
	}
	return out, err // a scan's and a store's errors name the table
}
