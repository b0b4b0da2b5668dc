package tables

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/awssql/awssql/vtab"
)

// a2OldTagObject is tagObject as it was before it wrote the text itself
// (d1bc15d): the map of the tags, later elements replacing earlier ones.
func a2OldTagObject(tags any) any {
	v := reflect.ValueOf(tags)
	if v.Kind() != reflect.Slice || v.Len() == 0 {
		return nil
	}
	m := make(map[string]string, v.Len())
	for i := range v.Len() {
		t := reflect.Indirect(v.Index(i))
		k, val := t.FieldByName("Key"), t.FieldByName("Value")
		if !k.IsValid() || !val.IsValid() {
			return nil
		}
		m[deref(k)] = deref(val)
	}
	return m
}

// a2Column is the JSON column's value of what a getter returned, or the
// panic it raised.
func a2Column(f func() any) (v any, err error, panicked any) {
	defer func() { panicked = recover() }()
	v, err = vtab.SQLValue(vtab.JSON, f())
	return v, err, nil
}

type (
	a2Key   string
	a2Value string
	a2Named struct {
		Key   a2Key
		Value *a2Value
	}
	a2IntKey struct {
		Key   int
		Value string
	}
	a2PtrPtr struct {
		Key   **string
		Value *string
	}
	a2Iface struct {
		Key   any
		Value any
	}
	a2Inner struct {
		Key   *string
		Value *string
	}
	a2Promoted struct {
		a2Inner
		Extra int
	}
	a2PromotedPtr struct {
		*a2Inner
	}
	a2KeyOnlyInner struct{ Key string }
	a2Split        struct {
		a2KeyOnlyInner
		Value string
	}
	a2Shadow struct {
		a2Inner
		Key string // shadows the promoted Key
	}
	a2Ambiguous struct {
		a2Inner
		a2Other
	}
	a2Other struct{ Key, Value string }
)

func a2p(s string) *string { return &s }

// TestTagObjectAsTheMap: tagObject's JSON column is the old map's,
// for tag types of every shape; where the old code panicked, the new one
// is reported.
func TestTagObjectAsTheMap(t *testing.T) {
	words := []string{"", "Name", "name", "a<b>&c", "\u2028\u2029", "\x00", "\x7f", "\xff", "\xfe", "a\xff", "a\xfe", "a\ufffd",
		"\xed\xa0\x80", "\xc0\xaf", "q\"\\/", "\t\n\r\b\f", "é", "e\u0301", "\U0001F600", "</script>", "K", "\u212A"}
	r := rand.New(rand.NewPCG(5, 6))
	pick := func() string { return words[r.IntN(len(words))] }
	var cases []any
	for range 400 {
		n := 1 + r.IntN(20)
		var ec2 []ec2types.Tag
		var s3 []*s3types.Tag
		var named []a2Named
		var ptrptr []a2PtrPtr
		var promoted []a2Promoted
		var split []*a2Split
		var shadow []a2Shadow
		for range n {
			k, v := pick(), pick()
			kp := a2p(k)
			vv := a2Value(v)
			ec2 = append(ec2, ec2types.Tag{Key: a2p(k), Value: a2p(v)})
			s3 = append(s3, &s3types.Tag{Key: a2p(k), Value: a2p(v)})
			named = append(named, a2Named{a2Key(k), &vv})
			ptrptr = append(ptrptr, a2PtrPtr{&kp, a2p(v)})
			promoted = append(promoted, a2Promoted{a2Inner{a2p(k), a2p(v)}, 1})
			split = append(split, &a2Split{a2KeyOnlyInner{k}, v})
			shadow = append(shadow, a2Shadow{a2Inner{a2p("inner"), a2p(v)}, k})
		}
		cases = append(cases, ec2, s3, named, ptrptr, promoted, split, shadow)
	}
	// Keys that differ only after invalid UTF-8, duplicated in many places.
	dup := []ec2types.Tag{}
	for i := range 50 {
		dup = append(dup, ec2types.Tag{Key: a2p([]string{"k", "k\xff", "k\xfe", "k\ufffd", "K"}[i%5]), Value: a2p(fmt.Sprint(i))})
	}
	cases = append(cases, dup, dup[:5], dup[:4], dup[1:3])
	// 10,000 tags, with a tenth of the keys repeated.
	many := make([]ec2types.Tag, 10000)
	for i := range many {
		many[i] = ec2types.Tag{Key: a2p(fmt.Sprintf("key-%d", i%9000)), Value: a2p(strings.Repeat("v", i%7) + fmt.Sprint(i))}
	}
	cases = append(cases, many)
	// Odd kinds of Key and Value, nil keys and values.
	cases = append(cases,
		[]a2IntKey{{1, "a"}, {2, "b"}},
		[]a2Iface{{"k", "v"}, {a2p("k2"), nil}},
		[]ec2types.Tag{{}, {Key: a2p("x")}, {Value: a2p("only value")}},
		[]a2PromotedPtr{{&a2Inner{a2p("k"), a2p("v")}}},
		[]a2Ambiguous{{}},
		[]struct{ Key, Value string }{{"b", "1"}, {"a", "2"}, {"b", "3"}},
		[]struct{ Key string }{{"a"}},
		[]any{},
		[1]ec2types.Tag{{Key: a2p("array")}},
		&[]ec2types.Tag{{Key: a2p("ptr to slice")}},
	)
	for i, tags := range cases {
		want, werr, wpanic := a2Column(func() any { return a2OldTagObject(tags) })
		got, gerr, gpanic := a2Column(func() any { return tagObject(tags) })
		name := fmt.Sprintf("case %d, %T", i, tags)
		if (wpanic != nil) != (gpanic != nil) {
			t.Errorf("%s: panic %v, the old code's %v", name, gpanic, wpanic)
			continue
		}
		if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Errorf("%s: error %v, the old code's %v", name, gerr, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %.400q\nwant %.400q", name, got, want)
		}
	}
}

// TestTagObjectNilElements: a list of pointers with a nil element
// made the old code panic (reflect: FieldByName of a zero Value); the
// new code answers NULL, wherever the nil is, and whether or not a key
// before or after it is not UTF-8.
func TestTagObjectNilElements(t *testing.T) {
	tag := func(k string) *ec2types.Tag { return &ec2types.Tag{Key: a2p(k), Value: a2p("v")} }
	for _, tags := range [][]*ec2types.Tag{
		{nil}, {nil, tag("a")}, {tag("a"), nil}, {tag("a"), nil, tag("b")},
		{tag("\xff"), nil}, {nil, tag("\xff")}, {tag("a"), tag("\xff"), nil},
	} {
		_, _, oldPanic := a2Column(func() any { return a2OldTagObject(tags) })
		if oldPanic == nil {
			t.Errorf("%v: the old code did not panic", tags)
		}
		if g := tagObject(tags); g != nil {
			t.Errorf("%v: %#v, want NULL", tags, g)
		}
	}
	// Elements of an interface type, or not structures: the old code
	// panicked too.
	for _, tags := range []any{[]any{ec2types.Tag{Key: a2p("k")}}, []any{&ec2types.Tag{Key: a2p("k")}}, []string{"a"}} {
		_, _, oldPanic := a2Column(func() any { return a2OldTagObject(tags) })
		if oldPanic == nil {
			t.Errorf("%v: the old code did not panic", tags)
		}
		if g := tagObject(tags); g != nil {
			t.Errorf("%v: %#v, want NULL", tags, g)
		}
	}
}
