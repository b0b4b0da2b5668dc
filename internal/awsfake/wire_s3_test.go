package awsfake

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
)

// TestS3RoundTrip is TestRoundTrip for the S3 operations s3Encoder
// answers: each output, filled by reflection (all values set and nonzero,
// then all set and zero or empty), is encoded as the server answers it,
// decoded by the real S3 client over HTTP and compared with what went in,
// headers included.
func TestS3RoundTrip(t *testing.T) {
	for op := range s3Encoded {
		if _, ok := s3Roots[op]; !ok {
			t.Errorf("%s is answered through s3Encoder but has no line in s3Roots", op)
		}
	}
	enc := newS3Encoder(s3Names())
	for _, op := range slices.Sorted(maps.Keys(s3Roots)) {
		for variant := range 2 {
			t.Run(fmt.Sprintf("%s/%d", op, variant), func(t *testing.T) { s3RoundTrip(t, enc, op, variant) })
		}
	}
}

func s3RoundTrip(t *testing.T, enc *s3Encoder, op string, variant int) {
	method, ok := reflect.TypeFor[*s3.Client]().MethodByName(op)
	if !ok {
		t.Fatalf("the S3 client has no %s", op)
	}
	want := reflect.New(method.Type.Out(0).Elem())
	fill(t, want.Elem(), op+"Output", variant)
	headerSafe(t, enc, want.Elem())
	if op == "GetBucketPolicy" {
		// S3 never answers an empty policy; an empty body decodes as none.
		want.Elem().FieldByName("Policy").Set(reflect.ValueOf(aws.String(`{"Version":"2012-10-17","Statement":[]}`)))
	}
	header, body, err := enc.encode(op, want.Interface())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		maps.Copy(w.Header(), header)
		if body != nil {
			w.Header().Set("Content-Type", "application/xml")
		}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	}))
	defer hs.Close()
	client := s3.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIAROUNDTRIP0000001", "secret", ""),
		BaseEndpoint:     aws.String(hs.URL),
		HTTPClient:       fetch.RaceFree(awshttp.NewBuildableClient()),
		RetryMaxAttempts: 1,
	}, func(o *s3.Options) { o.UsePathStyle = true })
	// The input names a bucket and key and what the operation requires;
	// the handler ignores it.
	in := reflect.New(method.Type.In(2).Elem())
	for name, v := range map[string]any{"Bucket": aws.String("bucket"), "Key": aws.String("key"),
		"ObjectAttributes": []s3types.ObjectAttributes{s3types.ObjectAttributesChecksum}} {
		if f := in.Elem().FieldByName(name); f.IsValid() {
			f.Set(reflect.ValueOf(v))
		}
	}
	res := reflect.ValueOf(client).MethodByName(op).Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
	if err, _ := res[1].Interface().(error); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Interface(), res[0].Interface(), ignoreUnexported, cmp.Comparer(func(a, b middleware.Metadata) bool { return true })); diff != "" {
		t.Errorf("%s decoded differs from what awsfake encoded (-sent +decoded):\n%s", op, diff)
	}
}

// headerSafe makes the members of an output that S3 sends as headers what
// headers can carry: printable ASCII without edge spaces (which the SDK
// trims), metadata keys that are tokens, timestamps in whole seconds (an
// HTTP date has no more), and Expires and ExpiresString, one header, alike.
func headerSafe(t *testing.T, enc *s3Encoder, v reflect.Value) {
	enc.mu.Lock()
	x, err := enc.compile(v.Type())
	enc.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range x.headers {
		f := v.Field(h.index)
		switch {
		case h.prefix:
			if f.Len() > 0 {
				f.Set(reflect.ValueOf(map[string]string{"color": "blue-" + h.name}))
			}
		case f.Kind() == reflect.Pointer && f.Elem().Kind() == reflect.String && f.Elem().String() != "":
			f.Elem().SetString("value-of-" + h.name)
		case f.Kind() == reflect.Pointer && f.Type().Elem() == timeType:
			f.Set(reflect.ValueOf(aws.Time(f.Elem().Interface().(time.Time).Truncate(time.Second))))
		}
	}
	exp, str := v.FieldByName("Expires"), v.FieldByName("ExpiresString")
	if exp.IsValid() && str.IsValid() && !exp.IsNil() {
		str.Set(reflect.ValueOf(aws.String(smithytime.FormatHTTPDate(*exp.Interface().(*time.Time)))))
	}
}

// TestS3AnswerShape checks what the round trip cannot: the root elements
// (the SDK does not look at them), the grantee's attribute as S3 writes it,
// and the lists S3 flattens, against the examples of S3's API reference.
// Members come in the SDK's field order, which need not be S3's: no
// decoder minds, so only what each element holds is checked.
func TestS3AnswerShape(t *testing.T) {
	enc := newS3Encoder(s3Names())
	tests := []struct {
		op   string
		out  any
		want []string // substrings of the body
	}{
		{"GetBucketAcl", &s3.GetBucketAclOutput{Owner: &s3types.Owner{ID: aws.String("o")}, Grants: []s3types.Grant{{
			Grantee: &s3types.Grantee{ID: aws.String("o"), Type: s3types.TypeCanonicalUser}, Permission: s3types.PermissionFullControl}}},
			[]string{`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`, `<Owner><ID>o</ID></Owner>`,
				`<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>`}},
		{"GetBucketLifecycleConfiguration", &s3.GetBucketLifecycleConfigurationOutput{Rules: []s3types.LifecycleRule{
			{ID: aws.String("a"), Status: s3types.ExpirationStatusEnabled}, {ID: aws.String("b"), Status: s3types.ExpirationStatusDisabled}}},
			[]string{`<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>`, `<ID>a</ID>`, `</Rule><Rule>`, `<ID>b</ID>`}},
		{"GetBucketTagging", &s3.GetBucketTaggingOutput{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}},
			[]string{`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`}},
		{"GetBucketVersioning", &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatusEnabled, MFADelete: s3types.MFADeleteStatusDisabled},
			[]string{`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`, `<MfaDelete>Disabled</MfaDelete>`, `<Status>Enabled</Status>`}},
		{"GetBucketVersioning", &s3.GetBucketVersioningOutput{}, // never enabled: an empty document
			[]string{`<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></VersioningConfiguration>`}},
		{"GetBucketPolicyStatus", &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(true)}},
			[]string{`<PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>true</IsPublic></PolicyStatus>`}},
		{"GetObjectAttributes", &s3.GetObjectAttributesOutput{ETag: aws.String("e"), ObjectParts: &s3types.GetObjectAttributesParts{
			TotalPartsCount: aws.Int32(2), Parts: []s3types.ObjectPart{{PartNumber: aws.Int32(1)}, {PartNumber: aws.Int32(2)}}}},
			[]string{`<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`, `<ETag>e</ETag>`,
				`<Part><PartNumber>1</PartNumber></Part><Part><PartNumber>2</PartNumber></Part>`, `<PartsCount>2</PartsCount>`}},
		{"GetBucketNotificationConfiguration", &s3.GetBucketNotificationConfigurationOutput{QueueConfigurations: []s3types.QueueConfiguration{{
			QueueArn: aws.String("q"), Events: []s3types.Event{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}}}},
			[]string{`<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><QueueConfiguration>`,
				`<Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>`}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			_, body, err := enc.encode(tt.op, tt.out)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("no %s in\n%s", w, body)
				}
			}
		})
	}
	// Headers: HTTP dates for Last-Modified and Expires, ISO 8601 for the
	// retention date, metadata under x-amz-meta-.
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	h, body, err := enc.encode("HeadObject", &s3.HeadObjectOutput{LastModified: &at, ObjectLockRetainUntilDate: &at,
		Metadata: map[string]string{"owner": "me"}, ContentLength: aws.Int64(3), TagCount: aws.Int32(2)})
	if err != nil || body != nil {
		t.Fatalf("HeadObject: a body (%q) or %v", body, err)
	}
	for k, v := range map[string]string{"Last-Modified": "Thu, 01 Oct 2026 12:00:00 GMT", "X-Amz-Object-Lock-Retain-Until-Date": "2026-10-01T12:00:00Z",
		"X-Amz-Meta-Owner": "me", "Content-Length": "3", "X-Amz-Tagging-Count": "2"} {
		if got := h.Get(k); got != v {
			t.Errorf("HeadObject %s: %q, want %q", k, got, v)
		}
	}
}
