package decode

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// aPad inserts an unknown element of n bytes (text of plain bytes, or a
// comment when comment) right after the root's start tag, moving every
// element after it by n against the window's 32 KB boundary.
func aPad(doc []byte, n int, comment bool) []byte {
	root := bytes.Index(doc, []byte("Response"))
	gt := root + bytes.IndexByte(doc[root:], '>') + 1
	var pad string
	if comment {
		pad = "<!--" + strings.Repeat("c", max(n-7, 0)) + "-->"
	} else {
		pad = "<zp>" + strings.Repeat("p", max(n-9, 0)) + "</zp>"
	}
	return append(append(append([]byte{}, doc[:gt]...), pad...), doc[gt:]...)
}

// aBigPages are generated pages longer than two windows.
func aBigPages(t testing.TB) [][]byte {
	return generatedPagesOf(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 30, ImagesPerRegion: 150,
		DBInstancesPerRegion: 30, ReservedPerRegion: 250, Seed: 7}))
}

func aSomeProjections(o operation) [][]string {
	ps := projections(o)
	out := [][]string{nil, {o.identity}}
	for i := 2; i < len(ps); i += max(1, len(ps)/6) {
		out = append(out, ps[i])
	}
	return out
}

func aDecode(o operation, r io.Reader, paths []string) (any, error) {
	if o.service == "EC2" {
		return decodeEC2(o.name, r, paths, nil)
	}
	return decodeQuery(o.service, o.name, r, paths, nil)
}

// TestElementsAcrossTheWindow moves every element of long answers across the
// window's boundary, 23 bytes further each time (every offset from 0 to
// 259 held when the test was written), read whole and in pieces.
func TestElementsAcrossTheWindow(t *testing.T) {
	pages := aBigPages(t)
	for i, o := range operations() {
		doc := pages[i]
		projs := aSomeProjections(o)
		for n := 0; n < 260; n += 23 {
			for _, comment := range []bool{false, true} {
				body := aPad(doc, n, comment)
				want, err := o.sdk(body)
				if err != nil {
					t.Fatalf("%s pad %d: the SDK: %v", o.name, n, err)
				}
				for _, paths := range projs {
					readers := map[string]io.Reader{
						"whole":          bytes.NewReader(body),
						"body, length":   Body{bytes.NewReader(body), int64(len(body))},
						"pieces of 4093": &chunkReader{bytes.NewReader(body), 4093 + n%5},
					}
					if n%46 == 0 {
						readers["one byte"] = iotest.OneByteReader(bytes.NewReader(body))
					}
					for rn, r := range readers {
						got, err := aDecode(o, r, paths)
						if err != nil {
							t.Fatalf("%s pad %d %v, %s: %v", o.name, n, paths, rn, err)
						}
						if d := projectedDiff(got, want, projectionOf(o, paths, want)); d != "" {
							t.Fatalf("%s pad %d (comment %v) %v, %s: values differ (-fast +sdk):\n%.2000s", o.name, n, comment, paths, rn, d)
						}
					}
				}
			}
		}
	}
}
