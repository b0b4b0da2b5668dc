package decode

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	smithytime "github.com/aws/smithy-go/time"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// aOddTimes are timestamps every one of which smithytime reads, or not,
// in its own way.
var aOddTimes = []string{
	"2025-01-02T08:54:40.000Z", "2025-01-02T08:54:40Z", "2025-01-02T08:54:40.1234567891Z", "2025-01-02T08:54:40,5Z",
	"2025-01-02T08:54:40.000", "2025-01-02T08:54:40+02:00", "2025-01-02T08:54:40.5-07:00", "2024-02-29T23:59:59.999999999Z",
	"2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2025-01-01T00:00:60Z",
	"2025-01-01T24:00:00Z", "2025-01-02T08:54:40.Z", "2025-01-02 08:54:40Z", " 2025-01-02T08:54:40Z", "2025-01-02T08:54:40Z\n",
	"2025-1-02T08:54:40Z", "2025-01-02T8:54:40Z", "2025-01-02T08:54:4Z", "2025-01-02T08:54:40.0000000000000Z", "",
	"2025-06-31T00:00:00Z", "2025-07-31T00:00:00Z", "2025-08-31T00:00:00Z", "2025-09-31T00:00:00Z", "2025-11-31T00:00:00Z", "2025-12-31T00:00:00Z",
}

// aOddScalars are values of every type in forms the SDK's parsers take
// or refuse.
var aOddScalars = []string{
	"true", "false", "TRUE", "True", "t", "F", "1", "0", "yes", "", " 1", "1 ", "+1", "-0", "0x1", "1e3", "1.5", "Inf", // not NaN: cmp finds NaN unlike itself

	"-Infinity", "9223372036854775808", "2147483648", "-2147483649", "1_000", "٣", "3.4e39", "1e-400", ".5", "5.",
}

// aEl is an element of a document parsed for attack rewrites: raw tokens
// kept as far as possible.
type aEl struct {
	prefix, name string
	attrs        []xml.Attr
	kids         []any // *aEl or string (decoded text)
	item         int   // index among its parent's element children
	selfClose    bool  // written <a/> when it holds nothing
	space        bool  // written with spaces in its tags: <a >, </a >
}

func aParse(t testing.TB, doc []byte) (prolog string, root *aEl) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*aEl
	var pro strings.Builder
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return pro.String(), root
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			e := &aEl{prefix: tk.Name.Space, name: tk.Name.Local, attrs: append([]xml.Attr(nil), tk.Attr...)}
			if len(stack) == 0 {
				root = e
			} else {
				p := stack[len(stack)-1]
				n := 0
				for _, k := range p.kids {
					if _, ok := k.(*aEl); ok {
						n++
					}
				}
				e.item = n
				p.kids = append(p.kids, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].kids = append(stack[len(stack)-1].kids, string(tk))
			}
		case xml.ProcInst:
			if len(stack) == 0 {
				fmt.Fprintf(&pro, "<?%s %s?>\n", tk.Target, tk.Inst)
			}
		}
	}
}

func (e *aEl) leaf() bool {
	for _, k := range e.kids {
		if _, ok := k.(*aEl); ok {
			return false
		}
	}
	return true
}

func (e *aEl) text() string {
	var b strings.Builder
	for _, k := range e.kids {
		if s, ok := k.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// aEscape escapes only what must be: the text stays plain when it was.
func aEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	return r.Replace(s)
}

func (e *aEl) clone() *aEl {
	c := *e
	c.attrs = append([]xml.Attr(nil), e.attrs...)
	c.kids = nil
	for _, k := range e.kids {
		if ke, ok := k.(*aEl); ok {
			c.kids = append(c.kids, ke.clone())
		} else {
			c.kids = append(c.kids, k)
		}
	}
	return &c
}

// elems lists the element children.
func (e *aEl) elems() []*aEl {
	var out []*aEl
	for _, k := range e.kids {
		if ke, ok := k.(*aEl); ok {
			out = append(out, ke)
		}
	}
	return out
}

func (e *aEl) qname() string {
	if e.prefix != "" {
		return e.prefix + ":" + e.name
	}
	return e.name
}

func (e *aEl) write(w *bytes.Buffer) {
	w.WriteString("<" + e.qname())
	for _, a := range e.attrs {
		n := a.Name.Local
		if a.Name.Space != "" {
			n = a.Name.Space + ":" + n
		}
		fmt.Fprintf(w, ` %s="%s"`, n, strings.ReplaceAll(aEscape(a.Value), `"`, "&quot;"))
	}
	if e.space {
		w.WriteString(" ")
	}
	if e.selfClose && len(e.kids) == 0 {
		w.WriteString("/>")
		return
	}
	w.WriteString(">")
	for _, k := range e.kids {
		switch k := k.(type) {
		case *aEl:
			k.write(w)
		case string:
			w.WriteString(aEscape(k))
		}
	}
	w.WriteString("</" + e.qname())
	if e.space {
		w.WriteString("\n")
	}
	w.WriteString(">")
}

// walk calls f on every element below the root, children first.
func (e *aEl) walk(depth int, f func(e *aEl, depth int)) {
	for _, ke := range e.elems() {
		ke.walk(depth+1, f)
		f(ke, depth+1)
	}
}

func aDoc(prolog string, root *aEl) []byte {
	var w bytes.Buffer
	w.WriteString(prolog)
	root.write(&w)
	return w.Bytes()
}

// aForms are rewrites of a parsed answer, each meant to hit one of the
// new fast paths.
var aForms = []struct {
	name string
	f    func(root *aEl)
}{
	{"as is", func(*aEl) {}},
	{"children reversed in odd items", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.item%2 == 1 {
				for i, j := 0, len(e.kids)-1; i < j; i, j = i+1, j-1 {
					e.kids[i], e.kids[j] = e.kids[j], e.kids[i]
				}
			}
		})
	}},
	{"children rotated by the item's index", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if n := len(e.kids); n > 1 {
				k := (e.item + 1) % n
				e.kids = append(append([]any{}, e.kids[k:]...), e.kids[:k]...)
			}
		})
	}},
	{"every value twice, another first", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			var kids []any
			for _, k := range e.kids {
				if ke, ok := k.(*aEl); ok && ke.leaf() {
					c := ke.clone()
					c.kids = []any{"zz" + ke.text()}
					kids = append(kids, c)
				}
				kids = append(kids, k)
			}
			e.kids = kids
		})
	}},
	{"every value twice, itself first then empty", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			var kids []any
			for _, k := range e.kids {
				kids = append(kids, k)
				if ke, ok := k.(*aEl); ok && ke.leaf() && ke.item%3 == 0 {
					c := ke.clone()
					c.kids = nil
					kids = append(kids, c)
				}
			}
			e.kids = kids
		})
	}},
	{"values emptied", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() {
				e.kids = nil
			}
		})
	}},
	{"values emptied, one in two", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() && e.item%2 == 0 {
				e.kids = nil
			}
		})
	}},
	{"values of spaces", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() {
				e.kids = []any{" " + e.text() + "\n"}
			}
		})
	}},
	{"values with > and tabs", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() && e.item%2 == 1 {
				e.kids = []any{e.text() + ">\t"}
			}
		})
	}},
	{"names in mixed case varying by item", func(root *aEl) {
		root.walk(0, func(e *aEl, d int) {
			b := []byte(e.name)
			for i := range b {
				if (i+e.item+d)%3 == 0 {
					if 'a' <= b[i] && b[i] <= 'z' {
						b[i] -= 'a' - 'A'
					} else if 'A' <= b[i] && b[i] <= 'Z' {
						b[i] += 'a' - 'A'
					}
				}
			}
			e.name = string(b)
		})
	}},
	// The Kelvin sign is the one letter beyond ASCII that folds to an
	// ASCII letter and that XML allows in a name (the long s, which folds
	// to "s", is not a name character: the SDK fails on it): a name
	// holding it is longer than the member's element it matches.
	{"names with the Kelvin sign", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.item%2 == 0 {
				e.name = strings.NewReplacer("k", "\u212A", "K", "\u212A").Replace(e.name)
			}
		})
	}},
	{"unknown values between members", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			var kids []any
			for i, k := range e.kids {
				kids = append(kids, &aEl{name: fmt.Sprintf("zz%d", i), kids: []any{"u"}})
				if ke, ok := k.(*aEl); ok {
					kids = append(kids, &aEl{name: ke.name + "X", kids: []any{"u"}})
					kids = append(kids, &aEl{name: "X" + ke.name, kids: []any{"u"}})
				}
				kids = append(kids, k)
			}
			e.kids = kids
		})
	}},
	{"comments and CRLF between members", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() {
				return
			}
			var kids []any
			for _, k := range e.kids {
				kids = append(kids, "\r\n  ", k)
			}
			e.kids = kids
		})
	}},
	{"attributes on values", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() && e.item%2 == 0 {
				e.attrs = append(e.attrs, xml.Attr{Name: xml.Name{Local: "a"}, Value: "x>y"})
			}
		})
	}},
	{"prefixed names", func(root *aEl) {
		root.attrs = append(root.attrs, xml.Attr{Name: xml.Name{Space: "xmlns", Local: "p"}, Value: "urn:p"})
		root.walk(0, func(e *aEl, _ int) {
			if e.item%2 == 1 {
				e.prefix = "p"
			}
		})
	}},
	{"values self-closing", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() {
				e.kids, e.selfClose = nil, true
			}
		})
	}},
	{"spaces in tags, one in two", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			e.space = e.item%2 == 1
		})
	}},
	{"odd timestamps", func(root *aEl) {
		k := 0
		root.walk(0, func(e *aEl, _ int) {
			if _, err := smithytime.ParseDateTime(e.text()); e.leaf() && err == nil {
				e.kids = []any{aOddTimes[k%len(aOddTimes)]}
				k++
			}
		})
	}},
	{"odd scalars", func(root *aEl) {
		k := 0
		root.walk(0, func(e *aEl, _ int) {
			if e.leaf() && len(e.text()) < 12 {
				e.kids = []any{aOddScalars[k%len(aOddScalars)]}
				k++
			}
		})
	}},
	{"names with dots and dashes appended", func(root *aEl) {
		root.walk(0, func(e *aEl, _ int) {
			if e.item%2 == 1 {
				e.name += ".-1"
			}
		})
	}},
}

// aAgreeBatch is agree for many projections of one body, the SDK decoding
// the body once.
func aAgreeBatch(t *testing.T, o operation, body []byte, projs [][]string) {
	t.Helper()
	want, werr := o.sdk(body)
	for _, paths := range projs {
		if werr != nil {
			if err := agree(o, body, paths); err != nil {
				t.Errorf("%v: %v", paths, err)
			}
			continue
		}
		got, gerr := o.fast(body, paths, nil)
		if gerr != nil {
			t.Errorf("%v: the fast decoder fails (%v), the SDK does not", paths, gerr)
			continue
		}
		if d := projectedDiff(got, want, projectionOf(o, paths, want)); d != "" {
			t.Errorf("%v: values differ (-fast +sdk):\n%.3000s", paths, d)
		}
	}
}

func aDocs(t testing.TB, o operation, i int, pages [][]byte) [][]byte {
	return [][]byte{pages[i], filledAnswer(t, o, 0), filledAnswer(t, o, 1)}
}

func TestOddFormsAsTheSDK(t *testing.T) {
	pages := generatedPagesOf(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 4, ImagesPerRegion: 4,
		DBInstancesPerRegion: 3, ReservedPerRegion: 4, Seed: 11}))
	for i, o := range operations() {
		for d, doc := range aDocs(t, o, i, pages) {
			for _, form := range aForms {
				t.Run(fmt.Sprintf("%s/doc%d/%s", o.name, d, form.name), func(t *testing.T) {
					prolog, root := aParse(t, doc)
					form.f(root)
					aAgreeBatch(t, o, aDoc(prolog, root), projections(o))
				})
			}
		}
	}
}

// TestOddValuesAsTheSDK puts each odd value into one value of a small
// answer at a time (a time's into a time, a number's or a boolean's into
// those), so that the SDK fails, or not, on that value alone.
func TestOddValuesAsTheSDK(t *testing.T) {
	pages := generatedPagesOf(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 1, ImagesPerRegion: 1,
		DBInstancesPerRegion: 1, ReservedPerRegion: 1, Seed: 13}))
	for i, o := range operations() {
		t.Run(o.name, func(t *testing.T) {
			prolog, root := aParse(t, pages[i])
			var leaves []*aEl
			root.walk(0, func(e *aEl, _ int) {
				if e.leaf() {
					leaves = append(leaves, e)
				}
			})
			projs := aSomeProjections(o)
			for _, leaf := range leaves {
				orig := leaf.text()
				var odd []string
				if _, err := smithytime.ParseDateTime(orig); err == nil {
					odd = aOddTimes
				} else if _, err := strconv.ParseFloat(orig, 64); err == nil || orig == "true" || orig == "false" {
					odd = aOddScalars
				}
				for _, v := range odd {
					leaf.kids = []any{v}
					body := aDoc(prolog, root)
					t.Run(leaf.name+"="+v, func(t *testing.T) { aAgreeBatch(t, o, body, projs) })
				}
				leaf.kids = []any{orig}
			}
		})
	}
}
