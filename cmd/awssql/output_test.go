package main

import (
	"context"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

const trickySQL = `SELECT 1 AS n, 2.5 AS f, NULL AS z, 'a,"b"' || char(10) || 'c' || char(9) || '\|' AS s, 'é' AS "Mixed Case"`

func TestOutputFormats(t *testing.T) {
	tests := []struct {
		format string
		want   string
	}{
		{"csv", "n,f,z,s,Mixed Case\n1,2.5,,\"a,\"\"b\"\"\nc\t\\|\",é\n"},
		{"tsv", "n\tf\tz\ts\tMixed Case\n1\t2.5\t\ta,\"b\"\\nc\\t\\\\|\té\n"},
		{"json", "[\n  {\"n\":1,\"f\":2.5,\"z\":null,\"s\":\"a,\\\"b\\\"\\nc\\t\\\\|\",\"Mixed Case\":\"é\"}\n]\n"},
		{"jsonl", "{\"n\":1,\"f\":2.5,\"z\":null,\"s\":\"a,\\\"b\\\"\\nc\\t\\\\|\",\"Mixed Case\":\"é\"}\n"},
		{"markdown", "| n | f   | z      | s             | Mixed Case |\n|:--|:----|:-------|:--------------|:-----------|\n| 1 | 2.5 | <null> | a,\"b\"\\nc\\t\\\\| | é          |\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			r := runCLI(context.Background(), nil, "", false, "-o", tt.format, trickySQL)
			if r.code != 0 || r.stdout != tt.want {
				t.Errorf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, tt.want)
			}
		})
	}
}

func TestOutputDependsOnTerminal(t *testing.T) {
	pipe := runCLI(context.Background(), nil, "", false, "SELECT 1 AS n, 'x' AS s")
	if pipe.stdout != "n,s\n1,x\n" {
		t.Errorf("pipe: %q, want CSV with a header", pipe.stdout)
	}
	tty := runCLI(context.Background(), nil, "", true, "SELECT 1 AS n, 'x' AS My_Col")
	want := "┌───┬────────┐\n│ n │ My_Col │\n├───┼────────┤\n│ 1 │ x      │\n└───┴────────┘\n"
	if tty.stdout != want {
		t.Errorf("terminal:\n%s\nwant an aligned table keeping the column names as written:\n%s", tty.stdout, want)
	}
}

func TestOutputJSONColumnsStayJSON(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 3, Seed: 1})
	r := f.run("-o", "jsonl", "SELECT tags, json_extract(tags, '$.Index') AS idx, state_code FROM ec2_instances WHERE region = 'us-east-1' ORDER BY 2 LIMIT 1")
	want := `{"tags":{"Environment":`
	if r.code != 0 || !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, `"idx":"0","state_code":`) {
		t.Errorf("exit %d %s\n%s: want tags as a JSON object and numbers as numbers", r.code, r.stderr, r.stdout)
	}
}

func TestOutputJSONClosedOnError(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 1200, Seed: 2})
	failOnPage2(f, "us-east-1")
	r := f.run("--strict", "-o", "json", "SELECT instance_id FROM ec2_instances")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "[") || !strings.HasSuffix(r.stdout, "]\n") {
		t.Errorf("exit %d: output must stay a valid JSON array:\n...%s", r.code, r.stdout[max(0, len(r.stdout)-100):])
	}
}

func TestStdinAndFiles(t *testing.T) {
	r := runCLI(context.Background(), nil, "SELECT 1 AS a; -- two statements\nSELECT 'x;y' AS b;", false)
	if r.code != 0 || r.stdout != "a\n1\nb\nx;y\n" {
		t.Errorf("stdin: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	// The first failing statement stops the script.
	r = runCLI(context.Background(), nil, "SELECT 1 AS a; SELECT nope; SELECT 3 AS c;", false)
	if r.code != 1 || r.stdout != "a\n1\n" || !strings.Contains(r.stderr, "no such column: nope") {
		t.Errorf("stop at the first error: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(context.Background(), nil, "", false, "--param", "n=41", "--param", "s=x", "SELECT :n + 1 AS n, :s AS s, ':n' AS lit")
	if r.code != 0 || r.stdout != "n,s,lit\n42,x,:n\n" {
		t.Errorf("params: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
}
