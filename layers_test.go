package awssql_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine knows nothing of AWS and the AWS side nothing of SQL; the
// table definitions join the two. This keeps it that way.
func TestLayers(t *testing.T) {
	tests := []struct {
		pkgs      []string
		forbidden string
	}{
		{[]string{"./vtab"}, "github.com/aws"},
		{[]string{"./fetch/..."}, "modernc.org/sqlite"},
		{[]string{"./fetch/..."}, "github.com/awssql/awssql/vtab"},
		// The fake is AWS seen from outside: it shares no code with the
		// client side it is there to test.
		{[]string{"./internal/awsfake/..."}, "github.com/awssql/awssql/fetch"},
		{[]string{"./internal/awsfake/..."}, "github.com/awssql/awssql/vtab"},
		// Test helpers (awsfaketest.NewServer) stay out of what ships: the
		// binaries serve awsfake but must not link the testing package.
		{[]string{"./cmd/awssql", "./cmd/awsfake"}, "testing"},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", append([]string{"list", "-deps"}, tt.pkgs...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %v: %v\n%s", tt.pkgs, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == tt.forbidden || strings.HasPrefix(dep, tt.forbidden+"/") {
				t.Errorf("%v depends on %s", tt.pkgs, dep)
			}
		}
	}
}
