package awsfake_test

import (
	"context"
	"fmt"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/internal/awsfake"
)

// The real SDK client reads the demo data set from the fake: point
// BaseEndpoint at it and sign with one of its accounts' keys.
func Example() {
	srv := awsfake.New(fakedata.Demo())
	hs := httptest.NewServer(srv)
	defer hs.Close()

	key, secret := srv.Credentials(fakedata.DemoAccountID)
	client := ec2.NewFromConfig(aws.Config{
		Region:       "us-west-2",
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(hs.URL),
		HTTPClient:   fetch.RaceFree(awshttp.NewBuildableClient()),
	})
	out, err := client.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("architecture"), Values: []string{"arm64"}}},
	})
	if err != nil {
		panic(err)
	}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			fmt.Println(i.InstanceType, i.State.Name)
		}
	}
	fmt.Println(srv.Operations(), srv.Count("DescribeInstances", fakedata.DemoAccountID, "us-west-2"))
	// Output:
	// m6g.large running
	// m6g.large running
	// m6g.large stopped
	// [ec2:DescribeInstances] 1
}
