package decode

import (
	"reflect"
	"testing"

	smithytime "github.com/aws/smithy-go/time"
)

// dateTimes are the seeds: what AWS sends, and the edges of each field.
var dateTimes = []string{
	"2025-01-02T08:54:40.000Z", "2025-01-02T08:54:40Z", "2025-01-02T08:54:40.1Z", "2025-01-02T08:54:40.123456789Z",
	"2025-01-02T08:54:40.1234567891Z", "2025-01-02T08:54:40,123Z", "2025-01-02T08:54:40.Z", "2025-01-02T08:54:40.000",
	"2025-01-02T08:54:40+00:00", "2025-01-02T08:54:40.5-07:00", "2025-01-02 08:54:40Z", "2025-01-02t08:54:40z",
	"2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
	"2025-04-31T00:00:00Z", "2025-12-31T23:59:59Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z",
	"2025-01-00T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T00:60:00Z", "2025-01-01T00:00:60Z",
	"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2025-1-02T08:54:40Z", "2025-01-02T8:54:40Z",
	"+2025-01-02T08:54:40Z", "2025-01-02T08:54:40.12a4Z", "", "Z", "2025-01-02T08:54:40ZZ",
	"2025-01-02T08:54:40.000Z ", " 2025-01-02T08:54:40.000Z", "٢٠٢٥-01-02T08:54:40Z",
}

// TestParseDateTimeIsSmithys: the fast path gives smithytime's time, or
// its failure, for every seed and every one-byte change of each.
func TestParseDateTimeIsSmithys(t *testing.T) {
	for _, s := range dateTimes {
		checkDateTime(t, s)
		for i := range len(s) {
			for _, c := range []byte("0912:-.TZ,+ a\x00") {
				b := []byte(s)
				b[i] = c
				checkDateTime(t, string(b))
			}
			checkDateTime(t, s[:i]+s[i+1:])
		}
	}
}

func FuzzParseDateTime(f *testing.F) {
	for _, s := range dateTimes {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkDateTime(t, s) })
}

func checkDateTime(t *testing.T, s string) {
	t.Helper()
	want, werr := smithytime.ParseDateTime(s)
	got, err := parseDateTime([]byte(s))
	if (err != nil) != (werr != nil) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: got %v (%v), smithytime %v (%v)", s, got, err, want, werr)
	}
	if err != nil && err.Error() != werr.Error() {
		t.Fatalf("%q: error %q, smithytime's %q", s, err, werr)
	}
}
