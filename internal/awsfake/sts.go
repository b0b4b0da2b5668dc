package awsfake

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// STS: GetCallerIdentity (who the request's credentials belong to) and
// AssumeRole (the role's trust decides; the session credentials issued are
// added to the server's credential store).

func (c *call) getCallerIdentity() (any, *apiError) {
	return &sts.GetCallerIdentityOutput{
		Arn:     aws.String(c.principal.ARN),
		UserId:  aws.String(c.principal.UserID),
		Account: aws.String(c.principal.Account),
	}, nil
}

// AssumeRole's limits on DurationSeconds.
const (
	minDuration          = 900 * time.Second
	roleDurationCeiling  = 12 * time.Hour // what a role's MaxSessionDuration may be raised to
	chainSessionDuration = time.Hour      // the most a role session may ask for the next hop
	defaultRoleMaximum   = time.Hour      // a role's MaxSessionDuration unless raised
)

var (
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	// roleARNPattern: partition, account and the role's path and name.
	roleARNPattern = regexp.MustCompile(`^arn:([a-z-]+):iam::(\d{12}):role/((?:[\x21-\x7e]*/)?[\w+=,.@-]{1,64})$`)
	// sessionARNPattern: partition, account and role of an assumed-role
	// session's ARN.
	sessionARNPattern = regexp.MustCompile(`^arn:([a-z-]+):sts::(\d{12}):assumed-role/([\w+=,.@-]+)/[\w+=,.@-]+$`)
)

// arnAccount returns the account field of an ARN, or "" when s is not an
// ARN with a 12-digit account.
func arnAccount(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || !isAccountID(parts[4]) {
		return ""
	}
	return parts[4]
}

// validationErrors collects AWS's "N validation errors detected: ..."
// message for constraint violations of the input.
type validationErrors []string

func (v *validationErrors) add(value *string, member, constraint string) {
	shown := "null"
	if value != nil {
		shown = "'" + *value + "'"
	}
	*v = append(*v, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", shown, member, constraint))
}

// checkString checks a string member against its length bounds and pattern.
func (v *validationErrors) checkString(p map[string][]string, name, member string, required bool, lo, hi int, pattern *regexp.Regexp, shownPattern string) {
	vs, ok := p[name]
	if !ok || len(vs) == 0 {
		if required {
			v.add(nil, member, "not be null")
		}
		return
	}
	s := vs[0]
	if !pattern.MatchString(s) {
		v.add(&s, member, "satisfy regular expression pattern: "+shownPattern)
	}
	if n := len([]rune(s)); n < lo {
		v.add(&s, member, fmt.Sprintf("have length greater than or equal to %d", lo))
	} else if n > hi {
		v.add(&s, member, fmt.Sprintf("have length less than or equal to %d", hi))
	}
}

func (v validationErrors) err() *apiError {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return errorf(http.StatusBadRequest, "ValidationError", "%d validation %s detected: %s", len(v), noun, strings.Join(v, "; "))
}

var anyText = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{0085}\x{00A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]+$`)

const anyTextShown = `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`

// assumeRoleInput validates AssumeRole's parameters as AWS does, first the
// members' constraints, then the RoleArn's form.
func (c *call) assumeRoleInput() (duration time.Duration, aerr *apiError) {
	var v validationErrors
	v.checkString(c.params, "RoleArn", "roleArn", true, 20, 2048, anyText, anyTextShown)
	v.checkString(c.params, "RoleSessionName", "roleSessionName", true, 2, 64, sessionNamePattern, `[\w+=,.@-]*`)
	v.checkString(c.params, "ExternalId", "externalId", false, 2, 1224, externalIDPattern, `[\w+=,.@:\/-]*`)
	duration = time.Hour
	if s := c.params.Get("DurationSeconds"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || time.Duration(n)*time.Second < minDuration:
			v.add(&s, "durationSeconds", "have value greater than or equal to 900")
		case time.Duration(n)*time.Second > roleDurationCeiling:
			v.add(&s, "durationSeconds", "have value less than or equal to 43200")
		}
		duration = time.Duration(n) * time.Second
	}
	if aerr := v.err(); aerr != nil {
		return 0, aerr
	}
	if !roleARNPattern.MatchString(c.params.Get("RoleArn")) {
		return 0, errorf(http.StatusBadRequest, "ValidationError", "Request ARN is invalid")
	}
	return duration, nil
}

func (c *call) assumeRole() (any, *apiError) {
	duration, aerr := c.assumeRoleInput()
	if aerr != nil {
		return nil, aerr
	}
	roleARN, sessionName := c.params.Get("RoleArn"), c.params.Get("RoleSessionName")
	if _, chained := sessionRoleARN(c.principal.ARN); chained && duration > chainSessionDuration {
		return nil, errorf(http.StatusBadRequest, "ValidationError",
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	m := roleARNPattern.FindStringSubmatch(roleARN)
	rolePartition, account := m[1], m[2]
	// AWS does not say whether the role is missing, does not trust the
	// caller, or wanted another external id.
	role := c.s.role(rolePartition, account, m[3])
	if role == nil || !trusts(role, c.principal, partition(c.s.ds)) ||
		role.ExternalID != "" && role.ExternalID != c.params.Get("ExternalId") {
		return nil, errorf(http.StatusForbidden, "AccessDenied",
			"User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.principal.ARN, roleARN)
	}
	limit := role.MaxSessionDuration
	if limit == 0 {
		limit = defaultRoleMaximum
	}
	if duration > limit {
		return nil, errorf(http.StatusBadRequest, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if c.s.maxSession > 0 {
		duration = min(duration, c.s.maxSession)
	}
	expires := c.s.wallTime().Add(duration).UTC().Truncate(time.Second)

	p := Principal{
		Account:      account,
		Secret:       digest64("session secret:"+c.requestID, 40),
		SessionToken: "IQoJb3JpZ2luX2Vj" + digest64("session token:"+c.requestID, 240),
		Expires:      expires,
		ARN:          fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", rolePartition, account, role.Name, sessionName),
		UserID:       uniqueID("AROA", "role:"+roleARN) + ":" + sessionName,
	}
	key := uniqueID("ASIA", "session key:"+c.requestID)[:20]
	c.s.AddCredentials(key, p)
	return &sts.AssumeRoleOutput{
		AssumedRoleUser: &ststypes.AssumedRoleUser{AssumedRoleId: aws.String(p.UserID), Arn: aws.String(p.ARN)},
		Credentials: &ststypes.Credentials{
			AccessKeyId:     aws.String(key),
			SecretAccessKey: aws.String(p.Secret),
			SessionToken:    aws.String(p.SessionToken),
			Expiration:      aws.Time(expires),
		},
	}, nil
}

// role finds a role of the data set by the parts of its ARN (name with any
// path); nil when there is none.
func (s *Server) role(rolePartition, account, name string) *fakedata.Role {
	a := s.accounts[account]
	if a == nil || rolePartition != partition(s.ds) {
		return nil
	}
	for i := range a.Roles {
		if a.Roles[i].Name == name {
			return &a.Roles[i]
		}
	}
	return nil
}

// sessionRoleARN returns the ARN of the role an assumed-role session ARN
// came from (arn:aws:sts::ID:assumed-role/ROLE/SESSION ->
// arn:aws:iam::ID:role/ROLE); ok is false for any other principal.
func sessionRoleARN(arn string) (string, bool) {
	m := sessionARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", false
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", m[1], m[2], m[3]), true
}

// trusts reports whether the role's trust policy lets p assume it.
func trusts(r *fakedata.Role, p Principal, partition string) bool {
	root := "arn:" + partition + ":iam::" + p.Account + ":root"
	fromRole, isSession := sessionRoleARN(p.ARN)
	for _, t := range r.TrustedPrincipals {
		if t == p.ARN || t == p.Account || t == root || isSession && t == fromRole {
			return true
		}
	}
	return false
}

// digest64 returns n characters of the base64 alphabet derived from s: the
// shape of secrets and session tokens.
func digest64(s string, n int) string {
	var b strings.Builder
	h := sha256.Sum256([]byte(s))
	for b.Len() < n {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:30]))
		h = sha256.Sum256(h[:])
	}
	return b.String()[:n]
}
