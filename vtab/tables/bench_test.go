package tables_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awssql/awssql/fetch"
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

// BenchmarkCPUPerInstance compares the CPU cost of an instance read
// through awssql (fan-out, paging, SQLite, value conversion) with the SDK
// decoding the same pages alone: what our own layers add. Both include
// awsfake encoding the pages in the same process.
func BenchmarkCPUPerInstance(b *testing.B) {
	const n = 3000
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: n, Seed: 1})
	e := open(b, ds, []string{"us-east-1"})
	key, secret := e.srv.Credentials(ds.Accounts[0].ID)
	var sdk time.Duration
	b.Run("sdk", func(b *testing.B) {
		// A plain client: the SDK's own middleware only.
		c := ec2.New(ec2.Options{
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
			BaseEndpoint: aws.String(e.url),
			HTTPClient:   fetch.RaceFree(awshttp.NewBuildableClient()),
		})
		start := time.Now()
		for range b.N {
			p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)})
			got := 0
			for p.HasMorePages() {
				out, err := p.NextPage(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range out.Reservations {
					got += len(r.Instances)
				}
			}
			if got != n {
				b.Fatalf("%d instances", got)
			}
		}
		sdk = time.Since(start) / time.Duration(b.N*n)
		b.ReportMetric(float64(sdk.Microseconds()), "us/instance")
	})
	b.Run("awssql", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			fresh := open(b, ds, []string{"us-east-1"})
			rows := fresh.query(b, "SELECT * FROM ec2_instances")
			if len(rows) != n {
				b.Fatalf("%d rows", len(rows))
			}
		}
		per := time.Since(start) / time.Duration(b.N*n)
		b.ReportMetric(float64(per.Microseconds()), "us/instance")
		if sdk > 0 {
			b.ReportMetric(float64(per)/float64(sdk), "x_sdk")
		}
	})
}
