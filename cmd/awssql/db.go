package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/awssql/awssql/store"
	"github.com/awssql/awssql/vtab"
)

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
	// Aliases read as their table, as they do live.
	kept := map[string]bool{}
	for _, s := range snaps {
		for _, t := range s.Tables {
			kept[t.Name] = true
		}
	}
	if cat, err := catalog(); err == nil {
		for _, t := range cat.Tables() {
			for _, alias := range t.Aliases {
				if kept[t.Name] && !kept[alias] {
					setup = append(setup, fmt.Sprintf("CREATE TEMP VIEW %q AS SELECT * FROM temp.%q", alias, t.Name))
				}
			}
		}
	}
	eng, err := vtab.New()
	if err != nil {
		return nil, nil, err
	}
	db, err := eng.FileDB(path, setup...)
	if err != nil {
		return nil, nil, err
	}
	a.eng, a.db = eng, db
	return eng, db, nil
}
