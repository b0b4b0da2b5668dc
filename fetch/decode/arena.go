package decode

import (
	"time"
	"unsafe"
)

// arena allocates the values of one answer in blocks: the strings' bytes,
// and the strings, booleans, numbers and times that pointer fields point
// to. An answer's values live and die together (its rows are read, then
// dropped), so a few large allocations serve where the SDK makes one per
// value, and the garbage collector has fewer objects to trace.
type arena struct {
	bytes []byte
	strs  []string
	bools []bool
	i32s  []int32
	i64s  []int64
	f32s  []float32
	f64s  []float64
	times []time.Time
}

// A block holds twice what the one before it held, from firstBlock values
// (firstBytes bytes) up to arenaBlock values (bytesBlock bytes): an answer
// of one instance, which the call cache may keep, holds about what its
// values need, not blocks sized for a page of a thousand.
const (
	firstBlock = 4
	arenaBlock = 256
	firstBytes = 256
	bytesBlock = 16 << 10
)

// grown is the size of the block after one of size n, starting at first.
func grown(n, first, most int) int {
	if n == 0 {
		return first
	}
	return min(2*n, most)
}

// string copies b into the arena. A long value gets its own allocation,
// so that a block is not kept for it alone.
func (a *arena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > bytesBlock/16 {
		return string(b)
	}
	if cap(a.bytes)-len(a.bytes) < len(b) {
		n := grown(cap(a.bytes), firstBytes, bytesBlock)
		for n < len(b) {
			n *= 2
		}
		a.bytes = make([]byte, 0, n)
	}
	at := len(a.bytes)
	a.bytes = append(a.bytes, b...)
	// The block's bytes are never written again: appends go past them.
	return unsafe.String(&a.bytes[at], len(b))
}

func (a *arena) stringPtr(v string) *string { return next(&a.strs, v) }
func (a *arena) boolPtr(v bool) *bool       { return next(&a.bools, v) }
func (a *arena) int32Ptr(v int32) *int32    { return next(&a.i32s, v) }
func (a *arena) int64Ptr(v int64) *int64    { return next(&a.i64s, v) }
func (a *arena) float32Ptr(v float32) *float32 {
	return next(&a.f32s, v)
}
func (a *arena) float64Ptr(v float64) *float64 {
	return next(&a.f64s, v)
}
func (a *arena) timePtr(v time.Time) *time.Time {
	return next(&a.times, v)
}

// next stores v in the block and returns a pointer to it.
func next[T any](block *[]T, v T) *T {
	if len(*block) == cap(*block) {
		*block = make([]T, 0, grown(cap(*block), firstBlock, arenaBlock))
	}
	*block = append(*block, v)
	return &(*block)[len(*block)-1]
}
