package awsfake_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// One 100-instance page through the real SDK: server work (signature check,
// filtering, XML) plus client decoding, which dominates.
func BenchmarkDescribeInstancesPage100(b *testing.B) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 1000, Seed: 1})
	srv, url := awsfaketest.NewServer(b, ds)
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	c := endpoint{srv: srv, url: url, key: key, secret: secret}.ec2("us-east-1")
	in := &ec2.DescribeInstancesInput{MaxResults: aws.Int32(100)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DescribeInstances(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
