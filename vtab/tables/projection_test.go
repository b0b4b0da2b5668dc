package tables_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestProjectionAgainstSDK runs statements that read different columns of
// the same calls one after another on one session (so the call cache
// holds what the one before decoded), and on a second session sharing the
// disk cache, and compares every row with a session whose answers the SDK
// decodes whole. An answer decoded for fewer columns that answered a
// statement reading more would show as NULLs here. It runs twice: with
// pages as large as the calls ask, and with awsfake's pages of 7, so that
// every listing takes several pages and a projection that lost a paging
// token would show as missing rows.
func TestProjectionAgainstSDK(t *testing.T) {
	for _, pageSize := range []int{0, 7} {
		t.Run(fmt.Sprintf("page_size=%d", pageSize), func(t *testing.T) {
			projectionAgainstSDK(t, []awsfake.Option{awsfake.WithPageSize(pageSize)})
		})
	}
}

func projectionAgainstSDK(t *testing.T, fake []awsfake.Option) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 2, InstancesPerRegion: 60, ImagesPerRegion: 20,
		ReservedPerRegion: 20, DBInstancesPerRegion: 20, Seed: 7})
	regions := []string{"us-east-1", "us-east-2"}
	dir := t.TempDir()
	disk := func(o *fetch.Options) { o.CacheDir, o.CacheTTL = dir, time.Hour }
	open := func(t testing.TB, ds *fakedata.Dataset, regions []string, mod ...func(*fetch.Options)) *env {
		return openFake(t, ds, regions, fake, mod...)
	}
	sdk := open(t, ds, regions, func(o *fetch.Options) { o.Decoder = fetch.DecoderSDK })
	fast := open(t, ds, regions, disk)
	statements := []string{
		"SELECT instance_id, instance_type FROM ec2_instances ORDER BY instance_id",
		"SELECT * FROM ec2_instances ORDER BY instance_id",
		"SELECT count(*) AS n FROM ec2_instances",
		"SELECT instance_id, state_transition_time, title, arn, tags FROM ec2_instances WHERE instance_state = 'running' ORDER BY instance_id",
		// A self-join whose sides read different columns of the same calls.
		`SELECT a.instance_id, a.image_id, b.launch_time, b.block_device_mappings, b.network_interfaces
		 FROM ec2_instances a JOIN ec2_instances b ON b.instance_id = a.instance_id AND b.region = a.region ORDER BY 1`,
		"SELECT region, instance_type, count(*) AS n FROM ec2_instances GROUP BY 1, 2 ORDER BY 1, 2",
	}
	// Each other table whose answers awssql decodes: a narrow statement,
	// then every column, then the common ones.
	for _, t := range []struct{ table, narrow string }{
		{"images", "image_id, state"},
		{"reserved_instances", "reserved_instance_id, instance_count"},
		{"ebs_volumes", "volume_id, size"},
		{"ebs_snapshots", "snapshot_id, volume_size"},
		{"rds_instances", "db_instance_identifier, engine"},
	} {
		statements = append(statements,
			"SELECT "+t.narrow+" FROM "+t.table+" ORDER BY 1",
			"SELECT count(*) AS n FROM "+t.table,
			"SELECT * FROM "+t.table+" ORDER BY 1, 2, 3",
			"SELECT title, tags, tags_src, akas FROM "+t.table+" ORDER BY 1, 2")
	}
	// Rows in any order: ties of ORDER BY (an id in two regions) may come
	// either way.
	anyOrder := cmpopts.SortSlices(func(a, b map[string]any) bool { return fmt.Sprint(a) < fmt.Sprint(b) })
	decodedBy := func(st *fetch.Stats, d string) int { return st.Decoded[d] }
	for _, q := range statements {
		want, wantStats := sdk.queryStats(t, q)
		got, _ := fast.queryStats(t, q)
		if len(want) == 0 {
			t.Fatalf("%s: no rows: the comparison would say nothing", q)
		}
		if diff := cmp.Diff(want, got, anyOrder); diff != "" {
			t.Errorf("%s: awssql's decoder against the SDK's (-sdk +awssql):\n%s", q, diff)
		}
		if n := decodedBy(wantStats, fetch.DecoderAWSSQL); n != 0 {
			t.Errorf("%s: --decoder sdk, yet awssql's decoder read %d answers", q, n)
		}
	}
	// A statement that reads one column, then the next run (a new session
	// on the same disk cache) reads them all.
	_, st := open(t, ds, regions, disk).queryStats(t, "SELECT instance_id FROM ec2_instances WHERE instance_type LIKE 't%' ORDER BY 1")
	if st.Decoded[fetch.DecoderAWSSQL] == 0 && st.DiskHits == 0 {
		t.Errorf("awssql's decoder read no answer: %+v", st.Decoded)
	}
	q := "SELECT * FROM ec2_instances WHERE instance_type LIKE 't%' ORDER BY instance_id"
	want, _ := sdk.queryStats(t, q)
	got, _ := open(t, ds, regions, disk).queryStats(t, q)
	if diff := cmp.Diff(want, got, anyOrder); diff != "" {
		t.Errorf("%s after a narrower statement, through the disk cache (-sdk +awssql):\n%s", q, diff)
	}
}

// TestDecoderCounted: the statistics say which decoder read the answers.
func TestDecoderCounted(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 20, Seed: 3})
	for _, tt := range []struct{ decoder, want string }{{"", fetch.DecoderAWSSQL}, {fetch.DecoderSDK, fetch.DecoderSDK}} {
		e := open(t, ds, []string{"us-east-1"}, func(o *fetch.Options) { o.Decoder = tt.decoder })
		_, st := e.queryStats(t, "SELECT instance_id FROM ec2_instances")
		if st.Decoded[tt.want] == 0 {
			t.Errorf("decoder %q: answers decoded %v, want some by %s", tt.decoder, st.Decoded, tt.want)
		}
	}
}

// TestEachColumnAgainstSDK reads every column of every table whose
// answers awssql decodes itself alone, in a statement of its own on a
// session of its own, with awsfake's pages of 7, and compares it with the
// SDK's decoding of whole answers. A column whose declared reads miss a
// field it uses reads NULL or a part here; a projection that drops what
// paging needs loses rows.
func TestEachColumnAgainstSDK(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 2, InstancesPerRegion: 15, ImagesPerRegion: 9,
		ReservedPerRegion: 9, DBInstancesPerRegion: 9, Seed: 11})
	regions := []string{"us-east-1", "us-east-2"}
	fake := []awsfake.Option{awsfake.WithPageSize(7)}
	sdk := openFake(t, ds, regions, fake, func(o *fetch.Options) { o.Decoder = fetch.DecoderSDK })
	anyOrder := cmpopts.SortSlices(func(a, b map[string]any) bool { return fmt.Sprint(a) < fmt.Sprint(b) })
	tables := []string{"ec2_instances", "images", "reserved_instances", "ebs_volumes", "ebs_snapshots", "rds_instances"}
	for _, table := range tables {
		ti, ok := sdk.eng.Table(table)
		if !ok {
			t.Fatalf("no table %s", table)
		}
		for _, c := range ti.Columns {
			q := fmt.Sprintf("SELECT %q FROM %s", c.Name, table)
			want, _ := sdk.queryStats(t, q)
			fast := openFake(t, ds, regions, fake)
			got, st := fast.queryStats(t, q)
			if st.Decoded[fetch.DecoderAWSSQL] == 0 {
				t.Errorf("%s: awssql's decoder read no answer (%v)", q, st.Decoded)
			}
			if diff := cmp.Diff(want, got, anyOrder); diff != "" {
				t.Errorf("%s: awssql's decoder against the SDK's (-sdk +awssql):\n%s", q, diff)
			}
		}
	}
}
