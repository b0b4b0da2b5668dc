package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
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
		{"markdown", "| n |   f | z      | s             | Mixed Case |\n|--:|----:|:-------|:--------------|:-----------|\n| 1 | 2.5 | <null> | a,\"b\"\\nc\\t\\\\| | é          |\n"},
		{"line", "         n = 1\n         f = 2.5\n         z = <null>\n         s = a,\"b\"\\nc\\t\\|\nMixed Case = é\n"},
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

// numbersSQL has REALs that Go's own formatting gets wrong for a reader
// (e-notation for a cost total, 0.30000000000000004), integers, NULLs and
// text, in two rows so that alignment shows.
const numbersSQL = `SELECT 1234567.5 AS x, 0.1 + 0.2 AS y, 2.0 AS z, 1e20 AS big, -42 AS n, 'a' AS s, NULL AS nul
UNION ALL SELECT 1, 2, 3, 4, 5, 'bb', NULL`

// TestValuesAsSQLiteShowsThem: text formats print REALs as the sqlite3
// shell does, tables right-align numbers, and JSON keeps the exact double.
func TestValuesAsSQLiteShowsThem(t *testing.T) {
	tests := []struct {
		format, want string
	}{
		{"csv", "x,y,z,big,n,s,nul\n1234567.5,0.3,2.0,1.0e+20,-42,a,\n1,2,3,4,5,bb,\n"},
		{"tsv", "x\ty\tz\tbig\tn\ts\tnul\n1234567.5\t0.3\t2.0\t1.0e+20\t-42\ta\t\n1\t2\t3\t4\t5\tbb\t\n"},
		{"table", `┌───────────┬─────┬─────┬─────────┬─────┬────┬────────┐
│         x │   y │   z │     big │   n │ s  │ nul    │
├───────────┼─────┼─────┼─────────┼─────┼────┼────────┤
│ 1234567.5 │ 0.3 │ 2.0 │ 1.0e+20 │ -42 │ a  │ <null> │
│         1 │   2 │   3 │       4 │   5 │ bb │ <null> │
└───────────┴─────┴─────┴─────────┴─────┴────┴────────┘
`},
		{"markdown", `|         x |   y |   z |     big |   n | s  | nul    |
|----------:|----:|----:|--------:|----:|:---|:-------|
| 1234567.5 | 0.3 | 2.0 | 1.0e+20 | -42 | a  | <null> |
|         1 |   2 |   3 |       4 |   5 | bb | <null> |
`},
		{"line", "  x = 1234567.5\n  y = 0.3\n  z = 2.0\nbig = 1.0e+20\n  n = -42\n  s = a\nnul = <null>\n\n  x = 1\n  y = 2\n  z = 3\nbig = 4\n  n = 5\n  s = bb\nnul = <null>\n"},
		{"jsonl", `{"x":1234567.5,"y":0.30000000000000004,"z":2,"big":100000000000000000000,"n":-42,"s":"a","nul":null}
{"x":1,"y":2,"z":3,"big":4,"n":5,"s":"bb","nul":null}
`},
		{"json", `[
  {"x":1234567.5,"y":0.30000000000000004,"z":2,"big":100000000000000000000,"n":-42,"s":"a","nul":null},
  {"x":1,"y":2,"z":3,"big":4,"n":5,"s":"bb","nul":null}
]
`},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			r := runCLI(context.Background(), nil, "", false, "-o", tt.format, numbersSQL)
			if r.code != 0 || r.stdout != tt.want {
				t.Errorf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, tt.want)
			}
		})
	}
}

// TestRealsAsSQLitePrintsThem compares, for thousands of doubles of every
// magnitude, awssql's text for a REAL with SQLite's own printf('%!.15g'),
// which is how the sqlite3 shell prints it.
func TestRealsAsSQLitePrintsThem(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, 1, -1, 0.5, 1e15, 1e15 - 1, 1e14 + 0.5, 1e-4, 1e-5, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324}
	for len(vals) < 3000 {
		switch len(vals) % 3 {
		case 0: // any finite double
			if f := math.Float64frombits(rng.Uint64()); !math.IsNaN(f) && !math.IsInf(f, 0) {
				vals = append(vals, f)
			}
		case 1: // money: cents
			vals = append(vals, float64(rng.Int64N(1e13))/100)
		case 2: // a ratio
			vals = append(vals, rng.Float64()*math.Pow(10, float64(rng.IntN(40)-20)))
		}
	}
	var b strings.Builder
	b.WriteString("SELECT column1, printf('%!.15g', column1) FROM (VALUES ")
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%s)", strconv.FormatFloat(v, 'e', -1, 64))
	}
	b.WriteString(")")
	r := runCLI(context.Background(), nil, "", false, "--no-header", "-o", "tsv", b.String())
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(vals) {
		t.Fatalf("%d rows, want %d", len(lines), len(vals))
	}
	bad := 0
	for i, line := range lines {
		if got, want, _ := strings.Cut(line, "\t"); got != want {
			if bad++; bad < 10 {
				t.Errorf("%v: awssql prints %s, SQLite %s", vals[i], got, want)
			}
		}
	}
}

// TestBooleansInJSON: a column declared boolean is true/false in json and
// jsonl, so that jq's select() counts what SQL counts; text formats keep
// SQLite's 0/1, and an expression over a boolean is the number it is.
func TestBooleansInJSON(t *testing.T) {
	demo := []string{"--demo", "--skip-accounts", "567890123456"}
	count := runCLI(context.Background(), nil, "", false, append(demo, "SELECT count(*) FROM rds_instances WHERE publicly_accessible")...)
	want, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(count.stdout, "count(*)\n")))
	if err != nil || want == 0 {
		t.Fatalf("count: %q %s: the demo should have a public database", count.stdout, count.stderr)
	}
	r := runCLI(context.Background(), nil, "", false, append(demo, "-o", "json", "SELECT db_instance_identifier, publicly_accessible, NOT multi_az AS single_az FROM rds_instances")...)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("exit %d %s: %v\n%s", r.code, r.stderr, err, r.stdout)
	}
	public := 0
	for _, row := range rows {
		p, ok := row["publicly_accessible"].(bool)
		if !ok {
			t.Fatalf("publicly_accessible is %T %v, want a JSON boolean", row["publicly_accessible"], row["publicly_accessible"])
		}
		if p {
			public++
		}
		if _, ok := row["single_az"].(float64); !ok {
			t.Errorf("single_az (an expression) is %T, want the number SQLite computed", row["single_az"])
		}
	}
	if public != want {
		t.Errorf("%d rows are public in JSON, %d in SQL", public, want)
	}
	jl := runCLI(context.Background(), nil, "", false, append(demo, "-o", "jsonl", "SELECT publicly_accessible FROM rds_instances WHERE publicly_accessible")...)
	if n := strings.Count(jl.stdout, `{"publicly_accessible":true}`); n != want {
		t.Errorf("jsonl: %d true rows, want %d:\n%s", n, want, jl.stdout)
	}
	csv := runCLI(context.Background(), nil, "", false, append(demo, "SELECT publicly_accessible FROM rds_instances WHERE publicly_accessible LIMIT 1")...)
	if csv.stdout != "publicly_accessible\n1\n" {
		t.Errorf("csv: %q, want SQLite's 1", csv.stdout)
	}
}

// TestNoHeader: --no-header drops the header line of csv, tsv and table.
func TestNoHeader(t *testing.T) {
	for format, want := range map[string]string{
		"csv":   "1,x\n",
		"tsv":   "1\tx\n",
		"table": "┌───┬───┐\n│ 1 │ x │\n└───┴───┘\n",
	} {
		r := runCLI(context.Background(), nil, "", false, "--no-header", "-o", format, "SELECT 1 AS n, 'x' AS s")
		if r.code != 0 || r.stdout != want {
			t.Errorf("%s: exit %d %q, want %q (%s)", format, r.code, r.stdout, want, r.stderr)
		}
	}
}

// TestColumnNamesLikeValues: a column name is kept on one line and in its
// cell as a value is: a "|" does not open a markdown column, a newline does
// not break the table or the line mode, and a wide name lines up.
func TestColumnNamesLikeValues(t *testing.T) {
	const stmt = `SELECT 1 AS "a|b", 'x|y' AS "c` + "\n" + `d", 'é' AS "日本"`
	tests := []struct {
		format, want string
	}{
		{"markdown", `| a\|b | c\nd | 日本 |
|-----:|:-----|:-----|
|    1 | x\|y | é    |
`},
		{"table", `┌─────┬──────┬──────┐
│ a|b │ c\nd │ 日本 │
├─────┼──────┼──────┤
│   1 │ x|y  │ é    │
└─────┴──────┴──────┘
`},
		{"line", " a|b = 1\nc\\nd = x|y\n日本 = é\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			r := runCLI(context.Background(), nil, "", false, "-o", tt.format, stmt)
			if r.code != 0 || r.stdout != tt.want {
				t.Errorf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, tt.want)
			}
		})
	}
}
