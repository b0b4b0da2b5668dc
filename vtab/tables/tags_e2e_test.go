package tables_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab"
)

// e2eTagLists are tag lists that XML can carry: HTML characters, line
// and paragraph separators, control characters XML allows, keys repeated
// at the start, in the middle and at the end, keys alike but for case or
// Unicode folding, empty keys and values, and ten thousand tags.
func e2eTagLists() [][][2]string {
	awkward := [][2]string{
		{"Name", "first"}, {"<b>", "a&b<c>d"}, {"sep", "x\u2028y\u2029z"}, {"ctl", "\t\r\n"}, {"", ""}, {"Name", "second"},
		{"k", "lower"}, {"K", "upper"}, {"\u212A", "kelvin"}, {"é", "nfc"}, {"e\u0301", "nfd"}, {"q\"\\", "/\u007f"},
		{"\U0001F600", "\U0001F600"}, {"Name", "last"},
	}
	var many [][2]string
	for i := range 10000 {
		many = append(many, [2]string{fmt.Sprintf("key-%04d", (i*7919)%9000), fmt.Sprintf("value <%d> & %s", i, strings.Repeat("é", i%5))})
	}
	return [][][2]string{
		awkward,
		{{"dup", "1"}, {"dup", "2"}, {"dup", "3"}},
		{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"c", "4"}, {"b", "5"}},
		many,
	}
}

// TestTagsColumnIsTheMap: the tags column, read through SQLite
// with either decoder, is the JSON column of the map of the tags the
// API listed (later tags of a key replacing earlier ones), as it was
// when the column was that map.
func TestTagsColumnIsTheMap(t *testing.T) {
	lists := e2eTagLists()
	for _, decoder := range []string{fetch.DecoderAWSSQL, fetch.DecoderSDK} {
		t.Run(decoder, func(t *testing.T) {
			ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: len(lists), ImagesPerRegion: len(lists),
				DBInstancesPerRegion: len(lists), Seed: 3})
			var region string
			var r *fakedata.Region
			for name, reg := range ds.Accounts[0].Regions {
				region, r = name, reg
			}
			want := map[string]any{}
			for i, list := range lists {
				var ec2 []ec2types.Tag
				var rds []rdstypes.Tag
				m := map[string]string{}
				for _, kv := range list {
					ec2 = append(ec2, ec2types.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
					rds = append(rds, rdstypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
					m[kv[0]] = kv[1]
				}
				w, err := vtab.SQLValue(vtab.JSON, m)
				if err != nil {
					t.Fatal(err)
				}
				r.Instances[i].Tags = ec2
				r.Images[i].Tags = ec2
				r.DBInstances[i].TagList = rds
				want["ec2_instances/"+aws.ToString(r.Instances[i].InstanceId)] = w
				want["images/"+aws.ToString(r.Images[i].ImageId)] = w
				want["rds_instances/"+aws.ToString(r.DBInstances[i].DBInstanceArn)] = w
			}
			e := open(t, ds, []string{region}, func(o *fetch.Options) { o.Decoder = decoder })
			seen := 0
			for _, q := range []struct{ table, id string }{{"ec2_instances", "instance_id"}, {"images", "image_id"}, {"rds_instances", "arn"}} {
				// The tags alone (the few-columns path), and with others.
				for _, cols := range []string{"tags", "tags, tags_src, title"} {
					for _, row := range e.query(t, fmt.Sprintf("SELECT %s AS id, %s FROM %s", q.id, cols, q.table)) {
						w, ok := want[q.table+"/"+fmt.Sprint(row["id"])]
						if !ok {
							continue
						}
						seen++
						if row["tags"] != w {
							t.Errorf("%s %v (%s):\n got %.300q\nwant %.300q", q.table, row["id"], cols, row["tags"], w)
						}
					}
				}
			}
			if seen != 3*2*len(lists) {
				t.Errorf("%d rows compared, want %d", seen, 3*2*len(lists))
			}
		})
	}
}
