package awsfake

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const s3Module = "github.com/aws/aws-sdk-go-v2/service/s3"

// TestS3Names checks that s3names_gen.go is what the deserializers of the
// S3 SDK in go.mod say, for the outputs of every S3 operation the reflective
// encoder answers (s3Roots): an SDK upgrade that renames an element or a
// header, or an operation added without its names, fails here. Run with
// -update to rewrite the file.
func TestS3Names(t *testing.T) {
	names, version, err := s3NamesFromSDK(slices.Sorted(maps.Keys(s3Roots)))
	if err != nil {
		t.Fatal(err)
	}
	src, err := renderS3Names(names)
	if err != nil {
		t.Fatal(err)
	}
	const file = "s3names_gen.go"
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
		t.Errorf("%s is not what %s@%s says; rerun: go test ./internal/awsfake -run TestS3Names -update", file, s3Module, version)
	}
}

// s3NamesFromSDK reads the SDK's S3 deserializers and returns, for the
// output of each operation and every type reachable from it, each field's
// place in S3's answer (see s3Names in s3names_gen.go for the forms).
//
// An operation's deserializer reads the headers first
// (awsRestxml_deserializeOpHttpBindings<Op>Output:
// response.Header.Values("x-amz-version-id") ... v.VersionId = ...), then
// the body: the output's own members (awsRestxml_deserializeOpDocument<Op>Output
// with a decoder), one member that is the whole body, a structure
// (awsRestxml_deserializeDocumentX(&output.Member, decoder)) or text
// (awsRestxml_deserializeOpDocument<Op>Output(output, response.Body, ...)),
// or nothing. A structure's deserializer is a switch over element names, as
// EC2's (see ec2NamesFromSDK), plus one over its XML attributes; a list
// that S3 flattens (its items repeat the member's element, without a
// wrapper) has a deserializer named ...Unwrapped.
func s3NamesFromSDK(ops []string) (map[string]map[string]string, string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", s3Module).Output()
	if err != nil {
		return nil, "", fmt.Errorf("locate %s: %w", s3Module, err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	src, err := os.ReadFile(filepath.Join(dir, "deserializers.go"))
	if err != nil {
		return nil, "", fmt.Errorf("read the S3 deserializers: %w", err)
	}
	g := &s3Gen{src: map[string]string{}, decls: map[string]*ast.FuncDecl{}, names: map[string]map[string]string{}}
	for _, part := range strings.Split(string(src), "\nfunc ")[1:] {
		head, _, _ := strings.Cut(part, "{")
		name, _, _ := strings.Cut(head, "(")
		if name == "" { // a method: (m *awsRestxml_deserializeOpX) HandleDeserialize(
			recv, rest, _ := strings.Cut(head[1:], ")")
			method, _, _ := strings.Cut(strings.TrimSpace(rest), "(")
			words := strings.Fields(recv)
			name = strings.TrimPrefix(words[len(words)-1], "*") + "." + method
		}
		g.src[name] = "package s3\nfunc " + part
	}
	for _, op := range ops {
		if err := g.operation(op); err != nil {
			return nil, "", fmt.Errorf("%s: %w", op, err)
		}
	}
	return g.names, version, nil
}

type s3Gen struct {
	src   map[string]string // function name (Type.Method for methods) -> its source
	decls map[string]*ast.FuncDecl
	names map[string]map[string]string
}

const s3Deserializer = "awsRestxml_deserializeDocument"

func (g *s3Gen) decl(name string) (*ast.FuncDecl, error) {
	if d, ok := g.decls[name]; ok {
		return d, nil
	}
	src, ok := g.src[name]
	if !ok {
		return nil, fmt.Errorf("no function %s in the S3 deserializers", name)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "deserializers.go", src, 0)
	if err != nil {
		return nil, err
	}
	d := f.Decls[0].(*ast.FuncDecl)
	g.decls[name] = d
	return d, nil
}

// operation records where each member of op's output is answered.
func (g *s3Gen) operation(op string) error {
	typ := "s3." + op + "Output"
	fields := map[string]string{}
	g.names[typ] = fields
	if err := g.headers(op, fields); err != nil {
		return err
	}
	h, err := g.decl("awsRestxml_deserializeOp" + op + ".HandleDeserialize")
	if err != nil {
		return err
	}
	var body *ast.CallExpr
	ast.Inspect(h.Body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && body == nil {
			if id, ok := c.Fun.(*ast.Ident); ok && (strings.HasPrefix(id.Name, "awsRestxml_deserializeOpDocument") || strings.HasPrefix(id.Name, s3Deserializer)) {
				body = c
			}
		}
		return body == nil
	})
	if body == nil {
		return nil // headers only (HeadObject)
	}
	fn := body.Fun.(*ast.Ident).Name
	arg := types.ExprString(body.Args[0])
	switch {
	case arg == "&output": // the output's own members
		_, err := g.structure(fn, typ)
		return err
	case strings.HasPrefix(arg, "&output."): // one member is the body, a structure
		if _, err := g.structure(fn, ""); err != nil {
			return err
		}
		fields[strings.TrimPrefix(arg, "&output.")] = "payload"
		return nil
	case arg == "output": // one member is the body, as it is
		d, err := g.decl(fn)
		if err != nil {
			return err
		}
		field := ""
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok && field == "" && types.ExprString(s.X) == "v" {
				field = s.Sel.Name
			}
			return field == ""
		})
		if field == "" {
			return fmt.Errorf("%s sets no member", fn)
		}
		fields[field] = "payload"
		return nil
	}
	return fmt.Errorf("the body is read by %s(%s), which is not understood", fn, arg)
}

// headers records the members read from headers: "header:Name" and, for a
// timestamp, its format; "headers:prefix" for a map of the headers that
// start with prefix.
func (g *s3Gen) headers(op string, fields map[string]string) error {
	d, err := g.decl("awsRestxml_deserializeOpHttpBindings" + op + "Output")
	if err != nil {
		return nil // no header is read
	}
	for _, st := range d.Body.List {
		switch st := st.(type) {
		case *ast.IfStmt:
			as, ok := st.Init.(*ast.AssignStmt)
			if !ok || len(as.Rhs) != 1 {
				continue
			}
			call, ok := as.Rhs[0].(*ast.CallExpr)
			if !ok || types.ExprString(call.Fun) != "response.Header.Values" {
				continue
			}
			header, _ := strconv.Unquote(call.Args[0].(*ast.BasicLit).Value)
			field := vField(st.Body)
			if field == "" {
				return fmt.Errorf("header %s sets no member", header)
			}
			wire := "header:" + header
			if f := timeFunc(st.Body); f != "" {
				format, ok := map[string]string{"ParseHTTPDate": "http-date", "ParseDateTime": "date-time"}[f]
				if !ok {
					return fmt.Errorf("header %s: timestamps by %s are not supported", header, f)
				}
				wire += ":" + format
			}
			if calls(st.Body, "deserializeS3Expires") {
				wire += ":http-date" // S3's own parser of Expires: an HTTP date, else nothing
			}
			fields[field] = wire
		case *ast.RangeStmt: // for headerKey, headerValues := range response.Header: a prefix
			var prefix string
			ast.Inspect(st.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok && types.ExprString(c.Fun) == "strings.EqualFold" && prefix == "" {
					if lit, ok := c.Args[1].(*ast.BasicLit); ok {
						prefix, _ = strconv.Unquote(lit.Value)
					}
				}
				return prefix == ""
			})
			field := vField(st.Body)
			if prefix == "" || field == "" {
				return fmt.Errorf("a range over the headers that is not understood")
			}
			fields[field] = "headers:" + prefix
		}
	}
	return nil
}

// calls reports whether n calls the function named fn.
func calls(n ast.Node, fn string) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == fn {
				found = true
			}
		}
		return !found
	})
	return found
}

// vField is the first member of v (the output) the statements name.
func vField(n ast.Node) string {
	field := ""
	ast.Inspect(n, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok && field == "" && types.ExprString(s.X) == "v" {
			field = s.Sel.Name
		}
		return field == ""
	})
	return field
}

func timeFunc(n ast.Node) string {
	f := ""
	ast.Inspect(n, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok && types.ExprString(s.X) == "smithytime" {
			f = s.Sel.Name
		}
		return f == ""
	})
	return f
}

// structure records the members of the structure fn decodes and of the
// structures they hold. typ names the output type when fn decodes an
// output's own members (its parameter is then **Output); it returns the
// type's name as reflect prints it.
func (g *s3Gen) structure(fn, typ string) (string, error) {
	d, err := g.decl(fn)
	if err != nil {
		return "", err
	}
	star, ok := param(d).(*ast.StarExpr)
	if !ok {
		return "", fmt.Errorf("%s does not decode a structure", fn)
	}
	if typ == "" {
		typ = strings.TrimPrefix(types.ExprString(star.X), "*")
	}
	fields := g.names[typ]
	if fields == nil {
		fields = map[string]string{}
		g.names[typ] = fields
	} else if !strings.HasPrefix(typ, "s3.") {
		return typ, nil // done already
	}
	for _, c := range s3Cases(d) {
		field := svField(c.clause)
		if field == "" {
			return "", fmt.Errorf("%s: %q sets no field", fn, c.name)
		}
		if c.attr {
			fields[field] = "@" + c.name
			continue
		}
		if f := timeParser(c.clause); f != "" && f != "ParseDateTime" {
			return "", fmt.Errorf("%s.%s: timestamps by %s are not supported", typ, field, f)
		}
		wire, err := g.member(typ+"."+field, c.name, s3Callee(c.clause))
		if err != nil {
			return "", err
		}
		fields[field] = wire
	}
	return typ, nil
}

// member returns the wire form of a field whose element is elem and which
// fn decodes ("" for a value decoded in place): "elem", "elem/item" for a
// list wrapped in elem, "elem+" for a flattened list whose items are elem.
func (g *s3Gen) member(field, elem, fn string) (string, error) {
	if fn == "" {
		return elem, nil
	}
	d, err := g.decl(fn)
	if err != nil {
		return "", err
	}
	p, ok := param(d).(*ast.StarExpr)
	if !ok {
		return "", fmt.Errorf("%s: %s decodes a %s, which is not supported", field, fn, types.ExprString(param(d)))
	}
	if _, list := p.X.(*ast.ArrayType); !list {
		if _, isMap := p.X.(*ast.MapType); isMap {
			return "", fmt.Errorf("%s: maps are not supported", field)
		}
		_, err := g.structure(fn, "")
		return elem, err
	}
	if strings.HasSuffix(fn, "Unwrapped") {
		if err := g.items(field, s3CalleeIn(d.Body)); err != nil {
			return "", err
		}
		return elem + "+", nil
	}
	items := s3Cases(d)
	if len(items) != 1 {
		return "", fmt.Errorf("%s: list %s has %d item elements", field, fn, len(items))
	}
	if err := g.items(field, s3Callee(items[0].clause)); err != nil {
		return "", err
	}
	return elem + "/" + items[0].name, nil
}

// items records the structure of a list's items, when they are structures.
func (g *s3Gen) items(field, fn string) error {
	if fn == "" {
		return nil
	}
	d, err := g.decl(fn)
	if err != nil {
		return err
	}
	if star, ok := param(d).(*ast.StarExpr); !ok || !isStar(star.X) {
		return fmt.Errorf("%s: only lists of values and structures are supported", field)
	}
	_, err = g.structure(fn, "")
	return err
}

type s3Case struct {
	name   string
	attr   bool // an XML attribute, not an element
	clause *ast.CaseClause
}

// s3Cases are the clauses case strings.EqualFold("elem", t.Name.Local) of
// fn and, for attributes, case strings.EqualFold("xsi:type", name).
func s3Cases(d *ast.FuncDecl) []s3Case {
	var out []s3Case
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
		name, _ := strconv.Unquote(lit.Value)
		out = append(out, s3Case{name: name, attr: types.ExprString(call.Args[1]) == "name", clause: c})
		return false
	})
	return out
}

func s3Callee(c *ast.CaseClause) string { return s3CalleeIn(c) }

// s3CalleeIn is the first document deserializer n hands a value to.
func s3CalleeIn(n ast.Node) string {
	fn := ""
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && fn == "" {
			if id, ok := call.Fun.(*ast.Ident); ok && strings.HasPrefix(id.Name, s3Deserializer) {
				fn = id.Name
			}
		}
		return fn == ""
	})
	return fn
}

// renderS3Names writes the names as Go, without the SDK's version.
func renderS3Names(names map[string]map[string]string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Code generated by TestS3Names -update from the deserializers of
// %s (the version in go.mod). DO NOT EDIT.

package awsfake

// s3Names maps every Go type the reflectively encoded S3 operations answer
// with (as reflect names it), then each of its fields, to where S3 puts it:
// "name" an element (a value or a structure), "name/item" a list wrapped in
// name, "name+" a flattened list (each item is a name element), "@attr" an
// XML attribute, "header:Name" a header (":http-date" or ":date-time" for a
// timestamp), "headers:prefix" a map of the headers that start with prefix,
// "payload" the whole body.
func s3Names() map[string]map[string]string {
	return map[string]map[string]string{
`, s3Module)
	for _, t := range slices.Sorted(maps.Keys(names)) {
		fmt.Fprintf(&b, "%q: {\n", t)
		for _, f := range slices.Sorted(maps.Keys(names[t])) {
			fmt.Fprintf(&b, "%q: %q,\n", f, names[t][f])
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n}\n")
	return format.Source(b.Bytes())
}
