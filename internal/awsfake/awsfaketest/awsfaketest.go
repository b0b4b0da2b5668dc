// Package awsfaketest starts awsfake servers for tests. It is apart from
// awsfake so that the testing package stays out of the binaries that serve
// awsfake (awssql --demo, cmd/awsfake).
package awsfaketest

import (
	"net/http/httptest"
	"testing"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// NewServer starts an httptest server for ds, closed when the test ends,
// and returns the Server and its URL (for BaseEndpoint).
func NewServer(tb testing.TB, ds *fakedata.Dataset, opts ...awsfake.Option) (*awsfake.Server, string) {
	tb.Helper()
	s := awsfake.New(ds, opts...)
	hs := httptest.NewServer(s)
	tb.Cleanup(hs.Close)
	return s, hs.URL
}
