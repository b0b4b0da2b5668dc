// Package store keeps snapshots of an estate: the rows awssql read of each
// table, keyed by each row's identity, with when they were read, for which
// connection, accounts and regions, and every target that failed. It
// writes and reads them in three stores (a SQLite file, a Hive-partitioned
// Parquet dataset, a PostgreSQL database) and compares two snapshots of
// any of them (Diff).
//
// It knows SQL values and column types (vtab's), not AWS: what a snapshot
// holds is handed to it by the CLI, which read it through the engine.
package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/awssql/awssql/vtab"
)

// Scope says which targets a table's rows come from, and so which failed
// target leaves which rows unknown.
type Scope string

const (
	// ScopeRegion: a target per (account, region); a row's target is its
	// account_id and region.
	ScopeRegion Scope = "region"
	// ScopeAccount: a target per account, whatever region the rows name.
	ScopeAccount Scope = "account"
	// ScopeConnection: the connection's own list of accounts (the accounts
	// table): a snapshot that read the whole connection holds all of them.
	ScopeConnection Scope = "connection"
)

// Column is one column of a table: its name and awssql type.
type Column struct {
	Name string    `json:"name"`
	Type vtab.Type `json:"-"`
}

// Table is what a store needs to know of a table to keep its rows.
type Table struct {
	Name    string
	Scope   Scope
	Columns []Column
}

// Row is one row: its identity (vtab's row ID: the account, the region and
// the resource's own id) and its values, in the table's column order, as
// SQLite has them: nil, int64, float64, string or []byte.
type Row struct {
	Key    string
	Values []any
}

// Snapshot describes one snapshot, or one shard's part of one.
type Snapshot struct {
	// ID names the snapshot in the store: its time, and its shard.
	ID string
	// Time is when it was taken; the parts of a sharded snapshot share it.
	Time       time.Time
	Connection string
	Shard      Shard
	// Accounts are the accounts it was asked to read (the shard's).
	Accounts []string
	// Regions are the regions asked (--regions): names and globs; empty
	// for every region enabled in each account.
	Regions []string
	// Targets are the regions read in each account that could be entered.
	Targets  map[string][]string
	Tables   []TableSummary
	Failures []Failure
}

// TableSummary is what a snapshot holds of one table.
type TableSummary struct {
	Name          string       `json:"table"`
	Scope         Scope        `json:"scope"`
	Columns       []ColumnType `json:"columns"`
	Rows          int64        `json:"rows"`
	TargetsOK     int          `json:"targets_ok"`
	TargetsFailed int          `json:"targets_failed"`
	Ignored       int          `json:"targets_ignored,omitempty"`
}

// ColumnType is a column as a snapshot records it: its name and awssql
// type, by name ("text", "integer", "real", "boolean", "timestamp",
// "json").
type ColumnType struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Failure is a target that could not be read for a table. Ignored ones
// (--ignore-errors) counted as empty by the user's choice.
type Failure struct {
	Table     string `json:"table"`
	Account   string `json:"account_id"`
	Region    string `json:"region"`
	Operation string `json:"operation"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Ignored   bool   `json:"ignored"`
}

// Summarize describes a table for a snapshot's record.
func Summarize(t Table) TableSummary {
	s := TableSummary{Name: t.Name, Scope: t.Scope}
	for _, c := range t.Columns {
		s.Columns = append(s.Columns, ColumnType{Name: c.Name, Type: c.Type.String()})
	}
	return s
}

// Table returns the summary's table: its columns with their types.
func (s TableSummary) Table() (Table, error) {
	t := Table{Name: s.Name, Scope: s.Scope}
	for _, c := range s.Columns {
		typ, ok := parseType(c.Type)
		if !ok {
			return Table{}, fmt.Errorf("table %s: column %s has an unknown type %q", s.Name, c.Name, c.Type)
		}
		t.Columns = append(t.Columns, Column{Name: c.Name, Type: typ})
	}
	return t, nil
}

func parseType(name string) (vtab.Type, bool) {
	for _, t := range []vtab.Type{vtab.Text, vtab.Integer, vtab.Real, vtab.Bool, vtab.Time, vtab.JSON} {
		if t.String() == name {
			return t, true
		}
	}
	return 0, false
}

// Store is where snapshots are kept.
type Store interface {
	// Begin starts writing snapshot s: nothing of it is visible until
	// Commit, and Rollback (or an error, or a crash) leaves the store as it
	// was. It fails when the store already holds a snapshot of s's ID.
	Begin(ctx context.Context, s *Snapshot) (Tx, error)
	// Snapshots lists the snapshots (and shards' parts) the store holds,
	// oldest first.
	Snapshots(ctx context.Context) ([]*Snapshot, error)
	// Rows reads a table's rows of the given snapshot parts, with the
	// values of cols, ordered by account_id and region (NULL first, where
	// the table has them) and then key, in byte order. Values come back as
	// they went in (see Row), whatever the store's own types.
	Rows(ctx context.Context, parts []*Snapshot, table string, cols []Column) iter.Seq2[Row, error]
	// Close releases the store.
	Close() error
	// String names the store in messages.
	String() string
}

// Tx is a snapshot being written. Its tables are written side by side, as
// they are read: each through a TableWriter, and the rows of several
// tables may come interleaved. A Tx and its writers are used by one
// goroutine at a time.
type Tx interface {
	// Table starts writing the rows of table t, creating it in the store
	// or adding the columns it lacks.
	Table(ctx context.Context, t Table) (TableWriter, error)
	// Commit makes the snapshot visible whole, with s (its tables' counts
	// and failures, now known) as its record.
	Commit(ctx context.Context, s *Snapshot) error
	// Rollback drops what was written; after Commit it does nothing.
	Rollback() error
}

// TableWriter writes the rows of one table of a snapshot as they come.
// What it holds in memory is bounded, whatever the number of rows.
type TableWriter interface {
	// Write stores a row; the row's Values may be reused once it returns.
	Write(ctx context.Context, r Row) error
	// Close writes what is pending of the table, which is then complete,
	// and returns how many rows it has.
	Close(ctx context.Context) (int64, error)
}

// SpecError says that a spec names no store awssql can use: an unknown
// kind, no path, a missing file (to read), a file that is not a SQLite
// database or not a store of snapshots, a directory where a file is
// wanted or the reverse. It is the caller's mistake, not a failure of the
// store: the CLI makes it a usage error.
type SpecError struct{ Err error }

func (e *SpecError) Error() string { return e.Err.Error() }
func (e *SpecError) Unwrap() error { return e.Err }

func specErrorf(format string, args ...any) error {
	return &SpecError{Err: fmt.Errorf(format, args...)}
}

// Open opens the store a spec names: postgres://... (or postgresql://), a
// PostgreSQL database; parquet:DIR, a Parquet dataset in a directory;
// sqlite:FILE or a plain path, a SQLite file. With create, a missing file
// or directory is made (for writing); without, it is an error.
func Open(ctx context.Context, spec string, create bool) (Store, error) {
	st, err := open(ctx, spec, create)
	if err != nil {
		return nil, err // not a Store holding a nil pointer
	}
	return st, nil
}

func open(ctx context.Context, spec string, create bool) (Store, error) {
	switch {
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return openPostgres(ctx, spec)
	case strings.HasPrefix(spec, "parquet:"):
		dir := strings.TrimPrefix(spec, "parquet:")
		if dir == "" {
			return nil, specErrorf("parquet: needs a directory, as in parquet:inventory")
		}
		return openParquet(dir, create)
	case strings.HasPrefix(spec, "sqlite:"):
		file := strings.TrimPrefix(spec, "sqlite:")
		if file == "" {
			return nil, specErrorf("sqlite: needs a file, as in sqlite:inventory.db")
		}
		return openSQLite(file, create)
	case spec == "":
		return nil, specErrorf("no store named: give a SQLite file, parquet:DIR or postgres://...")
	}
	if i := strings.Index(spec, "://"); i > 0 && !strings.ContainsAny(spec[:i], "/.") {
		return nil, specErrorf("unknown store %q: give a SQLite file, parquet:DIR or postgres://...", spec[:i+3])
	}
	return openSQLite(spec, create)
}

// Meta columns: every stored row has them besides the table's own. The
// leading underscore keeps them apart from AWS's names (ebs_volumes has
// its own snapshot_id), as CloudQuery's _cq_id does; Athena wants such a
// name in backticks in DDL only.
const (
	colSnapshot = "_snapshot_id"
	colKey      = "_row_key"
)

// reservedTable reports whether a table name is one a store uses itself.
func reservedTable(name string) bool {
	return name == "snapshots" || name == "snapshot_failures"
}

// Check reports the tables a store cannot keep as they are: a table named
// as the store's own, a column named as a meta column or as the Parquet
// partition by date.
func Check(ts []Table) error {
	var errs []error
	for _, t := range ts {
		if reservedTable(t.Name) {
			errs = append(errs, fmt.Errorf("table %s: the name is the store's own", t.Name))
		}
		for _, c := range t.Columns {
			if c.Name == colSnapshot || c.Name == colKey || c.Name == snapshotDateName {
				errs = append(errs, fmt.Errorf("table %s: column %s: the name is the store's own", t.Name, c.Name))
			}
		}
	}
	return errors.Join(errs...)
}

// partitionColumns are the columns, of account_id and region, that the
// table has: rows are ordered, and Parquet files partitioned, by them.
func partitionColumns(cols []Column) []int {
	var out []int
	for _, name := range []string{"account_id", "region"} {
		if i := slices.IndexFunc(cols, func(c Column) bool { return c.Name == name }); i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// Shard is one of N disjoint parts of a connection's accounts; the zero
// Shard is the whole connection.
type Shard struct{ I, N int }

// ParseShard reads "I/N", 1 <= I <= N.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	// Digits only: Atoi also takes "+1", which would name the same shard
	// as "1" in another spelling.
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	if !ok || !digits(a) || !digits(b) || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("bad shard %q: write I/N with 1 <= I <= N, as in 2/4", s)
	}
	return Shard{I: i, N: n}, nil
}

func (s Shard) String() string {
	if s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// Holds reports whether an account is in the shard: shard I of N holds
// the accounts whose FNV-1a hash of the id, modulo N, is I-1. Every
// machine computes the same split from the id alone.
func (s Shard) Holds(account string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(account))
	return int(h.Sum64()%uint64(s.N)) == s.I-1
}

// SnapshotID names a snapshot taken at t, of a shard: 20261101T000000Z,
// 20261101T000000Z-2of4.
func SnapshotID(t time.Time, s Shard) string {
	id := t.UTC().Format("20060102T150405Z")
	if s.N > 0 {
		id += fmt.Sprintf("-%dof%d", s.I, s.N)
	}
	return id
}
