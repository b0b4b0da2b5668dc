package fetch

import (
	"reflect"
	"sort"
	"sync"
	"time"
	"unsafe"

	"github.com/aws/smithy-go/middleware"
)

// heapSize estimates the bytes of heap that v holds: every allocation
// reachable from it (pointed-to structs, strings, slices' backing arrays,
// maps, boxed interface values), each rounded up to the allocator's size
// class. It is what the call cache counts an answer at, whether the SDK
// decoded it from the network or encoding/json from the disk, so one bound
// holds for both (TestHeapSizeMatchesTheRuntime measures it).
//
// It walks a decoded output, which is a tree: nothing is shared and
// nothing cycles, so it keeps no set of what it has seen (a shared
// allocation would be counted twice, an overestimate; depth is bounded in
// case of a cycle). It stops as soon as the total passes limit, so a big
// page that will not be kept costs only the walk of its first limit
// bytes.
func heapSize(v any, limit int64) int64 {
	var z sizer
	return z.heapSize(v, limit)
}

// sizer is heapSize with its walk planned once for each type: the
// offsets of a structure's fields that can hold heap, read in place, where
// reflect.Value checked every field of every value. A page of resources
// decoded for a few columns is mostly nil pointers, and visiting them
// through reflect cost a tenth of what decoding them did. Maps and
// interfaces, which outputs seldom hold, are still walked by reflect. The
// call cache keeps one sizer: plans do not change once made.
type sizer struct {
	roots sync.Map   // reflect.Type → *sizePlan, complete
	mu    sync.Mutex // held while plans are made
	plans map[reflect.Type]*sizePlan
}

func (z *sizer) heapSize(v any, limit int64) int64 {
	w := sizeWalk{limit: limit}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		p := z.plan(rv.Type().Elem())
		w.n += allocSize(p.size, p.noPtr)
		w.walkAt(rv.UnsafePointer(), p, 0)
	}
	return w.n
}

// sizePlan is how values of one type are walked.
type sizePlan struct {
	t      reflect.Type
	kind   reflect.Kind
	size   int64       // t.Size()
	noPtr  bool        // scalar(t): nothing to walk
	elem   *sizePlan   // a pointer's, slice's or array's element
	n      int         // an array's length
	fields []fieldSize // a structure's fields that are not scalar
	opaque bool        // not walked (time.Time, middleware.Metadata)
}

type fieldSize struct {
	off  uintptr
	plan *sizePlan
}

func (z *sizer) plan(t reflect.Type) *sizePlan {
	if p, ok := z.roots.Load(t); ok {
		return p.(*sizePlan)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.plans == nil {
		z.plans = map[reflect.Type]*sizePlan{}
	}
	p := z.planOf(t)
	z.roots.Store(t, p)
	return p
}

// planOf makes t's plan and those of the types it holds, under z.mu.
func (z *sizer) planOf(t reflect.Type) *sizePlan {
	if p, ok := z.plans[t]; ok {
		return p
	}
	p := &sizePlan{t: t, kind: t.Kind(), size: int64(t.Size()), noPtr: scalar(t)}
	z.plans[t] = p // before its parts: a type may hold itself
	switch p.kind {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		p.elem = z.planOf(t.Elem())
		if p.kind == reflect.Array {
			p.n = t.Len()
		}
	case reflect.Struct:
		// As walk: a time's location is a shared, process-wide value;
		// metadata is dropped before an answer is kept (detached).
		p.opaque = t == timeType || t == metadataType
		if !p.opaque {
			for i := range t.NumField() {
				if f := t.Field(i); !scalar(f.Type) {
					p.fields = append(p.fields, fieldSize{off: f.Offset, plan: z.planOf(f.Type)})
				}
			}
		}
	}
	return p
}

// sliceHeader is a slice's layout (reflect.SliceHeader's, which is
// deprecated for building slices, not for reading one).
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// walkAt is walk for the value of plan p's type at ptr: what it points
// to, not itself, counted alike (TestPlannedHeapSizeIsTheWalks).
func (w *sizeWalk) walkAt(ptr unsafe.Pointer, p *sizePlan, depth int) {
	if w.n > w.limit || depth > maxDepth || p.noPtr {
		return
	}
	switch p.kind {
	case reflect.Pointer:
		q := *(*unsafe.Pointer)(ptr)
		if q == nil || p.elem.size == 0 {
			return
		}
		w.n += allocSize(p.elem.size, p.elem.noPtr)
		w.walkAt(q, p.elem, depth+1)
	case reflect.String:
		if n := int64(len(*(*string)(ptr))); n > 1 {
			w.n += allocSize(n, false)
		}
	case reflect.Slice:
		h := (*sliceHeader)(ptr)
		if h.data == nil || h.cap == 0 {
			return
		}
		w.n += allocSize(int64(h.cap)*p.elem.size, p.elem.noPtr)
		if !p.elem.noPtr {
			for i := range h.len {
				w.walkAt(unsafe.Add(h.data, uintptr(i)*uintptr(p.elem.size)), p.elem, depth+1)
			}
		}
	case reflect.Array:
		for i := range p.n {
			w.walkAt(unsafe.Add(ptr, uintptr(i)*uintptr(p.elem.size)), p.elem, depth+1)
		}
	case reflect.Struct:
		if p.opaque {
			return
		}
		for _, f := range p.fields {
			w.walkAt(unsafe.Add(ptr, f.off), f.plan, depth+1)
		}
	default: // interfaces, maps
		w.walk(reflect.NewAt(p.t, ptr).Elem(), depth)
	}
}

type sizeWalk struct {
	n, limit int64
}

// maxDepth bounds the walk: an SDK output nests a dozen levels.
const maxDepth = 64

var (
	timeType     = reflect.TypeFor[time.Time]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
)

func (w *sizeWalk) alloc(t reflect.Type) {
	w.n += allocSize(int64(t.Size()), scalar(t))
}

// walk adds what v points to, not v itself (its parent holds it inline).
func (w *sizeWalk) walk(v reflect.Value, depth int) {
	if w.n > w.limit || depth > maxDepth {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Type().Elem().Size() == 0 {
			return
		}
		w.alloc(v.Type().Elem())
		w.walk(v.Elem(), depth+1)
	case reflect.String:
		// A one-byte string is the runtime's static copy. The SDK's XML
		// decoders make strings from byte slices grown to a size class
		// (smithy's NodeDecoder.Value), not from the tiny allocator.
		if n := int64(v.Len()); n > 1 {
			w.n += allocSize(n, false)
		}
	case reflect.Slice:
		if v.IsNil() || v.Cap() == 0 {
			return
		}
		et := v.Type().Elem()
		w.n += allocSize(int64(v.Cap())*int64(et.Size()), scalar(et))
		if !scalar(et) {
			for i := range v.Len() {
				w.walk(v.Index(i), depth+1)
			}
		}
	case reflect.Array:
		if !scalar(v.Type().Elem()) {
			for i := range v.Len() {
				w.walk(v.Index(i), depth+1)
			}
		}
	case reflect.Struct:
		// A time's location is a shared, process-wide value; metadata is
		// dropped before an answer is kept (detached).
		if t := v.Type(); t == timeType || t == metadataType {
			return
		}
		for i := range v.NumField() {
			w.walk(v.Field(i), depth+1)
		}
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		e := v.Elem()
		switch e.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		default:
			w.alloc(e.Type()) // boxed
		}
		w.walk(e, depth+1)
	case reflect.Map:
		if v.IsNil() {
			return
		}
		// A swiss table: groups of 8 slots, each with a control word, at
		// most 7/8 full, plus the map's header.
		kt, et := v.Type().Key(), v.Type().Elem()
		slots := int64(8)
		for slots*7/8 < int64(v.Len()) {
			slots *= 2
		}
		w.n += allocSize(48, false) + allocSize(slots/8*(8+8*int64(kt.Size()+et.Size())), false)
		if !scalar(kt) || !scalar(et) {
			for it := v.MapRange(); it.Next(); {
				w.walk(it.Key(), depth+1)
				w.walk(it.Value(), depth+1)
			}
		}
	}
}

// scalar reports whether a value of t holds no pointer at all.
func scalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || scalar(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !scalar(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// sizeClasses are the Go allocator's object sizes up to 32 KiB
// (internal/runtime/gc/sizeclasses.go, unchanged since Go 1.x's last
// retune); larger objects take whole 8 KiB pages.
var sizeClasses = [...]int64{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
	352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072,
	20480, 21760, 24576, 27264, 28672, 32768}

// allocSize is what an allocation of n bytes takes on the heap. Pointer-free
// objects under 16 bytes share 16-byte blocks (the tiny allocator).
func allocSize(n int64, noPointers bool) int64 {
	switch {
	case n <= 0:
		return 0
	case noPointers && n < 16:
		return 16
	case n <= sizeClasses[len(sizeClasses)-1]:
		return sizeClasses[sort.Search(len(sizeClasses), func(i int) bool { return sizeClasses[i] >= n })]
	}
	return (n + 8191) &^ 8191
}
