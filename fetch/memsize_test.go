package fetch

import (
	"context"
	"fmt"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"math"
	"reflect"
	"runtime"
	"slices"
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
					if err := disk.write("id", tt.name, first, allFields, DecoderAWSSQL); err != nil {
						t.Fatal(err)
					}
					next = func(int) (any, error) {
						out := reflectNew(first)
						if _, _, ok := disk.read("id", tt.name, allFields, DecoderAWSSQL, out); !ok {
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
// decoding it, planned and by reflect alone. Measured on the 2-core machine
// of bench/BENCHMARKS.md: decoding 154 ms; the whole walk 1.74 ms planned,
// 5.94 ms by reflect; to the limit 0.36 ms planned, 1.33 ms by reflect.
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
	var z sizer
	reflectWalk := func(v any, limit int64) int64 {
		w := sizeWalk{limit: limit}
		w.alloc(reflect.TypeOf(v).Elem())
		w.walk(reflect.ValueOf(v).Elem(), 0)
		return w.n
	}
	for _, limit := range []int64{math.MaxInt64, maxCachedCall} {
		name := "whole"
		if limit == maxCachedCall {
			name = "to the limit"
		}
		b.Run("walk "+name, func(b *testing.B) {
			for b.Loop() {
				z.heapSize(out, limit)
			}
		})
		b.Run("reflect walk "+name, func(b *testing.B) {
			for b.Loop() {
				reflectWalk(out, limit)
			}
		})
	}
}

// TestPlannedHeapSizeIsTheWalks: the planned walk counts what the reflect
// walk it replaced counts, value for value, for every kind of answer the
// call cache keeps: each operation's pages decoded whole and for a few
// fields by either decoder, read back from the disk cache, and cut at
// every limit the cache walks to.
func TestPlannedHeapSizeIsTheWalks(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 2, Regions: 1, InstancesPerRegion: 40, ImagesPerRegion: 10,
		DBInstancesPerRegion: 5, ReservedPerRegion: 5, BucketsPerRegion: 1, ObjectsPerBucket: 30, Seed: 1})
	reg := ds.Accounts[0].Regions["us-east-1"]
	walked := func(v any, limit int64) int64 {
		w := sizeWalk{limit: limit}
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && !rv.IsNil() {
			w.alloc(rv.Type().Elem())
			w.walk(rv.Elem(), 0)
		}
		return w.n
	}
	var z sizer // one, as the cache has: plans made for one answer serve the next
	disk := newDiskCache(t.TempDir(), time.Hour, 1<<30)
	for _, decoder := range []string{DecoderAWSSQL, DecoderSDK} {
		s, _ := testSession(t, ds, func(o *Options) {
			o.Decoder = decoder
			o.Operations = append(slices.Clone(internalOps),
				Read[ec2.DescribeReservedInstancesOutput]("EC2", "DescribeReservedInstances", "ec2:DescribeReservedInstances"),
				Read[ec2.DescribeVolumesOutput]("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
				Read[ec2.DescribeSnapshotsOutput]("EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"))
		})
		if _, err := s.Identity(t.Context()); err != nil { // the caller's own account: no role to assume
			t.Fatal(err)
		}
		c := s.Client(Target{Account: ds.Accounts[0].ID, Region: "us-east-1"})
		ec2c, rdsc := Service(c, ec2.NewFromConfig), Service(c, rds.NewFromConfig)
		s3c := s3.NewFromConfig(s.base, func(o *s3.Options) { o.UsePathStyle = true })
		orgc := organizations.NewFromConfig(s.base)
		calls := []struct {
			name    string
			call    func(ctx context.Context) (any, error)
			project func(ctx context.Context) context.Context // a few fields of each resource, the rest left nil
		}{
			{"instances", func(ctx context.Context) (any, error) {
				return ec2c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			}, func(ctx context.Context) context.Context {
				return Project[ec2.DescribeInstancesOutput](ctx, []string{"Reservations.Instances.InstanceId"})
			}},
			{"images", func(ctx context.Context) (any, error) {
				return ec2c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
			}, func(ctx context.Context) context.Context {
				return Project[ec2.DescribeImagesOutput](ctx, []string{"Images.ImageId"})
			}},
			{"reserved instances", func(ctx context.Context) (any, error) {
				return ec2c.DescribeReservedInstances(ctx, &ec2.DescribeReservedInstancesInput{})
			}, nil},
			{"volumes", func(ctx context.Context) (any, error) { return ec2c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{}) }, func(ctx context.Context) context.Context {
				return Project[ec2.DescribeVolumesOutput](ctx, []string{"Volumes.VolumeId"})
			}},
			{"snapshots", func(ctx context.Context) (any, error) {
				return ec2c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
			}, func(ctx context.Context) context.Context {
				return Project[ec2.DescribeSnapshotsOutput](ctx, []string{"Snapshots.SnapshotId"})
			}},
			{"regions", func(ctx context.Context) (any, error) { return ec2c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{}) }, nil},
			{"db instances", func(ctx context.Context) (any, error) {
				return rdsc.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
			}, func(ctx context.Context) context.Context {
				return Project[rds.DescribeDBInstancesOutput](ctx, []string{"DBInstances.DBInstanceIdentifier"})
			}},
			{"accounts", func(ctx context.Context) (any, error) {
				return orgc.ListAccounts(ctx, &organizations.ListAccountsInput{})
			}, nil},
			{"objects", func(ctx context.Context) (any, error) {
				return s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(reg.Buckets[0].Name)})
			}, nil},
		}
		for _, tt := range calls {
			for _, projected := range []bool{false, true} {
				ctx := t.Context()
				if projected {
					if tt.project == nil {
						continue
					}
					ctx = tt.project(ctx)
				}
				out, err := tt.call(ctx)
				if err != nil {
					t.Fatalf("%s %s: %v", decoder, tt.name, err)
				}
				out = detached(out)
				fromDisk := reflectNew(out)
				if err := disk.write("id", tt.name, out, allFields, DecoderAWSSQL); err != nil {
					t.Fatal(err)
				}
				if _, _, ok := disk.read("id", tt.name, allFields, DecoderAWSSQL, fromDisk); !ok {
					t.Fatalf("%s: no disk entry", tt.name)
				}
				for _, v := range []any{out, fromDisk} {
					full := walked(v, math.MaxInt64)
					if full == 0 {
						t.Fatalf("%s %s: nothing walked", decoder, tt.name)
					}
					for _, limit := range []int64{math.MaxInt64, maxCachedCall, full / 2, full / 7, 100, 0} {
						if got, want := z.heapSize(v, limit), walked(v, limit); got != want {
							t.Errorf("%s %s (projected %v), limit %d: planned %d B, walked %d B", decoder, tt.name, projected, limit, got, want)
						}
					}
				}
			}
		}
	}
}
