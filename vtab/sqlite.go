package vtab

// The bridge between SQLite's virtual-table interface and the engine,
// written against modernc.org/sqlite/lib (SQLite translated to Go) rather
// than modernc's own vtab package, because that package hides what exact
// pushdown needs: a constraint's collating sequence
// (sqlite3_vtab_collation), whole IN lists (sqlite3_vtab_in), a constant's
// value at planning time (sqlite3_vtab_rhs_value), and an error message from
// xNext (it reduces every such error to "SQL logic error").
//
// SQLite calls back with C pointers only. The sqlite3_vtab and
// sqlite3_vtab_cursor structs this bridge allocates carry a handle after
// SQLite's own fields, and objects maps handles to the Go values. Memory
// SQLite reads is C memory (sqlite3_malloc, libc.Xmalloc): SQLite's
// translated code must not be handed Go pointers, which Go's checkptr
// rejects.

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// objects lets SQLite's callbacks find the Go values their C pointers stand
// for. It is the package's one piece of shared state, what cgo.Handle is to
// cgo (which this pure-Go build does not use). Every xColumn and xNext
// looks its cursor up here, so a lookup takes no lock and hashes nothing:
// a handle is an index into slots, read atomically, and slots is replaced
// by a larger copy, under mu, when full. A freed index is reused: SQLite
// never calls back with a cursor or table it has closed.
var objects struct {
	mu    sync.Mutex
	slots atomic.Pointer[[]atomic.Pointer[object]]
	free  []uintptr // indexes of deleted handles
}

type object struct{ v any }

func newHandle(v any) uintptr {
	objects.mu.Lock()
	defer objects.mu.Unlock()
	var slots []atomic.Pointer[object]
	if p := objects.slots.Load(); p != nil {
		slots = *p
	}
	var i uintptr
	if n := len(objects.free); n > 0 {
		i = objects.free[n-1]
		objects.free = objects.free[:n-1]
	} else {
		i = uintptr(len(slots))
		if len(slots) < cap(slots) {
			// Readers of the old header never index past its length.
			slots = slots[:i+1]
		} else {
			grown := make([]atomic.Pointer[object], i+1, max(2*i, 64))
			for j := range slots {
				grown[j].Store(slots[j].Load())
			}
			slots = grown
		}
		objects.slots.Store(&slots)
	}
	slots[i].Store(&object{v})
	return i + 1
}

func handleValue(h uintptr) any {
	p := objects.slots.Load()
	if p == nil || h == 0 || h > uintptr(len(*p)) {
		return nil
	}
	if o := (*p)[h-1].Load(); o != nil {
		return o.v
	}
	return nil
}

func deleteHandle(h uintptr) {
	objects.mu.Lock()
	defer objects.mu.Unlock()
	p := objects.slots.Load()
	if p == nil || h == 0 || h > uintptr(len(*p)) || (*p)[h-1].Load() == nil {
		return
	}
	(*p)[h-1].Store(nil)
	objects.free = append(objects.free, h-1)
}

// cVtab and cCursor are SQLite's structs followed by the handle of their Go
// value.
type cVtab struct {
	base   sqlite3.Sqlite3_vtab
	handle uintptr
}

type cCursor struct {
	base   sqlite3.Sqlite3_vtab_cursor
	handle uintptr
	buf    uintptr // C memory that column text and blobs are copied through
	bufLen int
}

// module is the sqlite3_module every table shares, allocated once and
// never freed: the function pointers it holds are the same for every
// table and engine.
var module = sync.OnceValue(func() uintptr {
	tls := libc.NewTLS()
	defer tls.Close()
	p := libc.Xcalloc(tls, 1, types.Size_t(unsafe.Sizeof(sqlite3.Sqlite3_module{})))
	if p == 0 {
		return 0
	}
	m := at[sqlite3.Sqlite3_module](p)
	m.FiVersion = 2
	// xCreate == xConnect: the tables are eponymous, and CREATE VIRTUAL
	// TABLE works too.
	m.FxCreate = cFuncPointer(xConnect)
	m.FxConnect = cFuncPointer(xConnect)
	m.FxBestIndex = cFuncPointer(xBestIndex)
	m.FxDisconnect = cFuncPointer(xDisconnect)
	m.FxDestroy = cFuncPointer(xDisconnect)
	m.FxOpen = cFuncPointer(xOpen)
	m.FxClose = cFuncPointer(xClose)
	m.FxFilter = cFuncPointer(xFilter)
	m.FxNext = cFuncPointer(xNext)
	m.FxEof = cFuncPointer(xEof)
	m.FxColumn = cFuncPointer(xColumn)
	m.FxRowid = cFuncPointer(xRowid)
	return p
})

// at turns a C address into a Go pointer. Going through a *uintptr keeps
// go vet's unsafeptr check, meant for Go memory, off C memory.
func at[T any](p uintptr) *T { return (*T)(*(*unsafe.Pointer)(unsafe.Pointer(&p))) }

// cFuncPointer converts a function declared at package level (not a
// closure) into the C function pointer the translated SQLite calls, as
// modernc.org/sqlite does (https://golang.org/s/go11func).
func cFuncPointer[T any](f T) uintptr {
	return *(*uintptr)(unsafe.Pointer(&struct{ f T }{f}))
}

// rawConn returns the SQLite handle of a modernc.org/sqlite connection and
// the TLS its calls run with. modernc does not export them; a test pins the
// field names, so an upgrade that renames them fails loudly.
func rawConn(conn driver.Conn) (*libc.TLS, uintptr, error) {
	v := reflect.ValueOf(conn)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, 0, fmt.Errorf("vtab: unexpected sqlite connection %T", conn)
	}
	db, tls := v.Elem().FieldByName("db"), v.Elem().FieldByName("tls")
	if !db.IsValid() || db.Kind() != reflect.Uintptr || !tls.IsValid() || tls.Type() != reflect.TypeFor[*libc.TLS]() {
		return nil, 0, fmt.Errorf("vtab: %T has no db and tls fields: modernc.org/sqlite changed", conn)
	}
	return (*libc.TLS)(tls.UnsafePointer()), uintptr(db.Uint()), nil
}

// install registers every table, under its name and its aliases, on a new
// connection, and forbids writing files unless AllowAttach was called.
func (e *Engine) install(conn driver.Conn) error {
	tls, db, err := rawConn(conn)
	if err != nil {
		return err
	}
	mod := module()
	if mod == 0 {
		return errors.New("vtab: out of memory")
	}
	for _, t := range e.tables {
		for _, name := range append([]string{t.name}, t.aliases...) {
			z, err := libc.CString(name)
			if err != nil {
				return err
			}
			h := newHandle(&vtable{e: e, t: t})
			rc := sqlite3.Xsqlite3_create_module_v2(tls, db, z, mod, h, cFuncPointer(xDestroyAux))
			libc.Xfree(tls, z)
			if rc != sqlite3.SQLITE_OK {
				return fmt.Errorf("vtab: register %s: %s", name, libc.GoString(sqlite3.Xsqlite3_errstr(tls, rc)))
			}
		}
	}
	unlock(tls, db)
	if !e.attach {
		// VACUUM INTO attaches its target too, so this stops both.
		sqlite3.Xsqlite3_limit(tls, db, sqlite3.SQLITE_LIMIT_ATTACHED, 0)
	}
	return nil
}

// unlock makes db a connection without a mutex of its own, as one opened
// SQLITE_OPEN_NOMUTEX is: modernc.org/sqlite opens every connection
// SQLITE_OPEN_FULLMUTEX, and then each sqlite3_column_* call database/sql
// makes (three a value) takes and releases it, a third of the CPU of
// reading a row. The mutex guards nothing here: database/sql never uses a
// connection from two goroutines at once, the driver's per-connection TLS
// already makes that unsafe (modernc.org/sqlite's doc.go says so), and
// sqlite3_interrupt, which the driver calls from another goroutine on a
// context's end, takes no mutex. SQLite's own global mutexes (memory,
// page cache) stay. It must run before the connection is shared: no
// call holds the mutex now, and it is freed here, since SQLite's close
// frees only the mutex the connection still has.
func unlock(tls *libc.TLS, db uintptr) {
	c := at[sqlite3.Tsqlite3](db)
	if mu := c.Fmutex; mu != 0 {
		c.Fmutex = 0
		sqlite3.Xsqlite3_mutex_free(tls, mu)
	}
}

func xDestroyAux(_ *libc.TLS, h uintptr) { deleteHandle(h) }

// cString copies s into memory from sqlite3_malloc, which SQLite frees.
func cString(tls *libc.TLS, s string) uintptr {
	p := sqlite3.Xsqlite3_malloc(tls, int32(len(s)+1))
	if p == 0 {
		return 0
	}
	b := unsafe.Slice(at[byte](p), len(s)+1)
	copy(b, s)
	b[len(s)] = 0
	return p
}

func setError(tls *libc.TLS, pVtab uintptr, err error) int32 {
	vt := at[sqlite3.Sqlite3_vtab](pVtab)
	if vt.FzErrMsg != 0 {
		sqlite3.Xsqlite3_free(tls, vt.FzErrMsg)
	}
	vt.FzErrMsg = cString(tls, err.Error())
	return sqlite3.SQLITE_ERROR
}

func zeroed(tls *libc.TLS, size uintptr) uintptr {
	p := sqlite3.Xsqlite3_malloc(tls, int32(size))
	if p != 0 {
		clear(unsafe.Slice(at[byte](p), size))
	}
	return p
}

func xConnect(tls *libc.TLS, db, pAux uintptr, _ int32, _ uintptr, ppVtab, pzErr uintptr) int32 {
	vt, _ := handleValue(pAux).(*vtable)
	if vt == nil {
		return sqlite3.SQLITE_ERROR
	}
	z := cString(tls, vt.t.schema())
	rc := sqlite3.Xsqlite3_declare_vtab(tls, db, z)
	sqlite3.Xsqlite3_free(tls, z)
	if rc != sqlite3.SQLITE_OK {
		*at[uintptr](pzErr) = cString(tls, "vtab: declare "+vt.t.name)
		return rc
	}
	p := zeroed(tls, unsafe.Sizeof(cVtab{}))
	if p == 0 {
		return sqlite3.SQLITE_NOMEM
	}
	at[cVtab](p).handle = newHandle(vt)
	*at[uintptr](ppVtab) = p
	return sqlite3.SQLITE_OK
}

func xDisconnect(tls *libc.TLS, pVtab uintptr) int32 {
	deleteHandle(at[cVtab](pVtab).handle)
	sqlite3.Xsqlite3_free(tls, pVtab)
	return sqlite3.SQLITE_OK
}

func vtableOf(pVtab uintptr) *vtable {
	vt, _ := handleValue(at[cVtab](pVtab).handle).(*vtable)
	return vt
}

func xBestIndex(tls *libc.TLS, pVtab, pInfo uintptr) int32 {
	vt := vtableOf(pVtab)
	if vt == nil {
		return sqlite3.SQLITE_ERROR
	}
	info := at[sqlite3.Sqlite3_index_info](pInfo)
	type cConstraint = sqlite3.Tsqlite3_index_constraint
	type cUsage = sqlite3.Tsqlite3_index_constraint_usage
	n := int(info.FnConstraint)
	var ccons []cConstraint
	var usages []cUsage
	if n > 0 {
		ccons = unsafe.Slice(at[cConstraint](info.FaConstraint), n)
		usages = unsafe.Slice(at[cUsage](info.FaConstraintUsage), n)
	}
	cons := make([]Constraint, n)
	out := tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
	defer tls.Free(int(unsafe.Sizeof(uintptr(0))))
	for i, cc := range ccons {
		c := Constraint{Column: int(cc.FiColumn), Op: Op(cc.Fop), Usable: cc.Fusable != 0}
		if (c.Op == OpEQ || c.Op == OpIS) && c.Usable {
			c.Collation = libc.GoString(sqlite3.Xsqlite3_vtab_collation(tls, pInfo, int32(i)))
			c.In = sqlite3.Xsqlite3_vtab_in(tls, pInfo, int32(i), -1) != 0
			if sqlite3.Xsqlite3_vtab_rhs_value(tls, pInfo, int32(i), out) == sqlite3.SQLITE_OK {
				c.RHS, c.HasRHS = goValue(tls, *at[uintptr](out)), true
				c.RHSNumeric = rhsNumeric(pInfo, cc.FiTermOffset)
			}
		}
		cons[i] = c
	}
	p, usage := vt.bestIndex(cons, int(info.FnOrderBy), uint64(info.FcolUsed))
	for i, u := range usage {
		if u.ArgIndex >= 0 {
			usages[i].FargvIndex = int32(u.ArgIndex + 1)
		}
		if u.Omit {
			usages[i].Fomit = 1
		}
		if u.In {
			sqlite3.Xsqlite3_vtab_in(tls, pInfo, int32(i), 1)
		}
	}
	if z := cString(tls, p.encode()); z != 0 {
		info.FidxStr, info.FneedToFreeIdxStr = z, 1
	}
	info.FestimatedCost = p.Cost
	info.FestimatedRows = sqlite3.Sqlite3_int64(p.Rows)
	return sqlite3.SQLITE_OK
}

// rhsNumeric reports whether SQLite gives the right-hand side of a
// constraint INTEGER, REAL or NUMERIC affinity when it compares it with
// the column: a CAST to such a type, under which a text column compares
// as a number ('012' = CAST(12 AS INTEGER)). sqlite3_vtab_rhs_value hands
// over the constant's value but not its affinity, so this reads the term
// as sqlite3_vtab_collation does (HiddenIndexInfo follows the
// sqlite3_index_info) and follows sqlite3ExprAffinity for the constants
// sqlite3_vtab_rhs_value evaluates. When it cannot tell, it says true:
// SQLite then checks the constraint itself.
func rhsNumeric(pInfo uintptr, termOffset int32) bool {
	h := at[sqlite3.THiddenIndexInfo](pInfo + unsafe.Sizeof(sqlite3.Sqlite3_index_info{}))
	var term uintptr
	for wc := h.FpWC; wc != 0; wc = at[sqlite3.TWhereClause](wc).FpOuter {
		if n := at[sqlite3.TWhereClause](wc).FnTerm; termOffset < n {
			term = at[sqlite3.TWhereClause](wc).Fa + uintptr(termOffset)*unsafe.Sizeof(sqlite3.TWhereTerm{})
			break
		} else {
			termOffset -= n
		}
	}
	if term == 0 || at[sqlite3.TWhereTerm](term).FpExpr == 0 {
		return true
	}
	x := at[sqlite3.TExpr](at[sqlite3.TWhereTerm](term).FpExpr).FpRight
	for x != 0 {
		e := at[sqlite3.TExpr](x)
		if e.Fflags&(sqlite3.EP_Skip|sqlite3.EP_IfNullRow) != 0 { // COLLATE, likely(): the operand's affinity
			x = e.FpLeft
			continue
		}
		if e.Fop != sqlite3.TK_CAST {
			return false // a literal, or an operator: no affinity
		}
		return numericType(libc.GoString(e.Fu.FzToken))
	}
	return true
}

// numericType reports whether a declared type name has INTEGER, REAL or
// NUMERIC affinity, by SQLite's rules (https://sqlite.org/datatype3.html,
// 3.1): INT first; then CHAR, CLOB or TEXT are text; BLOB or no name blob;
// anything else is numeric.
func numericType(name string) bool {
	name = strings.ToUpper(name)
	switch {
	case strings.Contains(name, "INT"):
		return true
	case strings.Contains(name, "CHAR"), strings.Contains(name, "CLOB"), strings.Contains(name, "TEXT"):
		return false
	case strings.Contains(name, "BLOB"), name == "":
		return false
	}
	return true
}

func xOpen(tls *libc.TLS, pVtab, ppCursor uintptr) int32 {
	vt := vtableOf(pVtab)
	if vt == nil {
		return sqlite3.SQLITE_ERROR
	}
	p := zeroed(tls, unsafe.Sizeof(cCursor{}))
	if p == 0 {
		return sqlite3.SQLITE_NOMEM
	}
	cc := at[cCursor](p)
	cc.base.FpVtab = pVtab
	cc.handle = newHandle(&cursor{e: vt.e, t: vt.t})
	*at[uintptr](ppCursor) = p
	return sqlite3.SQLITE_OK
}

func cursorOf(pCursor uintptr) (*cCursor, *cursor) {
	cc := at[cCursor](pCursor)
	c, _ := handleValue(cc.handle).(*cursor)
	return cc, c
}

func xClose(tls *libc.TLS, pCursor uintptr) int32 {
	cc, c := cursorOf(pCursor)
	if c != nil {
		c.release()
	}
	deleteHandle(cc.handle)
	if cc.buf != 0 {
		libc.Xfree(tls, cc.buf)
	}
	sqlite3.Xsqlite3_free(tls, pCursor)
	return sqlite3.SQLITE_OK
}

func xFilter(tls *libc.TLS, pCursor uintptr, _ int32, idxStr uintptr, argc int32, argv uintptr) int32 {
	cc, c := cursorOf(pCursor)
	if c == nil {
		return sqlite3.SQLITE_ERROR
	}
	var args []uintptr
	if argc > 0 {
		args = unsafe.Slice(at[uintptr](argv), argc)
	}
	value := func(i int, in bool) []any {
		if i >= len(args) {
			return nil
		}
		if !in {
			return []any{goValue(tls, args[i])}
		}
		var vals []any
		out := tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
		defer tls.Free(int(unsafe.Sizeof(uintptr(0))))
		for rc := sqlite3.Xsqlite3_vtab_in_first(tls, args[i], out); rc == sqlite3.SQLITE_OK; rc = sqlite3.Xsqlite3_vtab_in_next(tls, args[i], out) {
			if v := *at[uintptr](out); v != 0 {
				vals = append(vals, goValue(tls, v))
			}
		}
		return vals
	}
	if err := c.filter(libc.GoString(idxStr), int(argc), value); err != nil {
		return setError(tls, cc.base.FpVtab, err)
	}
	return sqlite3.SQLITE_OK
}

func xNext(tls *libc.TLS, pCursor uintptr) int32 {
	cc, c := cursorOf(pCursor)
	if c == nil {
		return sqlite3.SQLITE_ERROR
	}
	if err := c.Next(); err != nil {
		return setError(tls, cc.base.FpVtab, err)
	}
	return sqlite3.SQLITE_OK
}

func xEof(_ *libc.TLS, pCursor uintptr) int32 {
	_, c := cursorOf(pCursor)
	if c == nil || c.eof {
		return 1
	}
	return 0
}

func xColumn(tls *libc.TLS, pCursor, ctx uintptr, i int32) int32 {
	cc, c := cursorOf(pCursor)
	if c == nil {
		return sqlite3.SQLITE_ERROR
	}
	v, err := c.column(int(i))
	if err != nil {
		z := cString(tls, err.Error())
		sqlite3.Xsqlite3_result_error(tls, ctx, z, -1)
		sqlite3.Xsqlite3_free(tls, z)
		return sqlite3.SQLITE_ERROR
	}
	switch v.kind {
	case kindNull:
		sqlite3.Xsqlite3_result_null(tls, ctx)
	case kindInt:
		sqlite3.Xsqlite3_result_int64(tls, ctx, v.i)
	case kindFloat:
		sqlite3.Xsqlite3_result_double(tls, ctx, v.f)
	case kindText:
		b := v.b
		if b == nil {
			b = unsafe.Slice(unsafe.StringData(v.s), len(v.s))
		}
		p := cc.copyIn(tls, b)
		sqlite3.Xsqlite3_result_text(tls, ctx, p, int32(len(b)), sqlite3.SQLITE_TRANSIENT)
	case kindBlob:
		if len(v.b) == 0 {
			sqlite3.Xsqlite3_result_zeroblob(tls, ctx, 0)
			break
		}
		p := cc.copyIn(tls, v.b)
		sqlite3.Xsqlite3_result_blob(tls, ctx, p, int32(len(v.b)), sqlite3.SQLITE_TRANSIENT)
	default:
		return sqlite3.SQLITE_ERROR
	}
	return sqlite3.SQLITE_OK
}

// copyIn copies b into the cursor's C buffer, grown as needed; SQLite
// copies it again (SQLITE_TRANSIENT) before the next column is read.
func (cc *cCursor) copyIn(tls *libc.TLS, b []byte) uintptr {
	if len(b)+1 > cc.bufLen {
		if cc.buf != 0 {
			libc.Xfree(tls, cc.buf)
		}
		cc.bufLen = max(2*cc.bufLen, len(b)+1, 256)
		cc.buf = libc.Xmalloc(tls, types.Size_t(cc.bufLen))
	}
	copy(unsafe.Slice(at[byte](cc.buf), cc.bufLen), b)
	return cc.buf
}

func xRowid(_ *libc.TLS, pCursor, pRowid uintptr) int32 {
	_, c := cursorOf(pCursor)
	if c == nil {
		return sqlite3.SQLITE_ERROR
	}
	*at[int64](pRowid) = c.rowid()
	return sqlite3.SQLITE_OK
}

// goValue copies an sqlite3_value into Go: nil, int64, float64, string or
// []byte.
func goValue(tls *libc.TLS, v uintptr) any {
	switch sqlite3.Xsqlite3_value_type(tls, v) {
	case sqlite3.SQLITE_INTEGER:
		return sqlite3.Xsqlite3_value_int64(tls, v)
	case sqlite3.SQLITE_FLOAT:
		return sqlite3.Xsqlite3_value_double(tls, v)
	case sqlite3.SQLITE_TEXT:
		p := sqlite3.Xsqlite3_value_text(tls, v)
		n := sqlite3.Xsqlite3_value_bytes(tls, v)
		if p == 0 || n == 0 {
			return ""
		}
		return string(unsafe.Slice(at[byte](p), n))
	case sqlite3.SQLITE_BLOB:
		p := sqlite3.Xsqlite3_value_blob(tls, v)
		n := sqlite3.Xsqlite3_value_bytes(tls, v)
		b := make([]byte, n)
		if p != 0 && n > 0 {
			copy(b, unsafe.Slice(at[byte](p), n))
		}
		return b
	}
	return nil
}

// Complete reports whether sql ends with a complete statement, as SQLite
// decides it (sqlite3_complete) and so as the sqlite3 shell splits its
// input: a ';' inside a trigger's BEGIN ... END does not end one.
func Complete(sql string) bool {
	tls := libc.NewTLS()
	defer tls.Close()
	z, err := libc.CString(sql)
	if err != nil {
		return false
	}
	defer libc.Xfree(tls, z)
	return sqlite3.Xsqlite3_complete(tls, z) != 0
}
