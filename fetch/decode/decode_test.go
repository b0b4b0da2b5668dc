package decode

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// filledAnswer is awsfake's answer to the operation for an output with
// every field set (see awsfake.Fill).
func filledAnswer(t testing.TB, o operation, variant int) []byte {
	t.Helper()
	out := reflect.New(o.outputType())
	if err := awsfake.Fill(out.Elem(), variant); err != nil {
		t.Fatal(err)
	}
	body, err := awsfake.Answer(o.awsfakeService(), o.name, out.Interface())
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// projections are what the tests decode each answer for: everything, the
// items' identity alone (count(*)), and each field of the items with it,
// and each field of the structures and lists of structures they hold.
func projections(o operation) [][]string {
	out := [][]string{nil, {o.identity}}
	item := o.outputType()
	for _, name := range strings.Split(o.items, ".") {
		f, _ := item.FieldByName(name)
		item = f.Type.Elem()
	}
	for i := range item.NumField() {
		f := item.Field(i)
		if !f.IsExported() {
			continue
		}
		path := o.items + "." + f.Name
		out = append(out, []string{o.identity, path})
		sub := f.Type
		for sub.Kind() == reflect.Pointer || sub.Kind() == reflect.Slice {
			sub = sub.Elem()
		}
		if sub.Kind() == reflect.Struct && sub != timeType {
			for j := range sub.NumField() {
				if sf := sub.Field(j); sf.IsExported() {
					out = append(out, []string{o.identity, path + "." + sf.Name})
				}
			}
		}
	}
	return out
}

// agree decodes body with the SDK and with the fast decoder for paths and
// reports how they differ: in whether they decode it, or in a value of the
// projection. The fast decoder does not check what it skips, so where the
// SDK refuses an answer and the fast decoder decodes it, the fault must lie
// in what it skipped: the SDK must then decode the answer without those
// elements, to the same values.
func agree(o operation, body []byte, paths []string) error {
	want, werr := o.sdk(body)
	var skipped [][2]int64
	got, gerr := o.fast(body, paths, func(from, to int64) { skipped = append(skipped, [2]int64{from, to}) })
	switch {
	case werr != nil && gerr != nil:
		return nil
	case gerr != nil:
		return fmt.Errorf("the fast decoder fails (%v), the SDK does not", gerr)
	case werr != nil:
		rest := without(body, skipped)
		if want, werr = o.sdk(rest); werr != nil {
			return fmt.Errorf("the SDK fails (%v), the fast decoder does not, and the SDK fails without what it skipped too (%v):\n%.2000s", werr, werr, rest)
		}
	}
	if d := projectedDiff(got, want, projectionOf(o, paths, want)); d != "" {
		return fmt.Errorf("values differ (-fast +sdk):\n%s", d)
	}
	return nil
}

// without is doc without the byte ranges skipped.
func without(doc []byte, skipped [][2]int64) []byte {
	var out []byte
	at := int64(0)
	for _, r := range skipped {
		out = append(out, doc[at:r[0]]...)
		at = r[1]
	}
	return append(out, doc[at:]...)
}

// projectionOf is what the fast decoder must decode for paths: them, and
// the output's own values (paging tokens: NextToken, Marker), found here
// from the SDK's output type, not from the decoder's plans.
func projectionOf(o operation, paths []string, out any) *node {
	n := tree(paths)
	if n.all {
		return n
	}
	t := reflect.TypeOf(out)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := range t.NumField() {
		f := t.Field(i)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.Struct, reflect.Slice, reflect.Map, reflect.Interface:
			if ft != reflect.TypeFor[time.Time]() {
				continue
			}
		}
		if f.IsExported() && n.kids[f.Name] == nil {
			n.kids[f.Name] = everything
		}
	}
	return n
}

func TestDecodersMatchTheSDK(t *testing.T) {
	for _, o := range operations() {
		for variant := range 2 {
			body := filledAnswer(t, o, variant)
			for _, paths := range projections(o) {
				t.Run(fmt.Sprintf("%s/%d/%s", o.name, variant, strings.Join(paths, ",")), func(t *testing.T) {
					if err := agree(o, body, paths); err != nil {
						t.Fatal(err)
					}
				})
			}
		}
	}
}

// TestProjectionSkips checks that a projection is what is decoded: with
// the identity alone, every other field of the items is left unset.
func TestProjectionSkips(t *testing.T) {
	for _, o := range operations() {
		t.Run(o.name, func(t *testing.T) {
			got, err := o.fast(filledAnswer(t, o, 0), []string{o.identity}, nil)
			if err != nil {
				t.Fatal(err)
			}
			items := reflect.ValueOf(got).Elem()
			for _, name := range strings.Split(o.items, ".") {
				items = items.FieldByName(name)
				if items.Len() == 0 {
					t.Fatalf("no %s", name)
				}
				items = items.Index(0)
			}
			id := o.identity[strings.LastIndexByte(o.identity, '.')+1:]
			for i := range items.NumField() {
				f := items.Type().Field(i)
				set := f.IsExported() && !items.Field(i).IsZero()
				if set != (f.Name == id) {
					t.Errorf("%s: set %v", f.Name, set)
				}
			}
		})
	}
}

// The forms an answer can take that the tests rewrite a filled answer
// into: every one must decode as the SDK decodes it.
var rewrites = []struct {
	name string
	tok  func(w *bytes.Buffer, tok xml.Token, prev xml.Token, depth int)
}{
	{"indented with CRLF", func(w *bytes.Buffer, tok, prev xml.Token, depth int) {
		_, start := tok.(xml.StartElement)
		_, end := tok.(xml.EndElement)
		_, prevEnd := prev.(xml.EndElement)
		if start || end && prevEnd {
			w.WriteString("\r\n" + strings.Repeat("  ", depth))
		}
		writeTok(w, tok)
	}},
	{"entities", func(w *bytes.Buffer, tok, _ xml.Token, _ int) {
		if cd, ok := tok.(xml.CharData); ok {
			for i, r := range string(cd) {
				switch {
				case r == '<':
					w.WriteString("&lt;")
				case r == '&':
					w.WriteString("&amp;")
				case i%2 == 0:
					fmt.Fprintf(w, "&#%d;", r)
				default:
					fmt.Fprintf(w, "&#x%X;", r)
				}
			}
			return
		}
		writeTok(w, tok)
	}},
	{"CDATA", func(w *bytes.Buffer, tok, _ xml.Token, _ int) {
		if cd, ok := tok.(xml.CharData); ok && !bytes.Contains(cd, []byte("]]>")) && len(cd) > 0 {
			w.WriteString("<![CDATA[" + string(cd) + "]]>")
			return
		}
		writeTok(w, tok)
	}},
	{"namespace prefixes", func(w *bytes.Buffer, tok, prev xml.Token, _ int) {
		switch t := tok.(type) {
		case xml.StartElement:
			fmt.Fprintf(w, "<aws:%s", t.Name.Local)
			if prev == nil {
				w.WriteString(` xmlns:aws="http://ec2.amazonaws.com/doc/2016-11-15/"`)
			}
			w.WriteString(">")
		case xml.EndElement:
			fmt.Fprintf(w, "</aws:%s>", t.Name.Local)
		default:
			writeTok(w, tok)
		}
	}},
	{"comments, instructions and unknown elements between members", func(w *bytes.Buffer, tok, _ xml.Token, depth int) {
		writeTok(w, tok)
		if _, end := tok.(xml.EndElement); end && depth > 0 {
			w.WriteString(`<!-- a > comment --><?pi data?><zzUnknown a="x>y" b='/>'><![CDATA[<q>]]><!--<z>--><n><m/>&amp;</n><!DOCTYPE x [<!ENTITY e "<>">]></zzUnknown>` + "\n\t")
		}
	}},
	{"self-closing empty elements", func(w *bytes.Buffer, tok, prev xml.Token, _ int) {
		if _, end := tok.(xml.EndElement); end {
			if _, start := prev.(xml.StartElement); start && bytes.HasSuffix(w.Bytes(), []byte(">")) {
				w.Truncate(w.Len() - 1)
				w.WriteString("/>")
				return
			}
		}
		writeTok(w, tok)
	}},
	{"upper-case names", func(w *bytes.Buffer, tok, _ xml.Token, _ int) {
		switch t := tok.(type) {
		case xml.StartElement:
			fmt.Fprintf(w, "<%s>", strings.ToUpper(t.Name.Local))
		case xml.EndElement:
			fmt.Fprintf(w, "</%s>", strings.ToUpper(t.Name.Local))
		default:
			writeTok(w, tok)
		}
	}},
}

// writeTok writes a token back as XML (start elements without attributes,
// but the root's).
func writeTok(w *bytes.Buffer, tok xml.Token) {
	switch t := tok.(type) {
	case xml.StartElement:
		w.WriteString("<" + t.Name.Local)
		for _, a := range t.Attr {
			name := a.Name.Local
			if a.Name.Space != "" {
				name = a.Name.Space + ":" + name
			}
			fmt.Fprintf(w, ` %s="%s"`, name, a.Value)
		}
		w.WriteString(">")
	case xml.EndElement:
		w.WriteString("</" + t.Name.Local + ">")
	case xml.CharData:
		xml.EscapeText(w, t)
	case xml.ProcInst:
		fmt.Fprintf(w, "<?%s %s?>", t.Target, t.Inst)
	}
}

// rewrite passes every token of doc through f.
func rewrite(t testing.TB, doc []byte, f func(w *bytes.Buffer, tok, prev xml.Token, depth int)) []byte {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var w bytes.Buffer
	var prev xml.Token
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return w.Bytes()
		}
		if err != nil {
			t.Fatal(err)
		}
		tok = xml.CopyToken(tok)
		if _, ok := tok.(xml.EndElement); ok {
			depth--
		}
		if _, ok := tok.(xml.ProcInst); ok {
			writeTok(&w, tok)
		} else {
			f(&w, tok, prev, depth)
		}
		if _, ok := tok.(xml.StartElement); ok {
			depth++
		}
		prev = tok
	}
}

func TestDecodersMatchTheSDKOnEveryForm(t *testing.T) {
	for _, o := range operations() {
		body := filledAnswer(t, o, 0)
		for _, rw := range rewrites {
			doc := rewrite(t, body, rw.tok)
			for _, paths := range [][]string{nil, {o.identity}, {o.identity, o.items + ".Tags"}} {
				t.Run(fmt.Sprintf("%s/%s/%v", o.name, rw.name, paths), func(t *testing.T) {
					if err := agree(o, doc, paths); err != nil {
						t.Fatalf("%v\n%.2000s", err, doc)
					}
				})
			}
		}
	}
}

// TestDecodersFailAsTheSDK: answers the SDK refuses are refused, by every
// projection for a fault in the document or in the identity, and by those
// that read the field, for a value the SDK cannot parse.
func TestDecodersFailAsTheSDK(t *testing.T) {
	o := operations()[0]
	body := string(filledAnswer(t, o, 0))
	all := [][]string{nil, {o.identity}}
	read := [][]string{nil, {o.identity, o.items + ".EbsOptimized", o.items + ".AmiLaunchIndex", o.items + ".LaunchTime"}}
	// A value whose text needs no decoding: read whole, at once.
	plainValue := [][]string{nil, {o.identity, o.items + ".InstanceLifecycle"}}
	id := "<instanceId>"
	tests := []struct {
		name, doc string
		fail      [][]string // the projections that must fail
	}{
		{"cut short", body[:len(body)/2], all},
		{"an old encoding", strings.Replace(body, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), all},
		{"a value with a child", strings.Replace(body, id, id+"<b/>", 1), all},
		{"a bad entity", strings.Replace(body, id, id+"&nbsp;", 1), all},
		{"a mismatched end", strings.Replace(body, "</instanceId>", "</instanceID>", 1), all},
		{"a mismatched end of a plain value", strings.Replace(body, "spot</instanceLifecycle>", "spot</instanceLifeCycle>", 1), plainValue},
		{"a plain value with a child", strings.Replace(body, "<instanceLifecycle>spot<", "<instanceLifecycle>spot<b/><", 1), plainValue},
		{"a comment in a value", strings.Replace(body, id, id+"<!-- c -->", 1), all},
		{"text and CDATA", strings.Replace(body, id, id+"a<![CDATA[b]]>", 1), all},
		{"a bad character", strings.Replace(body, id, id+"\x01", 1), all},
		{"a bad boolean", strings.Replace(body, "<ebsOptimized>true<", "<ebsOptimized>yes<", 1), read},
		{"an empty number", strings.Replace(body, "<amiLaunchIndex>", "<amiLaunchIndex></amiLaunchIndex><x>", 1), read},
		{"a bad time", strings.Replace(body, "<launchTime>2026", "<launchTime>20x6", 1), read},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := o.sdk([]byte(tt.doc)); err == nil {
				t.Fatalf("the SDK decodes it: not a failure")
			}
			for _, paths := range tt.fail {
				if _, err := o.fast([]byte(tt.doc), paths, nil); err == nil {
					t.Errorf("%v: decoded", paths)
				}
			}
			// Whatever decodes it, decodes it as the SDK does without
			// what was skipped.
			for _, paths := range projections(o) {
				if err := agree(o, []byte(tt.doc), paths); err != nil {
					t.Errorf("%v: %v", paths, err)
				}
			}
		})
	}
}

func TestTreePaths(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{}, nil},
		{[]string{"A.B", "A", "C.D.E", "C.D.F"}, []string{"A", "C.D.E", "C.D.F"}},
		{[]string{"C.D.E", "C.D"}, []string{"C.D"}},
	}
	for _, tt := range tests {
		got := tree(tt.in).paths()
		if tt.in == nil {
			if got != nil {
				t.Errorf("tree(nil).paths() = %q", got)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("tree(%q).paths() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestBodyOfAnyLength decodes each answer through a Body that says its
// length truly, wrongly and not at all: the window a short answer is read
// through grows as any window does, and every value is the SDK's.
func TestBodyOfAnyLength(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 3, ImagesPerRegion: 2,
		DBInstancesPerRegion: 2, ReservedPerRegion: 2, Seed: 5})
	pages := generatedPagesOf(t, ds)
	for i, o := range operations() {
		for _, body := range [][]byte{pages[i], filledAnswer(t, o, 0)} {
			want, err := o.sdk(body)
			if err != nil {
				t.Fatal(err)
			}
			n := int64(len(body))
			for _, length := range []int64{n, n - 1, n / 2, 1, 0, -1, n + 100, window - 1} {
				for _, paths := range [][]string{nil, {o.identity}} {
					r := Body{Reader: bytes.NewReader(body), Length: length}
					var got any
					if o.service == "EC2" {
						got, err = EC2(o.name, r, paths)
					} else {
						got, err = Query(o.service, o.name, r, paths)
					}
					if err != nil {
						t.Fatalf("%s, length %d of %d: %v", o.name, length, n, err)
					}
					if d := projectedDiff(got, want, projectionOf(o, paths, want)); d != "" {
						t.Errorf("%s, length %d of %d, paths %v (-fast +sdk):\n%s", o.name, length, n, paths, d)
					}
				}
			}
		}
	}
}

// TestPageListsReuseNothing decodes a long page, then a short one, then
// the long one again: a page's list is decoded into a slice kept from page
// to page, and no item of one page may show in another, nor be missing.
func TestPageListsReuseNothing(t *testing.T) {
	for _, o := range operations() {
		t.Run(o.name, func(t *testing.T) {
			page := func(n int) []byte {
				out := reflect.New(o.outputType())
				if err := awsfake.Fill(out.Elem(), 0); err != nil {
					t.Fatal(err)
				}
				top, _, _ := strings.Cut(o.items, ".")
				list := out.Elem().FieldByName(top)
				if list.Len() == 0 {
					t.Fatalf("Fill left %s empty", top)
				}
				many := reflect.MakeSlice(list.Type(), n, n)
				for i := range n {
					many.Index(i).Set(list.Index(0))
				}
				list.Set(many)
				body, err := awsfake.Answer(o.awsfakeService(), o.name, out.Interface())
				if err != nil {
					t.Fatal(err)
				}
				return body
			}
			for _, n := range []int{40, 1, 0, 40, 3} {
				for _, paths := range [][]string{nil, {o.identity}} {
					if err := agree(o, page(n), paths); err != nil {
						t.Fatalf("a page of %d after others, %v: %v", n, paths, err)
					}
				}
			}
		})
	}
}
