package decode

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

func arenaCaseRDSBody(result string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult>` + result +
		`</DescribeDBInstancesResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`)
}

// arenaCaseVal is a distinct value of length n for instance i, field f.
func arenaCaseVal(i, f, n int) string {
	if n == 0 {
		return ""
	}
	s := fmt.Sprintf("%d.%d:", i, f)
	for len(s) < n {
		s += string(rune('a' + (len(s)+i+f)%26))
	}
	return s[:n]
}

// arenaCaseManyInstances: many instances whose strings cross the arena's
// block boundaries (256 B .. 16 KB blocks, 1 KB own-allocation limit),
// interleaved with numbers, booleans, times and lists of strings, so that
// the scratch text is reused between every string and the next value.
func arenaCaseManyInstances(n int) []byte {
	lens := []int{0, 1, 7, 255, 256, 257, 1023, 1024, 1025, 4000, 16383, 16384, 16385, 40000}
	var b strings.Builder
	b.WriteString(`<DBInstances>`)
	for i := range n {
		l := func(f int) int { return lens[(i*3+f)%len(lens)] % (1 + (i%5)*10000) }
		fmt.Fprintf(&b, `<DBInstance><DBInstanceArn>arn-%d</DBInstanceArn><DBInstanceIdentifier>%s</DBInstanceIdentifier>`, i, arenaCaseVal(i, 1, l(1)))
		fmt.Fprintf(&b, `<AllocatedStorage>%d</AllocatedStorage><KmsKeyId>%s</KmsKeyId><MultiAZ>%v</MultiAZ>`, i, arenaCaseVal(i, 2, l(2)), i%2 == 0)
		fmt.Fprintf(&b, `<InstanceCreateTime>2024-01-%02dT10:11:12.%03dZ</InstanceCreateTime><Engine><![CDATA[%s]]>&amp;%s</Engine>`, 1+i%28, i%1000, arenaCaseVal(i, 3, l(3)), arenaCaseVal(i, 4, 5))
		b.WriteString(`<ReadReplicaDBInstanceIdentifiers>`)
		for j := range i % 7 {
			fmt.Fprintf(&b, `<ReadReplicaDBInstanceIdentifier>%s</ReadReplicaDBInstanceIdentifier>`, arenaCaseVal(i, 10+j, lens[(i+j)%len(lens)]%3000))
		}
		b.WriteString(`</ReadReplicaDBInstanceIdentifiers><TagList>`)
		for j := range i % 4 {
			fmt.Fprintf(&b, `<Tag><Key>%s</Key><Value>%s</Value></Tag>`, arenaCaseVal(i, 20+j, 3+j), arenaCaseVal(i, 30+j, lens[(i*j)%len(lens)]%2000))
		}
		fmt.Fprintf(&b, `</TagList><Endpoint><Address>%s</Address><Port>%d</Port></Endpoint><PubliclyAccessible>false</PubliclyAccessible>`, arenaCaseVal(i, 5, l(5)), 1000+i)
		fmt.Fprintf(&b, `<DBInstanceStatus>st&#x41;%d</DBInstanceStatus></DBInstance>`, i)
	}
	b.WriteString(`</DBInstances><Marker>` + arenaCaseVal(-1, -1, 1500) + `</Marker>`)
	return arenaCaseRDSBody(b.String())
}

func TestManyRDSStringsAsTheSDK(t *testing.T) {
	o := operations()[5]
	body := arenaCaseManyInstances(300)
	items := o.items + "."
	for _, paths := range [][]string{nil, {o.identity, items + "DBInstanceIdentifier", items + "KmsKeyId"}, {o.identity, items + "TagList"},
		{o.identity, items + "ReadReplicaDBInstanceIdentifiers", items + "Engine"}} {
		if err := agree(o, body, paths); err != nil {
			t.Fatalf("%s: %.3000v", paths, err)
		}
	}
	// Decoded values stay put after other answers are decoded.
	first, err := o.fast(body, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := o.sdk(body)
	for range 3 {
		if _, err := o.fast(arenaCaseManyInstances(50), nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(first.(*rds.DescribeDBInstancesOutput).DBInstances, want.(*rds.DescribeDBInstancesOutput).DBInstances) {
		t.Fatal("values changed after other answers were decoded")
	}
}

// Odd scalar texts, each alone: the fast decoder succeeds or fails as the
// SDK does, with its values.
func TestOddRDSScalarsAsTheSDK(t *testing.T) {
	o := operations()[5]
	var cases []string
	for _, v := range []string{"1", "0", "t", "F", "TRUE", "True", "tRuE", " true", "true ", "", "yes", "<![CDATA[tr]]>ue", "tr&#117;e", "&#x74;rue"} {
		cases = append(cases, `<MultiAZ>`+v+`</MultiAZ><DBInstanceIdentifier>x</DBInstanceIdentifier>`)
	}
	for _, v := range []string{"+5", "-0", "007", "2147483647", "2147483648", "-2147483649", "1e3", "0x10", "1_000", " 5", "", "<![CDATA[1]]>2", "&#49;&#50;", "٣"} {
		cases = append(cases, `<AllocatedStorage>`+v+`</AllocatedStorage><DBInstanceIdentifier>y</DBInstanceIdentifier>`)
	}
	for _, v := range []string{"2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.1234567891Z",
		"2024-01-01T00:00:00+02:00", "2024-01-01t00:00:00z", "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z", "", " 2024-01-01T00:00:00Z",
		"<![CDATA[2024-01-01T00:]]>00:00Z", "2024-01-01T00:00:00&#90;", "1700000000", "Mon, 02 Jan 2006 15:04:05 GMT"} {
		cases = append(cases, `<InstanceCreateTime>`+v+`</InstanceCreateTime><DBInstanceIdentifier>z</DBInstanceIdentifier>`)
	}
	for i, c := range cases {
		// The odd value, then the same text as a string, then a good one.
		body := arenaCaseRDSBody(`<DBInstances><DBInstance><DBInstanceArn>a</DBInstanceArn>` + c + `<KmsKeyId>k</KmsKeyId></DBInstance>` +
			`<DBInstance><DBInstanceArn>b</DBInstanceArn>` + c + `</DBInstance></DBInstances>`)
		for _, paths := range [][]string{nil, {o.identity, o.items + ".MultiAZ", o.items + ".AllocatedStorage", o.items + ".InstanceCreateTime"}} {
			if err := agree(o, body, paths); err != nil {
				t.Errorf("case %d %q %v: %v", i, c, paths, err)
			}
		}
	}
}

// Several goroutines decode answers at once (run with -race).
func TestConcurrentDecoding(t *testing.T) {
	rdsOp, riOp := operations()[5], operations()[2]
	rdsBody := arenaCaseManyInstances(60)
	riBody := arenaCaseReservedInstances(300)
	wantRDS, err := rdsOp.sdk(rdsBody)
	if err != nil {
		t.Fatal(err)
	}
	wantRI, err := riOp.sdk(riBody)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if g%2 == 0 {
					got, err := rdsOp.fast(rdsBody, nil, nil)
					if err != nil || projectedDiff(got, wantRDS, projectionOf(rdsOp, nil, wantRDS)) != "" {
						errs <- fmt.Errorf("rds: %v", err)
						return
					}
				} else {
					got, err := riOp.fast(riBody, nil, nil)
					if err != nil || projectedDiff(got, wantRI, projectionOf(riOp, nil, wantRI)) != "" {
						errs <- fmt.Errorf("ri: %v", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

var arenaCaseFloats = []string{"0", "-0", "0.1", "1e10", "1E-5", "3.4028235e38", "3.5e38", "1e39", "-1e39", "4.9e-324", "1e-50",
	"Infinity", "-Infinity", "inf", "+Inf", "0x1p-2", "0x1.8p1", "1_0", "0x_1p0", ".5", "5.", "+1", " 1", "1 ", "", "1e400", "abc", "0.0105"}

func arenaCaseReservedInstances(n int) []byte {
	var b strings.Builder
	for i := range n {
		f := func(k int) string { return arenaCaseFloats[(i*7+k)%len(arenaCaseFloats)] }
		ok := func(s string) string {
			switch s {
			case "", "1e400", "abc", " 1", "1 ", "1_0":
				return fmt.Sprint(i) // keep the page decodable
			}
			return s
		}
		fmt.Fprintf(&b, `<item><reservedInstancesId>ri-%d</reservedInstancesId><fixedPrice>%s</fixedPrice><usagePrice>%s</usagePrice><recurringCharges>`, i, ok(f(0)), ok(f(1)))
		for j := range i % 5 {
			fmt.Fprintf(&b, `<item><amount>%s</amount><frequency>Hourly</frequency></item>`, ok(f(2+j)))
		}
		fmt.Fprintf(&b, `</recurringCharges><instanceCount>%d</instanceCount></item>`, i)
	}
	return arenaCaseEC2RIBody(b.String())
}

func arenaCaseEC2RIBody(items string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<DescribeReservedInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservedInstancesSet>` + items +
		`</reservedInstancesSet></DescribeReservedInstancesResponse>`)
}

func TestOddFloatsAsTheSDK(t *testing.T) {
	o := operations()[2]
	items := o.items + "."
	projs := [][]string{nil, {o.identity, items + "FixedPrice"}, {o.identity, items + "UsagePrice"}, {o.identity, items + "RecurringCharges"}}
	for _, v := range arenaCaseFloats {
		for _, c := range []string{v, "<![CDATA[" + v + "]]>"} {
			body := arenaCaseEC2RIBody(`<item><reservedInstancesId>a</reservedInstancesId><fixedPrice>` + c + `</fixedPrice><usagePrice>` + c +
				`</usagePrice><recurringCharges><item><amount>` + c + `</amount></item></recurringCharges></item>`)
			for _, p := range projs {
				if err := agree(o, body, p); err != nil {
					t.Errorf("%q %v: %v", c, p, err)
				}
			}
		}
	}
	for _, n := range []int{1, 3, 4, 5, 8, 9, 12, 13, 28, 29, 60, 61, 124, 125, 252, 253, 300, 509, 510, 1000} {
		body := arenaCaseReservedInstances(n)
		for _, p := range projs {
			if err := agree(o, body, p); err != nil {
				t.Fatalf("%d items %v: %.2000v", n, p, err)
			}
		}
	}
}

// NaN's spellings: NaN where the SDK has NaN (cmp's NaN is unequal to itself).
func TestNaNAsTheSDK(t *testing.T) {
	o := operations()[2]
	for _, v := range []string{"NaN", "nan", "nAn", "<![CDATA[NaN]]>", "N<![CDATA[a]]>N", "&#78;aN", "-NaN", "+NaN", "NaN1"} {
		body := arenaCaseEC2RIBody(`<item><reservedInstancesId>a</reservedInstancesId><fixedPrice>` + v + `</fixedPrice><usagePrice>1</usagePrice>` +
			`<recurringCharges><item><amount>` + v + `</amount></item></recurringCharges></item>`)
		want, werr := o.sdk(body)
		got, gerr := o.fast(body, nil, nil)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: sdk %v, fast %v", v, werr, gerr)
		}
		if werr != nil {
			continue
		}
		w := want.(*ec2.DescribeReservedInstancesOutput).ReservedInstances[0]
		g := got.(*ec2.DescribeReservedInstancesOutput).ReservedInstances[0]
		if math.IsNaN(float64(*w.FixedPrice)) != math.IsNaN(float64(*g.FixedPrice)) || *g.UsagePrice != 1 ||
			math.IsNaN(*w.RecurringCharges[0].Amount) != math.IsNaN(*g.RecurringCharges[0].Amount) {
			t.Fatalf("%q: sdk %v %v, fast %v %v", v, *w.FixedPrice, *w.RecurringCharges[0].Amount, *g.FixedPrice, *g.RecurringCharges[0].Amount)
		}
	}
}

// Every float pointer is its own: writing through one changes no other.
func TestFloatPointersIndependent(t *testing.T) {
	o := operations()[2]
	body := arenaCaseReservedInstances(600)
	got, err := o.fast(body, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := o.sdk(body)
	ris := got.(*ec2.DescribeReservedInstancesOutput).ReservedInstances
	seen32 := map[*float32]bool{}
	seen64 := map[*float64]bool{}
	for i := range ris {
		for _, p := range []*float32{ris[i].FixedPrice, ris[i].UsagePrice} {
			if p == nil || seen32[p] {
				t.Fatalf("item %d: a float32 pointer nil or shared", i)
			}
			seen32[p] = true
		}
		for _, c := range ris[i].RecurringCharges {
			if c.Amount == nil || seen64[c.Amount] {
				t.Fatalf("item %d: a float64 pointer nil or shared", i)
			}
			seen64[c.Amount] = true
		}
	}
	for i := range ris {
		*ris[i].FixedPrice = math.MaxFloat32
		*ris[i].UsagePrice = -1
		for _, c := range ris[i].RecurringCharges {
			*c.Amount = -7
		}
	}
	wr := want.(*ec2.DescribeReservedInstancesOutput).ReservedInstances
	for i := range ris {
		if *ris[i].FixedPrice != math.MaxFloat32 || *ris[i].UsagePrice != -1 {
			t.Fatalf("item %d: a write was lost", i)
		}
		ris[i].FixedPrice, ris[i].UsagePrice = wr[i].FixedPrice, wr[i].UsagePrice
		for j := range ris[i].RecurringCharges {
			if *ris[i].RecurringCharges[j].Amount != -7 {
				t.Fatalf("item %d: a write was lost", i)
			}
			ris[i].RecurringCharges[j] = ec2types.RecurringCharge{Amount: wr[i].RecurringCharges[j].Amount, Frequency: ris[i].RecurringCharges[j].Frequency}
		}
	}
	if d := projectedDiff(got, want, projectionOf(o, nil, want)); d != "" {
		t.Fatal(d)
	}
}
