package decode

import (
	"fmt"
	"strings"
	"testing"
)

// TestCraftedAnswersAsTheSDK: hand-made DescribeVolumes items aimed at the guess
// of the member that follows (projection.follow), the one-step value
// (scanner.simple) and its checks, through every projection.
func TestCraftedAnswersAsTheSDK(t *testing.T) {
	o := operations()[3]
	if o.name != "DescribeVolumes" {
		t.Fatal(o.name)
	}
	const a = `<volumeId>vol-1</volumeId><size>8</size><iops>100</iops><encrypted>true</encrypted><createTime>2025-01-02T08:54:40.000Z</createTime><state>in-use</state>`
	cases := []struct{ name, items string }{
		{"same order", `<item>` + a + `</item><item>` + a + `</item>`},
		{"order changes each item", `<item>` + a + `</item><item><state>x</state><size>9</size><volumeId>vol-2</volumeId><iops>1</iops></item>` +
			`<item><iops>2</iops><volumeId>vol-3</volumeId><createTime>2025-01-02T08:54:40Z</createTime><size>10</size></item><item>` + a + `</item>`},
		{"a member twice, in other cases", `<item>` + a + `<SIZE>9</SIZE><Size>10</Size></item><item><size>1</size><size>2</size><volumeId>v</volumeId><VOLUMEID>w</VOLUMEID></item>`},
		{"a member twice, the second empty", `<item>` + a + `<size></size></item>`},
		{"a member twice, the second self-closing", `<item>` + a + `<iops/></item>`},
		{"the guess a different case each item", `<item>` + a + `</item><item><VOLUMEID>v</VOLUMEID><SIZE>8</SIZE><IOPS>1</IOPS></item><item><volumeid>v</volumeid><size>8</size><iops>1</iops></item>`},
		{"names that extend members", `<item>` + a + `<sizeX>1</sizeX><iopsiops>2</iopsiops><volumeId2>3</volumeId2><s>4</s><i>5</i></item>`},
		{"unknown between each", `<item><volumeId>v</volumeId><u>1</u><size>8</size><u>2</u><iops>1</iops><u/><encrypted>false</encrypted></item>`},
		{"a value with >", `<item><volumeId>v>w</volumeId><kmsKeyId>></kmsKeyId><u>></u></item>`},
		{"]]> in a read value", `<item><volumeId>v]]>w</volumeId></item>`},
		{"]]> in an unread value", `<item><volumeId>v</volumeId><kmsKeyId>k]]>l</kmsKeyId></item>`},
		{"CDATA in values", `<item><volumeId><![CDATA[v<w>]]></volumeId><kmsKeyId>a<![CDATA[b]]>c</kmsKeyId><size><![CDATA[8]]></size></item>`},
		{"a read value with a child", `<item><volumeId>v<b/></volumeId></item>`},
		{"an unread value with a child", `<item><volumeId>v</volumeId><kmsKeyId>k<b>c</b></kmsKeyId></item>`},
		{"a mismatched end, read", `<item><volumeId>v</volumeid></item>`},
		{"a mismatched end, unread", `<item><volumeId>v</volumeId><kmsKeyId>k</kmsKeyID></item>`},
		{"an end with another prefix", `<item><volumeId>v</p:volumeId></item>`},
		{"an attribute on values", `<item><volumeId a="1">v</volumeId><size b='2'>8</size><kmsKeyId c="&amp;">k</kmsKeyId></item>`},
		{"a bad attribute on an unread value", `<item><volumeId>v</volumeId><kmsKeyId c="<">k</kmsKeyId></item>`},
		{"comments between members and in values", `<item><!--c--><volumeId>v</volumeId><!-- d --><size>8<!--e--></size><kmsKeyId><!--f-->k</kmsKeyId></item>`},
		{"CRLF and tabs", "<item>\r\n\t<volumeId>v\r\nw</volumeId>\r\n\t<size>\r\n8</size><kmsKeyId>\tk\t</kmsKeyId>\r</item>"},
		{"entities", `<item><volumeId>&#118;&lt;</volumeId><size>&#56;</size><kmsKeyId>&amp;</kmsKeyId><state>&#x69;n-use</state></item>`},
		{"Kelvin and long s", "<item><volumeId>v</volumeId><\u017Fize>8</\u017Fize><\u212AmsKeyId>k</\u212AmsKeyId><encrypted>true</encrypted></item>"},
		{"prefixed", `<item xmlns:p="urn:p"><p:volumeId>v</p:volumeId><p:size>8</p:size><size>9</size><p:kmsKeyId>k</p:kmsKeyId></item>`},
		{"invalid characters in values", "<item><volumeId>v\x01</volumeId><kmsKeyId>\x7f\xff</kmsKeyId></item>"},
		{"invalid UTF-8 in an unread value", "<item><volumeId>v</volumeId><kmsKeyId>\xff</kmsKeyId></item>"},
		{"empty values of every type", `<item><volumeId></volumeId><size></size><iops/><encrypted></encrypted><createTime></createTime><state/><volumeType></volumeType></item>`},
		{"spaces around scalars", `<item><volumeId> v </volumeId><size> 8</size><encrypted>true </encrypted><createTime> 2025-01-02T08:54:40Z</createTime></item>`},
		{"a value spanning a tag name with digits", `<item><volumeId>v</volumeId><a1.b-c_d>x</a1.b-c_d><_x>y</_x></item>`},
		{"text between members", `<item>t<volumeId>v</volumeId>u<size>8</size>w</item>`},
		{"a self-closing item", `<item/><item>` + a + `</item>`},
	}
	for _, c := range cases {
		body := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><volumeSet>` + c.items +
			`</volumeSet><nextToken>n</nextToken></DescribeVolumesResponse>`)
		for _, paths := range append(projections(o), []string{o.identity, o.items + ".Size", o.items + ".Iops", o.items + ".Encrypted", o.items + ".CreateTime", o.items + ".State"}) {
			t.Run(fmt.Sprintf("%s/%s", c.name, strings.Join(paths, ",")), func(t *testing.T) {
				if err := agree(o, body, paths); err != nil {
					t.Fatalf("%v\n%s", err, body)
				}
			})
		}
	}
}

// TestLongValuesAsTheSDK: values about as long as the window, read and
// unread, plain and not, so that the one-step value meets its end.
func TestLongValuesAsTheSDK(t *testing.T) {
	o := operations()[3]
	for _, n := range []int{window - 40, window - 21, window - 20, window - 19, window - 1, window, window + 1, 2*window + 3} {
		for _, fill := range []string{"x", "&amp;", "\r\n"} {
			long := strings.Repeat(fill, n/len(fill))
			items := `<item><volumeId>` + long + `</volumeId><size>8</size><kmsKeyId>` + long + `</kmsKeyId><iops>3</iops></item>` +
				`<item><kmsKeyId>` + long[:n/3] + `</kmsKeyId><volumeId>v</volumeId><u>` + long + `</u><size>9</size></item>`
			body := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
				`<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><volumeSet>` + items +
				`</volumeSet><nextToken>n</nextToken></DescribeVolumesResponse>`)
			t.Run(fmt.Sprintf("%d/%q", n, fill), func(t *testing.T) {
				aAgreeBatch(t, o, body, [][]string{nil, {o.identity}, {o.identity, o.items + ".Size"}, {o.identity, o.items + ".KmsKeyId"}})
			})
		}
	}
}
