package decode

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// An operation decoded here, as the tests name it.
type operation struct {
	service, name string // the SDK's service id and the operation
	identity      string // the path of the items' identity, which every projection holds
	items         string // the path of the items in the output
}

func operations() []operation {
	return []operation{
		{"EC2", "DescribeInstances", "Reservations.Instances.InstanceId", "Reservations.Instances"},
		{"EC2", "DescribeImages", "Images.ImageId", "Images"},
		{"EC2", "DescribeReservedInstances", "ReservedInstances.ReservedInstancesId", "ReservedInstances"},
		{"EC2", "DescribeVolumes", "Volumes.VolumeId", "Volumes"},
		{"EC2", "DescribeSnapshots", "Snapshots.SnapshotId", "Snapshots"},
		{"RDS", "DescribeDBInstances", "DBInstances.DBInstanceArn", "DBInstances"},
	}
}

// awsfakeService is the service as awsfake names it.
func (o operation) awsfakeService() string { return strings.ToLower(o.service) }

// outputType is the operation's SDK output type.
func (o operation) outputType() reflect.Type {
	m, _ := reflect.TypeOf(o.client(nil)).MethodByName(o.name)
	return m.Type.Out(0).Elem()
}

// client is the SDK's client of the operation's service, answered by
// body over a canned HTTP response.
func (o operation) client(body []byte) any {
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIADECODERTEST00001", "secret", ""),
		HTTPClient:       canned(body),
		BaseEndpoint:     aws.String("http://aws.invalid"),
		RetryMaxAttempts: 1,
	}
	if o.service == "RDS" {
		return rds.NewFromConfig(cfg)
	}
	return ec2.NewFromConfig(cfg)
}

// sdk decodes body with the SDK's own deserializer, as a call answered
// with it would.
func (o operation) sdk(body []byte) (any, error) {
	c := reflect.ValueOf(o.client(body))
	m := c.MethodByName(o.name)
	res := m.Call([]reflect.Value{reflect.ValueOf(context.Background()), reflect.New(m.Type().In(1).Elem())})
	if err, _ := res[1].Interface().(error); err != nil {
		return nil, err
	}
	return res[0].Interface(), nil
}

// fast decodes body with the fast decoder, for paths.
func (o operation) fast(body []byte, paths []string, onSkip func(from, to int64)) (any, error) {
	if o.service == "EC2" {
		return decodeEC2(o.name, bytes.NewReader(body), paths, onSkip)
	}
	return decodeQuery(o.service, o.name, bytes.NewReader(body), paths, onSkip)
}

// canned answers every request with a 200 and body.
type canned []byte

func (c canned) Do(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/xml;charset=UTF-8"}},
		Body: io.NopCloser(bytes.NewReader(c)), ContentLength: int64(len(c)), Request: r,
	}, nil
}

// projectedDiff compares a and b on the fields of projection n only;
// "" when they agree.
func projectedDiff(a, b any, n *node) string {
	var diffs []string
	walkProjected(reflect.ValueOf(a), reflect.ValueOf(b), n, "", &diffs)
	return strings.Join(diffs, "\n")
}

func walkProjected(a, b reflect.Value, n *node, path string, diffs *[]string) {
	if n.all {
		if !a.IsValid() || !b.IsValid() {
			if a.IsValid() != b.IsValid() {
				*diffs = append(*diffs, path+": one is missing")
			}
			return
		}
		if d := cmp.Diff(a.Interface(), b.Interface(), cmpopts.IgnoreUnexported(structTypes(a.Type())...), cmpopts.IgnoreTypes(middleware.Metadata{})); d != "" {
			*diffs = append(*diffs, path+": "+d)
		}
		return
	}
	for a.Kind() == reflect.Pointer || a.Kind() == reflect.Interface {
		if a.IsNil() != b.IsNil() {
			*diffs = append(*diffs, fmt.Sprintf("%s: nil %v, other nil %v", path, a.IsNil(), b.IsNil()))
			return
		}
		if a.IsNil() {
			return
		}
		a, b = a.Elem(), b.Elem()
	}
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() != b.Len() || a.IsNil() != b.IsNil() {
			*diffs = append(*diffs, fmt.Sprintf("%s: %d items (nil %v), other %d (nil %v)", path, a.Len(), a.IsNil(), b.Len(), b.IsNil()))
			return
		}
		for i := range a.Len() {
			walkProjected(a.Index(i), b.Index(i), n, fmt.Sprintf("%s[%d]", path, i), diffs)
		}
	case reflect.Struct:
		for name, k := range n.kids {
			walkProjected(a.FieldByName(name), b.FieldByName(name), k, path+"."+name, diffs)
		}
	}
}

// structTypes lists the struct types t holds, for cmpopts.IgnoreUnexported.
func structTypes(t reflect.Type) []any {
	seen := map[reflect.Type]bool{}
	var out []any
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t == timeType {
			return
		}
		seen[t] = true
		out = append(out, reflect.Zero(t).Interface())
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	walk(t)
	return out
}
