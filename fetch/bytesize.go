package fetch

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ByteSize is a positive number of bytes, written with a unit: 512MiB,
// 1GiB, 200MB, 1.5GB, or bare bytes. KB, MB, GB and TB are powers of
// 1000; KiB, MiB, GiB and TiB powers of 1024 (units in any case). It is a
// flag value (pflag.Value), so a flag, its AWSSQL_ variable and a config
// file setting all read it the same way.
type ByteSize int64

var byteUnits = []struct {
	suffix string
	factor float64
}{
	// Longest first: "MiB" before "B".
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"b", 1},
}

// ParseByteSize reads a size such as 512MiB or 200MB.
func ParseByteSize(s string) (ByteSize, error) {
	num, factor := strings.TrimSpace(s), 1.0
	lower := strings.ToLower(num)
	for _, u := range byteUnits {
		if strings.HasSuffix(lower, u.suffix) {
			num, factor = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.factor
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(num, "xXpP_") {
		return 0, fmt.Errorf("bad size %q: write a number and a unit, e.g. 512MiB, 1GiB or 200MB", s)
	}
	b := f * factor
	if b < 1 || b >= math.MaxInt64 {
		return 0, fmt.Errorf("bad size %q: it must be at least 1 byte and under 8 EiB", s)
	}
	return ByteSize(b), nil
}

// Set implements pflag.Value.
func (b *ByteSize) Set(s string) error {
	v, err := ParseByteSize(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// Type implements pflag.Value.
func (b *ByteSize) Type() string { return "size" }

// String writes the size in the largest binary unit that divides it.
func (b ByteSize) String() string {
	for _, u := range []struct {
		suffix string
		factor ByteSize
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if b != 0 && b%u.factor == 0 {
			return strconv.FormatInt(int64(b/u.factor), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}
