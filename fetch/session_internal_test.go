package fetch

import (
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// internalOps are what these tests call, declared as tables declare theirs.
var internalOps = []Operation{
	Read[ec2.DescribeInstancesOutput]("EC2", "DescribeInstances", "ec2:DescribeInstances"),
	Read[rds.DescribeDBInstancesOutput]("RDS", "DescribeDBInstances", "rds:DescribeDBInstances"),
	Read[s3.ListBucketsOutput]("S3", "ListBuckets", "s3:ListAllMyBuckets"),
	Read[s3.ListObjectsV2Output]("S3", "ListObjectsV2", "s3:ListBucket"),
	Read[ec2.DescribeImagesOutput]("EC2", "DescribeImages", "ec2:DescribeImages"),
}

// testSession starts awsfake with ds and opens a session on its first
// account, over the four regions Generate fills.
func testSession(t *testing.T, ds *fakedata.Dataset, mod func(*Options)) (*Session, *awsfake.Server) {
	t.Helper()
	srv, url := awsfaketest.NewServer(t, ds)
	return openSession(t, srv, url, ds, mod), srv
}

// openSession opens a session on the first account of ds, served by srv.
func openSession(t *testing.T, srv *awsfake.Server, url string, ds *fakedata.Dataset, mod func(*Options)) *Session {
	t.Helper()
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	opts := Options{AccessKeyID: key, SecretAccessKey: secret, EndpointURL: url, HomeRegion: "us-east-1",
		Isolated: true, Regions: []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}, Operations: internalOps}
	if mod != nil {
		mod(&opts)
	}
	s, err := NewSession(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// heldHeap is the heap in use once the garbage is collected (twice, so
// that sync.Pools are emptied too).
func heldHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
