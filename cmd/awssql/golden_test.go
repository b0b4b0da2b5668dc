package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch/awsfake"
	"github.com/awssql/awssql/queries"
)

// goldenData is the fixture every golden test reads.
func goldenData() awsfake.GenOptions {
	return awsfake.GenOptions{InstancesPerRegion: 6, ImagesPerRegion: 3, DBInstancesPerRegion: 3, ReservedPerRegion: 3, Seed: 42}
}

// compareGolden compares got with the file, or rewrites it under -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestGolden runs each testdata/golden/*.sql through the CLI against the
// fixture and compares the CSV with the .csv beside it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	f := newGen(t, goldenData())
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql")
		t.Run(name, func(t *testing.T) {
			r := f.run("-f", file)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			compareGolden(t, strings.TrimSuffix(file, ".sql")+".csv", r.stdout)
		})
	}
}

// TestSavedQueries runs every embedded query with its default parameters
// (and a fixed day to count from) and compares with testdata/queries.
func TestSavedQueries(t *testing.T) {
	qs, err := queries.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f := newGen(t, goldenData())
	for _, q := range qs {
		t.Run(q.Name, func(t *testing.T) {
			args := []string{"run", q.Name}
			for _, p := range q.Params {
				if p.Name == "today" {
					args = append(args, "--param", "today=2026-11-01")
				}
			}
			r := f.run(args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if strings.Count(r.stdout, "\n") < 2 {
				t.Errorf("no rows: the fixture should give every saved query something to find\n%s", r.stdout)
			}
			compareGolden(t, filepath.Join("testdata", "queries", q.Name+".csv"), r.stdout)
		})
	}
	r := f.run("queries")
	for _, q := range qs {
		if !strings.Contains(r.stdout, q.Name) || !strings.Contains(r.stdout, q.Description) {
			t.Errorf("awssql queries does not list %s", q.Name)
		}
	}
}
