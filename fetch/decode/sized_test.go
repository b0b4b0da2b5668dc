package decode

import (
	"bytes"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestListsSizedFromTheLength decodes pages whose length is known, where
// the list is sized from its first items: pages of like items, and pages
// whose first item is much shorter or much longer than the rest, with no
// list kept from an earlier page (the pool emptied by two collections, as
// in a new process). Each must decode as the SDK does, and a
// page of like items must allocate a third of its list's size less, at
// least, than the same page decoded without its length (its list grown
// an item at a time).
func TestListsSizedFromTheLength(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 40, ImagesPerRegion: 40,
		DBInstancesPerRegion: 5, ReservedPerRegion: 40, Seed: 3})
	generated := generatedPagesOf(t, ds)
	for i, o := range operations() {
		if o.service != "EC2" {
			continue // the RDS decoder's lists are the SDK's own
		}
		t.Run(o.name, func(t *testing.T) {
			top, _, _ := strings.Cut(o.items, ".")
			// page makes an answer of the filled item (full) and the
			// zero one, in that order.
			page := func(full, zero int, fullFirst bool) []byte {
				out := reflect.New(o.outputType())
				if err := awsfake.Fill(out.Elem(), 0); err != nil {
					t.Fatal(err)
				}
				list := out.Elem().FieldByName(top)
				filled, empty := list.Index(0), reflect.Zero(list.Type().Elem())
				items := reflect.MakeSlice(list.Type(), 0, full+zero)
				for range full {
					items = reflect.Append(items, filled)
				}
				if fullFirst {
					for range zero {
						items = reflect.Append(items, empty)
					}
				} else {
					items = reflect.AppendSlice(reflect.MakeSlice(list.Type(), zero, zero), items)
				}
				list.Set(items)
				body, err := awsfake.Answer(o.awsfakeService(), o.name, out.Interface())
				if err != nil {
					t.Fatal(err)
				}
				return body
			}
			for _, tt := range []struct {
				name string
				body []byte
				like bool // the items are of about one length
			}{
				// Generated items are of many lengths, and a page's
				// first ones may be half the mean: decoded alike, not
				// always sized.
				{"generated", generated[i], false},
				{"filled", page(30, 0, true), true},
				{"a short first item", page(30, 1, false), false},
				{"a long first item", page(1, 30, true), false},
				{"no item", page(0, 0, true), false},
			} {
				want, err := o.sdk(tt.body)
				if err != nil {
					t.Fatal(err)
				}
				for _, paths := range [][]string{nil, {o.identity}} {
					// cold decodes with no list kept, and says how many
					// bytes it allocated.
					cold := func(r io.Reader) (any, uint64) {
						var before, after runtime.MemStats
						runtime.GC()
						runtime.GC()
						runtime.ReadMemStats(&before)
						got, err := EC2(o.name, r, paths)
						runtime.ReadMemStats(&after)
						if err != nil {
							t.Fatalf("%s %v: %v", tt.name, paths, err)
						}
						if d := projectedDiff(got, want, projectionOf(o, paths, want)); d != "" {
							t.Fatalf("%s %v (-fast +sdk):\n%s", tt.name, paths, d)
						}
						return got, after.TotalAlloc - before.TotalAlloc
					}
					got, sized := cold(Body{bytes.NewReader(tt.body), int64(len(tt.body))})
					_, grown := cold(bytes.NewReader(tt.body)) // no length: grown and copied
					l := reflect.ValueOf(got).Elem().FieldByName(top)
					listBytes := uint64(l.Len()) * uint64(l.Type().Elem().Size())
					// Grown an item at a time, a list takes twice its
					// room and more before it is whole; sized, its first
					// items' room and then its own.
					if tt.like && sized+listBytes/3 > grown {
						t.Errorf("%s %v: %d bytes allocated with the length known, %d without it, for a list of %d bytes",
							tt.name, paths, sized, grown, listBytes)
					}
				}
			}
		})
	}
}
