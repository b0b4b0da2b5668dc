package tables

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// TestTagObjectIsTheMapsJSON: tagObject's text is what the tags column
// held when it was the map of the tags encoded by vtab: keys in order,
// the last value of a key repeated, strings escaped alike (HTML
// characters, control characters, bytes that are not UTF-8), for the
// SDK's tag types, by value and by pointer, with nil keys and values.
func TestTagObjectIsTheMapsJSON(t *testing.T) {
	type plain struct{ Key, Value string }
	words := []string{"", "Name", "name", "env", "a<b>&c", "q\"\\", "\x00\x1f\u2028", "é", "\xff\xfe", "k\xc3", "日本", "\U0001F600"}
	r := rand.New(rand.NewPCG(1, 2))
	pick := func() *string {
		if r.IntN(10) == 0 {
			return nil
		}
		w := words[r.IntN(len(words))]
		return &w
	}
	want := func(m map[string]string) any {
		if len(m) == 0 {
			return nil
		}
		v, err := vtab.SQLValue(vtab.JSON, m)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	got := func(tags any) any {
		v, err := vtab.SQLValue(vtab.JSON, tagObject(tags))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for i := range 3000 {
		n := r.IntN(30) // past 12, where the sort stops being an insertion sort
		var ec2 []ec2types.Tag
		var rds []*rdstypes.Tag
		var pl []plain
		m := map[string]string{}
		for range n {
			k, v := pick(), pick()
			ec2 = append(ec2, ec2types.Tag{Key: k, Value: v})
			rds = append(rds, &rdstypes.Tag{Key: k, Value: v})
			pl = append(pl, plain{s(k), s(v)})
			m[s(k)] = s(v)
		}
		w := want(m)
		for _, tags := range []any{ec2, rds, pl} {
			if g := got(tags); !reflect.DeepEqual(g, w) {
				t.Fatalf("case %d, %T %v:\n got %#v\nwant %#v", i, tags, tags, g, w)
			}
		}
	}
	// Not tags: NULL.
	for _, v := range []any{nil, 3, []string{"a"}, []struct{ Key string }{{"a"}}, []*ec2types.Tag{nil}} {
		if g := tagObject(v); g != nil {
			t.Errorf("tagObject(%#v) = %#v, want nil", v, g)
		}
	}
	// Written directly: the list and the text, not a map and its encoding.
	valid := []string{"Name", "env", "owner", "a<b>&c", "q\"\\", "\x00\x1f\u2028", "é", "日本", "\U0001F600", "cost-centre"}
	tags := make([]ec2types.Tag, 10)
	for i := range tags {
		k, v := valid[i], valid[len(valid)-1-i]
		tags[i] = ec2types.Tag{Key: &k, Value: &v}
	}
	text := func() {
		if _, err := vtab.SQLValue(vtab.JSON, tagObject(tags)); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(100, text); n > 8 {
		t.Errorf("the text of 10 tags: %v allocations, want at most 8 (the map and its encoding: 32)", n)
	}
}

// TestCommonColumnsAllocateNothing: account_id, region and partition,
// which every table has, are handed to SQLite without an allocation a row,
// and say what they hold.
func TestCommonColumnsAllocateNothing(t *testing.T) {
	sess, err := fetch.NewSession(context.Background(), fetch.Options{AccessKeyID: "AKIAEXAMPLEEXAMPLE00", SecretAccessKey: "x",
		EndpointURL: "http://127.0.0.1:1", HomeRegion: "us-east-1", Isolated: true, Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	def, ok := EBSSnapshots(sess).Def.(*vtab.Table[Row[ec2types.Snapshot]])
	if !ok {
		t.Fatalf("ebs_snapshots' definition is a %T", EBSSnapshots(sess).Def)
	}
	row := &Row[ec2types.Snapshot]{}
	row.Account, row.Region = "123456789012", "eu-west-1"
	want := map[string]string{"account_id": row.Account, "region": row.Region, "partition": "aws"}
	for _, c := range def.Columns {
		w, ok := want[c.Name]
		if !ok {
			continue
		}
		delete(want, c.Name)
		if v, err := vtab.SQLValue(c.Type, c.Get(row)); err != nil || v != w {
			t.Errorf("%s: %v (%v), want %q", c.Name, v, err, w)
		}
		if n := testing.AllocsPerRun(100, func() { _ = c.Get(row) }); n != 0 {
			t.Errorf("%s: %v allocations a row", c.Name, n)
		}
	}
	if len(want) > 0 {
		t.Errorf("no columns %v", want)
	}
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso"} {
		if v, _ := vtab.SQLValue(vtab.Text, partitionValue(p)); v != p {
			t.Errorf("partition %q: %v", p, v)
		}
	}
}
