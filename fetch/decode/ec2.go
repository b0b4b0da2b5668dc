package decode

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// member is one case of an EC2 structure's deserializer (ec2_gen.go): an
// element, the Go field it fills, and how its text is parsed (for a
// value; "" for a structure or a list), or a list's item element and how
// an item's text is parsed ("" for a list of structures).
type member struct {
	elem, field, parse, item, itemParse string
}

// ec2Operations are the EC2 operations whose answers are decoded here.
func ec2Operations() []string {
	return []string{"DescribeImages", "DescribeInstances", "DescribeReservedInstances", "DescribeSnapshots", "DescribeVolumes"}
}

// ec2Outputs are their output types.
func ec2Outputs() map[string]reflect.Type {
	return map[string]reflect.Type{
		"DescribeImages":            reflect.TypeFor[ec2.DescribeImagesOutput](),
		"DescribeInstances":         reflect.TypeFor[ec2.DescribeInstancesOutput](),
		"DescribeReservedInstances": reflect.TypeFor[ec2.DescribeReservedInstancesOutput](),
		"DescribeSnapshots":         reflect.TypeFor[ec2.DescribeSnapshotsOutput](),
		"DescribeVolumes":           reflect.TypeFor[ec2.DescribeVolumesOutput](),
	}
}

// structPlan is how one Go structure is decoded from its element.
type structPlan struct {
	typ    reflect.Type
	fields []fieldPlan
	// byLen finds a field by its element's name folded to lower case (the
	// SDK matches elements with strings.EqualFold): the first field of
	// each folded name, the case the SDK's switch takes, by the name's
	// length. fieldIndex compares an element with the few of its length
	// rather than hash it, which cost more than the rest of finding it.
	byLen [][]int
	// unique: no two members' elements are the same but for case, so an
	// element names at most one member.
	unique bool
}

// fieldPlan is how one member is decoded.
type fieldPlan struct {
	member
	lower  string  // elem folded to lower case
	index  int     // the Go field's
	offset uintptr // and its offset in the structure
	ptr    bool    // the field is a pointer (to the value or the structure)
	kind   kind    // the value's, or a list's items'
	// sub decodes the structure, or a list's items when they are
	// structures.
	sub  *structPlan
	list bool
	typ  reflect.Type // the value's type: the field's, or a list's item's, without the pointer
	// scratch keeps a list's items while a page's own list is decoded
	// (pageList): a *[]item, emptied, from one page to the next.
	scratch *sync.Pool
}

type kind int

const (
	kStruct kind = iota
	kString
	kEnum
	kBool
	kInt32
	kInt64
	kFloat32
	kFloat64
	kTime
)

var parseKinds = map[string]kind{
	"string": kString, "enum": kEnum, "bool": kBool, "int32": kInt32, "int64": kInt64,
	"float32": kFloat32, "float64": kFloat64, "time": kTime,
}

// ec2Plans compiles the plans of the EC2 outputs once: they are a function
// of the generated tables and the SDK's types, and never change.
var ec2Plans = sync.OnceValues(func() (map[string]*structPlan, error) {
	members := ec2Members()
	plans := map[reflect.Type]*structPlan{}
	out := map[string]*structPlan{}
	for op, t := range ec2Outputs() {
		p, err := compile(t, members, plans)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out[op] = p
	}
	return out, nil
})

// compile makes the plan of structure t and of those it holds.
func compile(t reflect.Type, members map[string][]member, plans map[reflect.Type]*structPlan) (*structPlan, error) {
	if p, ok := plans[t]; ok {
		return p, nil
	}
	ms, ok := members[t.String()]
	if !ok {
		return nil, fmt.Errorf("no members for %s in ec2_gen.go: rerun TestEC2Schema -update", t)
	}
	p := &structPlan{typ: t, unique: true}
	seen := map[string]bool{}
	plans[t] = p
	for _, m := range ms {
		sf, ok := t.FieldByName(m.field)
		if !ok || len(sf.Index) != 1 {
			return nil, fmt.Errorf("%s has no field %s", t, m.field)
		}
		f := fieldPlan{member: m, index: sf.Index[0], offset: sf.Offset}
		ft := sf.Type
		parse := m.parse
		if m.item != "" {
			if ft.Kind() != reflect.Slice {
				return nil, fmt.Errorf("%s.%s: a list, but a %s", t, m.field, ft)
			}
			f.list, f.scratch = true, new(sync.Pool)
			ft = ft.Elem()
			parse = m.itemParse
		}
		if ft.Kind() == reflect.Pointer {
			if f.list {
				return nil, fmt.Errorf("%s.%s: lists of pointers are not supported", t, m.field)
			}
			f.ptr, ft = true, ft.Elem()
		}
		f.typ = ft
		if parse == "" {
			if ft.Kind() != reflect.Struct || ft == timeType {
				return nil, fmt.Errorf("%s.%s: a structure, but a %s", t, m.field, ft)
			}
			sub, err := compile(ft, members, plans)
			if err != nil {
				return nil, err
			}
			f.kind, f.sub = kStruct, sub
		} else {
			k, ok := parseKinds[parse]
			if !ok || !fits(k, ft) {
				return nil, fmt.Errorf("%s.%s: a %s parsed as %q", t, m.field, ft, parse)
			}
			f.kind = k
		}
		f.lower = strings.ToLower(m.elem)
		if seen[f.lower] {
			p.unique = false
		} else {
			seen[f.lower] = true
			for len(p.byLen) <= len(f.lower) {
				p.byLen = append(p.byLen, nil)
			}
			p.byLen[len(f.lower)] = append(p.byLen[len(f.lower)], len(p.fields))
		}
		p.fields = append(p.fields, f)
	}
	return p, nil
}

var timeType = reflect.TypeFor[time.Time]()

// fits says whether values parsed as k can be stored in a t.
func fits(k kind, t reflect.Type) bool {
	switch k {
	case kString:
		return t.Kind() == reflect.String && t.PkgPath() == ""
	case kEnum:
		return t.Kind() == reflect.String
	case kBool:
		return t.Kind() == reflect.Bool
	case kInt32:
		return t.Kind() == reflect.Int32
	case kInt64:
		return t.Kind() == reflect.Int64
	case kFloat32:
		return t.Kind() == reflect.Float32
	case kFloat64:
		return t.Kind() == reflect.Float64
	case kTime:
		return t == timeType
	}
	return false
}

// field finds the member an element fills, as the SDK's switch does.
func (p *structPlan) field(name []byte) *fieldPlan {
	i := p.fieldIndex(name)
	if i < 0 {
		return nil
	}
	return &p.fields[i]
}

func (p *structPlan) fieldIndex(name []byte) int {
	var lower [64]byte
	if len(name) <= len(lower) {
		ascii := true
		for i, c := range name {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[i] = c
		}
		if ascii {
			if len(name) >= len(p.byLen) {
				return -1
			}
			for _, i := range p.byLen[len(name)] {
				if string(lower[:len(name)]) == p.fields[i].lower {
					return i
				}
			}
			return -1
		}
	}
	// Unicode case folding ('K' is the Kelvin sign's): the slow way.
	for i := range p.fields {
		if strings.EqualFold(p.fields[i].elem, string(name)) {
			return i
		}
	}
	return -1
}

// equalFold is strings.EqualFold for a name in the answer.
func equalFold(name []byte, want string) bool {
	if len(name) == len(want) {
		for i, c := range name {
			w := want[i]
			if c == w {
				continue
			}
			if c >= utf8.RuneSelf {
				return strings.EqualFold(string(name), want)
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if 'A' <= w && w <= 'Z' {
				w += 'a' - 'A'
			}
			if c != w {
				return false
			}
		}
		return true
	}
	for _, c := range name {
		if c >= utf8.RuneSelf {
			return strings.EqualFold(string(name), want)
		}
	}
	return false
}

// EC2 decodes the answer of an EC2 operation (one of ec2Operations) into
// a new output, for the fields paths name (nil: all), as the SDK's
// deserializer would decode them.
func EC2(op string, r io.Reader, paths []string) (any, error) {
	return decodeEC2(op, r, paths, nil)
}

func decodeEC2(op string, r io.Reader, paths []string, onSkip func(from, to int64)) (any, error) {
	plans, err := ec2Plans()
	if err != nil {
		return nil, err
	}
	p, ok := plans[op]
	if !ok {
		return nil, fmt.Errorf("no decoder for EC2 %s", op)
	}
	out := reflect.New(p.typ)
	d := &ec2Decoder{s: newScanner(r)}
	defer d.s.release()
	d.s.onSkip = onSkip
	// Before the root element: the prolog. A body without one is an empty
	// output, as the SDK has it (the answer's check then fails it).
	for {
		k, err := d.s.next()
		if err != nil {
			return nil, err
		}
		if k == tokEOF {
			return out.Interface(), nil
		}
		if k == tokStart {
			break
		}
	}
	// What follows the root's end is not read, as the SDK does not.
	if err := d.structure(p, out.UnsafePointer(), newProjection(withScalars(tree(paths), p))); err != nil {
		return nil, err
	}
	return out.Interface(), nil
}

// withScalars adds the output's values (paging tokens) to a projection:
// paging needs them whatever a statement reads.
func withScalars(n *node, p *structPlan) *node {
	if n.all {
		return n
	}
	for _, f := range p.fields {
		if f.kind != kStruct && !f.list && n.kids[f.field] == nil {
			n.kids[f.field] = everything
		}
	}
	return n
}

// projection is a node of the projection bound to the plan of the
// structure it is applied to: which of the plan's fields it wants.
type projection struct {
	n    *node
	plan *structPlan
	// kids are the projections of the plan's fields, nil for those left
	// out; wanted lists the indexes of those that are not.
	kids   []*projection
	wanted []int
	// follow[0] is the field the structure's first element filled last
	// time, follow[i+1] the one that came after field i (-1: none yet):
	// an answer lists a structure's members in the same order for every
	// item, so the element is compared with that field first.
	follow []int
}

func newProjection(n *node) *projection { return &projection{n: n} }

// bind returns the projection's fields for plan p, made the first time.
func (pr *projection) bind(p *structPlan) *projection {
	if pr.plan == p {
		return pr
	}
	pr.plan, pr.kids, pr.wanted = p, make([]*projection, len(p.fields)), nil
	pr.follow = make([]int, len(p.fields)+1)
	for i := range pr.follow {
		pr.follow[i] = -1
	}
	for i, f := range p.fields {
		if k := pr.n.child(f.field); k != nil {
			pr.kids[i] = newProjection(k)
			pr.wanted = append(pr.wanted, i)
		}
	}
	return pr
}

// want returns the field an element fills and its projection, or -1 when
// the projection leaves it out (or the structure has no such member).
// prev is the field the element before filled, plus one (0 for the
// first): want sets it for the next.
func (pr *projection) want(p *structPlan, name []byte, prev *int) (int, *projection) {
	if !pr.n.all && p.unique && len(pr.wanted) <= 4 {
		// A few fields wanted: compare the element with them, not look
		// it up among all of them.
		ascii := -1 // whether name is ASCII: asked once, when it matters
		for _, i := range pr.wanted {
			e := p.fields[i].elem
			if len(name) != len(e) {
				// Only a name with letters beyond ASCII folds to an
				// element of another length (the Kelvin sign folds to
				// "k", the long s to "s"), and only a longer one.
				if len(name) < len(e) {
					continue
				}
				if ascii < 0 {
					ascii = 0
					if isASCII(name) {
						ascii = 1
					}
				}
				if ascii == 1 {
					continue
				}
			}
			if equalFold(name, e) {
				return i, pr.kids[i]
			}
		}
		return -1, nil
	}
	i := -1
	// With no two members' elements alike but for case, the field
	// guessed is the one fieldIndex would find when the names fold alike.
	if g := pr.follow[*prev]; g >= 0 && p.unique && equalFold(name, p.fields[g].elem) {
		i = g
	} else if i = p.fieldIndex(name); i < 0 {
		return -1, nil
	} else {
		pr.follow[*prev] = i
	}
	*prev = i + 1
	if pr.kids[i] == nil {
		return -1, nil
	}
	return i, pr.kids[i]
}

type ec2Decoder struct {
	s     *scanner
	a     arena
	depth int // of the structure being decoded: 1 is the output's
}

// structure decodes the elements of a structure, whose start element was
// read, into the structure at v, up to its end element.
func (d *ec2Decoder) structure(p *structPlan, v unsafe.Pointer, pr *projection) error {
	d.depth++
	err := d.fields(p, v, pr)
	d.depth--
	return err
}

// fields decodes the elements of a structure into its fields.
func (d *ec2Decoder) fields(p *structPlan, v unsafe.Pointer, pr *projection) error {
	pr = pr.bind(p)
	prev := 0
	for {
		// Most elements are a value, "<name>text</name>", whole in the
		// window: passed over or read at once, without a token for each
		// of its parts.
		if name, text, n, ok := d.s.simple(); ok {
			before := prev
			i, _ := pr.want(p, name, &prev)
			if i < 0 {
				d.s.pass(n)
				continue
			}
			// A value whose text needs no decoding is set from it;
			// anything else (a list, a structure, an entity) is read
			// token by token below.
			if f := &p.fields[i]; !f.list && f.kind != kStruct && plain(text) {
				err := d.set(f, unsafe.Add(v, f.offset), f.ptr, text)
				d.s.pos += n
				if err != nil {
					return err
				}
				continue
			}
			// Read below, where want is asked again: as it was asked.
			prev = before
		}
		k, err := d.s.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEnd:
			return nil
		case tokStart:
			i, fp := pr.want(p, d.s.local, &prev)
			if i < 0 {
				if err := d.s.skip(); err != nil {
					return err
				}
				continue
			}
			if err := d.member(&p.fields[i], unsafe.Add(v, p.fields[i].offset), fp); err != nil {
				return err
			}
		}
	}
}

// member decodes one element into its field at fv.
func (d *ec2Decoder) member(f *fieldPlan, fv unsafe.Pointer, pr *projection) error {
	switch {
	case f.list:
		return d.list(f, fv, pr)
	case f.kind == kStruct:
		if f.ptr {
			pp := (*unsafe.Pointer)(fv)
			if *pp == nil {
				*pp = reflect.New(f.typ).UnsafePointer()
			}
			fv = *pp
		}
		return d.structure(f.sub, fv, pr)
	}
	return d.value(f, fv, f.ptr)
}

// list decodes a list's items, the elements named f.item (others are
// skipped, as the SDK does), appending them to what the field at fv
// holds.
func (d *ec2Decoder) list(f *fieldPlan, fv unsafe.Pointer, pr *projection) error {
	sv := reflect.NewAt(reflect.SliceOf(f.typ), fv).Elem()
	if d.depth == 1 && sv.Len() == 0 {
		return d.pageList(f, sv, pr)
	}
	if sv.IsNil() {
		sv.Set(reflect.MakeSlice(sv.Type(), 0, 0))
	}
	return d.items(f, sv, pr, false)
}

// pageList decodes a list of the output itself (the page's resources, up
// to a thousand) into a list sized from the answer's length when that is
// known, else into a scratch slice kept from page to page, then copied
// into a slice allocated once at its length. Grown an item at a time,
// the list took twice its size and more, half of it garbage at once:
// for a count(*) of volumes, more than the rest of the decoding together.
func (d *ec2Decoder) pageList(f *fieldPlan, sv reflect.Value, pr *projection) error {
	if d.s.length >= 0 {
		// The answer's length known: the list is sized from it once its
		// first items are read, and handed over as it is when that was
		// about right. A list kept from page to page helps only when
		// one is kept: in a new process, or after a collection, it was
		// grown an item at a time and copied, three times its size of
		// fresh memory, a page fault for each 4 KB.
		list := reflect.New(sv.Type()).Elem()
		if err := d.items(f, list, pr, true); err != nil {
			return err
		}
		if n := list.Len(); n > 0 && list.Cap() <= n+n/4 {
			sv.Set(list)
		} else {
			// Empty (an empty list, not none, as the SDK has it), or
			// too long (the first items were short of the rest).
			sv.Set(exactCopy(list))
		}
		return nil
	}
	held := f.scratch.Get()
	if held == nil {
		held = reflect.New(sv.Type()).Interface()
	}
	scratch := reflect.ValueOf(held).Elem()
	err := d.items(f, scratch, pr, false)
	if err == nil {
		sv.Set(exactCopy(scratch))
	}
	// Emptied, so that the pool holds nothing of this answer.
	scratch.Clear()
	scratch.SetLen(0)
	f.scratch.Put(held)
	return err
}

// exactCopy is a copy of list in a list of its own length.
func exactCopy(list reflect.Value) reflect.Value {
	out := reflect.MakeSlice(list.Type(), list.Len(), list.Len())
	reflect.Copy(out, list)
	return out
}

// items decodes a list's items, appending them to sv. When sized (the
// answer's length known), the list's room is made once its first
// sizedAfter items are read, for as many items as the rest of the answer
// would hold of their mean length.
func (d *ec2Decoder) items(f *fieldPlan, sv reflect.Value, pr *projection, sized bool) error {
	var start int64 // where the first item began
	for {
		k, err := d.s.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEnd:
			return nil
		case tokStart:
			if !equalFold(d.s.local, f.item) {
				if err := d.s.skip(); err != nil {
					return err
				}
				continue
			}
			n := sv.Len()
			if n == sv.Cap() {
				sv.Grow(1)
			}
			sv.SetLen(n + 1)
			item := sv.Index(n).Addr().UnsafePointer()
			if n == 0 {
				start = d.s.tokAt
			}
			if f.kind == kStruct {
				err = d.structure(f.sub, item, pr)
			} else {
				err = d.value(f, item, false)
			}
			if err != nil {
				return err
			}
			if sized && n+1 == sizedAfter {
				sized = false
				// Items shorter than 64 bytes say little of the rest.
				each, rest := (d.s.offset()-start)/sizedAfter, d.s.length-d.s.offset()
				if each >= 64 && rest > 0 {
					sv.Grow(int(min(rest/each, maxSized)))
				}
			}
		}
	}
}

const (
	// sizedAfter is how many items a list's length is judged from: one
	// alone, in a page of images or snapshots, was often a third of the
	// mean.
	sizedAfter = 8
	// maxSized bounds the items a list is sized for at once: an EC2 page
	// holds a thousand at most when paged. A longer list grows from there;
	// a length that lies, or first items far shorter than the rest, cost
	// at most a thousand items' room (the helper's attack: a Content-Length
	// of 1<<40 made a list of 100,000 images, 48 MB, for nine).
	maxSized = 1000
)

// value reads a value element's text, as the SDK's NodeDecoder.Value
// does (nothing, or one run of text or one CDATA section, then the end
// element), parses it as the SDK does and stores it at fv, or a pointer to
// it when ptr.
func (d *ec2Decoder) value(f *fieldPlan, fv unsafe.Pointer, ptr bool) error {
	k, err := d.s.next()
	if err != nil {
		return err
	}
	var text []byte
	switch k {
	case tokEnd:
		return d.set(f, fv, ptr, nil)
	case tokText, tokCDATA:
		text = d.s.text
	default:
		return fmt.Errorf("expected a value in <%s>", f.elem)
	}
	// Parse before the end element is read: the text is in the window.
	perr := d.set(f, fv, ptr, text)
	if k, err := d.s.next(); err != nil {
		return err
	} else if k != tokEnd {
		return fmt.Errorf("expected the end of <%s>", f.elem)
	}
	return perr
}

// set parses a value's text as the SDK's deserializers parse it, and
// stores it (or a pointer to it) at fv, whose type fits was checked for.
func (d *ec2Decoder) set(f *fieldPlan, fv unsafe.Pointer, ptr bool, text []byte) error {
	switch f.kind {
	case kString, kEnum:
		// An enum is a named string type: the same layout.
		v := d.a.string(text)
		if ptr {
			*(**string)(fv) = d.a.stringPtr(v)
		} else {
			*(*string)(fv) = v
		}
	case kBool:
		b, err := strconv.ParseBool(string(text))
		if err != nil {
			return fmt.Errorf("expected Boolean to be of type *bool, got %T instead", text)
		}
		if ptr {
			*(**bool)(fv) = d.a.boolPtr(b)
		} else {
			*(*bool)(fv) = b
		}
	case kInt32, kInt64:
		i, err := strconv.ParseInt(string(text), 10, 64)
		if err != nil {
			return err
		}
		switch {
		case f.kind == kInt64 && ptr:
			*(**int64)(fv) = d.a.int64Ptr(i)
		case f.kind == kInt64:
			*(*int64)(fv) = i
		case ptr:
			*(**int32)(fv) = d.a.int32Ptr(int32(i)) // the low 32 bits, as int32(i64) keeps them
		default:
			*(*int32)(fv) = int32(i)
		}
	case kFloat32, kFloat64:
		x, err := strconv.ParseFloat(string(text), 64)
		if err != nil {
			return err
		}
		switch {
		case f.kind == kFloat64 && ptr:
			*(**float64)(fv) = d.a.float64Ptr(x)
		case f.kind == kFloat64:
			*(*float64)(fv) = x
		case ptr:
			*(**float32)(fv) = d.a.float32Ptr(float32(x))
		default:
			*(*float32)(fv) = float32(x)
		}
	case kTime:
		t, err := parseDateTime(text)
		if err != nil {
			return err
		}
		if ptr {
			*(**time.Time)(fv) = d.a.timePtr(t)
		} else {
			*(*time.Time)(fv) = t
		}
	}
	return nil
}
