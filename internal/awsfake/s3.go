package awsfake

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// S3 speaks REST: the method, the path (bucket and key) and the query name
// the operation, answers are XML documents or raw bodies with the metadata
// in headers, and errors are <Error> documents (or, for HEAD, a bare
// status). The server serves ListBuckets, HeadBucket, ListObjectsV2 and
// GetObject, and the reads of a bucket's configuration and an object's
// metadata in s3Encoded (s3config.go); every other S3 operation is recorded
// under its name and answered 501 NotImplemented. Not modelled: versions
// (one version a key: a versionId other than "null", or the object's own on
// its metadata calls, is InvalidArgument), partNumber (NotImplemented),
// conditional GETs (If-Match and the like are ignored), presigned URLs
// (answered as anonymous requests), ListObjects (v1).
//
// Addressing. Path-style requests name the bucket in the first path
// segment (/bucket/key). A request is virtual-hosted when its Host (less
// the port) has a label "s3" or "s3-..." after the first label, or, having
// no such label, ends in ".localhost": the labels before the last such "s3"
// label, or before "localhost", are the bucket, and the whole path is the
// key. So with BaseEndpoint http://s3.localhost:PORT the SDK's
// virtual-hosted requests (Host logs.s3.localhost:PORT, or
// my.dotted.bucket.s3.localhost:PORT) and its path-style ones (Host
// s3.localhost:PORT) are both understood, and so are AWS's own host names
// (bucket.s3.eu-west-1.amazonaws.com). An IP address, "localhost" or any
// other host is path-style.
//
// Routing. A request is S3's when its SigV4 credential scope names the
// service "s3", or when it is not SigV4-signed, is a GET or HEAD and has no
// Action parameter. Without an Authorization header it is anonymous: AWS
// answers AccessDenied (or NoSuchBucket), with the bucket's region in
// x-amz-bucket-region for HEAD, which the SDK's bucket-region lookup relies
// on. With one that is not SigV4 it is malformed (400).
//
// Signatures. S3 signs the X-Amz-Content-Sha256 header's value as the
// payload hash (UNSIGNED-PAYLOAD, or the hex SHA-256 of the body, which is
// checked against the body) and does not escape the path a second time in
// the canonical request. Authentication errors take S3's codes
// (InvalidAccessKeyId, SignatureDoesNotMatch, ExpiredToken).
//
// Regions. A bucket lives in one region; a signed request for it in
// another region is answered 301 PermanentRedirect with the bucket's
// region in x-amz-bucket-region (400 IllegalLocationConstraintException
// when the bucket's region is an opt-in one, as S3 does for regions
// launched after March 2019). ListBuckets answers in every region.
//
// Access. A bucket's owner and the accounts in its Readers may read it
// (list and get); anyone else is answered 403 AccessDenied.
// x-amz-expected-bucket-owner is honoured.
//
// Recording and faults. Request.Service is "s3" and Request.Operation the
// operation's name (the SDK's, not the IAM action: ListObjectsV2 and
// HeadBucket are both s3:ListBucket); Request.Account the caller's account,
// also when it reads another account's bucket. Request.Params holds the
// query parameters (less the SDK's x-id marker) and, when present,
// "Bucket", "Key" and "Range" (the Range header), so faults and tests can
// match on them. Faults apply, as to the other services, once the request
// is authenticated and names a served operation, before the bucket is
// looked up. S3's throttling code is SlowDown (503).

// newS3Signer verifies S3 signatures: S3's canonical URI is the path as
// sent. Each server has its own: a signer keeps the keys it derived by
// region, service and access key id, not by secret, and two servers may
// give one key id different secrets (generated data sets of two seeds).
func newS3Signer() *v4.Signer {
	return v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
}

const (
	s3Namespace        = "http://s3.amazonaws.com/doc/2006-03-01/"
	s3UnsignedPayload  = "UNSIGNED-PAYLOAD"
	s3TimeFormat       = "2006-01-02T15:04:05.000Z"
	s3DefaultMaxKeys   = 1000
	s3MaxBucketsPerReq = 10000
)

// isS3 reports whether r is an S3 request; see the comment above.
func isS3(r *http.Request) bool {
	if auth, signed := parseAuthorization(r.Header.Get("Authorization")); signed {
		return auth.service == "s3"
	}
	if r.Header.Get("X-Amz-Target") != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	return !r.URL.Query().Has("Action")
}

// serveS3Hook answers r when it is an S3 request, reporting whether it did.
func (s *Server) serveS3Hook(w http.ResponseWriter, r *http.Request) bool {
	if !isS3(r) {
		return false
	}
	s.serveS3(w, r)
	return true
}

// s3Call is one S3 request being answered.
type s3Call struct {
	*call
	r           *http.Request
	query       url.Values
	bucket, key string
}

// s3Response is a successful answer: an XML document or a raw body, with
// headers.
type s3Response struct {
	status int // 0: 200
	header http.Header
	doc    any    // marshalled to XML, or
	body   []byte // sent as is
}

// s3Error is an S3 error answer.
type s3Error struct {
	status        int
	code, message string
	fields        []s3Field   // elements after Message, in order
	region        string      // x-amz-bucket-region, when the bucket is known
	header        http.Header // more headers (Content-Range of InvalidRange)
}

type s3Field struct{ name, value string }

func s3Errorf(status int, code, message string, fields ...s3Field) *s3Error {
	return &s3Error{status: status, code: code, message: message, fields: fields}
}

// fromAPIError turns an error of the shared machinery (authentication,
// faults) into S3's code and message for it.
func fromAPIError(e *apiError, accessKeyID string) *s3Error {
	switch e.Code {
	case "InvalidClientTokenId", "AuthFailure":
		return s3Errorf(http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
			s3Field{"AWSAccessKeyId", accessKeyID})
	case "SignatureDoesNotMatch":
		return s3Errorf(http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			s3Field{"AWSAccessKeyId", accessKeyID})
	case "ExpiredToken":
		return s3Errorf(http.StatusBadRequest, "ExpiredToken", "The provided token has expired.")
	}
	return s3Errorf(e.Status, e.Code, e.Message)
}

func (s *Server) serveS3(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	auth, signed := parseAuthorization(r.Header.Get("Authorization"))
	sc := newS3Call(s, r, auth.region)
	idx, gen := s.arrive(sc.call)

	resp, serr, canceled := s.answerS3(sc, body, auth, signed)
	if canceled {
		s.finish(idx, gen, sc.call, 0, "", true)
		return
	}
	status, code := http.StatusOK, ""
	switch {
	case serr != nil:
		status, code = serr.status, serr.code
	case resp.status != 0:
		status = resp.status
	}
	s.finish(idx, gen, sc.call, status, code, false)
	writeS3(w, sc, status, resp, serr)
}

func newS3Call(s *Server, r *http.Request, region string) *s3Call {
	bucket, key := s3Address(r)
	query := r.URL.Query()
	params := url.Values{}
	for k, v := range query {
		if k != "x-id" {
			params[k] = v
		}
	}
	if bucket != "" {
		params.Set("Bucket", bucket)
	}
	if key != "" {
		params.Set("Key", key)
	}
	if rng := r.Header.Get("Range"); rng != "" {
		params.Set("Range", rng)
	}
	c := &call{s: s, service: "s3", region: region, action: s3Operation(r.Method, bucket, key, query), params: params}
	return &s3Call{call: c, r: r, query: query, bucket: bucket, key: key}
}

// s3Address returns the bucket and key a request addresses, virtual-hosted
// or path-style; see the comment at the top of the file.
func s3Address(r *http.Request) (bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b := bucketFromHost(r.Host); b != "" {
		return b, path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

func bucketFromHost(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if host == "" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return ""
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	for i := len(labels) - 1; i >= 0; i-- {
		if l := strings.ToLower(labels[i]); l == "s3" || strings.HasPrefix(l, "s3-") {
			return strings.Join(labels[:i], ".") // "" for the service's own host
		}
	}
	if n := len(labels); n > 1 && strings.EqualFold(labels[n-1], "localhost") {
		return strings.Join(labels[:n-1], ".")
	}
	return ""
}

// The query parameters of the operations served; any other query key on
// a bucket or object names a subresource, hence another operation.
var (
	s3BucketListParams = map[string]bool{"list-type": true, "prefix": true, "delimiter": true, "max-keys": true, "marker": true,
		"continuation-token": true, "start-after": true, "encoding-type": true, "fetch-owner": true, "x-id": true}
	s3ObjectParams = map[string]bool{"versionId": true, "partNumber": true, "response-cache-control": true,
		"response-content-disposition": true, "response-content-encoding": true, "response-content-language": true,
		"response-content-type": true, "response-expires": true, "x-id": true}

	// s3BucketGets names the GET operations on a bucket subresource.
	s3BucketGets = map[string]string{
		"accelerate": "GetBucketAccelerateConfiguration", "acl": "GetBucketAcl", "analytics": "GetBucketAnalyticsConfiguration",
		"cors": "GetBucketCors", "encryption": "GetBucketEncryption", "intelligent-tiering": "GetBucketIntelligentTieringConfiguration",
		"inventory": "GetBucketInventoryConfiguration", "lifecycle": "GetBucketLifecycleConfiguration", "location": "GetBucketLocation",
		"logging": "GetBucketLogging", "metrics": "GetBucketMetricsConfiguration", "notification": "GetBucketNotificationConfiguration",
		"object-lock": "GetObjectLockConfiguration", "ownershipControls": "GetBucketOwnershipControls", "policy": "GetBucketPolicy",
		"policyStatus": "GetBucketPolicyStatus", "publicAccessBlock": "GetPublicAccessBlock", "replication": "GetBucketReplication",
		"requestPayment": "GetBucketRequestPayment", "tagging": "GetBucketTagging", "uploads": "ListMultipartUploads",
		"versioning": "GetBucketVersioning", "versions": "ListObjectVersions", "website": "GetBucketWebsite", "session": "CreateSession",
	}
	// s3ObjectGets names the GET operations on an object subresource.
	s3ObjectGets = map[string]string{
		"acl": "GetObjectAcl", "attributes": "GetObjectAttributes", "legal-hold": "GetObjectLegalHold",
		"retention": "GetObjectRetention", "tagging": "GetObjectTagging", "torrent": "GetObjectTorrent", "uploadId": "ListParts",
	}
)

// s3Operation names the operation of a request from its method, address
// and query, as the SDK's operation names go.
func s3Operation(method, bucket, key string, q url.Values) string {
	sub := func(known map[string]bool) string {
		for k := range q {
			if !known[k] {
				return k
			}
		}
		return ""
	}
	switch method {
	case http.MethodGet:
		switch {
		case bucket == "":
			if q.Get("x-id") == "ListDirectoryBuckets" {
				return "ListDirectoryBuckets"
			}
			return "ListBuckets"
		case key == "":
			if k := sub(s3BucketListParams); k != "" {
				if op := s3BucketGets[k]; op != "" {
					return op
				}
				return "GetBucket" + k
			}
			if q.Get("list-type") == "2" {
				return "ListObjectsV2"
			}
			return "ListObjects"
		default:
			if k := sub(s3ObjectParams); k != "" {
				if op := s3ObjectGets[k]; op != "" {
					return op
				}
				return "GetObject" + k
			}
			return "GetObject"
		}
	case http.MethodHead:
		if key == "" {
			return "HeadBucket"
		}
		return "HeadObject"
	case http.MethodPut:
		if key == "" {
			return "CreateBucket"
		}
		if q.Has("uploadId") {
			return "UploadPart"
		}
		return "PutObject"
	case http.MethodDelete:
		if key == "" {
			return "DeleteBucket"
		}
		return "DeleteObject"
	case http.MethodPost:
		switch {
		case q.Has("delete"):
			return "DeleteObjects"
		case q.Has("uploads"):
			return "CreateMultipartUpload"
		case q.Has("uploadId"):
			return "CompleteMultipartUpload"
		case q.Has("restore"):
			return "RestoreObject"
		case q.Has("select"):
			return "SelectObjectContent"
		}
		return "PostObject"
	}
	return method
}

// s3Handlers are the S3 operations served.
var s3Handlers = map[string]func(*s3Call) (*s3Response, *s3Error){
	"ListBuckets":   (*s3Call).listBuckets,
	"HeadBucket":    (*s3Call).headBucket,
	"ListObjectsV2": (*s3Call).listObjectsV2,
	"GetObject":     (*s3Call).getObject,
}

// answerS3 authenticates the call, applies faults and runs the operation.
// It reports canceled when the client went away during injected latency.
func (s *Server) answerS3(sc *s3Call, body []byte, auth authorization, signed bool) (*s3Response, *s3Error, bool) {
	r := sc.r
	if r.Header.Get("Authorization") == "" {
		return nil, sc.anonymous(), false
	}
	if !signed {
		if strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256") {
			return nil, s3Errorf(http.StatusBadRequest, "AuthorizationHeaderMalformed",
				`The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`), false
		}
		return nil, s3Errorf(http.StatusBadRequest, "InvalidRequest",
			"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."), false
	}
	if serr := checkPayloadHash(r, body); serr != nil {
		return nil, serr, false
	}
	p, aerr := s.authenticate(r, body, auth)
	if aerr != nil {
		return nil, fromAPIError(aerr, auth.accessKeyID), false
	}
	sc.principal = p
	sc.account = s.accounts[p.Account]
	if sc.account == nil {
		return nil, fromAPIError(errUnknownKey("s3"), auth.accessKeyID), false
	}
	sc.subject = sc.subjectAccount()
	if !regionEnabled(sc.account, sc.region) {
		return nil, fromAPIError(errRegionDisabled("s3"), auth.accessKeyID), false
	}
	h := s3Handler(sc.action)
	if h == nil {
		return nil, s3Errorf(http.StatusNotImplemented, "NotImplemented",
			"A header you provided implies functionality that is not implemented"), false
	}
	if aerr, canceled := s.injectFaults(r.Context(), sc.call); canceled || aerr != nil {
		if canceled {
			return nil, nil, true
		}
		return nil, fromAPIError(aerr, auth.accessKeyID), false
	}
	resp, serr := h(sc)
	return resp, serr, false
}

// anonymous answers an unsigned request as S3 answers one for a private
// bucket: AccessDenied, unless the bucket does not exist.
func (sc *s3Call) anonymous() *s3Error {
	if sc.bucket == "" {
		return errAccessDenied()
	}
	b := sc.s.s3Index().buckets[sc.bucket]
	if b == nil {
		return errNoSuchBucket(sc.bucket)
	}
	e := errAccessDenied()
	e.region = b.region
	return e
}

// checkPayloadHash checks X-Amz-Content-Sha256, which S3 requires on signed
// requests and signs as the payload hash.
func checkPayloadHash(r *http.Request, body []byte) *s3Error {
	h := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case h == "":
		return s3Errorf(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
	case h == s3UnsignedPayload:
		return nil
	case len(h) == 64 && isLowerHex(h):
		sum := sha256.Sum256(body)
		if got := hex.EncodeToString(sum[:]); got != h {
			return s3Errorf(http.StatusBadRequest, "XAmzContentSHA256Mismatch",
				"The provided 'x-amz-content-sha256' header does not match what was computed.",
				s3Field{"ClientComputedContentSHA256", h}, s3Field{"S3ComputedContentSHA256", got})
		}
		return nil
	}
	return s3Errorf(http.StatusBadRequest, "InvalidArgument",
		"x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
		s3Field{"ArgumentName", "x-amz-content-sha256"}, s3Field{"ArgumentValue", h})
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func errAccessDenied() *s3Error {
	return s3Errorf(http.StatusForbidden, "AccessDenied", "Access Denied")
}

func errNoSuchBucket(name string) *s3Error {
	return s3Errorf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", s3Field{"BucketName", name})
}

func errInvalidArgument(message, name, value string) *s3Error {
	return s3Errorf(http.StatusBadRequest, "InvalidArgument", message, s3Field{"ArgumentName", name}, s3Field{"ArgumentValue", value})
}

// bucketFor finds the call's bucket and checks that the caller may read it
// from the region it asked in.
func (sc *s3Call) bucketFor() (*s3Bucket, *s3Error) {
	b := sc.s.s3Index().buckets[sc.bucket]
	if b == nil {
		return nil, errNoSuchBucket(sc.bucket)
	}
	if b.region != sc.region {
		var e *s3Error
		if info, _ := lookupRegion(b.region); info.OptIn {
			e = s3Errorf(http.StatusBadRequest, "IllegalLocationConstraintException",
				"The "+b.region+" location constraint is incompatible for the region specific endpoint this request was sent to.")
		} else {
			e = s3Errorf(http.StatusMovedPermanently, "PermanentRedirect",
				"The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
				s3Field{"Endpoint", s3Endpoint(b.Name, b.region)}, s3Field{"Bucket", b.Name})
		}
		e.region = b.region
		return nil, e
	}
	if !b.readable(sc.principal.Account) {
		e := errAccessDenied()
		if sc.r.Method == http.MethodHead {
			e.region = b.region
		}
		return nil, e
	}
	if want := sc.r.Header.Get("X-Amz-Expected-Bucket-Owner"); want != "" && want != b.owner.ID {
		return nil, errAccessDenied()
	}
	return b, nil
}

// s3Endpoint is the virtual-hosted endpoint of a bucket in a region, as
// PermanentRedirect names it.
func s3Endpoint(bucket, region string) string {
	if region == "us-east-1" {
		return bucket + ".s3.amazonaws.com"
	}
	return bucket + ".s3." + region + ".amazonaws.com"
}

// s3RequestID is the request id in S3's shape (16 upper-case hex digits)
// and hostID the extended request id (x-amz-id-2).
func s3RequestID(c *call) (requestID, hostID string) {
	id := strings.ToUpper(strings.ReplaceAll(c.requestID, "-", ""))
	sum := sha256.Sum256([]byte("host-id:" + c.requestID))
	return id[:16], base64.StdEncoding.EncodeToString(sum[:])
}

func writeS3(w http.ResponseWriter, sc *s3Call, status int, resp *s3Response, serr *s3Error) {
	requestID, hostID := s3RequestID(sc.call)
	h := w.Header()
	h.Set("X-Amz-Request-Id", requestID)
	h.Set("X-Amz-Id-2", hostID)
	h.Set("Server", "AmazonS3")
	head := sc.r.Method == http.MethodHead

	if serr != nil {
		if serr.region != "" {
			h.Set("X-Amz-Bucket-Region", serr.region)
		}
		for k, vs := range serr.header {
			h[k] = vs
		}
		if head {
			w.WriteHeader(status)
			return
		}
		buf := s3ErrorDocument(serr, requestID, hostID)
		h.Set("Content-Type", "application/xml")
		h.Set("Content-Length", strconv.Itoa(len(buf)))
		w.WriteHeader(status)
		w.Write(buf)
		return
	}

	for k, vs := range resp.header {
		h[k] = vs
	}
	body := resp.body
	if resp.doc != nil {
		buf, err := xml.Marshal(resp.doc)
		if err != nil {
			http.Error(w, "awsfake: marshal: "+err.Error(), http.StatusInternalServerError)
			return
		}
		body = append([]byte(xml.Header), buf...)
		h.Set("Content-Type", "application/xml")
	}
	if !head || body != nil {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if !head {
		w.Write(body)
	}
}

// s3ErrorDocument renders e as S3's <Error> document.
func s3ErrorDocument(e *s3Error, requestID, hostID string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Error>")
	elem := func(name, value string) {
		b.WriteString("<" + name + ">")
		xml.EscapeText(&b, []byte(value))
		b.WriteString("</" + name + ">")
	}
	elem("Code", e.code)
	elem("Message", e.message)
	for _, f := range e.fields {
		elem(f.name, f.value)
	}
	elem("RequestId", requestID)
	elem("HostId", hostID)
	b.WriteString("</Error>")
	return b.Bytes()
}
