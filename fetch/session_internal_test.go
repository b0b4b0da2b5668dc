package fetch

import (
	"runtime"
	"testing"

	"github.com/awssql/awssql/internal/awsfake"
)

// testSession starts awsfake with ds and opens a session on its first
// account, over the four regions Generate fills.
func testSession(t *testing.T, ds *awsfake.Dataset, mod func(*Options)) (*Session, *awsfake.Server) {
	t.Helper()
	srv, url := awsfake.NewTestServer(t, ds)
	return openSession(t, srv, url, ds, mod), srv
}

// openSession opens a session on the first account of ds, served by srv.
func openSession(t *testing.T, srv *awsfake.Server, url string, ds *awsfake.Dataset, mod func(*Options)) *Session {
	t.Helper()
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	opts := Options{AccessKeyID: key, SecretAccessKey: secret, EndpointURL: url, HomeRegion: "us-east-1",
		Isolated: true, Regions: []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}}
	if mod != nil {
		mod(&opts)
	}
	s, err := NewSession(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// heldHeap is the heap in use once the garbage is collected (twice, so
// that sync.Pools are emptied too).
func heldHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
