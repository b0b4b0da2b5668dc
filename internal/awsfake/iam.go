package awsfake

import (
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// IAM over the awsQuery protocol: ListAccountAliases. IAM has one endpoint
// for the partition (signed for us-east-1) and answers for the caller's
// account.

const (
	iamVersion   = "2010-05-08"
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
)

// iamPage cuts the page that MaxItems (1 to 1000, default 100) and Marker
// ask for out of n items, as IAM's List operations page.
func (c *call) iamPage(n int) (lo, hi int, marker string, aerr *apiError) {
	max := 100
	if v := c.params.Get("MaxItems"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > 1000 {
			return 0, 0, "", errorf(http.StatusBadRequest, "ValidationError",
				"1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", v)
		}
		max = m
	}
	max = c.s.capPage(max)
	offset := 0
	if tok := c.params.Get("Marker"); tok != "" {
		var ok bool
		if offset, ok = decodeToken(c, tok); !ok {
			return 0, 0, "", errorf(http.StatusBadRequest, "ValidationError", "Invalid Marker.")
		}
	}
	lo, hi, more := pageBounds(n, offset, max)
	if more {
		marker = encodeToken(c, hi)
	}
	return lo, hi, marker, nil
}

// listAccountAliases answers the caller's account's aliases (at most one).
func (c *call) listAccountAliases() (any, *apiError) {
	lo, hi, marker, aerr := c.iamPage(len(c.account.Aliases))
	if aerr != nil {
		return nil, aerr
	}
	return &iam.ListAccountAliasesOutput{
		AccountAliases: append([]string{}, c.account.Aliases[lo:hi]...),
		IsTruncated:    marker != "",
		Marker:         optional(marker),
	}, nil
}
