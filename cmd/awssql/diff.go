package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/awssql/awssql/store"
	"github.com/awssql/awssql/vtab"
)

// diffOptions are the flags of awssql diff.
type diffOptions struct {
	db, from, to, output string
	since                time.Duration
	exitCode             bool
}

// changedError says that a diff under --exit-code found changes.
type changedError struct {
	n        int
	from, to string
}

func (e *changedError) Error() string {
	return fmt.Sprintf("%d changes from %s to %s (--exit-code)", e.n, e.from, e.to)
}

func (a *app) diffCommand() *cobra.Command {
	var o diffOptions
	cmd := &cobra.Command{
		Use:   "diff [TABLE...]",
		Short: "What changed between two snapshots of a store: resources added, removed and changed",
		Long: `awssql diff compares two snapshots of a store (default: the last two), table by
table, by each row's identity: the rows added and removed, and for each row
changed, the columns that changed with their old and new values (JSON compared
as JSON). A target that failed in either snapshot, or that one of them did not
read, is reported as unknown, never as everything removed.`,
		Example: `  awssql diff --db inventory.db
  awssql diff --db parquet:lake --since 24h ec2_instances
  awssql diff --db postgres://inventory@db/aws --exit-code -o json`,
		ValidArgsFunction: completeTables,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.diff(cmd.Context(), o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "the store: FILE (SQLite), parquet:DIR, or postgres://...")
	f.StringVar(&o.from, "from", "", "the older snapshot, by id or time (default: the one before --to)")
	f.StringVar(&o.to, "to", "", "the newer snapshot, by id or time (default: the latest)")
	f.DurationVar(&o.since, "since", 0, "compare the latest snapshot with the newest at least this old, e.g. 24h")
	f.BoolVar(&o.exitCode, "exit-code", false, "exit 1 when anything changed (for cron and CI)")
	f.StringVarP(&o.output, "output", "o", "", "output format: "+strings.Join(formats, ", ")+" (default: table on a terminal, else csv)")
	return cmd
}

// openStore opens a store to read, and its snapshots grouped by time.
func openStore(ctx context.Context, spec string) (store.Store, []*store.Snapshot, []*store.Group, error) {
	if spec == "" {
		return nil, nil, nil, usageErrorf("say which store with --db FILE, --db parquet:DIR or --db postgres://...")
	}
	st, err := store.Open(ctx, spec, false)
	if err != nil {
		return nil, nil, nil, err
	}
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return st, snaps, store.Groups(snaps), nil
}

func (a *app) diff(ctx context.Context, o diffOptions, tableArgs []string) error {
	if o.since > 0 && o.from != "" {
		return usageErrorf("give --since or --from, not both")
	}
	format := o.output
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
	st, snaps, groups, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	var names []string
	if len(tableArgs) > 0 {
		cat, err := catalog()
		if err != nil {
			return err
		}
		// A table of awssql (or an alias), or one the store holds: a
		// table an older awssql had is still in its snapshots.
		stored := map[string]bool{}
		for _, s := range snaps {
			for _, t := range s.Tables {
				stored[t.Name] = true
			}
		}
		for _, n := range tableArgs {
			if t, ok := cat.Table(n); ok {
				names = append(names, t.Name)
				continue
			}
			if !stored[n] {
				known := slices.Sorted(maps.Keys(stored))
				for _, t := range cat.Tables() {
					known = append(known, t.Name)
				}
				msg := fmt.Sprintf("no table %q", n)
				if s := closest(n, known); len(s) > 0 {
					msg += ": did you mean " + orList(s) + "?"
				}
				return usageErrorf("%s", msg)
			}
			names = append(names, n)
		}
	}
	older, newer, err := diffSides(st, groups, o, time.Now())
	if err != nil {
		return err
	}
	if from, to := connections(older), connections(newer); from != to {
		fmt.Fprintf(a.io.errOut, "awssql: note: %s is a snapshot of %s, %s of %s: the accounts and regions only one of them read are unknown\n",
			older.Describe(), from, newer.Describe(), to)
	}

	cols := []column{{name: "table"}, {name: "change"}, {name: "account_id"}, {name: "region"}, {name: "key"},
		{name: "column"}, {name: "old"}, {name: "new"}, {name: "note"}}
	if err := w.begin(cols); err != nil {
		return pipeOr(err)
	}

	counts := map[string]int{}
	vals := make([]vtab.Value, len(cols))
	printed := &rowsOut{w: w}
	// The reader of the output went away (| head): say how much it got.
	closed := func(err error) error {
		if isPipeClosed(err) {
			return &interruptedError{rows: printed.count(), closed: true}
		}
		return err
	}
	for c, err := range store.Diff(ctx, st, older, newer, names...) {
		if err != nil {
			w.end()
			return err
		}
		counts[c.Kind]++
		for i, v := range []any{c.Table, c.Kind, c.Account, c.Region, c.Key, c.Column, c.Old, c.New, c.Note} {
			vals[i] = vtab.ValueOf(v)
		}
		if err := w.row(vals); err != nil {
			return closed(err)
		}
		printed.wrote()
	}
	if err := w.end(); err != nil {
		return closed(err)
	}
	changes := counts[store.Added] + counts[store.Removed] + counts[store.Changed]
	if a.io.errTTY {
		fmt.Fprintf(a.io.errOut, "awssql: %s to %s: %d added, %d removed, %d column changes, %d unknown\n", older.Describe(),
			newer.Describe(), counts[store.Added], counts[store.Removed], counts[store.Changed], counts[store.Unknown])
	}
	if n := counts[store.Unknown]; n > 0 {
		fmt.Fprintf(a.io.errOut, "awssql: %d unknown: targets that failed in one of the snapshots or that one of them did not read; their rows were not compared\n", n)
	}
	switch {
	case o.exitCode && changes > 0:
		return &changedError{n: changes, from: older.Describe(), to: newer.Describe()}
	case counts[store.Unknown] > 0:
		return &partialError{failed: counts[store.Unknown]}
	}
	return nil
}

func (a *app) snapshotsCommand() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "snapshots",
		Short: "List the snapshots of a store: id, time, connection, shard, rows and failed targets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, snaps, _, err := openStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer st.Close()
			tw := tabwriter.NewWriter(a.io.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "id\ttime\tconnection\tshard\taccounts\trows\tfailed targets")
			for _, s := range snaps {
				var rows int64
				for _, t := range s.Tables {
					rows += t.Rows
				}
				failed := 0
				for _, f := range s.Failures {
					if !f.Ignored {
						failed++
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", s.ID, s.Time.Format(time.RFC3339), s.Connection, s.Shard,
					len(s.Accounts), rows, failed)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "the store: FILE (SQLite), parquet:DIR, or postgres://...")
	return cmd
}

// diffSides chooses the two snapshots to compare: --to (default: the
// latest), and --from, or with --since the newest taken at least that long
// before now, or else the one before --to. Without --from, only snapshots
// of the same connection as --to are taken, so that a store that keeps
// several connections compares each with itself; and only older ones.
func diffSides(st store.Store, groups []*store.Group, o diffOptions, now time.Time) (older, newer *store.Group, err error) {
	if len(groups) < 2 {
		return nil, nil, fmt.Errorf("%s holds %d snapshot%s: a diff needs two (awssql snapshot --into %s takes one)", st, len(groups), plural(len(groups)), st)
	}
	newer = groups[len(groups)-1]
	if o.to != "" {
		if newer, err = store.Find(groups, o.to); err != nil {
			return nil, nil, usageErrorf("--to: %v", err)
		}
	}
	if o.from != "" {
		if older, err = store.Find(groups, o.from); err != nil {
			return nil, nil, usageErrorf("--from: %v", err)
		}
		if older == newer {
			return nil, nil, usageErrorf("both sides of the diff are snapshot %s: name two (awssql snapshots lists them)", newer.Describe())
		}
		return older, newer, nil
	}
	var before []*store.Group
	for _, g := range groups {
		if g.Time.Before(newer.Time) && connections(g) == connections(newer) {
			before = append(before, g)
		}
	}
	switch {
	case len(before) == 0:
		return nil, nil, fmt.Errorf("no snapshot of %s in %s was taken before %s: nothing to compare it with (give --from; awssql snapshots lists them)",
			connections(newer), st, newer.Describe())
	case o.since > 0:
		if older, err = store.Since(before, o.since, now); err != nil {
			return nil, nil, fmt.Errorf("%v before %s", err, newer.Describe())
		}
	default:
		older = before[len(before)-1]
	}
	return older, newer, nil
}

// connections names the connections a snapshot (its parts) read.
func connections(g *store.Group) string {
	var names []string
	for _, p := range g.Parts {
		name := p.Connection
		if name == "" {
			name = "the default connection"
		} else {
			name = "connection " + name
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, " and ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
