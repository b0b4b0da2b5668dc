// Package sdksrc reads facts about AWS's wire formats from the source of
// the aws-sdk-go-v2 version in go.mod (its generated deserializers, in the
// module cache), for the tests that derive generated tables from it: the
// element names awsfake answers EC2 with (internal/awsfake), and how the
// fast decoder reads EC2's answers (fetch/decode). Only tests import it.
package sdksrc

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// EC2Module is the EC2 SDK's module path.
const EC2Module = "github.com/aws/aws-sdk-go-v2/service/ec2"

// Member is one case of a structure's deserializer: an element, matched
// case-insensitively, and the Go field it fills.
type Member struct {
	Elem  string // the element
	Field string // the Go field
	// Parse says how the element's text becomes the field's value, for a
	// value: see parses. "" for a structure or a list.
	Parse string
	// Item is a list's items' element; "" when the field is no list.
	Item string
	// ItemParse is how an item's text becomes its value, for a list of
	// values; "" for a list of structures.
	ItemParse string
}

// The ways the EC2 deserializers turn an element's text into a value,
// keyed by the right-hand side of the assignment (with any ptr.X(...)
// wrapper taken off) and the strconv or smithytime function called.
var parses = map[string]string{
	"xtv|":                            "string", // ptr.String(xtv), or xtv
	"xtv|strconv.ParseBool":           "bool",
	"int32(i64)|strconv.ParseInt":     "int32", // ParseInt(xtv, 10, 64), truncated
	"i64|strconv.ParseInt":            "int64",
	"float32(f64)|strconv.ParseFloat": "float32", // ParseFloat(xtv, 64), rounded
	"f64|strconv.ParseFloat":          "float64",
	"t|smithytime.ParseDateTime":      "time",
	"enum|":                           "enum", // types.X(xtv)
}

// EC2 reads the EC2 deserializers of the SDK version in go.mod and returns,
// for every Go type that the outputs of ops reach (named as reflect names
// it: "types.Instance", "ec2.DescribeInstancesOutput"), its members in the
// order its deserializer matches them, and the SDK's version.
//
// A deserializer of a structure is a switch over the element names, e.g.
//
//	case strings.EqualFold("ipAddress", t.Name.Local):
//		... sv.PublicIpAddress = ptr.String(xtv)
//	case strings.EqualFold("tagSet", t.Name.Local):
//		... awsEc2query_deserializeDocumentTagList(&sv.Tags, nodeDecoder)
//
// and a list's deserializer names its items the same way ("item").
func EC2(ops []string) (map[string][]Member, string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", EC2Module).Output()
	if err != nil {
		return nil, "", fmt.Errorf("locate %s: %w", EC2Module, err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	src, err := os.ReadFile(filepath.Join(dir, "deserializers.go"))
	if err != nil {
		return nil, "", fmt.Errorf("read the EC2 deserializers: %w", err)
	}
	g := &ec2Gen{src: map[string]string{}, decls: map[string]*ast.FuncDecl{}, types: map[string][]Member{}}
	// Index the functions by name and parse only those reached: the file is
	// a quarter of a million lines.
	for _, part := range strings.Split(string(src), "\nfunc ")[1:] {
		name, _, _ := strings.Cut(part, "(")
		g.src[name] = "package ec2\nfunc " + part
	}
	ops = slices.Sorted(slices.Values(ops))
	for _, op := range ops {
		if _, err := g.structure("awsEc2query_deserializeOpDocument" + op + "Output"); err != nil {
			return nil, "", fmt.Errorf("%s: %w", op, err)
		}
	}
	return g.types, version, nil
}

type ec2Gen struct {
	src   map[string]string // function name -> its source
	decls map[string]*ast.FuncDecl
	types map[string][]Member
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

// structure records the members of the structure that fn decodes and, in
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
	if _, done := g.types[typ]; done {
		return typ, nil
	}
	g.types[typ] = nil
	var members []Member
	for _, c := range cases(d) {
		field := svField(c.clause)
		if field == "" {
			return "", fmt.Errorf("%s: element %q sets no field", fn, c.elem)
		}
		if f := timeParser(c.clause); f != "" && f != "ParseDateTime" {
			return "", fmt.Errorf("%s.%s: timestamps by %s are not supported", typ, field, f)
		}
		m := Member{Elem: c.elem, Field: field}
		if err := g.member(&m, typ, c.clause); err != nil {
			return "", err
		}
		members = append(members, m)
	}
	g.types[typ] = members
	return typ, nil
}

// member completes m from the clause that decodes it: how its text is
// parsed, or the structure or list it is decoded as.
func (g *ec2Gen) member(m *Member, typ string, clause *ast.CaseClause) error {
	field := typ + "." + m.Field
	fn := callee(clause)
	if fn == "" {
		p, err := parseOf(clause, "sv."+m.Field)
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		m.Parse = p
		return nil
	}
	d, err := g.decl(fn)
	if err != nil {
		return err
	}
	p, ok := param(d).(*ast.StarExpr)
	if !ok {
		return fmt.Errorf("%s: %s decodes a %s, which is not supported", field, fn, types.ExprString(param(d)))
	}
	if _, list := p.X.(*ast.ArrayType); !list {
		_, err := g.structure(fn)
		return err
	}
	if strings.HasSuffix(fn, "Unwrapped") {
		return fmt.Errorf("%s: flattened lists are not supported", field)
	}
	items := cases(d)
	if len(items) != 1 {
		return fmt.Errorf("%s: list %s has %d item elements", field, fn, len(items))
	}
	m.Item = items[0].elem
	item := callee(items[0].clause)
	if item == "" {
		ip, err := parseOf(items[0].clause, "col")
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		m.ItemParse = ip
		return nil
	}
	if d, err := g.decl(item); err != nil {
		return err
	} else if star, ok := param(d).(*ast.StarExpr); !ok || !isStar(star.X) {
		return fmt.Errorf("%s: only lists of values and structures are supported", field)
	}
	_, err = g.structure(item)
	return err
}

// parseOf says how the clause turns the element's text into the value it
// assigns to lhs (sv.Field, or col for a list's item).
func parseOf(clause *ast.CaseClause, lhs string) (string, error) {
	var rhs ast.Expr
	var calls []string
	ast.Inspect(clause, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 && types.ExprString(n.Lhs[0]) == lhs {
				rhs = n.Rhs[0]
			}
		case *ast.CallExpr:
			if s := types.ExprString(n.Fun); strings.HasPrefix(s, "strconv.") || strings.HasPrefix(s, "smithytime.") || strings.HasPrefix(s, "base64.") {
				calls = append(calls, s)
				if s == "strconv.ParseInt" && (len(n.Args) != 3 || types.ExprString(n.Args[1]) != "10" || types.ExprString(n.Args[2]) != "64") ||
					s == "strconv.ParseFloat" && (len(n.Args) != 2 || types.ExprString(n.Args[1]) != "64") {
					calls = append(calls, "unexpected arguments")
				}
			}
		}
		return true
	})
	if rhs == nil {
		return "", fmt.Errorf("no assignment to %s", lhs)
	}
	// ptr.String(xtv), ptr.Int32(int32(i64)), ...: a pointer to the value.
	if call, ok := rhs.(*ast.CallExpr); ok && strings.HasPrefix(types.ExprString(call.Fun), "ptr.") && len(call.Args) == 1 {
		rhs = call.Args[0]
	}
	expr := types.ExprString(rhs)
	if call, ok := rhs.(*ast.CallExpr); ok && strings.HasPrefix(types.ExprString(call.Fun), "types.") &&
		len(call.Args) == 1 && types.ExprString(call.Args[0]) == "xtv" {
		expr = "enum"
	}
	key := expr + "|" + strings.Join(calls, "|")
	p, ok := parses[key]
	if !ok {
		return "", fmt.Errorf("the value %s (parsed by %v) is not supported", types.ExprString(rhs), calls)
	}
	return p, nil
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

// Names maps each type's fields to their elements as awsfake writes them:
// "name" for a value or a structure, "name/item" for a list and its items.
func Names(members map[string][]Member) map[string]map[string]string {
	names := map[string]map[string]string{}
	for typ, ms := range members {
		fields := map[string]string{}
		for _, m := range ms {
			wire := m.Elem
			if m.Item != "" {
				wire += "/" + m.Item
			}
			fields[m.Field] = wire
		}
		names[typ] = fields
	}
	return names
}
