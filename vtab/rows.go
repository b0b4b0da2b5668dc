package vtab

// Rows reads a statement's result through SQLite's C API rather than
// database/sql and modernc.org/sqlite's driver. The driver copies each
// text value into a new Go string and database/sql boxes it in an
// interface: two allocations a text column a row, and with the type,
// text and length calls around them, as much CPU as SQLite's own step
// over a virtual table. Rows hands out each value as SQLite holds it, its
// bytes in SQLite's memory until the next row, so that a writer can copy
// them straight to its output.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// ValueKind is the storage class of a value SQLite returned.
type ValueKind uint8

const (
	ValueNull ValueKind = iota
	ValueInt
	ValueFloat
	ValueText
	ValueBlob
)

// Value is one column of a result row as SQLite holds it. Bytes, of a
// text or a blob, is SQLite's memory: valid until the row's Rows moves
// on or closes, and never to be written.
type Value struct {
	Kind  ValueKind
	Int   int64
	Float float64
	Bytes []byte
}

// View is a text's or blob's bytes as a string without copying them:
// valid as long as Bytes is. The empty string for other kinds.
func (v Value) View() string {
	if len(v.Bytes) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(v.Bytes), len(v.Bytes))
}

// Any is the value as database/sql reads it into an `any`: nil, int64,
// float64, string or []byte, copied out of SQLite's memory.
func (v Value) Any() any {
	switch v.Kind {
	case ValueInt:
		return v.Int
	case ValueFloat:
		return v.Float
	case ValueText:
		return string(v.Bytes)
	case ValueBlob:
		if len(v.Bytes) == 0 {
			return []byte(nil) // as the driver reads an empty blob
		}
		return append([]byte{}, v.Bytes...)
	}
	return nil
}

// ValueOf is the Value of v (nil, an integer, a float, a string, []byte
// or bool, as database/sql would store it), its text or bytes v's own.
func ValueOf(v any) Value {
	switch v := v.(type) {
	case nil:
		return Value{}
	case int64:
		return Value{Kind: ValueInt, Int: v}
	case int:
		return Value{Kind: ValueInt, Int: int64(v)}
	case float64:
		return Value{Kind: ValueFloat, Float: v}
	case bool:
		return Value{Kind: ValueInt, Int: boolInt(v)}
	case string:
		return Value{Kind: ValueText, Bytes: unsafe.Slice(unsafe.StringData(v), len(v))}
	case []byte:
		if v == nil {
			v = []byte{}
		}
		return Value{Kind: ValueBlob, Bytes: v}
	}
	s := fmt.Sprint(v)
	return Value{Kind: ValueText, Bytes: []byte(s)}
}

// ResultColumn is a column of a statement's result: its name and its
// declared type ("" for an expression).
type ResultColumn struct {
	Name, DeclType string
}

// Rows is the result of one statement on a connection of an Engine's DB.
// Like database/sql's, Next moves to each row in turn, Err says why the
// rows ended, and Close ends the statement. The statement's first step,
// where a table's Filter runs, is QueryRows', so that an error there is
// QueryRows' too (as database/sql's QueryContext returns it).
type Rows struct {
	tls     *libc.TLS
	db      uintptr
	stmt    uintptr
	cols    []ResultColumn
	vals    []Value
	pending bool // the first step's row, not yet handed out
	done    bool
	err     error
	stop    func() bool // the context's interrupt
	// ended is set when the context ends; the progress handler, which
	// finds r by handle, then stops the statement: an interrupt alone is
	// lost when it comes before the statement's first step, which clears
	// it.
	ended  atomic.Bool
	handle uintptr
	// mu keeps an interrupt from landing once Close returned, on the
	// connection's next statement.
	mu     sync.Mutex
	closed bool
}

// QueryRows prepares query, one statement, on conn (a connection of an
// Engine's DB, as database/sql's Conn.Raw hands it), binds args (named
// with sql.Named, or in order) and runs it to its first row. Rows must be
// read and closed before conn is used again. When ctx ends, the statement
// is interrupted.
func QueryRows(ctx context.Context, conn any, query string, args ...any) (*Rows, error) {
	tls, db, err := rawOf(conn)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &Rows{tls: tls, db: db}
	if err := r.prepare(query); err != nil {
		return nil, err
	}
	if err := r.bind(args); err != nil {
		r.Close()
		return nil, err
	}
	// The progress handler replaces the one modernc.org/sqlite's driver
	// leaves, which watches the context of the driver's own last call.
	r.handle = newHandle(r)
	sqlite3.Xsqlite3_progress_handler(tls, db, 1000, cFuncPointer(xProgress), r.handle)
	r.stop = context.AfterFunc(ctx, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.closed {
			return
		}
		r.ended.Store(true)
		// Not r.tls: a TLS is not safe for concurrent use, and this runs
		// while the statement steps on it (as the driver does).
		t := libc.NewTLS()
		sqlite3.Xsqlite3_interrupt(t, db)
		t.Close()
	})
	n := int(sqlite3.Xsqlite3_column_count(tls, r.stmt))
	r.cols, r.vals = make([]ResultColumn, n), make([]Value, n)
	for i := range r.cols {
		r.cols[i] = ResultColumn{
			Name:     libc.GoString(sqlite3.Xsqlite3_column_name(tls, r.stmt, int32(i))),
			DeclType: libc.GoString(sqlite3.Xsqlite3_column_decltype(tls, r.stmt, int32(i))),
		}
	}
	if !r.step() {
		if r.err != nil {
			err := r.err
			r.Close()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
	} else {
		r.pending = true
	}
	return r, nil
}

func (r *Rows) prepare(query string) error {
	z, err := libc.CString(query)
	if err != nil {
		return err
	}
	defer libc.Xfree(r.tls, z)
	out := r.tls.Alloc(2 * int(unsafe.Sizeof(uintptr(0))))
	defer r.tls.Free(2 * int(unsafe.Sizeof(uintptr(0))))
	pstmt, ptail := out, out+unsafe.Sizeof(uintptr(0))
	for sql := z; *at[byte](sql) != 0; {
		if rc := sqlite3.Xsqlite3_prepare_v2(r.tls, r.db, sql, -1, pstmt, ptail); rc != sqlite3.SQLITE_OK {
			err := r.errorOf(rc)
			r.finalize()
			return err
		}
		s, tail := *at[uintptr](pstmt), *at[uintptr](ptail)
		switch {
		case s == 0: // whitespace and comments
		case r.stmt == 0:
			r.stmt = s
		default:
			sqlite3.Xsqlite3_finalize(r.tls, s)
			r.finalize()
			return errors.New("vtab: more than one statement")
		}
		if tail == sql {
			break
		}
		sql = tail
	}
	return nil
}

func (r *Rows) finalize() {
	if r.stmt != 0 {
		sqlite3.Xsqlite3_finalize(r.tls, r.stmt)
		r.stmt = 0
	}
}

func (r *Rows) bind(args []any) error {
	if r.stmt == 0 {
		return nil
	}
	n := int(sqlite3.Xsqlite3_bind_parameter_count(r.tls, r.stmt))
	for i := 1; i <= n; i++ {
		var v any
		found := false
		if z := sqlite3.Xsqlite3_bind_parameter_name(r.tls, r.stmt, int32(i)); z != 0 {
			name := libc.GoString(z)[1:]
			for _, a := range args {
				if na, ok := a.(sql.NamedArg); ok && na.Name == name {
					v, found = na.Value, true
					break
				}
			}
			if !found {
				return fmt.Errorf("missing named argument %q", name)
			}
		} else if i <= len(args) {
			v = args[i-1]
			if na, ok := v.(sql.NamedArg); ok {
				v = na.Value
			}
		} else {
			return fmt.Errorf("missing argument with index %d", i)
		}
		var rc int32
		switch v := ValueOf(v); v.Kind {
		case ValueNull:
			rc = sqlite3.Xsqlite3_bind_null(r.tls, r.stmt, int32(i))
		case ValueInt:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, r.stmt, int32(i), v.Int)
		case ValueFloat:
			rc = sqlite3.Xsqlite3_bind_double(r.tls, r.stmt, int32(i), v.Float)
		case ValueText, ValueBlob:
			p := sqlite3.Xsqlite3_malloc64(r.tls, uint64(max(len(v.Bytes), 1)))
			if p == 0 {
				return errors.New("vtab: out of memory")
			}
			copy(unsafe.Slice(at[byte](p), len(v.Bytes)), v.Bytes)
			// SQLite frees the copy (sqlite3_free) once done with it.
			if v.Kind == ValueText {
				rc = sqlite3.Xsqlite3_bind_text(r.tls, r.stmt, int32(i), p, int32(len(v.Bytes)), cFuncPointer(sqlite3.Xsqlite3_free))
			} else {
				rc = sqlite3.Xsqlite3_bind_blob(r.tls, r.stmt, int32(i), p, int32(len(v.Bytes)), cFuncPointer(sqlite3.Xsqlite3_free))
			}
		}
		if rc != sqlite3.SQLITE_OK {
			return r.errorOf(rc)
		}
	}
	return nil
}

// step moves the statement to its next row; false at the end or on an
// error, which r.err then holds.
func (r *Rows) step() bool {
	if r.done || r.stmt == 0 {
		r.done = true
		return false
	}
	switch rc := sqlite3.Xsqlite3_step(r.tls, r.stmt); rc {
	case sqlite3.SQLITE_ROW:
		return true
	case sqlite3.SQLITE_DONE:
		r.done = true
	default:
		r.done = true
		r.err = r.errorOf(rc)
	}
	return false
}

// errorOf is rc's error as modernc.org/sqlite words it, SQLite's message
// for the code and the connection's own: "SQL logic error: no such
// table: x (1)".
func (r *Rows) errorOf(rc int32) error {
	str := libc.GoString(sqlite3.Xsqlite3_errstr(r.tls, rc))
	busy := ""
	if rc == sqlite3.SQLITE_BUSY {
		busy = " (SQLITE_BUSY)"
	}
	if msg := libc.GoString(sqlite3.Xsqlite3_errmsg(r.tls, r.db)); msg != str {
		return fmt.Errorf("%s: %s (%d)%s", str, msg, rc, busy)
	}
	return fmt.Errorf("%s (%d)%s", str, rc, busy)
}

// Columns are the result's columns.
func (r *Rows) Columns() []ResultColumn { return r.cols }

// Next moves to the next row, and says whether there is one.
func (r *Rows) Next() bool {
	if r.pending {
		r.pending = false
	} else if !r.step() {
		return false
	}
	for i := range r.vals {
		r.vals[i] = r.column(i)
	}
	return true
}

func (r *Rows) column(i int) Value {
	tls, s, c := r.tls, r.stmt, int32(i)
	switch sqlite3.Xsqlite3_column_type(tls, s, c) {
	case sqlite3.SQLITE_INTEGER:
		return Value{Kind: ValueInt, Int: sqlite3.Xsqlite3_column_int64(tls, s, c)}
	case sqlite3.SQLITE_FLOAT:
		return Value{Kind: ValueFloat, Float: sqlite3.Xsqlite3_column_double(tls, s, c)}
	case sqlite3.SQLITE_TEXT:
		return Value{Kind: ValueText, Bytes: r.bytes(c)}
	case sqlite3.SQLITE_BLOB:
		return Value{Kind: ValueBlob, Bytes: r.bytes(c)}
	}
	return Value{}
}

func (r *Rows) bytes(c int32) []byte {
	tls, s := r.tls, r.stmt
	// column_blob of a text is its bytes, with no terminating NUL
	// to add (column_text's copy, for a value just computed).
	p := sqlite3.Xsqlite3_column_blob(tls, s, c)
	n := sqlite3.Xsqlite3_column_bytes(tls, s, c)
	if p == 0 || n == 0 {
		return []byte{}
	}
	return unsafe.Slice(at[byte](p), n)
}

// Values are the current row's values, valid until Next or Close.
func (r *Rows) Values() []Value { return r.vals }

// Err is why the rows ended early, if they did.
func (r *Rows) Err() error { return r.err }

// InTransaction reports whether conn (as QueryRows takes it) has a
// transaction open: a BEGIN not yet ended by COMMIT or ROLLBACK, or by
// SQLite itself, which rolls the transaction back when a write in it is
// interrupted or fails for want of memory, space or a lock.
func InTransaction(conn any) bool {
	tls, db, err := rawOf(conn)
	return err == nil && sqlite3.Xsqlite3_get_autocommit(tls, db) == 0
}

// rawOf is rawConn of a connection as database/sql's Conn.Raw hands it.
func rawOf(conn any) (*libc.TLS, uintptr, error) {
	dc, ok := conn.(driver.Conn)
	if !ok {
		return nil, 0, fmt.Errorf("vtab: %T is not a database connection", conn)
	}
	return rawConn(dc)
}

// xProgress stops a statement whose context ended.
func xProgress(_ *libc.TLS, h uintptr) int32 {
	if r, _ := handleValue(h).(*Rows); r != nil && r.ended.Load() {
		return 1
	}
	return 0
}

// Close ends the statement. It may be called more than once.
func (r *Rows) Close() error {
	if r.stop != nil {
		r.stop()
		r.stop = nil
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
	}
	if r.handle != 0 {
		sqlite3.Xsqlite3_progress_handler(r.tls, r.db, 0, 0, 0)
		deleteHandle(r.handle)
		r.handle = 0
	}
	r.done, r.pending = true, false
	clear(r.vals)
	r.finalize()
	if sqlite3.Xsqlite3_is_interrupted(r.tls, r.db) != 0 {
		r.clearInterrupt()
	}
	return nil
}

// clearInterrupt steps a statement that does nothing, which clears the
// connection's interrupt (only sqlite3_step does, when no other statement
// runs). Left set, it would fail a long plan of the next statement, and
// modernc.org/sqlite's driver, which takes an interrupted connection for
// a broken one, would have database/sql drop a file database's connection,
// and its TEMP tables with it (the shell with --db).
func (r *Rows) clearInterrupt() {
	z, err := libc.CString("SELECT 0")
	if err != nil {
		return
	}
	defer libc.Xfree(r.tls, z)
	out := r.tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
	defer r.tls.Free(int(unsafe.Sizeof(uintptr(0))))
	if sqlite3.Xsqlite3_prepare_v2(r.tls, r.db, z, -1, out, 0) != sqlite3.SQLITE_OK {
		return
	}
	s := *at[uintptr](out)
	sqlite3.Xsqlite3_step(r.tls, s)
	sqlite3.Xsqlite3_finalize(r.tls, s)
}
