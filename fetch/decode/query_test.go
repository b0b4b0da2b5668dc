package decode

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestQueryDecoderOddElements decodes DescribeDBInstances answers whose
// elements come in forms AWS does not send but the SDK reads (any case, a
// prefix, twice, in other places), for projections that take the path
// matching a few wanted members and for those that do not, and wants the
// values the SDK reads: the SDK matches element names with
// strings.EqualFold, lets the last of a value win, and reads the paging
// token only where the output holds it.
func TestQueryDecoderOddElements(t *testing.T) {
	o := operations()[5]
	if o.name != "DescribeDBInstances" {
		t.Fatalf("operations()[5] is %s", o.name)
	}
	const inst = `<DBInstanceArn>arn-1</DBInstanceArn><DBInstanceIdentifier>db-1</DBInstanceIdentifier>`
	cases := []struct{ name, result string }{
		{"as AWS sends it", `<DBInstances><DBInstance>` + inst + `</DBInstance></DBInstances><Marker>m</Marker>`},
		{"lower case", `<dbinstances><dbinstance><dbinstancearn>arn-1</dbinstancearn><dbinstanceidentifier>db-1</dbinstanceidentifier>` +
			`<kmskeyid>k</kmskeyid><endpoint><address>h</address></endpoint></dbinstance></dbinstances><marker>m</marker>`},
		{"upper case", `<DBINSTANCES><DBINSTANCE><DBINSTANCEARN>arn-1</DBINSTANCEARN><TAGLIST><TAG><KEY>k</KEY><VALUE>v</VALUE></TAG></TAGLIST>` +
			`</DBINSTANCE></DBINSTANCES><MARKER>m</MARKER>`},
		{"a wanted value twice", `<DBInstances><DBInstance>` + inst + `<DBInstanceArn>arn-2</DBInstanceArn><dbinstanceidentifier>db-2</dbinstanceidentifier>` +
			`</DBInstance></DBInstances>`},
		{"a wanted list twice", `<DBInstances><DBInstance>` + inst + `<TagList><Tag><Key>a</Key></Tag></TagList><TagList><Tag><Key>b</Key></Tag></TagList>` +
			`</DBInstance></DBInstances>`},
		{"the list twice", `<DBInstances><DBInstance>` + inst + `</DBInstance></DBInstances><DBInstances><DBInstance><DBInstanceArn>arn-2</DBInstanceArn></DBInstance></DBInstances>`},
		{"a structure twice", `<DBInstances><DBInstance>` + inst + `<Endpoint><Address>h1</Address><Port>1</Port></Endpoint><Endpoint><Address>h2</Address></Endpoint>` +
			`</DBInstance></DBInstances>`},
		{"the marker first", `<Marker>m</Marker><DBInstances><DBInstance>` + inst + `</DBInstance></DBInstances>`},
		{"the marker twice", `<Marker>m1</Marker><DBInstances><DBInstance>` + inst + `</DBInstance></DBInstances><Marker>m2</Marker>`},
		{"a marker in an instance", `<DBInstances><DBInstance><Marker>no</Marker>` + inst + `<Marker>no</Marker></DBInstance></DBInstances>`},
		{"a marker in the list", `<DBInstances><Marker>no</Marker><DBInstance>` + inst + `</DBInstance><Marker>no</Marker></DBInstances>`},
		{"a marker in a nested structure", `<DBInstances><DBInstance>` + inst + `<Endpoint><Marker>no</Marker><Address>h</Address></Endpoint></DBInstance></DBInstances>`},
		{"an empty marker", `<DBInstances><DBInstance>` + inst + `</DBInstance></DBInstances><Marker/>`},
		{"a marker of spaces and entities", `<DBInstances><DBInstance>` + inst + `</DBInstance></DBInstances><Marker> &amp;&#x41; </Marker>`},
		{"a marker with a child", `<DBInstances><DBInstance>` + inst + `</DBInstance></DBInstances><Marker><x>m</x></Marker>`},
		{"prefixed names", `<a:DBInstances xmlns:a="urn:x"><a:DBInstance><a:DBInstanceArn>arn-1</a:DBInstanceArn><b:KmsKeyId xmlns:b="urn:y">k</b:KmsKeyId>` +
			`</a:DBInstance></a:DBInstances><a:Marker xmlns:a="urn:x">m</a:Marker>`},
		{"attributes", `<DBInstances><DBInstance x="1"><DBInstanceArn y='2'>arn-1</DBInstanceArn><KmsKeyId z="&amp;">k</KmsKeyId></DBInstance></DBInstances><Marker q="">m</Marker>`},
		{"names that fold in Unicode", "<DBInstances><DBInstance>" + inst + "<\u212AmsKeyId>kelvin</\u212AmsKeyId><DBInstanceStatu\u017F>long s</DBInstanceStatu\u017F>" +
			"<TagList><Tag><\u212Aey>k</\u212Aey></Tag></TagList></DBInstance></DBInstances><Marker>m</Marker>"},
		{"unknown elements around wanted ones", `<DBInstances><x/><DBInstance><y>1</y>` + inst + `<DBInstanceArnX>no</DBInstanceArnX><XDBInstanceArn>no</XDBInstanceArn>` +
			`<z><DBInstanceArn>no</DBInstanceArn></z></DBInstance></DBInstances>`},
		{"an empty instance and an empty wanted value", `<DBInstances><DBInstance/><DBInstance><DBInstanceArn/><DBInstanceIdentifier></DBInstanceIdentifier><Endpoint/></DBInstance></DBInstances>`},
		{"five wanted members", `<DBInstances><DBInstance>` + inst + `<KmsKeyId>k</KmsKeyId><DBInstanceStatus>s</DBInstanceStatus><Engine>e</Engine>` +
			`<Endpoint><Address>h</Address></Endpoint></DBInstance></DBInstances>`},
	}
	items := o.items + "."
	projections := [][]string{
		nil,
		{o.identity},
		{o.identity, items + "DBInstanceIdentifier"},
		{o.identity, items + "KmsKeyId"},
		{o.identity, items + "DBInstanceStatus", items + "KmsKeyId"},
		{o.identity, items + "Endpoint.Address"},
		{o.identity, items + "Endpoint"},
		{o.identity, items + "TagList"},
		{o.identity, items + "TagList.Key"},
		{o.identity, items + "DBInstanceIdentifier", items + "KmsKeyId", items + "DBInstanceStatus", items + "Engine"},
		{o.identity, items + "DBInstanceIdentifier", items + "KmsKeyId", items + "DBInstanceStatus", items + "Engine", items + "Endpoint.Address"},
	}
	for _, c := range cases {
		body := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult>` + c.result +
			`</DescribeDBInstancesResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`)
		for _, paths := range projections {
			t.Run(fmt.Sprintf("%s/%s", c.name, strings.Join(paths, ",")), func(t *testing.T) {
				if err := agree(o, body, paths); err != nil {
					t.Fatalf("%v\n%s", err, body)
				}
			})
		}
	}
}

// chunkReader returns at most n bytes a Read, so that the scanner's
// window ends at every n-th byte, wherever that falls in a tag.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// TestDecodersMatchTheSDKInPieces decodes answers larger than the
// scanner's window as a network hands them over, a few bytes at a time,
// so that the window's end falls inside start tags (the plain tag's fast
// path), inside an element skipWhole would skip whole, and inside the
// members a projection wants: the values are the SDK's.
func TestDecodersMatchTheSDKInPieces(t *testing.T) {
	pages := generatedPagesOf(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 40, ImagesPerRegion: 40,
		DBInstancesPerRegion: 40, ReservedPerRegion: 40, Seed: 3}))
	for i, o := range operations() {
		docs := [][]byte{pages[i], filledAnswer(t, o, 0), filledAnswer(t, o, 1)}
		for d, doc := range docs {
			for _, paths := range fuzzProjections(o) {
				want, err := o.sdk(doc)
				if err != nil {
					t.Fatalf("%s doc %d: the SDK: %v", o.name, d, err)
				}
				for _, n := range []int{1, 7, 61, 4093, 32767, 32769} {
					var r io.Reader = &chunkReader{bytes.NewReader(doc), n}
					if n == 1 {
						r = iotest.OneByteReader(bytes.NewReader(doc))
					}
					var got any
					if o.service == "EC2" {
						got, err = decodeEC2(o.name, r, paths, nil)
					} else {
						got, err = decodeQuery(o.service, o.name, r, paths, nil)
					}
					if err != nil {
						t.Fatalf("%s doc %d (%d B) in pieces of %d, %v: %v", o.name, d, len(doc), n, paths, err)
					}
					if diff := projectedDiff(got, want, projectionOf(o, paths, want)); diff != "" {
						t.Fatalf("%s doc %d (%d B) in pieces of %d, %v: values differ (-fast +sdk):\n%s", o.name, d, len(doc), n, paths, diff)
					}
				}
			}
		}
	}
}
