package fetch

import (
	"context"
	"fmt"
	"io"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/awssql/awssql/fetch/decode"
)

// The decoders a session may read answers with (Options.Decoder).
const (
	// DecoderAWSSQL reads the answers of the operations listed by Decoders
	// with awssql's own decoder, for the fields the statement reads; the
	// SDK's decoder reads the others.
	DecoderAWSSQL = "awssql"
	// DecoderSDK reads every answer with the SDK's decoder, whole: for
	// comparison, and as a way back.
	DecoderSDK = "sdk"
	// DecoderFloor reads the answers of the operations listed by Decoders
	// to their end and drops them: every page is empty. No statement
	// should use it; a benchmark does, to measure the lower bound of any
	// decoder (the calls, the transport, the engine), which the others
	// are compared with.
	DecoderFloor = "floor"
)

// Decoders lists the operations whose answers awssql decodes itself
// ("EC2 DescribeInstances"), unless Options.Decoder is DecoderSDK.
func Decoders() []string {
	var out []string
	for _, d := range decoders() {
		out = append(out, d.service+" "+d.name)
	}
	return out
}

type fastDecoder struct {
	service, name string
	decode        func(r io.Reader, paths []string) (any, error)
}

func decoders() []fastDecoder {
	ec2 := func(op string) fastDecoder {
		return fastDecoder{"EC2", op, func(r io.Reader, paths []string) (any, error) { return decode.EC2(op, r, paths) }}
	}
	return []fastDecoder{
		ec2("DescribeInstances"), ec2("DescribeImages"), ec2("DescribeReservedInstances"),
		ec2("DescribeVolumes"), ec2("DescribeSnapshots"),
		{"RDS", "DescribeDBInstances", func(r io.Reader, paths []string) (any, error) {
			return decode.Query("RDS", "DescribeDBInstances", r, paths)
		}},
	}
}

// decoding puts awssql's decoder in the place of the SDK's deserializer of
// each operation, in the SDK's deserialize step. Everything around it
// stays the SDK's and awssql's: signing, retries, throttling, the paging
// tokens (the output's fields), the answer's whole-body check below it,
// the caches above it. It decodes successful answers of the operations it
// knows; an error answer, and any answer of the others, goes to the SDK's
// deserializer, which is also what answers every call under DecoderSDK.
// Each successful answer is counted under the decoder that read it.
func (s *Session) decoding(stack *middleware.Stack) error {
	sdk, ok := stack.Deserialize.Get("OperationDeserializer")
	if !ok {
		return nil
	}
	var fast *fastDecoder
	if s.opts.Decoder != DecoderSDK {
		for _, d := range decoders() {
			if d.name == stack.ID() {
				fast = &d
			}
		}
	}
	_, err := stack.Deserialize.Swap("OperationDeserializer", &deserializer{sdk: sdk, fast: fast, floor: s.opts.Decoder == DecoderFloor})
	return err
}

type deserializer struct {
	sdk   middleware.DeserializeMiddleware
	fast  *fastDecoder
	floor bool // DecoderFloor: answers dropped
}

// ID keeps the SDK's, which other middleware is placed by.
func (*deserializer) ID() string { return "OperationDeserializer" }

func (m *deserializer) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	out middleware.DeserializeOutput, md middleware.Metadata, err error,
) {
	if m.fast == nil || awsmiddleware.GetServiceID(ctx) != m.fast.service {
		return m.bySDK(ctx, in, next)
	}
	out, md, err = next.HandleDeserialize(ctx, in)
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if err != nil || !ok || resp.StatusCode < 200 || resp.StatusCode >= 300 {
		// A failure, or AWS's error answer: the SDK's, as it comes.
		return m.bySDK(ctx, in, answered{out, md, err})
	}
	defer func() { smithyhttp.CloseResponseBody(ctx, resp, false, err) }()
	if m.floor {
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return out, md, &smithy.DeserializationError{Err: fmt.Errorf("failed to read response body, %w", err)}
		}
		if cf := callFieldsFrom(ctx); cf != nil {
			cf.by = DecoderFloor
		}
		out.Result, err = m.fast.decode(strings.NewReader(""), nil)
		return out, md, err
	}
	want := allFields
	cf := callFieldsFrom(ctx)
	if cf != nil {
		want = cf.want
	}
	result, derr := m.fast.decode(decode.Body{Reader: resp.Body, Length: resp.ContentLength}, want.list())
	if derr != nil {
		return out, md, &smithy.DeserializationError{Err: fmt.Errorf("failed to decode response body, %w", derr)}
	}
	out.Result = result
	if cf != nil {
		cf.got = want
		cf.by = DecoderAWSSQL
	}
	StatsFrom(ctx).decoded(DecoderAWSSQL)
	return out, md, nil
}

// bySDK has the SDK's deserializer decode the answer, whole.
func (m *deserializer) bySDK(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	out, md, err := m.sdk.HandleDeserialize(ctx, in, next)
	if err == nil {
		if cf := callFieldsFrom(ctx); cf != nil {
			cf.got = allFields
			cf.by = DecoderSDK
		}
		StatsFrom(ctx).decoded(DecoderSDK)
	}
	return out, md, err
}

// answered hands the SDK's deserializer an answer already received.
type answered struct {
	out middleware.DeserializeOutput
	md  middleware.Metadata
	err error
}

func (a answered) HandleDeserialize(context.Context, middleware.DeserializeInput) (middleware.DeserializeOutput, middleware.Metadata, error) {
	return a.out, a.md, a.err
}
