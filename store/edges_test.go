package store

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSpecErrors: a spec that names no store awssql can use is a
// SpecError (the caller's mistake); a store that fails is not.
func TestSpecErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("notes\n"), 0o644)
	foreign := filepath.Join(dir, "app.db")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE users (name TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	tests := []struct {
		spec   string
		create bool
		err    string // "" for no error; else a SpecError with this
	}{
		{"", true, "no store named"},
		{"parquet:", true, "needs a directory"},
		{"sqlite:", true, "sqlite: needs a file"},
		{"mysql://db/x", true, `unknown store "mysql://"`},
		{dir, true, "is a directory"},
		{"sqlite:" + dir, false, "is a directory"},
		{notDB, true, "not a SQLite database"},
		{foreign, true, "not a store of awssql snapshots: it holds tables users"},
		{foreign, false, "not a store of awssql snapshots"},
		{filepath.Join(dir, "missing.db"), false, "no such file"},
		{"parquet:" + filepath.Join(dir, "missing"), false, "no such file or directory"},
		{"parquet:" + notDB, true, "not a directory"},
		{empty, true, ""}, // an empty file is an empty store
		{empty, false, ""},
		{filepath.Join(dir, "new.db"), true, ""},
	}
	for _, tt := range tests {
		st, err := Open(ctx, tt.spec, tt.create)
		var se *SpecError
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("Open(%q, %v): %v", tt.spec, tt.create, err)
		case tt.err != "" && (!errors.As(err, &se) || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Open(%q, %v): %v (%T), want a SpecError with %q", tt.spec, tt.create, err, err, tt.err)
		}
		if st != nil {
			st.Close()
		}
	}
	// Opening a new file to write does not make it: a run that fails
	// before its snapshot begins leaves nothing behind.
	if _, err := os.Stat(filepath.Join(dir, "new.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("opening a new file made it: %v", err)
	}
}

// TestParquetFailedCommitLeavesNoFiles: a commit that fails (here the
// snapshot_failures dataset cannot be made) leaves no file of the
// snapshot in the dataset, where readers that glob the table's files, as
// the README's DuckDB example does, would see them.
func TestParquetFailedCommitLeavesNoFiles(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "lake")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "snapshot_failures"), nil, 0o644) // in the way
	st, err := Open(ctx, "parquet:"+dir, true)
	if err != nil {
		t.Fatal(err)
	}
	snap := testSnapshot(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Shard{})
	tx, err := st.Begin(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writeAll(ctx, tx, things, seq(thingRows)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx, snap); err == nil {
		t.Fatal("the commit did not fail")
	}
	tx.Rollback()
	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".parquet") {
			files = append(files, path)
		}
		return err
	})
	if len(files) > 0 {
		t.Errorf("files of the snapshot whose commit failed: %v", files)
	}
	if snaps, err := st.Snapshots(ctx); err != nil || len(snaps) != 0 {
		t.Errorf("snapshots: %v, %v", snaps, err)
	}
}

// TestDiffOfATableNeitherHolds: a table asked for that neither snapshot
// read is unknown, not unchanged.
func TestDiffOfATableNeitherHolds(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "inventory.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	write(t, st, testSnapshot(day, Shard{}), thingRows)
	write(t, st, testSnapshot(day.Add(time.Hour), Shard{}), thingRows)
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g := Groups(snaps)
	var got []Change
	for c, err := range Diff(ctx, st, g[0], g[1], "things", "others") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if len(got) != 1 || got[0].Table != "others" || got[0].Kind != Unknown || got[0].Note != "the table is in neither snapshot" {
		t.Errorf("diff: %+v", got)
	}
}
