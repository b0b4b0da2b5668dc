package decode

import (
	"reflect"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestDecodeAllocations: decoding every field of a generated page takes
// at most so many allocations an item. An answer's values go into the
// decoder's arena in blocks (strings' bytes, and the numbers, booleans and
// times pointer fields point to); a value that takes an allocation of its
// own again (as each float did, and each value's text in the RDS
// decoder, until the evening of 2026-11-29) shows here. DB instances are read through
// the SDK's own generated Deserialize methods, which allocate a pointer
// for each member: most of their figure.
func TestDecodeAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes six pages a hundred times")
	}
	limits := map[string]float64{
		"DescribeInstances":         45,
		"DescribeImages":            10,
		"DescribeReservedInstances": 5,
		"DescribeVolumes":           6,
		"DescribeSnapshots":         4,
		"DescribeDBInstances":       100,
	}
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 100, ImagesPerRegion: 100,
		DBInstancesPerRegion: 100, ReservedPerRegion: 100, Seed: 1})
	pages := generatedPagesOf(t, ds)
	for i, o := range operations() {
		page := pages[i]
		out, err := o.sdk(page)
		if err != nil {
			t.Fatal(err)
		}
		n := countItems(reflect.ValueOf(out), strings.Split(o.items, "."))
		if n < 50 {
			t.Fatalf("%s: a page of %d items", o.name, n)
		}
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := o.fast(page, nil, nil); err != nil {
				t.Fatal(err)
			}
		})
		if per := allocs / float64(n); per > limits[o.name] {
			t.Errorf("%s: %.1f allocations an item decoding every field, want at most %v", o.name, per, limits[o.name])
		}
	}
}
