package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// entryHeaders returns the first line (header) and the top-level keys
// of the output of every entry under the disk cache dir.
func entryHeaders(t *testing.T, dir string) map[string]struct {
	Decoder *string
	Keys    []string
} {
	t.Helper()
	out := map[string]struct {
		Decoder *string
		Keys    []string
	}{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<26)
		sc.Scan()
		var h struct {
			Decoder *string `json:"decoder"`
		}
		json.Unmarshal(sc.Bytes(), &h)
		sc.Scan()
		var body map[string]json.RawMessage
		json.Unmarshal(sc.Bytes(), &body)
		var keys []string
		for k := range body {
			keys = append(keys, k)
		}
		out[p] = struct {
			Decoder *string
			Keys    []string
		}{h.Decoder, keys}
		return nil
	})
	return out
}

// TestDiskCacheSDKAbsentAnswers: under --decoder sdk the disk
// cache should answer a second identical run for what the SDK read. The
// "absent" answers (S3 NoSuchBucketPolicy, NoSuchWebsiteConfiguration,
// ..., made an empty output by fetch.Absent) are written with no decoder
// in their header, which answers() takes for awssql's, so every run under
// --decoder sdk calls them again, and rewrites them, for ever. Nothing of
// them was ever read by awssql's decoder (it does not decode S3).
func TestDiskCacheSDKAbsentAnswers(t *testing.T) {
	f, chain := newS3(t)
	cache := t.TempDir()
	f.env["XDG_CACHE_HOME"] = cache
	const q = "SELECT * FROM s3_buckets ORDER BY name"
	for _, dec := range []string{fetch.DecoderAWSSQL, fetch.DecoderSDK} {
		t.Run(dec, func(t *testing.T) {
			os.RemoveAll(filepath.Join(cache, "awssql"))
			args := append(chainArgs(chain), "--list-accounts", "--cache-ttl", "10m", "--decoder", dec, "--stats=json", "-o", "jsonl", q)
			first := f.run(args...)
			if first.code != 0 {
				t.Fatalf("exit %d %s", first.code, first.stderr)
			}
			second := f.run(args...)
			if second.code != 0 || second.stdout != first.stdout {
				t.Fatalf("second run: exit %d, output differs: %v\n%s", second.code, second.stdout != first.stdout, second.stderr)
			}
			st := statsOf(t, second.stderr)
			var again []string
			for op := range st.Calls {
				if strings.HasPrefix(op, "GetBucket") || strings.HasPrefix(op, "GetObjectLock") {
					again = append(again, op)
				}
			}
			if len(again) > 0 {
				t.Errorf("--decoder %s: a second run with a fresh disk cache called %v again (disk hits %d)", dec, again, st.DiskHits)
			}
			for p, h := range entryHeaders(t, cache) {
				if h.Decoder == nil && dec == fetch.DecoderSDK {
					t.Errorf("--decoder %s: entry %s (output keys %v) names no decoder", dec, filepath.Base(p), h.Keys)
					break
				}
			}
		})
	}
}

// TestDiskCacheDecoderAlternation: statements reading narrow and wide
// projections, under the decoders in turn, with one disk cache. Every
// answer must equal --decoder sdk without the cache; a run under
// --decoder sdk must decode nothing with awssql's decoder, and leave no
// entry of the operations it read that awssql's decoder wrote.
func TestDiskCacheDecoderAlternation(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 2, InstancesPerRegion: 9, ImagesPerRegion: 4,
		ReservedPerRegion: 3, DBInstancesPerRegion: 3, Seed: 11})
	f := newFake(t, ds)
	f.args = append(f.args, "--regions", strings.Join(genRegions[:2], ","))
	cache := t.TempDir()
	f.env["XDG_CACHE_HOME"] = cache
	stmts := []struct{ q, key string }{
		{"SELECT instance_id FROM ec2_instances ORDER BY 1", "Reservations"},
		{"SELECT * FROM ec2_instances ORDER BY instance_id", "Reservations"},
		{"SELECT instance_id, tags, instance_type FROM ec2_instances ORDER BY 1", "Reservations"},
		{"SELECT image_id FROM images ORDER BY 1", "Images"},
		{"SELECT * FROM images ORDER BY image_id", "Images"},
		{"SELECT db_instance_identifier FROM rds_instances ORDER BY 1", "DBInstances"},
		{"SELECT * FROM reserved_instances ORDER BY reserved_instance_id", "ReservedInstances"},
	}
	want := map[string]string{}
	for _, s := range stmts {
		r := f.run("--decoder", "sdk", "--no-cache", "-o", "jsonl", s.q)
		if r.code != 0 {
			t.Fatalf("%s: exit %d %s", s.q, r.code, r.stderr)
		}
		want[s.q] = r.stdout
	}
	orders := [][]int{{0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}, {1, 0, 4, 3, 2, 6, 5}}
	decs := [][]string{{"awssql", "sdk"}, {"sdk", "awssql"}, {"awssql", "awssql", "sdk", "sdk"}}
	for oi, order := range orders {
		for di, dd := range decs {
			os.RemoveAll(filepath.Join(cache, "awssql"))
			n := 0
			for round := 0; round < 2; round++ {
				for _, i := range order {
					s := stmts[i]
					dec := dd[n%len(dd)]
					n++
					r := f.run("--cache-ttl", "10m", "--decoder", dec, "--stats=json", "-o", "jsonl", s.q)
					if r.code != 0 {
						t.Fatalf("order %d decs %d: %s: exit %d %s", oi, di, s.q, r.code, r.stderr)
					}
					if r.stdout != want[s.q] {
						t.Errorf("order %d decs %d, --decoder %s: %s differs from --decoder sdk without the cache", oi, di, dec, s.q)
					}
					if dec != fetch.DecoderSDK {
						continue
					}
					if st := statsOf(t, r.stderr); st.Decoded[fetch.DecoderAWSSQL] != 0 {
						t.Errorf("--decoder sdk: decoded %v", st.Decoded)
					}
					for p, h := range entryHeaders(t, cache) {
						if (h.Decoder == nil || *h.Decoder != fetch.DecoderSDK) && strings.Contains(strings.Join(h.Keys, ","), s.key) {
							t.Errorf("after --decoder sdk %s: entry %s of its operation still by %v", s.q, filepath.Base(p), h.Decoder)
						}
					}
				}
			}
		}
	}
}
