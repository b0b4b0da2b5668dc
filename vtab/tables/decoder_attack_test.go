package tables_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

// attackQuery is queryStats that returns the error instead of failing.
func (e *env) attackQuery(q string) ([]map[string]any, *fetch.Stats, error) {
	st := fetch.NewStats()
	stmt := e.eng.Begin(fetch.WithStats(context.Background(), st))
	defer stmt.End()
	rows, err := e.db.Query(q)
	if err != nil {
		return nil, nil, stmt.Cause(err)
	}
	defer rows.Close()
	out, err := rowMaps(rows)
	if err != nil {
		return nil, nil, stmt.Cause(err)
	}
	if err := stmt.Err(); err != nil {
		return out, st.Snapshot(), err
	}
	return out, st.Snapshot(), nil
}

func filled[T any](t *testing.T, variant int, fix func(*T)) T {
	t.Helper()
	var v T
	if err := awsfake.Fill(reflect.ValueOf(&v).Elem(), variant); err != nil {
		t.Fatal(err)
	}
	fix(&v)
	return v
}

// filledDataset: one account, one region, resources with every field set
// (awsfake.Fill, both variants: distinct values with XML-escaped
// characters, and every field present and zero).
func filledDataset(t *testing.T) *fakedata.Dataset {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 2, ImagesPerRegion: 2,
		ReservedPerRegion: 2, DBInstancesPerRegion: 2, Seed: 5})
	acct := ds.Accounts[0]
	var r *fakedata.Region
	for _, rr := range acct.Regions {
		r = rr
	}
	for variant := range 2 {
		r.Instances = append(r.Instances, filled(t, variant, func(i *ec2types.Instance) {
			i.InstanceId = aws.String(fmt.Sprintf("i-0f111ed%09d", variant))
		}))
		r.Images = append(r.Images, filled(t, variant, func(i *ec2types.Image) {
			i.ImageId = aws.String(fmt.Sprintf("ami-0f111ed%09d", variant))
			i.OwnerId = aws.String(acct.ID)
			i.State = ec2types.ImageStateAvailable
		}))
		r.ReservedInstances = append(r.ReservedInstances, filled(t, variant, func(i *ec2types.ReservedInstances) {
			i.ReservedInstancesId = aws.String(fmt.Sprintf("f111ed-%d", variant))
		}))
		r.Volumes = append(r.Volumes, filled(t, variant, func(i *ec2types.Volume) {
			i.VolumeId = aws.String(fmt.Sprintf("vol-0f111ed%09d", variant))
		}))
		r.Snapshots = append(r.Snapshots, filled(t, variant, func(i *ec2types.Snapshot) {
			i.SnapshotId = aws.String(fmt.Sprintf("snap-0f111ed%09d", variant))
			i.OwnerId = aws.String(acct.ID)
		}))
		r.DBInstances = append(r.DBInstances, filled(t, variant, func(i *rdstypes.DBInstance) {
			i.DBInstanceIdentifier = aws.String(fmt.Sprintf("f111ed-%d", variant))
		}))
	}
	return ds
}

var hotTables = []string{"ec2_instances", "images", "reserved_instances", "ebs_volumes", "ebs_snapshots", "rds_instances"}

// TestDecodeAttackFilledEachColumn: every column (hydrated ones aside) of
// every hot table alone, over resources with every field set, against
// the SDK's decoding.
func TestDecodeAttackFilledEachColumn(t *testing.T) {
	ds := filledDataset(t)
	var regions []string
	for r := range ds.Accounts[0].Regions {
		regions = append(regions, r)
	}
	sdk := open(t, ds, regions, func(o *fetch.Options) { o.Decoder = fetch.DecoderSDK })
	anyOrder := cmpopts.SortSlices(func(a, b map[string]any) bool { return fmt.Sprint(a) < fmt.Sprint(b) })
	for _, table := range hotTables {
		ti, ok := sdk.eng.Table(table)
		if !ok {
			t.Fatalf("no table %s", table)
		}
		tt, _ := tables.Find(tables.All(nil), table)
		var all []string
		for _, c := range ti.Columns {
			if slices.Contains(tt.Hydrated, c.Name) {
				continue
			}
			all = append(all, fmt.Sprintf("%q", c.Name))
			q := fmt.Sprintf("SELECT %q FROM %s", c.Name, table)
			want, _, werr := sdk.attackQuery(q)
			fast := open(t, ds, regions)
			got, st, gerr := fast.attackQuery(q)
			if (werr == nil) != (gerr == nil) {
				t.Errorf("%s: sdk error %v, awssql error %v", q, werr, gerr)
				continue
			}
			if werr != nil {
				continue
			}
			if st.Decoded[fetch.DecoderAWSSQL] == 0 {
				t.Errorf("%s: awssql's decoder read no answer (%v)", q, st.Decoded)
			}
			if diff := cmp.Diff(want, got, anyOrder); diff != "" {
				t.Errorf("%s: (-sdk +awssql):\n%s", q, diff)
			}
		}
		q := fmt.Sprintf("SELECT %s FROM %s", strings.Join(all, ", "), table)
		want, _, werr := sdk.attackQuery(q)
		got, _, gerr := open(t, ds, regions).attackQuery(q)
		if werr != nil || gerr != nil {
			t.Errorf("%s: errors %v / %v", table, werr, gerr)
			continue
		}
		if !strings.Contains(fmt.Sprint(want), "f111ed") {
			t.Errorf("%s: the filled resources are not among the %d rows", table, len(want))
		}
		if diff := cmp.Diff(want, got, anyOrder); diff != "" {
			t.Errorf("%s every column: (-sdk +awssql):\n%s", table, diff)
		}
	}
}

// TestDecodeAttackRandomSequences runs random statements, each reading a
// random set of columns of a hot table (alone, in a self-join, or with a
// filter pushed down), one after another on one session (so the call
// cache holds what the ones before decoded) and on sessions sharing a
// disk cache, against the SDK's decoding on a session of its own.
func TestDecodeAttackRandomSequences(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 2, InstancesPerRegion: 30, ImagesPerRegion: 10,
		ReservedPerRegion: 10, DBInstancesPerRegion: 10, Seed: 13})
	regions := []string{"us-east-1", "us-east-2"}
	fake := []awsfake.Option{awsfake.WithPageSize(9)}
	sdk := openFake(t, ds, regions, fake, func(o *fetch.Options) { o.Decoder = fetch.DecoderSDK })
	dir := t.TempDir()
	disk := func(o *fetch.Options) { o.CacheDir, o.CacheTTL = dir, time.Hour }
	anyOrder := cmpopts.SortSlices(func(a, b map[string]any) bool { return fmt.Sprint(a) < fmt.Sprint(b) })
	cols := map[string][]string{}
	for _, table := range hotTables {
		ti, _ := sdk.eng.Table(table)
		tt, _ := tables.Find(tables.All(nil), table)
		for _, c := range ti.Columns {
			if !slices.Contains(tt.Hydrated, c.Name) {
				cols[table] = append(cols[table], c.Name)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(table string) []string {
		cs := cols[table]
		n := 1 + rng.IntN(4)
		var out []string
		for range n {
			out = append(out, fmt.Sprintf("%q", cs[rng.IntN(len(cs))]))
		}
		return out
	}
	for session := range 4 {
		fast := openFake(t, ds, regions, fake, disk)
		for range 40 {
			table := hotTables[rng.IntN(len(hotTables))]
			id := cols[table][2]
			var q string
			switch rng.IntN(4) {
			case 0:
				q = fmt.Sprintf("SELECT %s FROM %s", strings.Join(pick(table), ", "), table)
			case 1:
				a, b := pick(table), pick(table)
				for i := range a {
					a[i] = "a." + a[i]
				}
				for i := range b {
					b[i] = "b." + b[i]
				}
				q = fmt.Sprintf("SELECT %s, %s FROM %s a JOIN %s b ON a.%s = b.%s AND a.region = b.region",
					strings.Join(a, ", "), strings.Join(b, ", "), table, table, id, id)
			case 2:
				q = fmt.Sprintf("SELECT %s FROM %s WHERE region = 'us-east-2'", strings.Join(pick(table), ", "), table)
			case 3:
				q = fmt.Sprintf("SELECT %s, (SELECT count(*) FROM %s b WHERE b.%s = a.%s) AS n FROM %s a ORDER BY a.region, a.%s LIMIT 5",
					strings.Join(pick(table), ", "), table, id, id, table, id)
			}
			want, _, werr := sdk.attackQuery(q)
			got, _, gerr := fast.attackQuery(q)
			if werr != nil || gerr != nil {
				t.Errorf("session %d: %s: errors %v / %v", session, q, werr, gerr)
				continue
			}
			if diff := cmp.Diff(want, got, anyOrder); diff != "" {
				t.Errorf("session %d: %s (-sdk +awssql):\n%.3000s", session, q, diff)
			}
		}
	}
}
