package fetch

import (
	"encoding/json"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestDiskEntryDates: an entry is read while it is younger than the TTL
// and not dated in the future beyond the clock skew; otherwise, and when
// it cannot be read, it is removed.
func TestDiskEntryDates(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	out := &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{{RegionName: aws.String("us-east-1")}}}
	tests := []struct {
		name    string
		fetched time.Duration // from now
		content string        // instead of writing out
		want    bool
	}{
		{"fresh", -5 * time.Minute, "", true},
		{"stale", -11 * time.Minute, "", false},
		{"a little ahead: another machine's clock", clockSkew / 2, "", true},
		{"in the future", time.Hour, "", false},
		{"far in the future", 10 * 365 * 24 * time.Hour, "", false},
		{"the format before the header line", 0, `{"fetched":"2026-03-01T12:00:00Z","output":{"Regions":[]}}`, false},
		{"garbage", 0, "{\"fetched\":\"2026-03-01T12:00:00Z\"}\n{\"Regions\":[", false},
		{"empty", 0, " ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDiskCache(t.TempDir(), 10*time.Minute, 1<<20)
			d.now = func() time.Time { return now.Add(tt.fetched) }
			if err := d.write("id", "key", out, allFields, DecoderAWSSQL); err != nil {
				t.Fatal(err)
			}
			if tt.content != "" {
				if err := os.WriteFile(d.path("id", "key"), []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			d.now = func() time.Time { return now }
			var got ec2.DescribeRegionsOutput
			if _, _, hit := d.read("id", "key", allFields, DecoderAWSSQL, &got); hit != tt.want {
				t.Fatalf("read: %v, want %v", hit, tt.want)
			}
			_, err := os.Stat(d.path("id", "key"))
			if kept := err == nil; kept != tt.want {
				t.Errorf("the entry is kept: %v, want %v", kept, tt.want)
			}
			if tt.want {
				if a, b := jsonOf(t, out), jsonOf(t, &got); a != b {
					t.Errorf("read %s, wrote %s", b, a)
				}
			}
		})
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDiskCacheCap asks for 300 instances one by one through a session
// whose disk cache may keep 256 KiB, about 60 of their answers: the
// directory stays under the cap, the newest answers are the ones left, and
// the directory is listed a dozen times, not at every write. The first
// listing also removes what should not be there: an entry dated in the
// future and a temporary file that a dead process left.
func TestDiskCacheCap(t *testing.T) {
	const (
		n   = 300
		max = 256 << 10
	)
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: n, Seed: 1})
	srv, url := awsfaketest.NewServer(t, ds)
	dir := t.TempDir()
	open := func() *Session {
		s := openSession(t, srv, url, ds, func(o *Options) { o.CacheTTL, o.CacheDir, o.CacheMax = time.Hour, dir, max })
		if _, err := s.Identity(t.Context()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	id, err := s.cacheIdentity(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// What the first listing removes.
	future := newDiskCache(dir, time.Hour, max)
	future.now = func() time.Time { return time.Now().Add(24 * time.Hour) }
	if err := future.write(id, "from the future", &ec2.DescribeRegionsOutput{}, allFields, DecoderAWSSQL); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, id, ".tmp-12345")
	if err := os.WriteFile(tmp, []byte("half an entry"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}

	instances := ds.Accounts[0].Regions["us-east-1"].Instances
	describe := func(s *Session, i int) Stats {
		t.Helper()
		ctx := WithStats(t.Context(), NewStats())
		c := s.Client(Target{Account: ds.Accounts[0].ID, Region: "us-east-1"})
		if _, err := Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{*instances[i].InstanceId}}); err != nil {
			t.Fatal(err)
		}
		return *StatsFrom(ctx).Snapshot()
	}
	for i := range n {
		describe(s, i)
	}
	var total int64
	var files int
	err = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if strings.HasPrefix(e.Name(), ".tmp-") || p == future.path(id, "from the future") {
			t.Errorf("%s is left", p)
		}
		info, err := e.Info()
		total += info.Size()
		files++
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d answers written; %d files, %d B left; %d listings", n, files, total, s.disk.listings)
	if total > max || total < max/2 {
		t.Errorf("%d B left in %d files, want between %d and %d", total, files, max/2, max)
	}
	if s.disk.used != total {
		t.Errorf("the cache counts %d B, the directory holds %d B", s.disk.used, total)
	}
	if l := s.disk.listings; l > n/10 {
		t.Errorf("%d listings for %d writes", l, n)
	}
	// Oldest out first: another run reads the last answers from the disk,
	// and asks AWS again for the first.
	s = open()
	for _, i := range []int{n - 1, n - 2, n - files/2} {
		if st := describe(s, i); st.DiskHits != 1 {
			t.Errorf("answer %d of %d: not on disk", i, n)
		}
	}
	for _, i := range []int{0, 1, n - files - 1} {
		if st := describe(s, i); st.DiskHits != 0 {
			t.Errorf("answer %d of %d: still on disk", i, n)
		}
	}
}

// TestDiskReadHoldsNoCopy: reading an entry allocates the file's bytes and
// what decoding the output allocates, and nothing more: no second copy of
// the output's JSON.
func TestDiskReadHoldsNoCopy(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 200, Seed: 1})
	s, _ := testSession(t, ds, nil)
	cfg := s.base.Copy()
	cfg.Region = "us-east-2"
	out, err := ec2.NewFromConfig(cfg).DescribeInstances(t.Context(), &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	d := newDiskCache(t.TempDir(), time.Hour, 1<<30)
	if err := d.write("id", "key", out, allFields, DecoderAWSSQL); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(d.path("id", "key"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(b), "\n")
	body, _, _ = strings.Cut(body, "\n") // the output line, without the checksum's
	allocated := func(f func()) int64 {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		f()
		runtime.ReadMemStats(&m1)
		return int64(m1.TotalAlloc - m0.TotalAlloc)
	}
	bodyBytes := []byte(body)
	decode := allocated(func() { json.Unmarshal(bodyBytes, new(ec2.DescribeInstancesOutput)) })
	read := allocated(func() {
		if _, _, ok := d.read("id", "key", allFields, DecoderAWSSQL, new(ec2.DescribeInstancesOutput)); !ok {
			t.Error("no entry")
		}
	})
	t.Logf("entry %d B; decoding allocates %d B; read %d B", len(b), decode, read)
	// The slack: os.ReadFile's buffer is rounded up to whole pages.
	if slack := int64(16 << 10); read > int64(len(b))+decode+slack {
		t.Errorf("reading a %d B entry allocated %d B: more than the file and the %d B decoding allocates (+%d B)", len(b), read, decode, slack)
	}
}

// TestDiskEntryCorrupted: an entry whose bytes are not those written is
// not an answer, even when they still decode: a changed value would be a
// wrong row, and an empty output (null, {}) a listing with no rows and no
// next page, taken for a whole answer. It is removed, and the call made
// again.
func TestDiskEntryCorrupted(t *testing.T) {
	out := &ec2.DescribeInstancesOutput{NextToken: aws.String("page-2"), Reservations: []ec2types.Reservation{{
		Instances: []ec2types.Instance{{InstanceId: aws.String("i-0123456789abcdef0"), InstanceType: ec2types.InstanceTypeT3Micro}},
	}}}
	body := func(b []byte) (head, rest []byte) {
		i := strings.IndexByte(string(b), '\n')
		return b[:i+1], b[i+1:]
	}
	tests := []struct {
		name   string
		mutate func(b []byte) []byte
	}{
		{"a value changed", func(b []byte) []byte { return []byte(strings.Replace(string(b), "t3.micro", "t3.large", 1)) }},
		{"a byte flipped", func(b []byte) []byte {
			b[len(b)/2] ^= 0x01
			return b
		}},
		{"the output null", func(b []byte) []byte { h, _ := body(b); return append(h, "null\n"...) }},
		{"the output empty", func(b []byte) []byte { h, _ := body(b); return append(h, "{}\n"...) }},
		{"the next page lost", func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `"NextToken":"page-2"`, `"NextToken":null`, 1))
		}},
		{"the instances moved to a field nobody reads", func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `"Reservations":[{`, `"Reservations":[],"x":[{`, 1))
		}},
		{"the checksum line lost", func(b []byte) []byte {
			h, rest := body(b)
			return append(h, rest[:strings.IndexByte(string(rest), '\n')+1]...)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDiskCache(t.TempDir(), 10*time.Minute, 1<<20)
			if err := d.write("id", "key", out, allFields, DecoderAWSSQL); err != nil {
				t.Fatal(err)
			}
			var whole ec2.DescribeInstancesOutput
			if _, _, ok := d.read("id", "key", allFields, DecoderAWSSQL, &whole); !ok || jsonOf(t, &whole) != jsonOf(t, out) {
				t.Fatalf("the entry as written does not read back: %s", jsonOf(t, &whole))
			}
			b, err := os.ReadFile(d.path("id", "key"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(d.path("id", "key"), tt.mutate(b), 0o600); err != nil {
				t.Fatal(err)
			}
			var got ec2.DescribeInstancesOutput
			if _, _, ok := d.read("id", "key", allFields, DecoderAWSSQL, &got); ok {
				t.Errorf("a corrupted entry was read as an answer: %s", jsonOf(t, &got))
			}
			if _, err := os.Stat(d.path("id", "key")); err == nil {
				t.Error("the corrupted entry is kept")
			}
		})
	}
}

// TestDiskEntryDecoder: --decoder sdk is the way back from awssql's
// decoder, so an entry awssql's decoder read never answers a session that
// decodes with the SDK's; what the SDK decoded answers every session. An
// entry written before the decoder was kept is taken for awssql's.
func TestDiskEntryDecoder(t *testing.T) {
	out := &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{{RegionName: aws.String("us-east-1")}}}
	tests := []struct {
		by, session string
		want        bool
	}{
		{DecoderAWSSQL, DecoderAWSSQL, true},
		{DecoderAWSSQL, DecoderSDK, false},
		{DecoderSDK, DecoderSDK, true},
		{DecoderSDK, DecoderAWSSQL, true},
		{"", DecoderAWSSQL, true},
		{"", DecoderSDK, false},
		{DecoderFloor, DecoderAWSSQL, false},
		{DecoderFloor, DecoderSDK, false},
	}
	for _, tt := range tests {
		by := tt.by
		if by == "" {
			by = "no decoder"
		}
		t.Run(by+" read, "+tt.session+" asks", func(t *testing.T) {
			d := newDiskCache(t.TempDir(), 10*time.Minute, 1<<20)
			if err := d.write("id", "key", out, allFields, tt.by); err != nil {
				t.Fatal(err)
			}
			var got ec2.DescribeRegionsOutput
			held, fresh, hit := d.read("id", "key", allFields, tt.session, &got)
			if hit != tt.want {
				t.Fatalf("read: %v, want %v", hit, tt.want)
			}
			if !hit && fresh {
				// Fresh would have the call ask for the entry's fields:
				// the entry is no answer at all, whatever it holds.
				t.Errorf("an entry that cannot answer says it holds %v", held.list())
			}
			if hit && jsonOf(t, out) != jsonOf(t, &got) {
				t.Errorf("read %s, wrote %s", jsonOf(t, &got), jsonOf(t, out))
			}
		})
	}
}
