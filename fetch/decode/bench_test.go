package decode

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"

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
// token) and with the scanner the decoder uses, which reads names and
// text in place from a window over the body. It is how the tokenizer was
// chosen; BenchmarkDecode shows what skipping adds on top.
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
