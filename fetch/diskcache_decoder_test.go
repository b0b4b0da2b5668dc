package fetch

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func dirBytes(t *testing.T, root string) int64 {
	t.Helper()
	var total int64
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.HasPrefix(info.Name(), ".tmp-") {
			total += info.Size()
		}
		return nil
	})
	return total
}

// TestDiskCacheDecoderRewriteAccounting: an entry awssql's decoder wrote,
// read by a session under --decoder sdk, is not an answer and is left in
// place; the call made instead rewrites it, whole and bigger. The bytes the
// process counts must stay what is on disk across such rewrites, both ways.
func TestDiskCacheDecoderRewriteAccounting(t *testing.T) {
	out := &ec2.DescribeInstancesOutput{}
	for i := range 40 {
		out.Reservations = append(out.Reservations, ec2types.Reservation{Instances: []ec2types.Instance{{
			InstanceId: aws.String("i-" + strings.Repeat("0", 10) + string(rune('a'+i%26))), ImageId: aws.String("ami-123"),
			Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(strings.Repeat("n", 50))}},
		}}})
	}
	narrow := fieldsOf([]string{"Reservations.Instances.InstanceId"})
	root := t.TempDir()
	d := newDiskCache(root, 10*time.Minute, 1<<30)
	for i := range 5 {
		key := "key" + string(rune('0'+i))
		if err := d.write("id", key, out, narrow, DecoderAWSSQL); err != nil {
			t.Fatal(err)
		}
		// --decoder sdk: no answer, the entry is left.
		if _, fresh, ok := d.read("id", key, allFields, DecoderSDK, new(ec2.DescribeInstancesOutput)); ok || fresh {
			t.Fatalf("awssql's entry answered (or said fresh) a --decoder sdk read: ok %v fresh %v", ok, fresh)
		}
		if _, err := os.Stat(d.path("id", key)); err != nil {
			t.Fatalf("awssql's entry was removed by a --decoder sdk read: %v", err)
		}
		if err := d.write("id", key, out, allFields, DecoderSDK); err != nil {
			t.Fatal(err)
		}
		// The default decoder is answered by the SDK's entry, whatever it reads.
		for _, want := range []fields{narrow, allFields} {
			if _, _, ok := d.read("id", key, want, DecoderAWSSQL, new(ec2.DescribeInstancesOutput)); !ok {
				t.Errorf("the SDK's entry did not answer awssql's decoder for %v", want)
			}
		}
		if d.used != dirBytes(t, root) {
			t.Errorf("after rewrite %d: counted %d bytes, %d on disk", i, d.used, dirBytes(t, root))
		}
	}
}

// TestDiskCacheDecoderHeaderEdits: entries whose header was edited by
// hand. What names no decoder (an old entry), or null, answers awssql's
// decoder only; what names one awssql does not know answers neither;
// an entry whose header no longer parses is removed and uncounted.
func TestDiskCacheDecoderHeaderEdits(t *testing.T) {
	out := &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{{RegionName: aws.String("us-east-1")}}}
	tests := []struct {
		name          string
		from, to      string
		awssql, sdk   bool
		removedBySDK  bool
		removedByMine bool
	}{
		{"no decoder", `,"decoder":"sdk"`, ``, true, false, false, false},
		{"null decoder", `"decoder":"sdk"`, `"decoder":null`, true, false, false, false},
		{"upper case", `"decoder":"sdk"`, `"decoder":"SDK"`, false, false, false, false},
		{"floor", `"decoder":"sdk"`, `"decoder":"floor"`, false, false, false, false},
		{"a number", `"decoder":"sdk"`, `"decoder":5`, false, false, true, true},
		{"twice, last wins", `"decoder":"sdk"`, `"decoder":"awssql","decoder":"sdk"`, true, true, false, false},
		{"not JSON", `{"fetched"`, `{fetched`, false, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, session := range []string{DecoderAWSSQL, DecoderSDK} {
				root := t.TempDir()
				d := newDiskCache(root, 10*time.Minute, 1<<30)
				if err := d.write("id", "key", out, allFields, DecoderSDK); err != nil {
					t.Fatal(err)
				}
				p := d.path("id", "key")
				b, _ := os.ReadFile(p)
				if !bytes.Contains(b, []byte(tt.from)) {
					t.Fatalf("%q not in %s", tt.from, b)
				}
				if err := os.WriteFile(p, bytes.Replace(b, []byte(tt.from), []byte(tt.to), 1), 0o600); err != nil {
					t.Fatal(err)
				}
				_, _, ok := d.read("id", "key", allFields, session, new(ec2.DescribeRegionsOutput))
				want := tt.awssql
				removed := tt.removedByMine
				if session == DecoderSDK {
					want, removed = tt.sdk, tt.removedBySDK
				}
				if ok != want {
					t.Errorf("session %s: answered %v, want %v", session, ok, want)
				}
				_, err := os.Stat(p)
				if (err != nil) != removed {
					t.Errorf("session %s: removed %v, want %v", session, err != nil, removed)
				}
			}
		})
	}
}
