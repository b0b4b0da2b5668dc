package fakedata

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The demo's S3 buckets.
const (
	DemoLogsBucket      = "awssql-demo-logs"       // management account, us-east-1: a prefix tree of logs
	DemoDataBucket      = "awssql-demo-data"       // management account, us-east-1: text, unicode, binary, empty, tricky keys
	DemoArchiveBucket   = "awssql-demo-eu-archive" // management account, eu-west-1: archive storage classes
	DemoExportsBucket   = "data-prod-exports"      // data-prod (345678901234), us-east-1: readable by the management account
	DemoForbiddenBucket = "sandbox-dev-scratch"    // sandbox-dev (456789012345), us-west-2: not readable by other accounts
)

// demoBuckets adds the demo's buckets: three in the management account
// (two in us-east-1, one in eu-west-1) and one in each of two members,
// one of which grants the management account read access.
func demoBuckets(ds *Dataset) {
	at := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	add := func(account, region string, b Bucket) {
		configureDemoBucket(&b, account, region)
		for _, a := range ds.Accounts {
			if a.ID != account {
				continue
			}
			r := a.Regions[region]
			if r == nil {
				r = &Region{}
				a.Regions[region] = r
			}
			r.Buckets = append(r.Buckets, b)
			return
		}
		panic("awsfake: no demo account " + account)
	}
	text := func(key, body, contentType string, t time.Time) Object {
		return Object{Key: key, Body: []byte(body), LastModified: t, ContentType: contentType}
	}

	logs := Bucket{Name: DemoLogsBucket, Created: at(2024, 3, 15, 10, 0, 0)}
	logs.Objects = append(logs.Objects,
		text("logs/README.txt", "Application and access logs, one folder per day (UTC).\n", "text/plain", at(2025, 1, 2, 9, 0, 0)),
		Object{Key: "logs/2024/06/30/app-00.log", Body: demoAppLog("2024-06-30", 40), LastModified: at(2024, 7, 1, 0, 5, 0),
			StorageClass: "GLACIER", ContentType: "text/plain"},
		Object{Key: "logs/2025/12/31/app-00.log.gz", Body: demoBytes("gz:2025-12-31", 2048, []byte{0x1f, 0x8b, 0x08, 0x00}),
			LastModified: at(2026, 1, 1, 0, 5, 0), StorageClass: "STANDARD_IA", ContentType: "application/gzip"},
		Object{Key: "logs/2026/11/01/.started", LastModified: at(2026, 10, 31, 23, 59, 59)},
	)
	for i, day := range []string{"2026-10-29", "2026-10-30", "2026-10-31"} {
		d, _ := time.Parse(time.DateOnly, day)
		dir := "logs/" + d.Format("2006/01/02") + "/"
		end := d.Add(24*time.Hour - time.Minute)
		logs.Objects = append(logs.Objects,
			Object{Key: dir + "app-00.log", Body: demoAppLog(day, 30+i*5), LastModified: end, ContentType: "text/plain"},
			Object{Key: dir + "app-01.log", Body: demoAppLog(day+"/1", 25+i*5), LastModified: end.Add(10 * time.Second), ContentType: "text/plain"},
		)
		if i > 0 { // the two large ones: 256 and 384 KiB
			logs.Objects = append(logs.Objects, Object{Key: dir + "access.log", Body: demoBody("access:"+day, func() []byte { return demoAccessLog(day, (i+1)*128<<10) }),
				LastModified: end.Add(20 * time.Second), ContentType: "text/plain"})
		}
	}
	add(DemoAccountID, "us-east-1", logs)

	data := Bucket{Name: DemoDataBucket, Created: at(2023, 3, 1, 8, 30, 0)}
	png := append([]byte("\x89PNG\r\n\x1a\n"), demoBytes("png", 4096, nil)...)
	data.Objects = []Object{
		text("README.md", "# awssql demo data\n\nSample objects for queries: text, unicode, binary, empty and awkward keys.\n",
			"text/markdown", at(2025, 1, 10, 8, 31, 0)),
		text("reports/2026/q3 summary.txt", "Q3 2026: revenue up 12%, costs flat.\n", "text/plain", at(2026, 10, 2, 14, 0, 0)),
		text("reports/2026/Überblick – été.txt", "Überblick für den Sommer: Umsatz gestiegen, Kosten gleich. Été : très bien ✓\n",
			"text/plain; charset=utf-8", at(2026, 9, 1, 9, 0, 0)),
		text("reports/2026/naïve café ☕.csv", "item,price\ncafé crème,3.50\nthé vert 日本茶,4.00\n", "text/csv", at(2026, 9, 15, 9, 0, 0)),
		{Key: "reports/2025/annual report.pdf", Body: append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), demoBytes("pdf", 8192, nil)...),
			LastModified: at(2025, 2, 1, 12, 0, 0), StorageClass: "STANDARD_IA", ContentType: "application/pdf"},
		{Key: "images/logo.png", Body: png, LastModified: at(2025, 1, 10, 8, 40, 0), ContentType: "image/png"},
		{Key: "data/blob.bin", Body: demoBody("blob", func() []byte { return demoBytes("blob", 64<<10, []byte{0xff, 0xfe, 0x00}) }), LastModified: at(2025, 6, 6, 6, 6, 6)},
		{Key: "exports/2026-10/orders.csv", Body: demoBody("orders:300", func() []byte { return demoOrdersCSV(300 << 10) }), LastModified: at(2026, 10, 31, 2, 0, 0), ContentType: "text/csv"},
		{Key: "empty.txt", LastModified: at(2025, 3, 3, 3, 3, 3), ContentType: "text/plain"},
		text("legacy/old-notes.txt", "Written before S3 stored checksums.\n", "text/plain", at(2023, 4, 4, 4, 4, 4)),
		text("tricky/a+b.txt", "plus\n", "text/plain", at(2026, 1, 1, 1, 0, 0)),
		text("tricky/50% off.txt", "percent and space\n", "text/plain", at(2026, 1, 1, 1, 0, 1)),
		text("tricky/rock & roll.txt", "ampersand\n", "text/plain", at(2026, 1, 1, 1, 0, 2)),
		text("tricky/<tag>.xml", "<tag>angle brackets</tag>\n", "application/xml", at(2026, 1, 1, 1, 0, 3)),
		text(`tricky/"quoted" 'key'.txt`, "quotes\n", "text/plain", at(2026, 1, 1, 1, 0, 4)),
		text("tricky/日本語/ファイル.txt", "日本語のファイル\n", "text/plain; charset=utf-8", at(2026, 1, 1, 1, 0, 5)),
		text("tricky/trailing space .txt", "trailing space\n", "text/plain", at(2026, 1, 1, 1, 0, 6)),
		text("tricky/double//slash.txt", "double slash\n", "text/plain", at(2026, 1, 1, 1, 0, 7)),
		text("tricky/~tilde=eq;semi,comma.txt", "punctuation\n", "text/plain", at(2026, 1, 1, 1, 0, 8)),
		text("tricky/#hash?query.txt", "hash and question mark\n", "text/plain", at(2026, 1, 1, 1, 0, 9)),
		text("tricky/emoji 🎉.txt", "party\n", "text/plain", at(2026, 1, 1, 1, 0, 10)),
	}
	add(DemoAccountID, "us-east-1", data)

	add(DemoAccountID, "eu-west-1", Bucket{Name: DemoArchiveBucket, Created: at(2023, 6, 1, 12, 0, 0), Objects: []Object{
		text("README.txt", "Database backups and old configuration. Restore before reading GLACIER and DEEP_ARCHIVE objects.\n",
			"text/plain", at(2023, 6, 1, 12, 5, 0)),
		{Key: "backups/db/2023-12-31.dump", Body: demoBytes("dump:2023", 12<<10, []byte("PGDMP")), LastModified: at(2024, 1, 1, 3, 0, 0),
			StorageClass: "GLACIER"},
		{Key: "backups/db/2024-06-30.dump", Body: demoBytes("dump:2024", 16<<10, []byte("PGDMP")), LastModified: at(2024, 7, 1, 3, 0, 0),
			StorageClass: "DEEP_ARCHIVE"},
		{Key: "backups/db/2025-06-30.dump", Body: demoBytes("dump:2025", 20<<10, []byte("PGDMP")), LastModified: at(2025, 7, 1, 3, 0, 0),
			StorageClass: "GLACIER_IR"},
		text("backups/config/app.yaml", "listen: :8080\nregion: eu-west-1\n", "application/yaml", at(2024, 2, 2, 2, 2, 2)),
	}})

	add("345678901234", "us-east-1", Bucket{Name: DemoExportsBucket, Created: at(2024, 8, 8, 8, 0, 0), Readers: []string{DemoAccountID},
		Objects: []Object{
			text("manifest.json", `{"exports":["exports/2026/09/events.csv","exports/2026/10/events.csv"]}`+"\n",
				"application/json", at(2026, 10, 31, 6, 0, 0)),
			{Key: "exports/2026/09/events.csv", Body: demoBody("orders:40", func() []byte { return demoOrdersCSV(40 << 10) }), LastModified: at(2026, 10, 1, 6, 0, 0), ContentType: "text/csv"},
			{Key: "exports/2026/10/events.csv", Body: demoBody("orders:60", func() []byte { return demoOrdersCSV(60 << 10) }), LastModified: at(2026, 10, 31, 6, 0, 0), ContentType: "text/csv"},
		}})

	add("456789012345", "us-west-2", Bucket{Name: DemoForbiddenBucket, Created: at(2026, 2, 2, 9, 0, 0), Objects: []Object{
		text("notes.txt", "scratch space\n", "text/plain", at(2026, 2, 2, 9, 5, 0)),
	}})
}

var demoBodyCache sync.Map // key -> []byte

// demoBody returns the bytes gen makes, made once per key (the large bodies
// cost more than the rest of Demo) and copied for each call, as each Demo is
// a fresh copy.
func demoBody(key string, gen func() []byte) []byte {
	b, ok := demoBodyCache.Load(key)
	if !ok {
		b, _ = demoBodyCache.LoadOrStore(key, gen())
	}
	return bytes.Clone(b.([]byte))
}

// demoRand is a small deterministic generator (splitmix64) for demo bodies.
type demoRand uint64

func newDemoRand(seed string) *demoRand {
	h := fnv.New64a()
	h.Write([]byte(seed))
	r := demoRand(h.Sum64())
	return &r
}

func (r *demoRand) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *demoRand) intn(n int) int { return int(r.next() % uint64(n)) }

// demoBytes returns n pseudo-random bytes derived from seed, after head.
func demoBytes(seed string, n int, head []byte) []byte {
	r := newDemoRand(seed)
	out := make([]byte, len(head), len(head)+n)
	copy(out, head)
	for len(out) < cap(out) {
		v := r.next()
		for i := 0; i < 8 && len(out) < cap(out); i++ {
			out = append(out, byte(v>>(8*i)))
		}
	}
	return out
}

// demoAppLog returns lines application log lines of a day.
func demoAppLog(day string, lines int) []byte {
	r := newDemoRand("app:" + day)
	levels := []string{"INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"}
	msgs := []string{"request served", "cache miss", "retrying upstream call", "connection reset by peer", "job finished", "config reloaded"}
	var b []byte
	for i := 0; i < lines; i++ {
		sec := i * 86400 / max(lines, 1)
		b = fmt.Appendf(b, "%sT%02d:%02d:%02dZ %-5s %s id=%d\n", day[:min(len(day), 10)], sec/3600, sec/60%60, sec%60,
			levels[r.intn(len(levels))], msgs[r.intn(len(msgs))], r.intn(100000))
	}
	return b
}

// demoAccessLog returns about size bytes of an HTTP access log of a day.
func demoAccessLog(day string, size int) []byte {
	r := newDemoRand("access:" + day)
	paths := []string{"/", "/api/orders", "/api/orders/", "/api/users/", "/static/app.js", "/static/logo.png", "/health"}
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	codes := []int{200, 200, 200, 200, 201, 204, 301, 304, 404, 500}
	b := make([]byte, 0, size+200)
	for i := 0; len(b) < size; i++ {
		sec := (i * 7) % 86400
		b = append(b, day...)
		b = append(b, 'T')
		b = append2(b, sec/3600)
		b = append(b, ':')
		b = append2(b, sec/60%60)
		b = append(b, ':')
		b = append2(b, sec%60)
		b = append(b, "Z 10.0."...)
		b = strconv.AppendInt(b, int64(r.intn(256)), 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(r.intn(256)), 10)
		b = append(b, ' ')
		b = append(b, methods[r.intn(len(methods))]...)
		b = append(b, ' ')
		p := paths[r.intn(len(paths))]
		b = append(b, p...)
		if p[len(p)-1] == '/' && p != "/" {
			b = strconv.AppendInt(b, int64(r.intn(10000)), 10)
		}
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(codes[r.intn(len(codes))]), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.intn(50000)), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(1+r.intn(900)), 10)
		b = append(b, "ms\n"...)
	}
	return b
}

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// demoOrdersCSV returns about size bytes of a CSV of orders.
func demoOrdersCSV(size int) []byte {
	r := newDemoRand("orders:" + strconv.Itoa(size))
	items := []string{"widget", "gadget", "café crème", "thé vert", "gizmo, large", `"quoted" thing`}
	b := make([]byte, 0, size+200)
	b = append(b, "order_id,customer,item,quantity,price_cents\n"...)
	for i := 1; len(b) < size; i++ {
		b = strconv.AppendInt(b, int64(100000+i), 10)
		b = append(b, ",c-"...)
		b = strconv.AppendInt(b, int64(r.intn(5000)), 10)
		b = append(b, ',')
		switch item := items[r.intn(len(items))]; item {
		case "gizmo, large":
			b = append(b, `"gizmo, large"`...)
		case `"quoted" thing`:
			b = append(b, `"""quoted"" thing"`...)
		default:
			b = append(b, item...)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(1+r.intn(9)), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(99+r.intn(100000)), 10)
		b = append(b, '\n')
	}
	return b
}

// generateBuckets makes the buckets of one generated account's region:
// BucketsPerRegion buckets of ObjectsPerBucket small JSON objects each,
// under a two-level prefix tree (data/NNN/obj-NNNNN.json), every tenth in
// STANDARD_IA.
func generateBuckets(g GenOptions, account, region string) []Bucket {
	var out []Bucket
	base := ReferenceTime().AddDate(-1, 0, 0)
	for n := 0; n < g.BucketsPerRegion; n++ {
		b := Bucket{Name: fmt.Sprintf("gen-%s-%s-%02d", account, region, n), Created: base.Add(time.Duration(n) * time.Hour)}
		modernDefaults(&b)
		if n%2 == 0 {
			b.Tags = []s3types.Tag{{Key: aws.String("Index"), Value: aws.String(fmt.Sprint(n))}}
		}
		r := newDemoRand(fmt.Sprintf("gen:%d:%s", g.Seed, b.Name))
		for i := 0; i < g.ObjectsPerBucket; i++ {
			o := Object{
				Key:          fmt.Sprintf("data/%03d/obj-%05d.json", i/100, i),
				Body:         fmt.Appendf(nil, `{"bucket":%q,"index":%d,"value":%d}`+"\n", b.Name, i, r.intn(1000000)),
				LastModified: base.Add(time.Duration(r.intn(300*24*3600)) * time.Second),
				ContentType:  "application/json",
			}
			if i%10 == 9 {
				o.StorageClass = "STANDARD_IA"
			}
			b.Objects = append(b.Objects, o)
		}
		out = append(out, b)
	}
	return out
}
