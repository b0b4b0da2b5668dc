package main

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitStatements(t *testing.T) {
	trigger := "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.x); INSERT INTO log VALUES (new.x * 10); END"
	tests := []struct {
		in   string
		want []string
	}{
		{"SELECT 1", []string{"SELECT 1"}},
		{"SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"SELECT ';'; SELECT \"a;b\"; -- c;\n SELECT 3 /* ; */", []string{"SELECT ';'", "SELECT \"a;b\"", "-- c;\n SELECT 3 /* ; */"}},
		{" ; -- only a comment;\n;", nil},
		{trigger + "; SELECT 1;", []string{trigger, "SELECT 1"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitStatements(tt.in)); diff != "" {
			t.Errorf("splitStatements(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	// The shell waits for the end of a trigger's body.
	stmts, rest := completeStatements("SELECT 1;\n" + "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN\n  INSERT INTO log VALUES (1);\n")
	if !slices.Equal(stmts, []string{"SELECT 1"}) || rest == "" {
		t.Errorf("completeStatements cut a trigger body: %q, rest %q", stmts, rest)
	}
}

// A trigger created by a script works: its body's statements stayed in it.
func TestScriptWithTrigger(t *testing.T) {
	r := runCLI(context.Background(), nil, `CREATE TEMP TABLE log(x);
CREATE TEMP TABLE t(x);
CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN
  INSERT INTO log VALUES (new.x);
  INSERT INTO log VALUES (new.x * 10);
END;
INSERT INTO t VALUES (1);
SELECT x FROM log ORDER BY x;`, false, "--demo")
	if r.code != 0 || r.stdout != "x\n1\n10\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
