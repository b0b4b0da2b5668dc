package tables

import (
	"testing"

	"github.com/awssql/awssql/vtab"
)

// TestPolicyStd: policies written differently that mean the same read the
// same in canonical form.
func TestPolicyStd(t *testing.T) {
	tests := []struct {
		name, policy, want string
	}{
		{"one statement, scalars",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"S3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			`{"Statement":[{"Action":["s3:getobject"],"Effect":"Allow","Principal":{"AWS":["*"]},"Resource":["arn:aws:s3:::b/*"]}],"Version":"2012-10-17"}`},
		{"lists sorted, repeats dropped, resources keep their case",
			`{"Version":"2012-10-17","Id":"p","Statement":[{"Sid":"a","Effect":"Deny","NotAction":["s3:Put*","s3:GetObject","S3:GETOBJECT"],` +
				`"NotResource":["arn:aws:s3:::B","arn:aws:s3:::A","arn:aws:s3:::B"],"NotPrincipal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root"]}}]}`,
			`{"Id":"p","Statement":[{"Effect":"Deny","NotAction":["s3:getobject","s3:put*"],"NotPrincipal":{"AWS":["arn:aws:iam::1:root","arn:aws:iam::2:root"]},` +
				`"NotResource":["arn:aws:s3:::A","arn:aws:s3:::B"],"Sid":"a"}],"Version":"2012-10-17"}`},
		{"condition keys in lower case, values as text lists",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:*",` +
				`"Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2},"StringEquals":{"aws:SourceAccount":["2","1","2"]}}}]}`,
			`{"Statement":[{"Action":["s3:*"],"Condition":{"Bool":{"aws:securetransport":["false"]},"NumericLessThan":{"s3:tlsversion":["1.2"]},` +
				`"StringEquals":{"aws:sourceaccount":["1","2"]}},"Effect":"Deny","Principal":{"Service":["logging.s3.amazonaws.com"]}}],"Version":"2012-10-17"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			std, err := policyStd(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			got, err := vtab.SQLValue(vtab.JSON, std)
			if err != nil || got != tt.want {
				t.Errorf("got  %v (%v)\nwant %s", got, err, tt.want)
			}
		})
	}
	if _, err := policyStd("not json"); err == nil {
		t.Error("a policy that is not JSON should be an error")
	}
}
