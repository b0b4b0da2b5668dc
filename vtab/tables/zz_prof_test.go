package tables_test

import (
	"context"
	"github.com/awssql/awssql/vtab/tables"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func BenchmarkZZProf(b *testing.B) {
	gen := fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 2000, ImagesPerRegion: 1000,
		ReservedPerRegion: 1000, DBInstancesPerRegion: 500, Seed: 1}
	url := replayServer(b, gen)
	regions := []string{"us-east-1"}
	ds := fakedata.Generate(gen)
	e0 := open(b, ds, regions, func(o *fetch.Options) { o.EndpointURL = url })
	key, secret := e0.srv.Credentials(ds.Accounts[0].ID)
	e0.db.Close()
	q := os.Getenv("Q")
	if t := os.Getenv("PAGE"); t != "" {
		e1 := replayed(b, url, key, secret, regions, fetch.DecoderAWSSQL)
		ti, _ := e1.eng.Table(t)
		tt, _ := tables.Find(tables.All(e1.sess), t)
		var page []string
		for _, c := range ti.Columns {
			if !c.Hidden && !slices.Contains(tt.Hydrated, c.Name) {
				page = append(page, c.Name)
			}
		}
		e1.close()
		q = "SELECT " + strings.Join(page, ", ") + " FROM " + t
	}
	dec := os.Getenv("DEC")
	if dec == "" {
		dec = fetch.DecoderAWSSQL
	}
	b.ResetTimer()
	n := 0
	var spent time.Duration
	for range b.N {
		e := replayed(b, url, key, secret, regions, dec)
		runtime.GC()
		start := cpu(b)
		pprof.Do(context.Background(), pprof.Labels("stmt", "1"), func(context.Context) {
			n += e.statement(b, q, os.Getenv("JSONL") != "")
		})
		spent += cpu(b) - start
		e.close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e3, "us/res")
	b.ReportMetric(float64(spent.Nanoseconds())/float64(max(n, 1))/1e3, "cpu_us/res")
	b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N)/1e3, "cpu_us/stmt")
}
