package awsfake

import "encoding/xml"

// STS GetCallerIdentity: who the request's credentials belong to.

type getCallerIdentityResponse struct {
	XMLName  xml.Name                `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
	Result   getCallerIdentityResult `xml:"GetCallerIdentityResult"`
	Metadata responseMetadata        `xml:"ResponseMetadata"`
}

type getCallerIdentityResult struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

// responseMetadata closes every awsQuery response.
type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

func (c *call) getCallerIdentity() (any, *apiError) {
	return getCallerIdentityResponse{
		Result: getCallerIdentityResult{
			Arn:     c.principal.ARN,
			UserID:  c.principal.UserID,
			Account: c.principal.Account,
		},
		Metadata: responseMetadata{RequestID: c.requestID},
	}, nil
}
