package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awssql/awssql/store"
	"github.com/awssql/awssql/vtab"
)

// offlineFlags are the connection's flags that choose what a live query
// reads (and --demo, another source of data). With --db they would be
// ignored, and the answer would not be the one asked for, so they are
// refused; the other connection flags (credentials, roles) do not change
// an answer and are let through, so that a wrapper may always pass them.
var offlineFlags = []string{"demo", "regions", "ou", "skip-accounts"}

// checkOffline refuses --snapshot without --db, and with --db the flags
// that it would ignore. Only the command line counts: a config file's
// connection or the environment may set them for live queries.
func (a *app) checkOffline(cmd *cobra.Command) error {
	if a.opts.db == "" {
		if f := cmd.Flags().Lookup("snapshot"); f != nil && f.Changed {
			return usageErrorf("--snapshot %s chooses a snapshot of a file: give the file with --db FILE", a.opts.snapshot)
		}
		return nil
	}
	for _, name := range offlineFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			hint := "filter with WHERE account_id or region instead"
			if name == "demo" {
				hint = "give one of them"
			}
			return usageErrorf("--db %s reads snapshots as they were taken, so --%s does not apply: %s", a.opts.db, name, hint)
		}
	}
	return nil
}

// offlineEngine opens a SQLite file of snapshots (--db) for querying with
// no AWS call and no credentials: each table's name reads as the chosen
// snapshot (--snapshot, else the latest), with the columns the live table
// had then; main.TABLE holds every snapshot's rows, with _snapshot_id and
// _row_key; snapshots and snapshot_failures say what each snapshot read and
// what failed.
func (a *app) offlineEngine(ctx context.Context) (*vtab.Engine, *sql.DB, error) {
	path := a.opts.db
	if strings.HasPrefix(path, "parquet:") || strings.Contains(path, "://") {
		return nil, nil, usageErrorf("--db queries a SQLite file of snapshots; query Parquet with DuckDB or Athena, PostgreSQL with psql (see the README)")
	}
	st, err := store.Open(ctx, path, false)
	path = strings.TrimPrefix(path, "sqlite:")
	if err != nil {
		return nil, nil, usageErrorf("--db: %v", err)
	}
	snaps, err := st.Snapshots(ctx)
	st.Close()
	if err != nil {
		return nil, nil, err
	}
	groups := store.Groups(snaps)
	if len(groups) == 0 {
		return nil, nil, usageErrorf("--db %s holds no snapshot (awssql snapshot --into %s writes one)", path, path)
	}
	g := groups[len(groups)-1]
	if a.opts.snapshot != "" {
		if g, err = store.Find(groups, a.opts.snapshot); err != nil {
			return nil, nil, usageErrorf("--snapshot: %v", err)
		}
	}
	setup := store.SQLiteViews(snaps, g)
	// Aliases read as their table, as they do live; a table that no
	// snapshot of the file holds says so when read, rather than being
	// taken for a misspelling of itself.
	kept := map[string]bool{}
	for _, s := range snaps {
		for _, t := range s.Tables {
			kept[t.Name] = true
		}
	}
	if cat, err := catalog(); err == nil {
		for _, t := range cat.Tables() {
			if !kept[t.Name] {
				setup = append(setup, store.MissingTable(t.Name, "no snapshot of "+path+" holds"))
			}
			for _, alias := range t.Aliases {
				if !kept[alias] {
					setup = append(setup, fmt.Sprintf("CREATE TEMP VIEW %q AS SELECT * FROM temp.%q", alias, t.Name))
				}
			}
		}
	}
	eng, err := vtab.New()
	if err != nil {
		return nil, nil, err
	}
	if a.opts.allowAttach { // as live: before the file's connection opens
		eng.AllowAttach()
	}
	db, err := eng.FileDB(path, setup...)
	if err != nil {
		return nil, nil, err
	}
	a.eng, a.db = eng, db
	return eng, db, nil
}
