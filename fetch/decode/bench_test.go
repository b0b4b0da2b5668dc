package decode

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkDecode decodes one page of 100 instances as awsfake serves it:
// with the SDK, and with the fast decoder for everything, the identity
// alone and five columns.
func BenchmarkDecode(b *testing.B) {
	page, err := os.ReadFile("/tmp/pages/DescribeInstances.xml")
	if err != nil {
		b.Skip(err)
	}
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
	for name, paths := range map[string][]string{
		"all":  nil,
		"id":   {o.identity},
		"five": {o.identity, o.items + ".InstanceType", o.items + ".State.Name", o.items + ".LaunchTime", o.items + ".Placement.AvailabilityZone", o.items + ".PrivateIpAddress"},
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for range b.N {
				if _, err := EC2(o.name, bytes.NewReader(page), paths); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
