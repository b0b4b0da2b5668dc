package decode

import "testing"

// TestDecodeAttackCraftedInstances: hand-made DescribeInstances and
// DescribeDBInstances answers whose structure a streaming decoder might
// get wrong (paging tokens in odd places, known names inside unknown
// elements, empty sets, a BOM), through every projection.
func TestDecodeAttackCraftedInstances(t *testing.T) {
	ec2Doc := func(inner string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>` + inner +
			`</DescribeInstancesResponse>`)
	}
	inst := func(id, extra string) string {
		return `<item><instanceId>` + id + `</instanceId><instanceType>t3.micro</instanceType><instanceState><code>16</code><name>running</name></instanceState>` +
			`<tagSet><item><key>Name</key><value>n-` + id + `</value></item></tagSet>` + extra + `</item>`
	}
	res := func(items ...string) string {
		s := `<item><reservationId>r-1</reservationId><ownerId>1</ownerId><groupSet/><instancesSet>`
		for _, i := range items {
			s += i
		}
		return s + `</instancesSet></item>`
	}
	ec2Cases := []struct{ name, inner string }{
		{"nextToken first", `<nextToken>tok</nextToken><reservationSet>` + res(inst("i-1", "")) + `</reservationSet>`},
		{"nextToken last", `<reservationSet>` + res(inst("i-1", "")) + `</reservationSet><nextToken>tok</nextToken>`},
		{"nextToken inside an unknown element of an item", `<reservationSet>` + res(inst("i-1", `<newThing><nextToken>bad</nextToken></newThing>`)) + `</reservationSet>`},
		{"nextToken inside an unknown element of a reservation", `<reservationSet><item><reservationId>r</reservationId><future><nextToken>bad</nextToken></future><instancesSet>` + inst("i-1", "") + `</instancesSet></item></reservationSet><nextToken>good</nextToken>`},
		{"known names inside unknown", `<reservationSet>` + res(inst("i-1", `<newThing><instanceId>i-bad</instanceId><tagSet><item><key>X</key><value>Y</value></item></tagSet></newThing>`)) + `</reservationSet>`},
		{"item inside unknown inside instancesSet", `<reservationSet><item><instancesSet><wrapper><item><instanceId>i-bad</instanceId></item></wrapper>` + inst("i-1", "") + `</instancesSet></item></reservationSet>`},
		{"instancesSet twice", `<reservationSet><item><instancesSet>` + inst("i-1", "") + `</instancesSet><instancesSet>` + inst("i-2", "") + `</instancesSet></item></reservationSet>`},
		{"reservationSet twice", `<reservationSet>` + res(inst("i-1", "")) + `</reservationSet><reservationSet>` + res(inst("i-2", "")) + `</reservationSet>`},
		{"empty instancesSet", `<reservationSet><item><reservationId>r</reservationId><instancesSet/></item>` + res(inst("i-1", "")) + `</reservationSet>`},
		{"tag without value", `<reservationSet>` + res(inst("i-1", ""), `<item><instanceId>i-2</instanceId><tagSet><item><key>k</key></item><item><key>e</key><value/></item><item><value>v</value></item></tagSet></item>`) + `</reservationSet>`},
		{"tagSet twice", `<reservationSet>` + res(`<item><instanceId>i-2</instanceId><tagSet><item><key>a</key><value>1</value></item></tagSet><tagSet><item><key>b</key><value>2</value></item></tagSet></item>`) + `</reservationSet>`},
		{"state twice", `<reservationSet>` + res(`<item><instanceId>i-2</instanceId><instanceState><code>16</code><name>running</name></instanceState><instanceState><name>stopped</name></instanceState></item>`) + `</reservationSet>`},
		{"nested struct partial", `<reservationSet>` + res(`<item><instanceId>i-2</instanceId><cpuOptions><coreCount>4</coreCount></cpuOptions><cpuOptions><threadsPerCore>2</threadsPerCore></cpuOptions></item>`) + `</reservationSet>`},
		{"block devices", `<reservationSet>` + res(inst("i-1", `<blockDeviceMapping><item><deviceName>/dev/a</deviceName><ebs><volumeId>vol-1</volumeId><status>attached</status><attachTime>2025-01-02T03:04:05.000Z</attachTime><deleteOnTermination>true</deleteOnTermination></ebs></item><item><deviceName>/dev/b</deviceName></item></blockDeviceMapping>`)) + `</reservationSet>`},
		{"unicode and entities in tags", `<reservationSet>` + res(inst("i-1", ""), `<item><instanceId>i-3</instanceId><tagSet><item><key>&#x1F600;&amp;&lt;</key><value>a&#10;b&#13;c&#9;d &quot;e&quot; &apos;</value></item><item><key>ü</key><value><![CDATA[<x>&amp;]]></value></item></tagSet></item>`) + `</reservationSet>`},
		{"whitespace only values", `<reservationSet>` + res(`<item><instanceId>i-4</instanceId><keyName>   </keyName><privateIpAddress>
</privateIpAddress><tagSet><item><key> </key><value>	</value></item></tagSet></item>`) + `</reservationSet>`},
		{"launchTime forms", `<reservationSet>` + res(`<item><instanceId>i-5</instanceId><launchTime>2025-01-02T03:04:05Z</launchTime></item>`, `<item><instanceId>i-6</instanceId><launchTime>2025-01-02T03:04:05.123456789Z</launchTime></item>`, `<item><instanceId>i-7</instanceId><launchTime>2025-01-02T03:04:05+02:00</launchTime></item>`) + `</reservationSet>`},
		{"numbers", `<reservationSet>` + res(`<item><instanceId>i-8</instanceId><amiLaunchIndex>-0</amiLaunchIndex><instanceState><code>+16</code></instanceState><cpuOptions><coreCount>007</coreCount><threadsPerCore>2147483648</threadsPerCore></cpuOptions></item>`) + `</reservationSet>`},
		{"attribute with /> on an unknown element", `<reservationSet>` + res(`<item><u a="/>"><v>1</v></u><instanceId>i-a</instanceId><keyName>k</keyName></item>`, inst("i-b", "")) + `</reservationSet><nextToken>t</nextToken>`},
		{"attribute with > and /> on an unread member", `<reservationSet>` + res(`<item><instanceId>i-a</instanceId><kernelId a="x>y" b='/>'>k</kernelId><keyName>k</keyName><tagSet x="/>"><item><key>a</key><value>b</value></item></tagSet></item>`, inst("i-b", "")) + `</reservationSet>`},
		{"attribute with </ on an unknown element", `<reservationSet>` + res(`<item><u a="</item>"><w/></u><instanceId>i-a</instanceId></item>`, inst("i-b", "")) + `</reservationSet>`},
		{"comment and PI holding tags in an item", `<reservationSet>` + res(`<item><!-- <instanceId>i-bad</instanceId> --><?pi <instanceId>x</instanceId>?><instanceId>i-a</instanceId></item>`, inst("i-b", "")) + `</reservationSet>`},
		{"booleans", `<reservationSet>` + res(`<item><instanceId>i-9</instanceId><ebsOptimized>TRUE</ebsOptimized><enaSupport>1</enaSupport><sourceDestCheck>False</sourceDestCheck></item>`) + `</reservationSet>`},
	}
	for _, o := range operations() {
		if o.name != "DescribeInstances" {
			continue
		}
		for _, c := range ec2Cases {
			for _, body := range [][]byte{ec2Doc(c.inner), append([]byte("\xEF\xBB\xBF"), ec2Doc(c.inner)...)} {
				for _, paths := range projections(o) {
					if err := agree(o, body, paths); err != nil {
						t.Errorf("%s (%d bytes) %v: %v", c.name, len(body), paths, err)
					}
				}
			}
		}
	}

	rdsDoc := func(inner string) []byte {
		return []byte(`<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult>` + inner +
			`</DescribeDBInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`)
	}
	db := func(id, extra string) string {
		return `<DBInstance><DBInstanceIdentifier>` + id + `</DBInstanceIdentifier><DBInstanceArn>arn:` + id + `</DBInstanceArn><Engine>mysql</Engine>` +
			`<TagList><Tag><Key>k</Key><Value>v</Value></Tag></TagList>` + extra + `</DBInstance>`
	}
	rdsCases := []struct{ name, inner string }{
		{"Marker first", `<Marker>m</Marker><DBInstances>` + db("a", "") + `</DBInstances>`},
		{"Marker last", `<DBInstances>` + db("a", "") + `</DBInstances><Marker>m</Marker>`},
		{"Marker inside an unknown element of an item", `<DBInstances>` + db("a", `<Future><Marker>bad</Marker></Future>`) + `</DBInstances>`},
		{"Marker inside an item", `<DBInstances>` + db("a", `<Marker>bad</Marker>`) + `</DBInstances><Marker>good</Marker>`},
		{"empty lists", `<DBInstances/><Marker></Marker>`},
		{"lists of members", `<DBInstances>` + db("a", `<ReadReplicaDBInstanceIdentifiers><ReadReplicaDBInstanceIdentifier>x</ReadReplicaDBInstanceIdentifier><ReadReplicaDBInstanceIdentifier/></ReadReplicaDBInstanceIdentifiers><VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups>`) + `</DBInstances>`},
		{"member names other than the model's", `<DBInstances>` + db("a", `<ReadReplicaDBInstanceIdentifiers><member>x</member></ReadReplicaDBInstanceIdentifiers><VpcSecurityGroups><member><VpcSecurityGroupId>sg</VpcSecurityGroupId></member></VpcSecurityGroups>`) + `</DBInstances>`},
		{"Endpoint twice", `<DBInstances>` + db("a", `<Endpoint><Address>h</Address></Endpoint><Endpoint><Port>5432</Port></Endpoint>`) + `</DBInstances>`},
		{"a DBInstance with another name", `<DBInstances><Other>` + db("x", "") + `</Other>` + db("a", "") + `</DBInstances>`},
		{"entities", `<DBInstances>` + db("a&amp;b", `<DBName>&#x1F600;&lt;</DBName><MasterUsername><![CDATA[a]]]]><![CDATA[>b]]></MasterUsername>`) + `</DBInstances>`},
		{"numbers and bools", `<DBInstances>` + db("a", `<AllocatedStorage>0020</AllocatedStorage><MultiAZ>TRUE</MultiAZ><StorageEncrypted>0</StorageEncrypted><Iops>-1</Iops>`) + `</DBInstances>`},
		{"result twice", `<DBInstances>` + db("a", "") + `</DBInstances></DescribeDBInstancesResult><DescribeDBInstancesResult><DBInstances>` + db("b", "") + `</DBInstances>`},
	}
	for _, o := range operations() {
		if o.name != "DescribeDBInstances" {
			continue
		}
		for _, c := range rdsCases {
			body := rdsDoc(c.inner)
			for _, paths := range projections(o) {
				if err := agree(o, body, paths); err != nil {
					t.Errorf("%s %v: %v", c.name, paths, err)
				}
			}
		}
	}
}
