package decode

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/orisano/gosax"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// pageOfInstances is awsfake's DescribeInstances answer for n generated
// instances, as the SDK receives it.
func pageOfInstances(b *testing.B, n int) []byte {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: n, ImagesPerRegion: 1,
		DBInstancesPerRegion: 1, ReservedPerRegion: 1, Seed: 1})
	return generatedPagesOf(b, ds)[0]
}

// BenchmarkTokenizer reads every token of a page of 200 instances: with
// encoding/xml's RawToken (no name-space or nesting checks, a copy of each
// token), with github.com/orisano/gosax (each event's raw bytes only: no
// names split, no entities decoded, no check that end tags match, which
// the decoder would then do itself) and with the scanner the decoder
// uses, which reads names and text in place from a window over the body,
// decodes entities and checks what the SDK's decoder checks, so that a
// malformed answer fails both alike. It is how the tokenizer was chosen;
// BenchmarkDecode shows what skipping adds on top.
func BenchmarkTokenizer(b *testing.B) {
	page := pageOfInstances(b, 200)
	b.Run("encoding-xml-rawtoken", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for range b.N {
			d := xml.NewDecoder(bytes.NewReader(page))
			for {
				_, err := d.RawToken()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("gosax", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for range b.N {
			r := gosax.NewReader(bytes.NewReader(page))
			for {
				e, err := r.Event()
				if err != nil {
					b.Fatal(err)
				}
				if e.Type() == gosax.EventEOF {
					break
				}
			}
		}
	})
	// gosax with what the decoder would add: each element's name, end
	// tags matched against their start, text with its entities decoded.
	b.Run("gosax-checked", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		var open [][]byte
		for range b.N {
			r := gosax.NewReader(bytes.NewReader(page))
			open = open[:0]
			for {
				e, err := r.Event()
				if err != nil {
					b.Fatal(err)
				}
				switch e.Type() {
				case gosax.EventStart:
					name, _ := gosax.Name(e.Bytes[1:])
					open = append(open, name)
				case gosax.EventEnd:
					name, _ := gosax.Name(e.Bytes[2:])
					if len(open) == 0 || !bytes.Equal(open[len(open)-1], name) {
						b.Fatalf("</%s> does not close its element", name)
					}
					open = open[:len(open)-1]
				case gosax.EventText:
					if _, err := gosax.Unescape(e.Bytes); err != nil {
						b.Fatal(err)
					}
				}
				if e.Type() == gosax.EventEOF {
					break
				}
			}
		}
	})
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for range b.N {
			s := newScanner(bytes.NewReader(page))
			for {
				k, err := s.next()
				if err != nil {
					b.Fatal(err)
				}
				if k == tokEOF {
					break
				}
			}
		}
	})
}

// BenchmarkDecode decodes one page of 200 instances as awsfake serves it:
// with the SDK, and with the fast decoder for everything, the identity
// alone and five columns.
func BenchmarkDecode(b *testing.B) {
	page := pageOfInstances(b, 200)
	o := operations()[0]
	b.Run("sdk", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for range b.N {
			if _, err := o.sdk(page); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name  string
		paths []string
	}{
		{"all", nil},
		{"id", []string{o.identity}},
		{"five", []string{o.identity, o.items + ".InstanceType", o.items + ".State.Name", o.items + ".LaunchTime",
			o.items + ".Placement.AvailabilityZone", o.items + ".PrivateIpAddress"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for range b.N {
				if _, err := EC2(o.name, bytes.NewReader(page), c.paths); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeEach decodes a generated page of each operation awssql
// decodes itself: with the SDK, and with the fast decoder for everything,
// for the five columns BenchmarkCPUPerInstance reads, and for the
// identity alone (count(*)). Figures are per item.
func BenchmarkDecodeEach(b *testing.B) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 100, ImagesPerRegion: 100,
		DBInstancesPerRegion: 100, ReservedPerRegion: 100, Seed: 1})
	pages := generatedPagesOf(b, ds)
	for i, o := range operations() {
		page := pages[i]
		out, err := o.sdk(page)
		if err != nil {
			b.Fatal(err)
		}
		n := countItems(reflect.ValueOf(out), strings.Split(o.items, "."))
		if n == 0 {
			b.Fatalf("%s: no items", o.name)
		}
		for _, c := range []struct {
			name  string
			paths []string
		}{{"sdk", nil}, {"all", nil}, {"five", fiveOf(o)}, {"id", []string{o.identity}}} {
			b.Run(o.name+"/"+c.name, func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for range b.N {
					var err error
					if c.name == "sdk" {
						_, err = o.sdk(page)
					} else {
						_, err = o.fast(page, c.paths, nil)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "us/item")
			})
		}
	}
}

// fiveOf is what BenchmarkCPUPerInstance's five columns of o's table
// read.
func fiveOf(o operation) []string {
	at := o.items + "."
	var fields []string
	switch o.name {
	case "DescribeInstances":
		fields = []string{"InstanceId", "InstanceType", "State", "LaunchTime", "Placement.AvailabilityZone"}
	case "DescribeImages":
		fields = []string{"ImageId", "OwnerId", "Name", "State", "ImageType"}
	case "DescribeReservedInstances":
		fields = []string{"ReservedInstancesId", "InstanceType", "State", "AvailabilityZone", "InstanceCount"}
	case "DescribeVolumes":
		fields = []string{"VolumeId", "VolumeType", "State", "CreateTime", "AvailabilityZone"}
	case "DescribeSnapshots":
		fields = []string{"SnapshotId", "OwnerId", "State", "VolumeSize", "VolumeId"}
	case "DescribeDBInstances":
		fields = []string{"DBInstanceArn", "DBInstanceIdentifier", "DBInstanceClass", "Engine", "DBInstanceStatus", "AvailabilityZone"}
	}
	paths := make([]string, len(fields))
	for i, f := range fields {
		paths[i] = at + f
	}
	return paths
}

// countItems counts the values at path (Go field names, each a slice)
// within v.
func countItems(v reflect.Value, path []string) int {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if len(path) == 0 {
		return 1
	}
	f, n := v.FieldByName(path[0]), 0
	for i := range f.Len() {
		n += countItems(f.Index(i), path[1:])
	}
	return n
}
