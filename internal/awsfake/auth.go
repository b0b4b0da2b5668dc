package awsfake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Principal is who signs with an access key: the credential store maps
// access key ids to principals. Long-term user keys come from the Dataset;
// session credentials (STS AssumeRole) are added with AddCredentials.
type Principal struct {
	Account      string
	Secret       string
	SessionToken string    // required in X-Amz-Security-Token when set; "" for long-term keys
	Expires      time.Time // zero: never expires
	ARN          string    // arn:aws:iam::ID:user/NAME, or arn:aws:sts::ID:assumed-role/ROLE/SESSION
	UserID       string    // as GetCallerIdentity reports it: AIDA... for users, AROA...:SESSION for roles
}

// AddCredentials lets accessKeyID sign requests as p (e.g. session
// credentials issued by AssumeRole).
func (s *Server) AddCredentials(accessKeyID string, p Principal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[accessKeyID] = p
}

// lookupCredentials is the one place that maps an access key to a principal.
func (s *Server) lookupCredentials(accessKeyID string) (Principal, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.creds[accessKeyID]
	return p, ok
}

// authorization is the parsed SigV4 Authorization header.
type authorization struct {
	accessKeyID   string
	date          string // yyyymmdd of the credential scope
	region        string
	service       string
	signedHeaders []string
	signature     string
}

// parseAuthorization parses
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request, SignedHeaders=a;b, Signature=hex
func parseAuthorization(h string) (authorization, bool) {
	var a authorization
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return a, false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope := strings.Split(v, "/")
			if len(scope) != 5 || scope[4] != "aws4_request" {
				return a, false
			}
			a.accessKeyID, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.accessKeyID == "" || a.signature == "" || len(a.signedHeaders) == 0 {
		return a, false
	}
	return a, true
}

// authenticate finds who signed the request and verifies the signature for
// real, by signing a copy of the request with the principal's secret.
func (s *Server) authenticate(r *http.Request, body []byte, a authorization) (Principal, *apiError) {
	p, ok := s.lookupCredentials(a.accessKeyID)
	if !ok {
		return p, errUnknownKey(a.service)
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if token != p.SessionToken {
		// A session key without its token, a long-term key with one, or a
		// token that belongs to other credentials.
		return p, errUnknownKey(a.service)
	}
	if !s.signatureValid(r, body, a, p.Secret, token) {
		return p, errBadSignature(a.service)
	}
	if !p.Expires.IsZero() && !s.wallTime().Before(p.Expires) {
		return p, errExpiredToken(a.service)
	}
	return p, nil
}

// signatureValid re-signs a copy of the request holding exactly the headers
// the client signed, at the client's X-Amz-Date, and compares signatures.
func (s *Server) signatureValid(r *http.Request, body []byte, a authorization, secret, token string) bool {
	signingTime, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || signingTime.Format("20060102") != a.date {
		return false
	}
	cp, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return false
	}
	cp.Host = r.Host
	sessionToken := ""
	for _, h := range a.signedHeaders {
		switch h {
		case "host":
		case "content-length":
			cp.ContentLength = int64(len(body))
		case "x-amz-security-token":
			sessionToken = token
		default:
			cp.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	hash := sha256.Sum256(body)
	payloadHash, signer := hex.EncodeToString(hash[:]), s.signer
	if a.service == "s3" {
		// S3 signs the X-Amz-Content-Sha256 it sends (serveS3 checked it
		// against the body) and does not escape the path twice.
		payloadHash, signer = r.Header.Get("X-Amz-Content-Sha256"), s.s3Signer
	}
	creds := aws.Credentials{AccessKeyID: a.accessKeyID, SecretAccessKey: secret, SessionToken: sessionToken}
	err = signer.SignHTTP(r.Context(), creds, cp, payloadHash, a.service, a.region, signingTime)
	if err != nil {
		return false
	}
	got, ok := parseAuthorization(cp.Header.Get("Authorization"))
	if !ok || strings.Join(got.signedHeaders, ";") != strings.Join(a.signedHeaders, ";") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got.signature), []byte(a.signature)) == 1
}

// userID derives the stable unique id AWS gives an IAM user ("AIDA" and 17
// upper-case letters and digits) from its access key.
func userID(accessKeyID string) string { return uniqueID("AIDA", "user:"+accessKeyID) }

// uniqueID returns prefix and 17 upper-case letters and digits derived from
// seed: the shape of IAM's unique ids (AIDA... users, AROA... roles) and,
// cut to 20 characters, of access key ids.
func uniqueID(prefix, seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	h := sha256.Sum256([]byte(seed))
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < 17; i++ {
		b.WriteByte(alphabet[h[i]%32])
	}
	return b.String()
}
