package fetch_test

import (
	"testing"

	"github.com/awssql/awssql/fetch"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want fetch.ByteSize
		ok   bool
	}{
		{"512MiB", 512 << 20, true},
		{"1GiB", 1 << 30, true},
		{"1gib", 1 << 30, true},
		{"200MB", 200e6, true},
		{"200 MB", 200e6, true},
		{"1.5GB", 1.5e9, true},
		{"64KiB", 64 << 10, true},
		{"2TiB", 2 << 40, true},
		{"1048576", 1 << 20, true},
		{"100B", 100, true},
		{"0", 0, false},
		{"0MB", 0, false},
		{"-5MB", 0, false},
		{"0.1B", 0, false},
		{"", 0, false},
		{"MB", 0, false},
		{"12XB", 0, false},
		{"1e3MB", 1e9, true},
		{"0x10MB", 0, false},
		{"1_000MB", 0, false},
		{"NaNMB", 0, false},
		{"Inf", 0, false},
		{"9000000TiB", 0, false},
	}
	for _, tt := range tests {
		got, err := fetch.ParseByteSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestByteSizeString(t *testing.T) {
	tests := []struct {
		in   fetch.ByteSize
		want string
	}{
		{fetch.DefaultCacheMax, "512MiB"},
		{1 << 30, "1GiB"},
		{200e6, "200000000B"},
		{1536, "1536B"},
		{3 << 10, "3KiB"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%d: %q, want %q", int64(tt.in), got, tt.want)
		}
		// What String writes, Set reads back.
		var b fetch.ByteSize
		if err := b.Set(tt.in.String()); err != nil || b != tt.in {
			t.Errorf("Set(%q) = %d, %v", tt.in.String(), b, err)
		}
	}
}
