package vtab

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validSeeds are JSON texts and near misses: every kind of value, escapes,
// numbers' edge forms, white space, nesting at encoding/json's limit and
// one past it, invalid UTF-8 inside a string.
func validSeeds() []string {
	seeds := []string{
		``, ` `, `null`, `true`, `false`, `nul`, `truex`, `0`, `-0`, `01`, `-`, `1.`, `.5`, `1.5e`, `1e+`, `1E-7`,
		`-12.50e+003`, `"`, `""`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\uD83D\uDE00"`, `"\u00g0"`, `"\u12"`, `"\x"`,
		"\"tab\tin\"", "\"\xff\xfe\"", "\"é\"", `[]`, `[ ]`, `[1,]`, `[,1]`, `[1 2]`, `{}`, `{ }`, `{"a":1}`,
		`{"a" : [1, {"b": null}] , "c":"d"}`, `{"a":}`, `{"a" 1}`, `{a:1}`, `{"a":1,}`, `{"a":1}}`, `[[[]]]`,
		`[[[]]`, " \t\n\r[1]\r\n ", `[1] x`, `1 2`, `[}`, `{]`, `"abc`, `[1,2,3`, `{"k":"v"`,
		`[{"Key":"Name","Value":"web \u003cprod\u003e"}]`, `{"Ebs":{"VolumeSize":8,"DeleteOnTermination":true}}`,
	}
	seeds = append(seeds, strings.Repeat("[", maxJSONDepth)+strings.Repeat("]", maxJSONDepth),
		strings.Repeat("[", maxJSONDepth+1)+strings.Repeat("]", maxJSONDepth+1),
		strings.Repeat(`{"a":`, maxJSONDepth)+"1"+strings.Repeat("}", maxJSONDepth),
		strings.Repeat(`{"a":`, maxJSONDepth)+"{}"+strings.Repeat("}", maxJSONDepth))
	return seeds
}

// TestValidJSONIsJSONValid: ValidJSON says what json.Valid says of the
// seeds, of every prefix of each and of each with one byte changed, and of
// the JSON columns the golden tests expect.
func TestValidJSONIsJSONValid(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := ValidJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("ValidJSON(%.80q) = %v, json.Valid %v", s, got, want)
		}
	}
	texts := validSeeds()
	golden, _ := filepath.Glob("../cmd/awssql/testdata/golden/*")
	for _, g := range golden {
		if b, err := os.ReadFile(g); err == nil {
			for line := range strings.SplitSeq(string(b), "\n") {
				texts = append(texts, line)
			}
		}
	}
	if len(golden) == 0 {
		t.Fatal("no golden files: the test lost its corpus")
	}
	r := rand.New(rand.NewPCG(1, 2))
	bytes := []byte(" \t\n\r\"\\/{}[],:0123456789-+.eEtrufalsn\x00\x1f\x7f\xff")
	for _, s := range texts {
		check(s)
		if len(s) > 2000 {
			continue
		}
		for i := range len(s) {
			check(s[:i])
			b := []byte(s)
			b[i] = bytes[r.IntN(len(bytes))]
			check(string(b))
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range validSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := ValidJSON(b), json.Valid(b); got != want {
			t.Errorf("ValidJSON(%q) = %v, json.Valid %v", b, got, want)
		}
	})
}

func BenchmarkValidJSON(b *testing.B) {
	doc := []byte(`[{"DeviceName":"/dev/xvda","Ebs":{"AttachTime":"2026-01-02T03:04:05Z","DeleteOnTermination":true,"Status":"attached","VolumeId":"vol-0123456789abcdef0"}},` +
		`{"DeviceName":"/dev/sdf","Ebs":{"AttachTime":"2026-01-02T03:04:05Z","DeleteOnTermination":false,"Status":"attached","VolumeId":"vol-0fedcba9876543210"}}]`)
	for _, v := range []struct {
		name string
		f    func([]byte) bool
	}{{"ValidJSON", ValidJSON}, {"json.Valid", json.Valid}} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for range b.N {
				if !v.f(doc) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
