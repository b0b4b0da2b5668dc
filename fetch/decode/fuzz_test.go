package decode

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// fuzzProjections are the projections the fuzz target decodes with, by
// index: everything, the identity alone, and a few fields deep and shallow.
func fuzzProjections(o operation) [][]string {
	return [][]string{
		nil,
		{o.identity},
		{o.identity, o.items + ".Tags", o.items + ".State", o.items + ".Platform", o.items + ".NetworkInterfaces.Attachment",
			o.items + ".BlockDeviceMappings.Ebs.VolumeId", o.items + ".DBSubnetGroup.Subnets", o.items + ".Encrypted"},
	}
}

// FuzzDecoders decodes answers with the SDK and with the fast decoder and
// wants them to agree (see agree): the SDK is the oracle. The seeds are
// awsfake's answers with every field set, in every form rewrites makes,
// and pages of generated data as awsfake serves them.
func FuzzDecoders(f *testing.F) {
	for i, o := range operations() {
		for variant := range 2 {
			f.Add(filledAnswer(f, o, variant), uint8(i), uint8(variant))
		}
		body := filledAnswer(f, o, 0)
		for j, rw := range rewrites {
			f.Add(rewrite(f, body, rw.tok), uint8(i), uint8(j))
		}
	}
	for i, page := range generatedPages(f) {
		f.Add(page, uint8(i), uint8(i))
	}
	f.Fuzz(func(t *testing.T, doc []byte, op, proj uint8) {
		o := operations()[int(op)%len(operations())]
		ps := fuzzProjections(o)
		if err := agree(o, doc, ps[int(proj)%len(ps)]); err != nil {
			t.Fatal(err)
		}
	})
}

// generatedPages are the answers awsfake gives to the operations, in the
// order of operations(), for a generated data set.
func generatedPages(t testing.TB) [][]byte {
	return generatedPagesOf(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 3, ImagesPerRegion: 3,
		DBInstancesPerRegion: 3, ReservedPerRegion: 3, Seed: 1}))
}

// generatedPagesOf is generatedPages for the data set ds.
func generatedPagesOf(t testing.TB, ds *fakedata.Dataset) [][]byte {
	srv, url := awsfaketest.NewServer(t, ds)
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	rec := &recorder{rt: awshttp.NewBuildableClient()}
	cfg := aws.Config{Region: fakedata.Regions()[0], Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(url), HTTPClient: rec}
	c, ctx := ec2.NewFromConfig(cfg), context.Background()
	calls := []func() error{
		func() error { _, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); return err },
		func() error {
			_, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
			return err
		},
		func() error {
			_, err := c.DescribeReservedInstances(ctx, &ec2.DescribeReservedInstancesInput{})
			return err
		},
		func() error { _, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{}); return err },
		func() error {
			_, err := c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
			return err
		},
		func() error {
			_, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
			return err
		},
	}
	var pages [][]byte
	for _, call := range calls {
		if err := call(); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, rec.last)
	}
	return pages
}

// recorder keeps the body of the last answer.
type recorder struct {
	rt   aws.HTTPClient
	last []byte
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.rt.Do(req)
	if err != nil {
		return resp, err
	}
	r.last, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(r.last))
	return resp, err
}
