package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/awssql/awssql/vtab"
)

// pgStore keeps snapshots in PostgreSQL: one table per awssql table, with
// PostgreSQL's types (text, bigint, double precision, boolean,
// timestamptz, jsonb) and _snapshot_id and _row_key, and the snapshots and
// snapshot_failures tables, in the connection's schema (set search_path in
// the URL to choose another). A snapshot is one transaction, its rows
// written with COPY: an interrupted or failed snapshot leaves nothing.
type pgStore struct {
	name string // the URL without its password
	pool *pgxpool.Pool
}

func openPostgres(ctx context.Context, spec string) (*pgStore, error) {
	name := redactPostgres(spec)
	cfg, err := pgxpool.ParseConfig(spec)
	if err != nil {
		// pgx's message repeats the URL, with the password in its
		// userinfo hidden but not an sslpassword: say it without.
		msg := err.Error()
		if i := strings.Index(msg, "cannot parse `"); i >= 0 {
			if j := strings.Index(msg[i:], "`: "); j >= 0 {
				msg = msg[:i] + "cannot parse it: " + msg[i+j+3:]
			}
		}
		return nil, specErrorf("postgres %s: %s", name, msg)
	}
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", name, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", name, err)
	}
	return &pgStore{name: name, pool: pool}, nil
}

// redactPostgres is a PostgreSQL URL without its passwords, for
// messages: the userinfo's, and the password and sslpassword parameters
// that libpq and pgx also take in the query. A URL that does not parse is
// shown up to its host.
func redactPostgres(spec string) string {
	u, err := url.Parse(spec)
	if err != nil {
		scheme, rest, _ := strings.Cut(spec, "://")
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			rest = "xxxxx" + rest[at:]
		}
		if i := strings.IndexAny(rest, "/?"); i >= 0 {
			rest = rest[:i] + "/..."
		}
		return scheme + "://" + rest
	}
	// On the raw query: a value that is not valid percent-encoding
	// would be dropped by u.Query(), and shown.
	u.RawQuery = passwordParam.ReplaceAllString(u.RawQuery, "${1}xxxxx")
	return u.Redacted()
}

var passwordParam = regexp.MustCompile(`(?i)((?:^|[&;])(?:ssl)?password=)[^&;]*`)

func (s *pgStore) String() string { return s.name }
func (s *pgStore) Close() error   { s.pool.Close(); return nil }

// pgType is how a column of an awssql type is kept, as information_schema
// names it.
func pgType(t vtab.Type) string {
	switch t {
	case vtab.Integer:
		return "bigint"
	case vtab.Real:
		return "double precision"
	case vtab.Bool:
		return "boolean"
	case vtab.Time:
		return "timestamp with time zone"
	case vtab.JSON:
		return "jsonb"
	}
	return "text"
}

// ddlLock serializes the schema changes of concurrent snapshots (the
// shards of one, say): CREATE TABLE IF NOT EXISTS is not safe against
// itself. The number is arbitrary and awssql's own.
const ddlLock = 0x61777373716c

const pgMeta = `
CREATE TABLE IF NOT EXISTS snapshots (
	snapshot_id text PRIMARY KEY,
	snapshot_time timestamptz NOT NULL,
	connection text,
	shard text,
	accounts jsonb,
	regions jsonb,
	targets jsonb,
	tables jsonb
);
CREATE TABLE IF NOT EXISTS snapshot_failures (
	snapshot_id text NOT NULL,
	table_name text NOT NULL,
	account_id text,
	region text,
	operation text,
	code text,
	message text,
	ignored boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshot_failures_snapshot ON snapshot_failures (snapshot_id);`

// ddl runs schema changes in a transaction of their own, under ddlLock.
func (s *pgStore) ddl(ctx context.Context, f func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(ddlLock)); err != nil {
			return err
		}
		return f(tx)
	})
}

func (s *pgStore) Begin(ctx context.Context, snap *Snapshot) (Tx, error) {
	err := s.ddl(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, pgMeta)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", s.name, err)
	}
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM snapshots WHERE snapshot_id = $1", snap.ID).Scan(&n); err != nil {
		return nil, fmt.Errorf("postgres %s: %w", s.name, err)
	}
	if n > 0 {
		return nil, fmt.Errorf("postgres %s already holds snapshot %s (taken at the same time, of the same shard)", s.name, snap.ID)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", s.name, err)
	}
	return &pgTx{s: s, tx: tx, id: snap.ID, batchBytes: batchBytes, pendingBytes: pendingBytes}, nil
}

type pgTx struct {
	s       *pgStore
	tx      pgx.Tx
	id      string
	tables  []*pgTable // being written
	pending int        // about what their batches hold
	// batchBytes and pendingBytes, but for tests of small batches.
	batchBytes, pendingBytes int
}

// table creates the table, or adds the columns it lacks.
func (s *pgStore) table(ctx context.Context, tbl Table) error {
	return s.ddl(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1`, tbl.Name)
		if err != nil {
			return err
		}
		have := map[string]string{}
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
			fmt.Fprintf(&b, "CREATE TABLE %s (%s text NOT NULL, %s text NOT NULL", quote(tbl.Name), colSnapshot, colKey)
			for _, c := range tbl.Columns {
				fmt.Fprintf(&b, ", %s %s", quote(c.Name), pgType(c.Type))
			}
			b.WriteString(")")
			if _, err := tx.Exec(ctx, b.String()); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, fmt.Sprintf("CREATE INDEX %s ON %s (%s)", quote(tbl.Name+"_snapshot"), quote(tbl.Name), colSnapshot))
			return err
		}
		for _, c := range tbl.Columns {
			typ, ok := have[c.Name]
			switch {
			case !ok:
				if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", quote(tbl.Name), quote(c.Name), pgType(c.Type))); err != nil {
					return err
				}
			case typ != pgType(c.Type):
				return fmt.Errorf("column %s is %s in the database but %s in awssql", c.Name, typ, pgType(c.Type))
			}
		}
		return nil
	})
}

// A connection runs one COPY at a time, so the rows of tables written side
// by side are gathered table by table, converted, and each batch is
// copied in one COPY when it is full: at batchBytes for a table, or when
// the tables' batches together reach pendingBytes (then the largest goes).
// Several COPYs into a table in one transaction are as one.
const (
	batchBytes   = 4 << 20
	pendingBytes = 16 << 20
)

// Table creates the table or adds the columns it lacks, in a transaction
// of its own (see ddl), and gathers its rows in batches.
func (t *pgTx) Table(ctx context.Context, tbl Table) (TableWriter, error) {
	if err := t.s.table(ctx, tbl); err != nil {
		return nil, fmt.Errorf("postgres %s: table %s: %w", t.s.name, tbl.Name, err)
	}
	names := []string{colSnapshot, colKey}
	for _, c := range tbl.Columns {
		names = append(names, c.Name)
	}
	w := &pgTable{tx: t, tbl: tbl, names: names}
	t.tables = append(t.tables, w)
	return w, nil
}

type pgTable struct {
	tx    *pgTx
	tbl   Table
	names []string
	batch [][]any // converted, as COPY writes them
	bytes int     // about what batch holds
	n     int64   // rows copied
}

func (w *pgTable) Write(ctx context.Context, row Row) error {
	vals := make([]any, len(w.names))
	vals[0], vals[1] = w.tx.id, row.Key
	size := len(row.Key) + 16*len(vals)
	for i, col := range w.tbl.Columns {
		v, err := pgValue(col, row.Values[i])
		if err != nil {
			return fmt.Errorf("postgres %s: table %s: row %s: %w", w.tx.s.name, w.tbl.Name, row.Key, err)
		}
		vals[i+2] = v
		switch v := v.(type) {
		case string:
			size += len(v)
		case json.RawMessage:
			size += len(v)
		}
	}
	w.batch = append(w.batch, vals)
	w.bytes += size
	w.tx.pending += size
	switch {
	case w.bytes >= w.tx.batchBytes:
		return w.flush(ctx)
	case w.tx.pending >= w.tx.pendingBytes:
		return slices.MaxFunc(w.tx.tables, func(a, b *pgTable) int { return a.bytes - b.bytes }).flush(ctx)
	}
	return nil
}

// flush copies the table's batch.
func (w *pgTable) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	n, err := w.tx.tx.CopyFrom(ctx, pgx.Identifier{w.tbl.Name}, w.names, pgx.CopyFromRows(w.batch))
	w.n += n
	w.tx.pending -= w.bytes
	clear(w.batch)
	w.batch, w.bytes = w.batch[:0], 0
	if err != nil {
		return fmt.Errorf("postgres %s: table %s: %w", w.tx.s.name, w.tbl.Name, err)
	}
	return nil
}

func (w *pgTable) Close(ctx context.Context) (int64, error) {
	err := w.flush(ctx)
	w.tx.tables = slices.DeleteFunc(w.tx.tables, func(t *pgTable) bool { return t == w })
	return w.n, err
}

// pgValue converts a column's SQLite value to what pgx writes as the
// column's PostgreSQL type.
func pgValue(c Column, v any) (any, error) {
	var (
		out any
		ok  bool
		err error
	)
	switch c.Type {
	case vtab.Integer:
		out, ok, err = intValue(c.Name, v)
	case vtab.Real:
		out, ok, err = realValue(c.Name, v)
	case vtab.Bool:
		out, ok, err = boolValue(c.Name, v)
	case vtab.Time:
		out, ok, err = timeValue(c.Name, v)
	case vtab.JSON:
		var s string
		s, ok, err = textValue(c.Name, v)
		out = json.RawMessage(s)
	default:
		var s string
		s, ok, err = textValue(c.Name, v)
		if strings.IndexByte(s, 0) >= 0 {
			return nil, fmt.Errorf("column %s: PostgreSQL text cannot hold a NUL character", c.Name)
		}
		out = s
	}
	if err != nil || !ok {
		return nil, err
	}
	return out, nil
}

func (t *pgTx) Commit(ctx context.Context, snap *Snapshot) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO snapshots VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7::text::jsonb, $8::text::jsonb)`,
		snap.ID, snap.Time.UTC(), nullText(snap.Connection), nullText(snap.Shard.String()),
		jsonText(orEmpty(snap.Accounts)), jsonText(orEmpty(snap.Regions)), jsonText(snap.Targets), jsonText(snap.Tables))
	if err != nil {
		return fmt.Errorf("postgres %s: %w", t.s.name, err)
	}
	var rows [][]any
	for _, f := range snap.Failures {
		rows = append(rows, []any{snap.ID, f.Table, nullText(f.Account), nullText(f.Region), f.Operation, f.Code, f.Message, f.Ignored})
	}
	_, err = t.tx.CopyFrom(ctx, pgx.Identifier{"snapshot_failures"},
		[]string{"snapshot_id", "table_name", "account_id", "region", "operation", "code", "message", "ignored"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("postgres %s: %w", t.s.name, err)
	}
	if err := t.tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres %s: %w", t.s.name, err)
	}
	return nil
}

func (t *pgTx) Rollback() error {
	// The transaction's context may be over (Ctrl-C): roll back under one
	// that is not.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A statement cut short closes the connection, and the server rolls
	// the transaction back itself.
	// (Rollback also hands the connection back to the pool.)
	closed := t.tx.Conn().IsClosed()
	if err := t.tx.Rollback(ctx); err != nil && !closed && !errors.Is(err, pgx.ErrTxClosed) {
		return err
	}
	return nil
}

func (s *pgStore) Snapshots(ctx context.Context) ([]*Snapshot, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT to_regclass('snapshots') IS NOT NULL").Scan(&exists); err != nil {
		return nil, fmt.Errorf("postgres %s: %w", s.name, err)
	}
	if !exists {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT snapshot_id, snapshot_time, coalesce(connection, ''), coalesce(shard, ''),
		coalesce(accounts::text, ''), coalesce(regions::text, ''), coalesce(targets::text, ''), coalesce(tables::text, '')
		FROM snapshots ORDER BY snapshot_time, snapshot_id`)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", s.name, err)
	}
	var out []*Snapshot
	byID := map[string]*Snapshot{}
	for rows.Next() {
		var r snapshotRecord
		var t time.Time
		if err := rows.Scan(&r.ID, &t, &r.Connection, &r.Shard, &r.Accounts, &r.Regions, &r.Targets, &r.Tables); err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres %s: %w", s.name, err)
		}
		r.Time = t.UTC().Format(time.RFC3339Nano)
		snap, err := r.snapshot()
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres %s: %w", s.name, err)
		}
		out = append(out, snap)
		byID[snap.ID] = snap
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres %s: %w", s.name, err)
	}
	frows, err := s.pool.Query(ctx, `SELECT snapshot_id, table_name, coalesce(account_id, ''), coalesce(region, ''),
		operation, code, message, ignored FROM snapshot_failures ORDER BY ctid`)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", s.name, err)
	}
	defer frows.Close()
	for frows.Next() {
		var id string
		var f Failure
		if err := frows.Scan(&id, &f.Table, &f.Account, &f.Region, &f.Operation, &f.Code, &f.Message, &f.Ignored); err != nil {
			return nil, fmt.Errorf("postgres %s: %w", s.name, err)
		}
		if snap := byID[id]; snap != nil {
			snap.Failures = append(snap.Failures, f)
		}
	}
	return out, frows.Err()
}

func (s *pgStore) Rows(ctx context.Context, parts []*Snapshot, table string, cols []Column) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		names := []string{colKey}
		for _, c := range cols {
			if c.Type == vtab.JSON {
				names = append(names, quote(c.Name)+"::text")
			} else {
				names = append(names, quote(c.Name))
			}
		}
		var order []string
		for _, i := range partitionColumns(cols) {
			order = append(order, quote(cols[i].Name)+` COLLATE "C" NULLS FIRST`)
		}
		order = append(order, colKey+` COLLATE "C"`)
		ids := make([]string, len(parts))
		for i, p := range parts {
			ids[i] = p.ID
		}
		q := fmt.Sprintf("SELECT %s FROM %s WHERE %s = ANY($1) ORDER BY %s", strings.Join(names, ", "), quote(table),
			colSnapshot, strings.Join(order, ", "))
		rows, err := s.pool.Query(ctx, q, ids)
		if err != nil {
			yield(Row{}, fmt.Errorf("postgres %s: table %s: %w", s.name, table, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				yield(Row{}, fmt.Errorf("postgres %s: table %s: %w", s.name, table, err))
				return
			}
			key, _ := vals[0].(string)
			row := Row{Key: key, Values: vals[1:]}
			for i, v := range row.Values {
				switch v := v.(type) {
				case bool:
					row.Values[i] = boolInt(v)
				case time.Time:
					row.Values[i] = timeText(v)
				}
			}
			if !yield(row, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(Row{}, fmt.Errorf("postgres %s: table %s: %w", s.name, table, err))
		}
	}
}
