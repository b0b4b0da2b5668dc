package awsfake

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite ec2names_gen.go from the EC2 SDK's deserializers")

const ec2Module = "github.com/aws/aws-sdk-go-v2/service/ec2"

// TestEC2Names checks that ec2names_gen.go is what the deserializers of the
// EC2 SDK in go.mod say, for the outputs of every EC2 route: an SDK upgrade
// that renames an element, or a route added without its names, fails here.
// Run with -update to rewrite the file.
func TestEC2Names(t *testing.T) {
	var ops []string
	for r := range routes() {
		if op, ok := strings.CutPrefix(r, "ec2:"); ok {
			ops = append(ops, op)
		}
	}
	names, version, err := ec2NamesFromSDK(ops)
	if err != nil {
		t.Fatal(err)
	}
	src, err := renderEC2Names(names)
	if err != nil {
		t.Fatal(err)
	}
	const file = "ec2names_gen.go"
	if *update {
		if err := os.WriteFile(file, src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, src) {
		t.Errorf("%s is not what %s@%s says; rerun: go test ./internal/awsfake -run TestEC2Names -update", file, ec2Module, version)
	}
}

// ec2NamesFromSDK reads the SDK's EC2 deserializers (deserializers.go in the
// module cache, for the version in go.mod) and returns, for every type
// reachable from the outputs of ops, each field's element: "name" for a
// value or a structure, "name/item" for a list and its items.
//
// A deserializer of a structure is a switch over the element names, e.g.
//
//	case strings.EqualFold("ipAddress", t.Name.Local):
//		... sv.PublicIpAddress = ptr.String(xtv)
//	case strings.EqualFold("tagSet", t.Name.Local):
//		... awsEc2query_deserializeDocumentTagList(&sv.Tags, nodeDecoder)
//
// and a list's deserializer names its items the same way ("item").
func ec2NamesFromSDK(ops []string) (map[string]map[string]string, string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", ec2Module).Output()
	if err != nil {
		return nil, "", fmt.Errorf("locate %s: %w", ec2Module, err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	src, err := os.ReadFile(filepath.Join(dir, "deserializers.go"))
	if err != nil {
		return nil, "", fmt.Errorf("read the EC2 deserializers: %w", err)
	}
	g := &ec2Gen{src: map[string]string{}, decls: map[string]*ast.FuncDecl{}, names: map[string]map[string]string{}}
	// Index the functions by name and parse only those reached: the file is
	// a quarter of a million lines.
	for _, part := range strings.Split(string(src), "\nfunc ")[1:] {
		name, _, _ := strings.Cut(part, "(")
		g.src[name] = "package ec2\nfunc " + part
	}
	slices.Sort(ops)
	for _, op := range ops {
		if _, err := g.structure("awsEc2query_deserializeOpDocument" + op + "Output"); err != nil {
			return nil, "", fmt.Errorf("%s: %w", op, err)
		}
	}
	return g.names, version, nil
}

type ec2Gen struct {
	src   map[string]string // function name -> its source
	decls map[string]*ast.FuncDecl
	names map[string]map[string]string
}

const ec2Deserializer = "awsEc2query_deserializeDocument"

func (g *ec2Gen) decl(name string) (*ast.FuncDecl, error) {
	if d, ok := g.decls[name]; ok {
		return d, nil
	}
	src, ok := g.src[name]
	if !ok {
		return nil, fmt.Errorf("no function %s in the EC2 deserializers", name)
	}
	f, err := parser.ParseFile(token.NewFileSet(), name+".go", src, 0)
	if err != nil {
		return nil, err
	}
	d := f.Decls[0].(*ast.FuncDecl)
	g.decls[name] = d
	return d, nil
}

// param is the type of the function's first parameter, the value it decodes
// into: **types.X for a structure, *[]T for a list.
func param(d *ast.FuncDecl) ast.Expr { return d.Type.Params.List[0].Type }

// structure records the fields of the structure that fn decodes and, in
// turn, of the structures they hold; it returns the Go type's name as
// reflect prints it ("types.Instance", "ec2.DescribeInstancesOutput").
func (g *ec2Gen) structure(fn string) (string, error) {
	d, err := g.decl(fn)
	if err != nil {
		return "", err
	}
	star, ok := param(d).(*ast.StarExpr)
	if !ok {
		return "", fmt.Errorf("%s does not decode a structure", fn)
	}
	typ := strings.TrimPrefix(types.ExprString(star.X), "*")
	if !strings.Contains(typ, ".") {
		typ = "ec2." + typ
	}
	if _, done := g.names[typ]; done {
		return typ, nil
	}
	fields := map[string]string{}
	g.names[typ] = fields
	for _, c := range cases(d) {
		field := svField(c.clause)
		if field == "" {
			return "", fmt.Errorf("%s: element %q sets no field", fn, c.elem)
		}
		if f := timeParser(c.clause); f != "" && f != "ParseDateTime" {
			return "", fmt.Errorf("%s.%s: timestamps by %s are not supported", typ, field, f)
		}
		wire, err := g.member(typ+"."+field, c.elem, callee(c.clause))
		if err != nil {
			return "", err
		}
		fields[field] = wire
	}
	return typ, nil
}

// member returns the wire form of a field whose element is elem and which
// fn decodes ("" for a value decoded in place).
func (g *ec2Gen) member(field, elem, fn string) (string, error) {
	if fn == "" {
		return elem, nil
	}
	d, err := g.decl(fn)
	if err != nil {
		return "", err
	}
	switch p := param(d).(type) {
	case *ast.StarExpr:
		if _, list := p.X.(*ast.ArrayType); !list {
			_, err := g.structure(fn)
			return elem, err
		}
		if strings.HasSuffix(fn, "Unwrapped") {
			return "", fmt.Errorf("%s: flattened lists are not supported", field)
		}
		items := cases(d)
		if len(items) != 1 {
			return "", fmt.Errorf("%s: list %s has %d item elements", field, fn, len(items))
		}
		if item := callee(items[0].clause); item != "" {
			if d, err := g.decl(item); err != nil {
				return "", err
			} else if star, ok := param(d).(*ast.StarExpr); !ok || !isStar(star.X) {
				return "", fmt.Errorf("%s: only lists of values and structures are supported", field)
			}
			if _, err := g.structure(item); err != nil {
				return "", err
			}
		}
		return elem + "/" + items[0].elem, nil
	}
	return "", fmt.Errorf("%s: %s decodes a %s, which is not supported", field, fn, types.ExprString(param(d)))
}

func isStar(e ast.Expr) bool { _, ok := e.(*ast.StarExpr); return ok }

type elemCase struct {
	elem   string
	clause *ast.CaseClause
}

// cases are the clauses case strings.EqualFold("elem", t.Name.Local) of fn.
func cases(d *ast.FuncDecl) []elemCase {
	var out []elemCase
	ast.Inspect(d.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CaseClause)
		if !ok || len(c.List) != 1 {
			return true
		}
		call, ok := c.List[0].(*ast.CallExpr)
		if !ok || types.ExprString(call.Fun) != "strings.EqualFold" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		elem, _ := strconv.Unquote(lit.Value)
		out = append(out, elemCase{elem, c})
		return false
	})
	return out
}

// svField is the first field of sv (the value being decoded) the clause
// names: the field the element fills.
func svField(c *ast.CaseClause) string {
	field := ""
	ast.Inspect(c, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok && field == "" && types.ExprString(s.X) == "sv" {
			field = s.Sel.Name
		}
		return field == ""
	})
	return field
}

// callee is the deserializer the clause hands the element to, if any.
func callee(c *ast.CaseClause) string {
	fn := ""
	ast.Inspect(c, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && fn == "" {
			if id, ok := call.Fun.(*ast.Ident); ok && strings.HasPrefix(id.Name, ec2Deserializer) {
				fn = id.Name
			}
		}
		return fn == ""
	})
	return fn
}

// timeParser names the smithytime function the clause parses a timestamp
// with, if any.
func timeParser(c *ast.CaseClause) string {
	f := ""
	ast.Inspect(c, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok && types.ExprString(s.X) == "smithytime" {
			f = s.Sel.Name
		}
		return f == ""
	})
	return f
}

// renderEC2Names writes the names as Go. The SDK's version stays out of it,
// so that an upgrade that changes no name needs no new file.
func renderEC2Names(names map[string]map[string]string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Code generated by TestEC2Names -update from the deserializers of
// %s (the version in go.mod). DO NOT EDIT.

package awsfake

// ec2Names maps every Go type the EC2 routes answer with (as reflect names
// it), then each of its fields, to the field's element in EC2's XML:
// "name" for a value or a structure, "name/item" for a list and its items.
func ec2Names() map[string]map[string]string {
	return map[string]map[string]string{
`, ec2Module)
	typs := make([]string, 0, len(names))
	for t := range names {
		typs = append(typs, t)
	}
	sort.Strings(typs)
	for _, t := range typs {
		fmt.Fprintf(&b, "%q: {\n", t)
		fields := make([]string, 0, len(names[t]))
		for f := range names[t] {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			fmt.Fprintf(&b, "%q: %q,\n", f, names[t][f])
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n}\n")
	return format.Source(b.Bytes())
}
