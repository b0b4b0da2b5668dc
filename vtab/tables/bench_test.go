package tables_test

import (
	"context"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// BenchmarkFirstRow measures the time to the first row of a LIMIT 1 scan
// over four regions with 50 ms injected on every call. The lower bound is
// the dependency chain: GetCallerIdentity, then DescribeRegions, then one
// DescribeInstances (the regions' calls run at once).
func BenchmarkFirstRow(b *testing.B) {
	const latency = 50 * time.Millisecond
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 2000, Seed: 1})
	var total time.Duration
	for range b.N {
		b.StopTimer()
		e := open(b, ds, []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"})
		e.srv.AddFault(awsfake.Fault{Latency: latency})
		b.StartTimer()
		start := time.Now()
		stmt := e.eng.Begin(context.Background())
		rows, err := e.db.Query("SELECT instance_id FROM ec2_instances LIMIT 1")
		if err != nil {
			b.Fatal(stmt.Cause(err))
		}
		if !rows.Next() {
			b.Fatal("no row")
		}
		total += time.Since(start)
		rows.Close()
		stmt.End()
	}
	first := total / time.Duration(b.N)
	bound := 3 * latency
	b.ReportMetric(float64(first.Milliseconds()), "first_row_ms")
	b.ReportMetric(float64(bound.Milliseconds()), "bound_ms")
	b.ReportMetric(float64(first)/float64(bound), "x_bound")
}
