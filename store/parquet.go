package store

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"github.com/awssql/awssql/vtab"
)

// parquetStore keeps snapshots as a Parquet dataset per table in a
// directory, Hive-partitioned by the snapshot's date, the account and the
// region:
//
//	DIR/ec2_instances/snapshot_date=2026-11-01/account_id=123456789012/region=eu-west-1/20261101T000000Z_0.parquet
//	DIR/snapshots/snapshot_date=2026-11-01/20261101T000000Z.parquet
//	DIR/snapshot_failures/snapshot_date=2026-11-01/20261101T000000Z.parquet
//
// A file holds the table's columns but the partition ones (account_id and
// region come from the path, as Hive, Athena, Spark and DuckDB expect),
// with _snapshot_id and _row_key first. A NULL partition value is written
// __HIVE_DEFAULT_PARTITION__. A partition of a snapshot is one file: rows
// are spooled to disk by partition as they come, then each partition is
// written whole. Files are written under DIR/.staging/ID/ and
// moved to their final names only when the whole snapshot is written, the
// snapshots file last: a snapshot is in the dataset once its snapshots file
// is.
type parquetStore struct {
	dir string
}

const (
	stagingDir       = ".staging"
	hiveNull         = "__HIVE_DEFAULT_PARTITION__"
	snapshotDateName = "snapshot_date"
	// rowGroupBytes is the data (before encoding) a file's row group
	// gathers before it is written out.
	rowGroupBytes = 32 << 20
)

func openParquet(dir string, create bool) (*parquetStore, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("parquet %s: %w", dir, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		return nil, specErrorf("parquet %s: no such file or directory", dir)
	case err != nil:
		return nil, fmt.Errorf("parquet %s: %w", dir, err)
	case !info.IsDir():
		return nil, specErrorf("parquet %s: not a directory", dir)
	}
	return &parquetStore{dir: dir}, nil
}

func (s *parquetStore) String() string { return "parquet:" + s.dir }
func (s *parquetStore) Close() error   { return nil }

func snapshotDate(t time.Time) string { return snapshotDateName + "=" + t.UTC().Format(time.DateOnly) }

// snapshotFile is where a snapshot's record is (in dataset snapshots, or
// snapshot_failures), relative to the store's directory.
func snapshotFile(dataset string, snap *Snapshot) string {
	return filepath.Join(dataset, snapshotDate(snap.Time), snap.ID+".parquet")
}

func (s *parquetStore) Begin(ctx context.Context, snap *Snapshot) (Tx, error) {
	if _, err := os.Stat(filepath.Join(s.dir, snapshotFile("snapshots", snap))); err == nil {
		return nil, fmt.Errorf("parquet %s already holds snapshot %s (taken at the same time, of the same shard)", s.dir, snap.ID)
	}
	if err := os.MkdirAll(filepath.Join(s.dir, stagingDir), 0o755); err != nil {
		return nil, fmt.Errorf("parquet %s: %w", s.dir, err)
	}
	staging := filepath.Join(s.dir, stagingDir, snap.ID)
	if err := os.Mkdir(staging, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("parquet %s: %s exists: snapshot %s is being written, or an interrupted run left it (remove it)", s.dir, staging, snap.ID)
		}
		return nil, fmt.Errorf("parquet %s: %w", s.dir, err)
	}
	return &parquetTx{s: s, staging: staging, snap: snap}, nil
}

type parquetTx struct {
	s       *parquetStore
	staging string
	snap    *Snapshot
	files   []string // written, relative to staging
	open    []*spool // the spool files open, of every table, least recently written first
	done    bool
}

// hiveEscape writes a partition value as Hive does: characters that a
// path or a reader could take otherwise as %XX.
func hiveEscape(v any) string {
	s, ok := v.(string)
	if !ok || s == "" {
		return hiveNull
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' && i > 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func hiveUnescape(s string) (any, error) {
	if s == hiveNull {
		return nil, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		var c byte
		if i+2 >= len(s) {
			return nil, fmt.Errorf("bad partition value %q", s)
		}
		if _, err := fmt.Sscanf(s[i+1:i+3], "%02X", &c); err != nil {
			return nil, fmt.Errorf("bad partition value %q", s)
		}
		b.WriteByte(c)
		i += 2
	}
	return b.String(), nil
}

// fileColumns are what a table's files hold: the table's columns less the
// partition ones.
func fileColumns(t Table) (cols []Column, index []int, parts []int) {
	parts = partitionColumns(t.Columns)
	for i, c := range t.Columns {
		if !slices.Contains(parts, i) {
			cols = append(cols, c)
			index = append(index, i)
		}
	}
	return cols, index, parts
}

// Table spools each row of the table, in a compact encoding, to a file per
// partition as rows come (the rows of many targets, and of many tables,
// interleave); Close then writes each partition's Parquet file in one go.
// What is held in memory is a buffer per open spool, at most
// maxOpenSpools of them whatever the number of tables and partitions,
// and one file being written; and each partition is one file of large row
// groups.
func (t *parquetTx) Table(ctx context.Context, tbl Table) (TableWriter, error) {
	cols, index, parts := fileColumns(tbl)
	sp := &spools{dir: filepath.Join(t.staging, tbl.Name+".spool"), byDir: map[string]*spool{}, open: &t.open}
	if err := os.MkdirAll(sp.dir, 0o755); err != nil {
		return nil, fmt.Errorf("parquet %s: %w", t.s.dir, err)
	}
	return &parquetTable{tx: t, tbl: tbl, cols: cols, index: index, parts: parts, spools: sp, vals: make([]any, len(cols))}, nil
}

type parquetTable struct {
	tx           *parquetTx
	tbl          Table
	cols         []Column // in the files: the table's but the partition ones
	index, parts []int    // of cols, and of the partition columns, in the table's
	spools       *spools
	vals         []any
	n            int64
}

func (w *parquetTable) Write(ctx context.Context, row Row) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	segs := []string{w.tbl.Name, snapshotDate(w.tx.snap.Time)}
	for _, i := range w.parts {
		segs = append(segs, w.tbl.Columns[i].Name+"="+hiveEscape(row.Values[i]))
	}
	for j, i := range w.index {
		w.vals[j] = row.Values[i]
	}
	if err := w.spools.add(filepath.Join(segs...), row.Key, w.vals); err != nil {
		return fmt.Errorf("parquet %s: table %s: %w", w.tx.s.dir, w.tbl.Name, err)
	}
	w.n++
	return nil
}

func (w *parquetTable) Close(ctx context.Context) (int64, error) {
	t, tbl := w.tx, w.tbl
	defer w.spools.remove()
	if err := w.spools.closeAll(); err != nil {
		return w.n, fmt.Errorf("parquet %s: table %s: %w", t.s.dir, tbl.Name, err)
	}
	schema := fileSchema(tbl.Name, []string{colSnapshot, colKey}, w.cols)
	types, _ := json.Marshal(Summarize(tbl).Columns)
	kv := map[string]string{"awssql.table": tbl.Name, "awssql.columns": string(types)}
	for _, dir := range slices.Sorted(maps.Keys(w.spools.byDir)) {
		if err := ctx.Err(); err != nil {
			return w.n, context.Cause(ctx)
		}
		name := filepath.Join(dir, t.snap.ID+"_0.parquet")
		if err := t.convert(w.spools.byDir[dir].path, filepath.Join(t.staging, name), schema, w.cols, kv); err != nil {
			return w.n, fmt.Errorf("parquet %s: table %s: %w", t.s.dir, tbl.Name, err)
		}
		t.files = append(t.files, name)
	}
	return w.n, nil
}

// convert writes one partition's spooled rows as a Parquet file.
func (t *parquetTx) convert(spoolPath, path string, schema *parquet.Schema, cols []Column, kv map[string]string) error {
	f, err := os.Open(spoolPath)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := newPQWriter(path, schema, 2, cols, kv)
	if err != nil {
		return err
	}
	r := bufio.NewReaderSize(f, 64<<10)
	meta := []string{t.snap.ID, ""}
	vals := make([]any, len(cols))
	for {
		key, err := decodeRow(r, vals)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.close()
			return fmt.Errorf("%s: %w", spoolPath, err)
		}
		meta[1] = key
		if err := w.write(meta, vals); err != nil {
			w.close()
			return err
		}
	}
	return w.close()
}

// spools are the partitions' spool files of one table. A bounded number
// of spool files, of all the tables being written, are open at once.
type spools struct {
	dir   string
	byDir map[string]*spool
	open  *[]*spool // the transaction's: least recently written first
}

type spool struct {
	path string
	f    *os.File
	w    *bufio.Writer
	buf  []byte
}

// maxOpenSpools bounds the spool files open at once, of all tables; a
// spool closed is reopened for appending when its partition's rows come
// again.
const maxOpenSpools = 64

func (s *spools) add(dir, key string, vals []any) error {
	sp := s.byDir[dir]
	if sp == nil {
		sp = &spool{path: filepath.Join(s.dir, strconv.Itoa(len(s.byDir))+".spool")}
		s.byDir[dir] = sp
	}
	open := *s.open
	if sp.f == nil {
		if len(open) >= maxOpenSpools {
			if err := open[0].close(); err != nil {
				return err
			}
			open = open[1:]
		}
		f, err := os.OpenFile(sp.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		sp.f, sp.w = f, bufio.NewWriterSize(f, 32<<10)
		open = append(open, sp)
	} else if last := len(open) - 1; open[last] != sp {
		i := slices.Index(open, sp)
		open = append(slices.Delete(open, i, i+1), sp)
	}
	*s.open = open
	b, err := encodeRow(sp.buf[:0], key, vals)
	if err != nil {
		return fmt.Errorf("row %s: %w", key, err)
	}
	sp.buf = b
	_, err = sp.w.Write(b)
	return err
}

func (sp *spool) close() error {
	err := sp.w.Flush()
	if cerr := sp.f.Close(); err == nil {
		err = cerr
	}
	sp.f, sp.w = nil, nil
	return err
}

// closeAll closes the table's spool files that are open.
func (s *spools) closeAll() error {
	var errs []error
	for _, sp := range s.byDir {
		if sp.f != nil {
			errs = append(errs, sp.close())
		}
	}
	*s.open = slices.DeleteFunc(*s.open, func(sp *spool) bool { return sp.f == nil })
	return errors.Join(errs...)
}

func (s *spools) remove() {
	s.closeAll()
	os.RemoveAll(s.dir)
}

// A spooled row is its key and its values, each a tag byte and its bytes:
// the SQLite values a row holds, nothing lost.
const (
	tagNull byte = iota
	tagInt
	tagReal
	tagText
	tagBlob
)

func encodeRow(b []byte, key string, vals []any) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	for _, v := range vals {
		switch v := v.(type) {
		case nil:
			b = append(b, tagNull)
		case int64:
			b = binary.AppendVarint(append(b, tagInt), v)
		case float64:
			b = binary.LittleEndian.AppendUint64(append(b, tagReal), math.Float64bits(v))
		case string:
			b = binary.AppendUvarint(append(b, tagText), uint64(len(v)))
			b = append(b, v...)
		case []byte:
			b = binary.AppendUvarint(append(b, tagBlob), uint64(len(v)))
			b = append(b, v...)
		default:
			return nil, fmt.Errorf("a %T is not a SQLite value", v)
		}
	}
	return b, nil
}

func decodeRow(r *bufio.Reader, vals []any) (string, error) {
	text := func() (string, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return "", err
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return "", io.ErrUnexpectedEOF
		}
		return string(b), nil
	}
	key, err := text()
	if err != nil {
		return "", err // io.EOF between rows: the end
	}
	for i := range vals {
		tag, err := r.ReadByte()
		if err != nil {
			return "", io.ErrUnexpectedEOF
		}
		switch tag {
		case tagNull:
			vals[i] = nil
		case tagInt:
			v, err := binary.ReadVarint(r)
			if err != nil {
				return "", io.ErrUnexpectedEOF
			}
			vals[i] = v
		case tagReal:
			var b [8]byte
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return "", io.ErrUnexpectedEOF
			}
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
		case tagText, tagBlob:
			s, err := text()
			if err != nil {
				return "", io.ErrUnexpectedEOF
			}
			if tag == tagText {
				vals[i] = s
			} else {
				vals[i] = []byte(s)
			}
		default:
			return "", fmt.Errorf("bad spool tag %d", tag)
		}
	}
	return key, nil
}

// Commit writes the failures and the snapshot's record into staging, then
// moves every file to its final name, the snapshot's record last. Nothing
// reaches the dataset until every file is written (a full disk fails the
// commit before any move), and a move that fails puts back the files
// already moved: a commit that fails leaves the dataset as it was.
func (t *parquetTx) Commit(ctx context.Context, snap *Snapshot) error {
	records := []struct {
		dataset string
		cols    []Column
		rows    [][]any
	}{
		{"snapshot_failures", failureColumns(), failureRows(snap)},
		{"snapshots", snapshotColumns(), [][]any{snapshotRow(snap)}},
	}
	names := slices.Clone(t.files)
	for _, r := range records {
		name := snapshotFile(r.dataset, snap)
		staged := filepath.Join(t.staging, name)
		w, err := newPQWriter(staged, fileSchema(r.dataset, nil, r.cols), 0, r.cols, nil)
		if err != nil {
			return fmt.Errorf("parquet %s: %w", t.s.dir, err)
		}
		for _, row := range r.rows {
			if err := w.write(nil, row); err != nil {
				w.close()
				return fmt.Errorf("parquet %s: %w", t.s.dir, err)
			}
		}
		if err := w.close(); err != nil {
			return fmt.Errorf("parquet %s: %w", t.s.dir, err)
		}
		names = append(names, name) // the snapshot's record last
	}
	var moved []string
	undo := func(err error) error {
		for _, name := range slices.Backward(moved) {
			os.Rename(filepath.Join(t.s.dir, name), filepath.Join(t.staging, name))
		}
		return fmt.Errorf("parquet %s: %w", t.s.dir, err)
	}
	for _, name := range names {
		final := filepath.Join(t.s.dir, name)
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return undo(err)
		}
		if err := os.Rename(filepath.Join(t.staging, name), final); err != nil {
			return undo(err)
		}
		moved = append(moved, name)
	}
	t.done = true
	t.closeSpools()
	return os.RemoveAll(t.staging)
}

func (t *parquetTx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	t.closeSpools()
	return os.RemoveAll(t.staging)
}

// closeSpools closes the spool files a table not closed left open.
func (t *parquetTx) closeSpools() {
	for _, sp := range t.open {
		sp.close()
	}
	t.open = nil
}

// snapshotColumns are the columns of the snapshots dataset.
func snapshotColumns() []Column {
	return []Column{
		{"snapshot_id", vtab.Text}, {"snapshot_time", vtab.Time}, {"connection", vtab.Text}, {"shard", vtab.Text},
		{"accounts", vtab.JSON}, {"regions", vtab.JSON}, {"targets", vtab.JSON}, {"tables", vtab.JSON},
	}
}

// failureColumns are the columns of the snapshot_failures dataset.
func failureColumns() []Column {
	return []Column{
		{"snapshot_id", vtab.Text}, {"table_name", vtab.Text}, {"account_id", vtab.Text}, {"region", vtab.Text},
		{"operation", vtab.Text}, {"code", vtab.Text}, {"message", vtab.Text}, {"ignored", vtab.Bool},
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func snapshotRow(s *Snapshot) []any {
	return []any{s.ID, timeText(s.Time), nullText(s.Connection), nullText(s.Shard.String()),
		jsonText(orEmpty(s.Accounts)), jsonText(orEmpty(s.Regions)), jsonText(s.Targets), jsonText(s.Tables)}
}

func failureRows(s *Snapshot) [][]any {
	var rows [][]any
	for _, f := range s.Failures {
		rows = append(rows, []any{s.ID, f.Table, nullText(f.Account), nullText(f.Region), f.Operation, f.Code, f.Message, boolInt(f.Ignored)})
	}
	return rows
}

func textOf(v any) string {
	s, _ := v.(string)
	return s
}

func (s *parquetStore) Snapshots(ctx context.Context) ([]*Snapshot, error) {
	files, err := filepath.Glob(filepath.Join(s.dir, "snapshots", snapshotDateName+"=*", "*.parquet"))
	if err != nil {
		return nil, fmt.Errorf("parquet %s: %w", s.dir, err)
	}
	var out []*Snapshot
	byID := map[string]*Snapshot{}
	for _, f := range files {
		err := readParquet(f, snapshotColumns(), func(v []any) error {
			snap, err := snapshotRecord{ID: textOf(v[0]), Time: textOf(v[1]), Connection: textOf(v[2]), Shard: textOf(v[3]),
				Accounts: textOf(v[4]), Regions: textOf(v[5]), Targets: textOf(v[6]), Tables: textOf(v[7])}.snapshot()
			if err != nil {
				return err
			}
			out = append(out, snap)
			byID[snap.ID] = snap
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("parquet %s: %w", s.dir, err)
		}
	}
	ffiles, err := filepath.Glob(filepath.Join(s.dir, "snapshot_failures", snapshotDateName+"=*", "*.parquet"))
	if err != nil {
		return nil, fmt.Errorf("parquet %s: %w", s.dir, err)
	}
	for _, f := range ffiles {
		err := readParquet(f, failureColumns(), func(v []any) error {
			if snap := byID[textOf(v[0])]; snap != nil {
				snap.Failures = append(snap.Failures, Failure{Table: textOf(v[1]), Account: textOf(v[2]), Region: textOf(v[3]),
					Operation: textOf(v[4]), Code: textOf(v[5]), Message: textOf(v[6]), Ignored: v[7] == int64(1)})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("parquet %s: %w", s.dir, err)
		}
	}
	slices.SortFunc(out, func(a, b *Snapshot) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Rows reads one partition directory at a time and sorts its rows by key:
// a partition (an account's region) is held in memory, not the table.
func (s *parquetStore) Rows(ctx context.Context, parts []*Snapshot, table string, cols []Column) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		pcols := partitionColumns(cols)
		type part struct {
			values []any
			files  []string
		}
		byDir := map[string]*part{}
		for _, p := range parts {
			root := filepath.Join(s.dir, table, snapshotDate(p.Time))
			err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
				if errors.Is(err, fs.ErrNotExist) && path == root {
					return filepath.SkipDir
				}
				if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), p.ID+"_") || !strings.HasSuffix(d.Name(), ".parquet") {
					return err
				}
				dir, _ := filepath.Rel(root, filepath.Dir(path))
				pt := byDir[dir]
				if pt == nil {
					pt = &part{values: make([]any, len(pcols))}
					for _, seg := range strings.Split(dir, string(filepath.Separator)) {
						name, val, ok := strings.Cut(seg, "=")
						if !ok {
							continue
						}
						for k, i := range pcols {
							if cols[i].Name == name {
								v, err := hiveUnescape(val)
								if err != nil {
									return fmt.Errorf("%s: %w", path, err)
								}
								pt.values[k] = v
							}
						}
					}
					byDir[dir] = pt
				}
				pt.files = append(pt.files, path)
				return nil
			})
			if err != nil {
				yield(Row{}, fmt.Errorf("parquet %s: table %s: %w", s.dir, table, err))
				return
			}
		}
		ordered := slices.Collect(func(yield func(*part) bool) {
			for _, p := range byDir {
				if !yield(p) {
					return
				}
			}
		})
		slices.SortFunc(ordered, func(a, b *part) int { return compareValues(a.values, b.values) })
		var fcols []Column
		var findex []int
		for i, c := range cols {
			if !slices.Contains(pcols, i) {
				fcols = append(fcols, c)
				findex = append(findex, i)
			}
		}
		for _, pt := range ordered {
			if ctx.Err() != nil {
				yield(Row{}, context.Cause(ctx))
				return
			}
			var rows []Row
			for _, f := range pt.files {
				err := readParquet(f, append([]Column{{colKey, vtab.Text}}, fcols...), func(v []any) error {
					row := Row{Key: textOf(v[0]), Values: make([]any, len(cols))}
					for k, i := range pcols {
						row.Values[i] = pt.values[k]
					}
					for k, i := range findex {
						row.Values[i] = v[k+1]
					}
					rows = append(rows, row)
					return nil
				})
				if err != nil {
					yield(Row{}, fmt.Errorf("parquet %s: %w", s.dir, err))
					return
				}
			}
			slices.SortFunc(rows, func(a, b Row) int { return strings.Compare(a.Key, b.Key) })
			for _, r := range rows {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

// compareValues orders partition values: NULL first, then by bytes.
func compareValues(a, b []any) int {
	for i := range a {
		as, aok := a[i].(string)
		bs, bok := b[i].(string)
		switch {
		case !aok && !bok:
		case !aok:
			return -1
		case !bok:
			return 1
		default:
			if c := strings.Compare(as, bs); c != 0 {
				return c
			}
		}
	}
	return 0
}

// orderedGroup is a Parquet group whose fields keep the order given, where
// parquet.Group sorts them by name: a file's columns come in the table's
// order, as `SELECT *` lists them.
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g orderedGroup) Fields() []parquet.Field { return g.fields }

// parquetNode is how a column of an awssql type is kept: JSON as a
// string, timestamps as microseconds since the epoch in UTC, which every
// reader (DuckDB, Trino and Athena, Spark) takes as a timestamp.
func parquetNode(t vtab.Type) parquet.Node {
	switch t {
	case vtab.Integer:
		return parquet.Int(64)
	case vtab.Real:
		return parquet.Leaf(parquet.DoubleType)
	case vtab.Bool:
		return parquet.Leaf(parquet.BooleanType)
	case vtab.Time:
		return parquet.TimestampAdjusted(parquet.Microsecond, true)
	}
	return parquet.String()
}

// fileSchema is a file's schema: required text meta columns, then cols,
// optional.
func fileSchema(name string, meta []string, cols []Column) *parquet.Schema {
	g := parquet.Group{}
	var names []string
	for _, m := range meta {
		g[m] = parquet.String()
		names = append(names, m)
	}
	for _, c := range cols {
		g[c.Name] = parquet.Optional(parquetNode(c.Type))
		names = append(names, c.Name)
	}
	sorted := g.Fields()
	fields := make([]parquet.Field, len(names))
	for i, n := range names {
		fields[i] = sorted[slices.IndexFunc(sorted, func(f parquet.Field) bool { return f.Name() == n })]
	}
	return parquet.NewSchema(name, orderedGroup{Group: g, fields: fields})
}

// pqWriter writes one Parquet file.
type pqWriter struct {
	path     string
	f        *os.File
	w        *parquet.Writer
	meta     int
	cols     []Column
	row      parquet.Row
	buffered int64 // data of the row group being gathered, before encoding
}

func newPQWriter(path string, schema *parquet.Schema, meta int, cols []Column, kv map[string]string) (*pqWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	opts := []parquet.WriterOption{schema, parquet.Compression(&snappy.Codec{}), parquet.CreatedBy("awssql", "", "")}
	for k, v := range kv {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	return &pqWriter{path: path, f: f, w: parquet.NewWriter(f, opts...), meta: meta, cols: cols,
		row: make(parquet.Row, meta+len(cols))}, nil
}

func (p *pqWriter) write(meta []string, vals []any) error {
	for i, m := range meta {
		p.row[i] = parquet.ByteArrayValue([]byte(m)).Level(0, 0, i)
		p.buffered += int64(len(m))
	}
	for j, c := range p.cols {
		col := p.meta + j
		v, size, err := parquetValue(c, vals[j])
		if err != nil {
			return err
		}
		if v.IsNull() {
			p.row[col] = parquet.NullValue().Level(0, 0, col)
		} else {
			p.row[col] = v.Level(0, 1, col)
		}
		p.buffered += size
	}
	if _, err := p.w.WriteRows([]parquet.Row{p.row}); err != nil {
		return err
	}
	if p.buffered >= rowGroupBytes {
		return p.flush()
	}
	return nil
}

func (p *pqWriter) flush() error {
	p.buffered = 0
	return p.w.Flush()
}

func (p *pqWriter) close() error {
	err := p.w.Close()
	if err == nil {
		err = p.f.Sync()
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	return nil
}

// parquetValue converts a column's SQLite value to Parquet's, and says
// about how much it weighs before encoding.
func parquetValue(c Column, v any) (parquet.Value, int64, error) {
	switch c.Type {
	case vtab.Integer:
		i, ok, err := intValue(c.Name, v)
		if err != nil || !ok {
			return parquet.NullValue(), 0, err
		}
		return parquet.Int64Value(i), 8, nil
	case vtab.Real:
		f, ok, err := realValue(c.Name, v)
		if err != nil || !ok {
			return parquet.NullValue(), 0, err
		}
		return parquet.DoubleValue(f), 8, nil
	case vtab.Bool:
		b, ok, err := boolValue(c.Name, v)
		if err != nil || !ok {
			return parquet.NullValue(), 0, err
		}
		return parquet.BooleanValue(b), 1, nil
	case vtab.Time:
		t, ok, err := timeValue(c.Name, v)
		if err != nil || !ok {
			return parquet.NullValue(), 0, err
		}
		return parquet.Int64Value(t.UnixMicro()), 8, nil
	}
	s, ok, err := textValue(c.Name, v)
	if err != nil || !ok {
		return parquet.NullValue(), 0, err
	}
	return parquet.ByteArrayValue([]byte(s)), int64(len(s)) + 4, nil
}

// readParquet reads a file's rows, the values of cols (by name; a column
// the file lacks is NULL) as SQLite has them.
func readParquet(path string, cols []Column, each func([]any) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fields := pf.Schema().Fields()
	index := make([]int, len(cols))
	for i, c := range cols {
		index[i] = slices.IndexFunc(fields, func(f parquet.Field) bool { return f.Name() == c.Name })
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	buf := make([]parquet.Row, 128)
	vals := make([]any, len(cols))
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			for i, c := range cols {
				vals[i] = nil
				if index[i] < 0 {
					continue
				}
				if v := row[index[i]]; !v.IsNull() {
					vals[i] = sqlValue(c.Type, v)
				}
			}
			if err := each(vals); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// sqlValue is a Parquet value as SQLite has it.
func sqlValue(t vtab.Type, v parquet.Value) any {
	switch t {
	case vtab.Integer:
		return v.Int64()
	case vtab.Real:
		return v.Double()
	case vtab.Bool:
		return boolInt(v.Boolean())
	case vtab.Time:
		return timeText(time.UnixMicro(v.Int64()))
	}
	return string(v.ByteArray())
}
