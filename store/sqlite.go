package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/awssql/awssql/vtab"
)

// sqliteStore keeps snapshots in a SQLite file: one table per awssql
// table, with the same column names and declared types and two more
// (_snapshot_id, _row_key), and the snapshots and snapshot_failures tables.
// A snapshot is one transaction: an interrupted one leaves the file as it
// was (SQLite rolls a hot journal back on the next open).
type sqliteStore struct {
	path string
	db   *sql.DB
}

func openSQLite(path string, create bool) (*sqliteStore, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	missing := errors.Is(err, fs.ErrNotExist)
	switch {
	case missing && !create:
		return nil, specErrorf("sqlite %s: no such file", path)
	case err == nil && info.IsDir():
		return nil, specErrorf("sqlite %s: is a directory (a Parquet dataset is parquet:%s)", path, path)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Set("_txlock", "immediate")
	if !create {
		if err := recoverSQLite(abs, path); err != nil {
			return nil, err
		}
		q.Set("mode", "ro")
	}
	dsn := (&url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	if missing {
		// Opening would create the file now: leave that to the first
		// snapshot, so that a run that fails before it (credentials, the
		// accounts) leaves no empty file behind. That it can be made is
		// known now, not after every account was entered.
		probe, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".probe-*")
		if err != nil {
			db.Close()
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("sqlite %s: cannot make a file in %s: %w", path, filepath.Dir(abs), err)
		}
		probe.Close()
		os.Remove(probe.Name())
		return &sqliteStore{path: path, db: db}, nil
	}
	if err := checkSQLiteStore(db, path); err != nil {
		db.Close()
		return nil, err
	}
	return &sqliteStore{path: path, db: db}, nil
}

// recoverSQLite rolls back what a snapshot that was killed (a crash, kill
// -9, the OOM killer) left half written, before the file is read: the
// readers open it read-only, and a read-only connection cannot roll back
// the hot journal, so every read failed ("attempt to write a readonly
// database") until the next snapshot. SQLite rolls a journal back only
// when it is hot, that is when no snapshot holds the file: one being
// written now is left alone.
func recoverSQLite(abs, path string) error {
	if info, err := os.Stat(abs + "-journal"); err != nil || info.Size() == 0 {
		return nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Set("mode", "rw")
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}).String())
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		return fmt.Errorf("sqlite %s: a snapshot that was cut short left %s-journal, and it could not be rolled back: %w (open the file once with write access, e.g. sqlite3 %s 'SELECT 1')",
			path, path, err, path)
	}
	return nil
}

// checkSQLiteStore makes sure a SQLite file is a store of snapshots (or
// holds nothing yet): awssql neither adds its tables to another
// application's database nor reads one as snapshots.
func checkSQLiteStore(db *sql.DB, path string) error {
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		if strings.Contains(err.Error(), "file is not a database") {
			return specErrorf("sqlite %s: not a SQLite database", path)
		}
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite %s: %w", path, err)
		}
		names = append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	if len(names) == 0 {
		return nil
	}
	var cols []string
	if slices.Contains(names, "snapshots") {
		crows, err := db.Query(`SELECT name FROM pragma_table_info('snapshots')`)
		if err != nil {
			return fmt.Errorf("sqlite %s: %w", path, err)
		}
		for crows.Next() {
			var c string
			if err := crows.Scan(&c); err != nil {
				crows.Close()
				return fmt.Errorf("sqlite %s: %w", path, err)
			}
			cols = append(cols, c)
		}
		crows.Close()
		if err := crows.Err(); err != nil {
			return fmt.Errorf("sqlite %s: %w", path, err)
		}
	}
	for _, c := range []string{"snapshot_id", "snapshot_time", "accounts", "targets", "tables"} {
		if !slices.Contains(cols, c) {
			shown := names[:min(len(names), 5)]
			more := ""
			if len(names) > len(shown) {
				more = fmt.Sprintf(" and %d more", len(names)-len(shown))
			}
			return specErrorf("sqlite %s: not a store of awssql snapshots: it holds tables %s%s, and no snapshots table of awssql's (give a new file, or one awssql snapshot wrote)",
				path, strings.Join(shown, ", "), more)
		}
	}
	return nil
}

func (s *sqliteStore) String() string { return s.path }
func (s *sqliteStore) Close() error   { return s.db.Close() }

// quote makes a SQL identifier of a name.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

const sqliteMeta = `
CREATE TABLE IF NOT EXISTS snapshots (
	snapshot_id TEXT PRIMARY KEY,
	snapshot_time TEXT NOT NULL,
	connection TEXT,
	shard TEXT,
	accounts JSON TEXT,
	regions JSON TEXT,
	targets JSON TEXT,
	tables JSON TEXT
);
CREATE TABLE IF NOT EXISTS snapshot_failures (
	snapshot_id TEXT NOT NULL,
	table_name TEXT NOT NULL,
	account_id TEXT,
	region TEXT,
	operation TEXT,
	code TEXT,
	message TEXT,
	ignored INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshot_failures_snapshot ON snapshot_failures(snapshot_id);`

func (s *sqliteStore) Begin(ctx context.Context, snap *Snapshot) (Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	if _, err := tx.ExecContext(ctx, sqliteMeta); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM snapshots WHERE snapshot_id = ?`, snap.ID).Scan(&n); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	if n > 0 {
		tx.Rollback()
		return nil, fmt.Errorf("sqlite %s already holds snapshot %s (taken at the same time, of the same shard)", s.path, snap.ID)
	}
	return &sqliteTx{s: s, tx: tx, id: snap.ID}, nil
}

type sqliteTx struct {
	s  *sqliteStore
	tx *sql.Tx
	id string
}

// table creates the table, or adds the columns it lacks.
func (t *sqliteTx) table(ctx context.Context, tbl Table) error {
	have := map[string]string{}
	rows, err := t.tx.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?)`, tbl.Name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return err
		}
		have[name] = typ
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(have) == 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "CREATE TABLE %s (%s TEXT NOT NULL, %s TEXT NOT NULL", quote(tbl.Name), colSnapshot, colKey)
		for _, c := range tbl.Columns {
			fmt.Fprintf(&b, ", %s %s", quote(c.Name), c.Type.SQLType())
		}
		b.WriteString(")")
		if _, err := t.tx.ExecContext(ctx, b.String()); err != nil {
			return err
		}
	} else {
		for _, c := range tbl.Columns {
			typ, ok := have[c.Name]
			switch {
			case !ok:
				if _, err := t.tx.ExecContext(ctx, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", quote(tbl.Name), quote(c.Name), c.Type.SQLType())); err != nil {
					return err
				}
			case !strings.EqualFold(typ, c.Type.SQLType()):
				return fmt.Errorf("column %s is %s in the file but %s in awssql", c.Name, typ, c.Type.SQLType())
			}
		}
	}
	idx := []string{colSnapshot}
	for _, i := range partitionColumns(tbl.Columns) {
		idx = append(idx, quote(tbl.Columns[i].Name))
	}
	idx = append(idx, colKey)
	_, err = t.tx.ExecContext(ctx, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s(%s)",
		quote(tbl.Name+"_snapshot"), quote(tbl.Name), strings.Join(idx, ", ")))
	return err
}

// Table prepares the table's INSERT: the rows of every table of the
// snapshot go through the one connection of its transaction, each table
// by its own statement, in whatever order they come.
func (t *sqliteTx) Table(ctx context.Context, tbl Table) (TableWriter, error) {
	if err := t.table(ctx, tbl); err != nil {
		return nil, fmt.Errorf("sqlite %s: table %s: %w", t.s.path, tbl.Name, err)
	}
	names := []string{colSnapshot, colKey}
	for _, c := range tbl.Columns {
		names = append(names, quote(c.Name))
	}
	stmt, err := t.tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (?%s)",
		quote(tbl.Name), strings.Join(names, ", "), strings.Repeat(", ?", len(names)-1)))
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: table %s: %w", t.s.path, tbl.Name, err)
	}
	args := make([]any, len(names))
	args[0] = t.id
	return &sqliteTable{tx: t, name: tbl.Name, stmt: stmt, args: args}, nil
}

type sqliteTable struct {
	tx   *sqliteTx
	name string
	stmt *sql.Stmt
	args []any
	n    int64
}

func (w *sqliteTable) Write(ctx context.Context, row Row) error {
	w.args[1] = row.Key
	copy(w.args[2:], row.Values)
	if _, err := w.stmt.ExecContext(ctx, w.args...); err != nil {
		return fmt.Errorf("sqlite %s: table %s: %w", w.tx.s.path, w.name, err)
	}
	w.n++
	return nil
}

func (w *sqliteTable) Close(context.Context) (int64, error) {
	if err := w.stmt.Close(); err != nil {
		return w.n, fmt.Errorf("sqlite %s: table %s: %w", w.tx.s.path, w.name, err)
	}
	return w.n, nil
}

func (t *sqliteTx) Commit(ctx context.Context, snap *Snapshot) error {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		snap.ID, timeText(snap.Time), nullText(snap.Connection), nullText(snap.Shard.String()),
		enc(orEmpty(snap.Accounts)), enc(orEmpty(snap.Regions)), enc(snap.Targets), enc(snap.Tables))
	if err != nil {
		return fmt.Errorf("sqlite %s: %w", t.s.path, err)
	}
	for _, f := range snap.Failures {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO snapshot_failures VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			snap.ID, f.Table, nullText(f.Account), nullText(f.Region), f.Operation, f.Code, f.Message, boolInt(f.Ignored))
		if err != nil {
			return fmt.Errorf("sqlite %s: %w", t.s.path, err)
		}
	}
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("sqlite %s: %w", t.s.path, err)
	}
	return nil
}

func (t *sqliteTx) Rollback() error {
	if err := t.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *sqliteStore) Snapshots(ctx context.Context) ([]*Snapshot, error) {
	var exists int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'snapshots'`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	if exists == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT snapshot_id, snapshot_time, coalesce(connection, ''), coalesce(shard, ''),
		accounts, regions, targets, tables FROM snapshots ORDER BY snapshot_time, snapshot_id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	defer rows.Close()
	var out []*Snapshot
	byID := map[string]*Snapshot{}
	for rows.Next() {
		var r snapshotRecord
		if err := rows.Scan(&r.ID, &r.Time, &r.Connection, &r.Shard, &r.Accounts, &r.Regions, &r.Targets, &r.Tables); err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
		}
		snap, err := r.snapshot()
		if err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
		}
		out = append(out, snap)
		byID[snap.ID] = snap
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	frows, err := s.db.QueryContext(ctx, `SELECT snapshot_id, table_name, coalesce(account_id, ''), coalesce(region, ''),
		operation, code, message, ignored FROM snapshot_failures ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
	}
	defer frows.Close()
	for frows.Next() {
		var id string
		var f Failure
		if err := frows.Scan(&id, &f.Table, &f.Account, &f.Region, &f.Operation, &f.Code, &f.Message, &f.Ignored); err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", s.path, err)
		}
		if snap := byID[id]; snap != nil {
			snap.Failures = append(snap.Failures, f)
		}
	}
	return out, frows.Err()
}

// snapshotRecord is a snapshot as the stores keep it: its lists as JSON.
type snapshotRecord struct {
	ID, Time, Connection, Shard        string
	Accounts, Regions, Targets, Tables string
}

func (r snapshotRecord) snapshot() (*Snapshot, error) {
	t, err := time.Parse(time.RFC3339Nano, r.Time)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: bad time %q", r.ID, r.Time)
	}
	shard, err := ParseShard(r.Shard)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", r.ID, err)
	}
	snap := &Snapshot{ID: r.ID, Time: t.UTC(), Connection: r.Connection, Shard: shard}
	for _, f := range []struct {
		text string
		into any
	}{{r.Accounts, &snap.Accounts}, {r.Regions, &snap.Regions}, {r.Targets, &snap.Targets}, {r.Tables, &snap.Tables}} {
		if f.text == "" {
			continue
		}
		if err := json.Unmarshal([]byte(f.text), f.into); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", r.ID, err)
		}
	}
	return snap, nil
}

func (s *sqliteStore) Rows(ctx context.Context, parts []*Snapshot, table string, cols []Column) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		names := []string{colKey}
		for _, c := range cols {
			names = append(names, quote(c.Name))
		}
		var order []string
		for _, i := range partitionColumns(cols) {
			order = append(order, quote(cols[i].Name))
		}
		order = append(order, colKey)
		ids := make([]any, len(parts))
		for i, p := range parts {
			ids[i] = p.ID
		}
		q := fmt.Sprintf("SELECT %s FROM %s WHERE %s IN (?%s) ORDER BY %s", strings.Join(names, ", "), quote(table),
			colSnapshot, strings.Repeat(", ?", max(len(ids)-1, 0)), strings.Join(order, ", "))
		rows, err := s.db.QueryContext(ctx, q, ids...)
		if err != nil {
			yield(Row{}, fmt.Errorf("sqlite %s: table %s: %w", s.path, table, err))
			return
		}
		defer rows.Close()
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				yield(Row{}, fmt.Errorf("sqlite %s: table %s: %w", s.path, table, err))
				return
			}
			key, _ := vals[0].(string)
			row := Row{Key: key, Values: slices.Clone(vals[1:])}
			for i, c := range cols {
				row.Values[i] = sqliteValue(c.Type, row.Values[i])
			}
			if !yield(row, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(Row{}, fmt.Errorf("sqlite %s: table %s: %w", s.path, table, err))
		}
	}
}

// sqliteValue undoes what database/sql does to a value: SQLite's own
// types are nil, int64, float64, string and []byte.
func sqliteValue(_ vtab.Type, v any) any {
	switch v := v.(type) {
	case bool:
		return boolInt(v)
	case time.Time:
		return timeText(v)
	}
	return v
}

// SQLiteViews are the statements that make a SQLite file's tables read
// as one snapshot (a group's parts): a temporary view per table, named as
// the table and with its columns as that snapshot had them, in front of
// the table of every snapshot (still there as main.TABLE). A table that
// other snapshots hold but this one did not read is not an empty table:
// its view fails when read, with an error that says so (MissingTable).
func SQLiteViews(snaps []*Snapshot, g *Group) []string {
	cols := map[string][]ColumnType{}
	last := map[string]string{} // the latest snapshot that read each table
	for _, p := range snaps {   // oldest first: the latest columns win
		for _, t := range p.Tables {
			cols[t.Name] = t.Columns
			last[t.Name] = p.ID
		}
	}
	read := map[string]bool{}
	for _, p := range g.Parts {
		for _, t := range p.Tables {
			cols[t.Name] = t.Columns
			read[t.Name] = true
		}
	}
	ids := make([]string, len(g.Parts))
	for i, p := range g.Parts {
		ids[i] = "'" + strings.ReplaceAll(p.ID, "'", "''") + "'"
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(cols)) {
		if !read[name] {
			out = append(out, MissingTable(name, fmt.Sprintf("snapshot %s did not read (--snapshot %s has it)", g.Describe(), last[name])))
			continue
		}
		names := make([]string, len(cols[name]))
		for i, c := range cols[name] {
			names[i] = quote(c.Name)
		}
		out = append(out, fmt.Sprintf("CREATE TEMP VIEW %s AS SELECT %s FROM main.%s WHERE %s IN (%s)",
			quote(name), strings.Join(names, ", "), quote(name), colSnapshot, strings.Join(ids, ", ")))
	}
	return out
}

// MissingTableNote begins what follows a table's name in the error of
// reading a MissingTable view: "no such table: main.NAME, which ...".
const MissingTableNote = ", which "

// MissingTable is a temporary view named as a table that fails when read,
// with SQLite's "no such table: main.NAME, WHY": a table the snapshot read
// does not hold must not read as a table without rows.
func MissingTable(name, why string) string {
	return fmt.Sprintf("CREATE TEMP VIEW %s AS SELECT * FROM main.%s", quote(name), quote(name+MissingTableNote+why))
}
