package fetch_test

import (
	"strings"
	"testing"

	"github.com/awssql/awssql/fetch"
)

// TestCheckRoleARN: a role's path and name are 1 to 512 characters of
// IAM's set, in the aws, aws-cn or aws-us-gov partition of a 12-digit
// account.
func TestCheckRoleARN(t *testing.T) {
	for _, c := range []struct {
		arn string
		ok  bool
	}{
		{"arn:aws:iam::123456789012:role/Reader", true},
		{"arn:aws-us-gov:iam::123456789012:role/path/to/Reader", true},
		{"arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h", true},
		{"arn:aws:iam::123456789012:role/" + strings.Repeat("r", 512), true},
		{"arn:aws:iam::123456789012:role/" + strings.Repeat("r", 513), false},
		{"arn:aws:iam::123456789012:role/", false},
		{"arn:aws:iam::12345678901:role/Reader", false},
		{"arn:aws:iam::123456789012:user/Reader", false},
		{"arn:aws-eu:iam::123456789012:role/Reader", false},
		{"arn:aws:iam::123456789012:role/Read er", false},
		{"Reader", false},
	} {
		if err := fetch.CheckRoleARN(c.arn); (err == nil) != c.ok {
			t.Errorf("CheckRoleARN(%.60q): %v, want ok %v", c.arn, err, c.ok)
		}
	}
}

// TestCheckNameLengths: the bounds the patterns left to length checks.
func TestCheckNameLengths(t *testing.T) {
	for _, c := range []struct {
		name  string
		check func(string) error
		arg   string
		ok    bool
	}{
		{"OU", fetch.CheckOU, "ou-ab12-cd34ef56", true},
		{"OU", fetch.CheckOU, "ou-" + strings.Repeat("a", 32) + "-" + strings.Repeat("b", 32), true},
		{"OU", fetch.CheckOU, "ou-abc-cd34ef56", false},
		{"OU", fetch.CheckOU, "ou-" + strings.Repeat("a", 33) + "-cd34ef56", false},
		{"OU", fetch.CheckOU, "ou-ab12-cd34ef5", false},
		{"OU", fetch.CheckOU, "ou-ab12-" + strings.Repeat("b", 33), false},
		{"OU", fetch.CheckOU, "ou-AB12-cd34ef56", false},
		{"session", fetch.CheckSessionName, "ab", true},
		{"session", fetch.CheckSessionName, strings.Repeat("s", 64), true},
		{"session", fetch.CheckSessionName, "a", false},
		{"session", fetch.CheckSessionName, strings.Repeat("s", 65), false},
		{"session", fetch.CheckSessionName, "a b", false},
		{"role", fetch.CheckRoleName, "r", true},
		{"role", fetch.CheckRoleName, strings.Repeat("r", 64), true},
		{"role", fetch.CheckRoleName, "", false},
		{"role", fetch.CheckRoleName, strings.Repeat("r", 65), false},
		{"role", fetch.CheckRoleName, "a/b", false},
	} {
		if err := c.check(c.arg); (err == nil) != c.ok {
			t.Errorf("%s %.50q: %v, want ok %v", c.name, c.arg, err, c.ok)
		}
	}
}
