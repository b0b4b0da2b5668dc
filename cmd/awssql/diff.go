package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/awssql/awssql/store"
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
	var names []string
	if len(tableArgs) > 0 {
		cat, err := catalog()
		if err != nil {
			return err
		}
		for _, n := range tableArgs {
			t, ok := cat.Table(n)
			if !ok {
				return usageErrorf("no table %q", n)
			}
			names = append(names, t.Name)
		}
	}
	st, _, groups, err := openStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()
	to := len(groups) - 1
	var newer, older *store.Group
	if o.to != "" {
		if newer, err = store.Find(groups, o.to); err != nil {
			return usageErrorf("--to: %v", err)
		}
	} else if to >= 0 {
		newer = groups[to]
	}
	switch {
	case o.from != "":
		if older, err = store.Find(groups, o.from); err != nil {
			return usageErrorf("--from: %v", err)
		}
	case o.since > 0:
		if older, err = store.Since(groups, o.since, time.Now()); err != nil {
			return err
		}
	case newer != nil:
		for i, g := range groups {
			if g == newer && i > 0 {
				older = groups[i-1]
			}
		}
	}
	if older == nil || newer == nil {
		return fmt.Errorf("%s holds %d snapshots: a diff needs two (awssql snapshots lists them)", st, len(groups))
	}
	if older == newer {
		return usageErrorf("both sides of the diff are snapshot %s: name two (awssql snapshots lists them)", newer.Describe())
	}

	cols := []column{{name: "table"}, {name: "change"}, {name: "account_id"}, {name: "region"}, {name: "key"},
		{name: "column"}, {name: "old"}, {name: "new"}, {name: "note"}}
	if err := w.begin(cols); err != nil {
		return pipeOr(err)
	}
	counts := map[string]int{}
	vals := make([]any, len(cols))
	for c, err := range store.Diff(ctx, st, older, newer, names...) {
		if err != nil {
			w.end()
			return err
		}
		counts[c.Kind]++
		vals[0], vals[1], vals[2], vals[3], vals[4] = c.Table, c.Kind, c.Account, c.Region, c.Key
		vals[5], vals[6], vals[7], vals[8] = c.Column, c.Old, c.New, c.Note
		if err := w.row(vals); err != nil {
			return pipeOr(err)
		}
	}
	if err := w.end(); err != nil {
		return pipeOr(err)
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
