package fetch

import (
	"context"
	"fmt"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"math"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestHeapSizeMatchesTheRuntime keeps n answers of each kind, decoded by
// the SDK from awsfake's responses or read back from the disk cache, and
// compares the sum of their estimates with the heap they hold as the Go
// runtime measures it.
func TestHeapSizeMatchesTheRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap over thousands of calls")
	}
	// The estimate errs on the safe side: it is at most 10 % under what
	// the runtime measures (the SDK's XML decoders leave small strings in
	// 16-byte blocks shared with garbage, which the estimate counts as a
	// block each) and at most 15 % over (encoding/json packs them).
	const under, over = 0.10, 0.15
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 3, Regions: 4, InstancesPerRegion: 250, ImagesPerRegion: 5,
		DBInstancesPerRegion: 20, BucketsPerRegion: 1, ObjectsPerBucket: 300, Seed: 1})
	s, srv := testSession(t, ds, nil)
	cfg := s.base.Copy()
	cfg.Region = "us-east-2"
	ec2c, rdsc := ec2.NewFromConfig(cfg), rds.NewFromConfig(cfg)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	orgc := organizations.NewFromConfig(s.base)
	reg := ds.Accounts[0].Regions["us-east-2"]
	ids := make([]string, len(reg.Instances))
	for i, in := range reg.Instances {
		ids[i] = aws.ToString(in.InstanceId)
	}
	ctx := t.Context()
	tests := []struct {
		name string
		n    int
		call func(ctx context.Context, i int) (any, error)
	}{
		{"one instance by id", 1500, func(ctx context.Context, i int) (any, error) {
			return ec2c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids[i%len(ids) : i%len(ids)+1]})
		}},
		{"pages of 100 instances", 30, func(ctx context.Context, i int) (any, error) {
			return ec2c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(100)})
		}},
		{"regions", 3000, func(ctx context.Context, i int) (any, error) {
			return ec2c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
		}},
		{"images", 2000, func(ctx context.Context, i int) (any, error) {
			return ec2c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
		}},
		{"db instances", 100, func(ctx context.Context, i int) (any, error) {
			return rdsc.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
		}},
		{"organization accounts (JSON)", 3000, func(ctx context.Context, i int) (any, error) {
			return orgc.ListAccounts(ctx, &organizations.ListAccountsInput{})
		}},
		{"S3 objects (REST XML)", 200, func(ctx context.Context, i int) (any, error) {
			return s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(reg.Buckets[0].Name)})
		}},
	}
	disk := newDiskCache(t.TempDir(), time.Hour, 1<<30)
	for _, tt := range tests {
		for _, from := range []string{"network", "disk"} {
			t.Run(tt.name+" from "+from, func(t *testing.T) {
				first, err := tt.call(ctx, 0)
				if err != nil {
					t.Fatal(err)
				}
				next := func(i int) (any, error) {
					srv.Reset() // awsfake's log of requests is in this heap too
					return tt.call(ctx, i)
				}
				if from == "disk" {
					if err := disk.write("id", tt.name, first, allFields); err != nil {
						t.Fatal(err)
					}
					next = func(int) (any, error) {
						out := reflectNew(first)
						if _, _, ok := disk.read("id", tt.name, allFields, out); !ok {
							return nil, fmt.Errorf("no disk entry")
						}
						return out, nil
					}
				}
				kept := make([]any, tt.n)
				before := heldHeap()
				var estimate int64
				for i := range kept {
					out, err := next(i)
					if err != nil {
						t.Fatal(err)
					}
					kept[i] = detached(out)
					estimate += heapSize(kept[i], math.MaxInt64)
				}
				held := heldHeap() - before
				runtime.KeepAlive(kept)
				ratio := float64(estimate) / float64(held)
				t.Logf("%d answers: estimate %d B, runtime %d B (%.3f); %d B each", tt.n, estimate, held, ratio, held/int64(tt.n))
				if ratio < 1-under || ratio > 1+over {
					t.Errorf("estimated %d B for %d answers, the runtime measures %d B: off by %+.1f %%, outside -%.0f %% .. +%.0f %%",
						estimate, tt.n, held, 100*(ratio-1), 100*under, 100*over)
				}
			})
		}
	}
}

// reflectNew returns a new zero value of what out points to.
func reflectNew(out any) any { return reflect.New(reflect.TypeOf(out).Elem()).Interface() }

// BenchmarkHeapSize walks a decoded page of 1,000 instances (4 MB): in
// full, and up to the limit the call cache walks it to, against the SDK
// decoding it. Measured on the 2-core machine of bench/BENCHMARKS.md:
// decoding 184 ms, the full walk 6.7 ms (under 4 %), the walk to the
// limit 1.3 ms (under 1 %).
func BenchmarkHeapSize(b *testing.B) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 1000, Seed: 1})
	srv, url := awsfaketest.NewServer(b, ds)
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	s, err := NewSession(b.Context(), Options{AccessKeyID: key, SecretAccessKey: secret, EndpointURL: url,
		HomeRegion: "us-east-2", Isolated: true, Operations: internalOps})
	if err != nil {
		b.Fatal(err)
	}
	c := ec2.NewFromConfig(s.base)
	page := func() any {
		out, err := c.DescribeInstances(b.Context(), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)})
		if err != nil {
			b.Fatal(err)
		}
		return detached(out)
	}
	out := page()
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			page()
		}
	})
	b.Run("walk", func(b *testing.B) {
		for b.Loop() {
			heapSize(out, math.MaxInt64)
		}
	})
	b.Run("walk to the limit", func(b *testing.B) {
		for b.Loop() {
			heapSize(out, maxCachedCall)
		}
	})
}
