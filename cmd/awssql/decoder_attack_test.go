package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// attackStatements read different columns of the same calls, one after
// another, in ways a SAM/FinOps user would.
var attackStatements = []string{
	"SELECT instance_id FROM ec2_instances ORDER BY 1",
	"SELECT * FROM ec2_instances ORDER BY account_id, region, instance_id",
	"SELECT a.instance_id, b.tags FROM ec2_instances a JOIN ec2_instances b USING (instance_id) ORDER BY 1",
	"SELECT instance_id FROM ec2_instances WHERE json_extract(tags, '$.Name') IS NOT NULL ORDER BY 1",
	"SELECT instance_id FROM ec2_instances ORDER BY launch_time, instance_id",
	"SELECT instance_type, count(platform_details) FROM ec2_instances GROUP BY 1 HAVING max(cpu_options_core_count) > 0 ORDER BY 1",
	"SELECT count(*), count(public_ip_address), count(key_name), count(iam_instance_profile_arn), count(DISTINCT image_id) FROM ec2_instances",
	"SELECT instance_id, row_number() OVER (PARTITION BY instance_type ORDER BY launch_time, instance_id) FROM ec2_instances ORDER BY 1",
	"WITH a AS (SELECT instance_id, image_id FROM ec2_instances), b AS (SELECT instance_id, security_groups FROM ec2_instances) SELECT * FROM a JOIN b USING (instance_id) ORDER BY 1",
	"SELECT instance_id, image_id FROM ec2_instances UNION ALL SELECT instance_id, vpc_id FROM ec2_instances ORDER BY 1, 2",
	"SELECT instance_id, (SELECT count(*) FROM ec2_instances b WHERE b.image_id = a.image_id) FROM ec2_instances a ORDER BY 1",
	"SELECT i.instance_id, m.name, m.creation_date FROM ec2_instances i LEFT JOIN images m ON m.image_id = i.image_id ORDER BY 1",
	"SELECT image_id, name FROM images ORDER BY 1",
	"SELECT * FROM images ORDER BY account_id, region, image_id",
	"SELECT volume_id FROM ebs_volumes WHERE size > 10 ORDER BY 1",
	"SELECT * FROM ebs_volumes ORDER BY account_id, region, volume_id",
	"SELECT v.volume_id, s.snapshot_id, s.start_time FROM ebs_volumes v JOIN ebs_snapshots s ON s.volume_id = v.volume_id ORDER BY 1, 2",
	"SELECT * FROM ebs_snapshots ORDER BY account_id, region, snapshot_id",
	"SELECT db_instance_identifier FROM rds_instances ORDER BY 1",
	"SELECT * FROM rds_instances ORDER BY account_id, region, db_instance_identifier",
	"SELECT reserved_instance_id FROM reserved_instances ORDER BY 1",
	"SELECT * FROM reserved_instances ORDER BY account_id, region, reserved_instance_id",
	"SELECT instance_id, title, arn, akas FROM ec2_instances ORDER BY 1",
	"SELECT count(DISTINCT json_extract(block_device_mappings, '$[0].Ebs.VolumeId')) FROM ec2_instances",
	"SELECT e.instance_id, v.volume_id FROM ec2_instances e, json_each(e.block_device_mappings) j JOIN ebs_volumes v ON v.volume_id = json_extract(j.value, '$.Ebs.VolumeId') ORDER BY 1, 2",
	"SELECT * FROM ec2_instances WHERE instance_id IN (SELECT instance_id FROM ec2_instances ORDER BY instance_id LIMIT 3) ORDER BY instance_id",
	"SELECT instance_id FROM ec2_instances ORDER BY instance_id LIMIT 5",
	"SELECT * FROM ec2_instances ORDER BY account_id, region, instance_id",
}

func attackFake(t *testing.T) *fake {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 25, ImagesPerRegion: 8,
		ReservedPerRegion: 8, DBInstancesPerRegion: 8, Seed: 9})
	f := newFake(t, ds, awsfake.WithPageSize(7))
	f.args = append(f.args, "--regions", strings.Join(genRegions, ","))
	return f
}

// TestDecodeAttackScriptAgainstSDK runs the statements as one script (one
// process, one call cache), forward and backward, with and without the
// disk cache, and compares the output with each statement run alone
// under --decoder sdk.
func TestDecodeAttackScriptAgainstSDK(t *testing.T) {
	f := attackFake(t)
	f.env["XDG_CACHE_HOME"] = t.TempDir()
	var want []string
	for _, q := range attackStatements {
		r := f.run("--decoder", "sdk", "-o", "jsonl", q)
		if r.code != 0 {
			t.Fatalf("%s: exit %d %s", q, r.code, r.stderr)
		}
		want = append(want, r.stdout)
	}
	if !strings.Contains(want[1], "i-") {
		t.Fatalf("no instances: %q", want[1])
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		reverse bool
		extra   []string
	}{
		{"forward", false, nil},
		{"backward", true, nil},
		{"forward, disk cache", false, []string{"--cache-ttl", "10m"}},
		{"backward, disk cache", true, []string{"--cache-ttl", "10m"}},
		{"forward, disk cache again", false, []string{"--cache-ttl", "10m"}},
	} {
		stmts, wants := slices.Clone(attackStatements), slices.Clone(want)
		if tc.reverse {
			slices.Reverse(stmts)
			slices.Reverse(wants)
		}
		file := filepath.Join(dir, "script.sql")
		if err := os.WriteFile(file, []byte(strings.Join(stmts, ";\n")+";\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := f.run(append(tc.extra, "-o", "jsonl", "-f", file)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d %s", tc.name, r.code, r.stderr)
		}
		if got := r.stdout; got != strings.Join(wants, "") {
			// Find the first statement whose rows differ.
			rest := got
			for i, w := range wants {
				if !strings.HasPrefix(rest, w) {
					t.Errorf("%s: statement %q differs from --decoder sdk run alone:\nwant %.800s\ngot  %.800s", tc.name, stmts[i], w, rest)
					break
				}
				rest = rest[len(w):]
			}
		}
	}
}

// TestDecodeAttackSDKDecoderAndDiskCache: --decoder sdk is the way back
// from awssql's decoder ("has the AWS SDK decode every answer whole").
// With the disk cache on, a run under --decoder sdk is answered from the
// entries awssql's decoder wrote in an earlier run: nothing is decoded by
// the SDK, so a fault of awssql's decoder would survive the switch for as
// long as --cache-ttl.
func TestDecodeAttackSDKDecoderAndDiskCache(t *testing.T) {
	f := attackFake(t)
	f.env["XDG_CACHE_HOME"] = t.TempDir()
	const q = "SELECT instance_id, instance_type FROM ec2_instances ORDER BY 1"
	if r := f.run("--cache-ttl", "10m", q); r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	r := f.run("--cache-ttl", "10m", "--decoder", "sdk", "--stats=json", q)
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	st := statsOf(t, r.stderr)
	if st.Decoded[fetch.DecoderSDK] == 0 {
		t.Errorf("--decoder sdk with --cache-ttl: decoded %v, %d answers from disk (written by awssql's decoder): the SDK decoded nothing",
			st.Decoded, st.DiskHits)
	}
}
