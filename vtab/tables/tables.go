// Package tables defines awssql's tables: one file each, joining the SQL
// engine (vtab) to the AWS side (fetch). A table's file is the one place
// that says everything about it: its columns and how each is read from the
// SDK's own type; for each pushed column the API parameter or filter its
// values become; the operations it may call; its scope; and the probe that
// `awssql check` makes. The allowlist, `policy`, `check`, `explain`,
// `schema` and the README's lists are all derived from these declarations.
package tables

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"golang.org/x/sync/errgroup"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// Table is a table's declaration as the rest of awssql sees it: the
// engine's definition and what only the AWS side knows.
type Table struct {
	Name    string
	Aliases []string
	Def     vtab.Def
	Scope   Scope
	// Ops are the operations the table may call.
	Ops []fetch.Operation
	// Probe is the read `awssql check` makes for the table in each account.
	Probe fetch.Probe
	// Missing are the columns of Steampipe's table of the same resource
	// that this table does not have, and why.
	Missing map[string]string
	// Hydrated are the columns that cost a call per row (or per account),
	// made only when a statement reads them.
	Hydrated []string
	// problems are mistakes in the declaration that the engine cannot see.
	problems []error
}

// Validate reports every mistake in the tables' declarations at once: the
// engine's checks (vtab.New) and the AWS side's.
func Validate(ts []Table) error {
	var errs []error
	for _, t := range ts {
		errs = append(errs, t.problems...)
		if err := fetch.CheckReadOnly(t.Ops); err != nil {
			errs = append(errs, fmt.Errorf("table %q: %w", t.Name, err))
		}
	}
	if _, err := vtab.New(Defs(ts)...); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Scope says which targets a scan of the table calls.
type Scope int

const (
	// PerRegion: every enabled region of every account the query leaves.
	PerRegion Scope = iota
	// PerAccount: once per account, in the home region.
	PerAccount
	// PerBucket: once per bucket the query names, in the bucket's region.
	PerBucket
	// PerConnection: the connection's own list of accounts; no call is
	// made in the accounts unless the query reads what needs one.
	PerConnection
)

func (s Scope) String() string {
	switch s {
	case PerRegion:
		return "each enabled region of each account"
	case PerAccount:
		return "once per account"
	case PerBucket:
		return "once per bucket named"
	}
	return "the connection's accounts"
}

// All returns every table, reading through s (nil to describe them only).
func All(s *fetch.Session) []Table {
	ts := []Table{
		Accounts(s),
		Regions(s),
		EC2Instances(s),
		Images(s),
		ReservedInstances(s),
		RDSInstances(s),
		S3Buckets(s),
		S3Objects(s),
		EC2InstanceTypes(s),
		EBSVolumes(s),
		EBSSnapshots(s),
		VPCs(s),
		VPCSubnets(s),
		VPCSecurityGroups(s),
		LambdaFunctions(s),
		SSMManagedInstances(s),
		SSMInventoryEntries(s),
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	return ts
}

// Defs returns the engine definitions of the tables.
func Defs(ts []Table) []vtab.Def {
	defs := make([]vtab.Def, len(ts))
	for i, t := range ts {
		defs[i] = t.Def
	}
	return defs
}

// Operations returns what the tables may call, for the allowlist.
func Operations() []fetch.Operation {
	var ops []fetch.Operation
	for _, t := range All(nil) {
		ops = append(ops, t.Ops...)
	}
	return ops
}

// Probes returns the reads `awssql check` makes, one per table.
func Probes(ts []Table) []fetch.Probe {
	var ps []fetch.Probe
	for _, t := range ts {
		if t.Probe.Call != nil {
			ps = append(ps, t.Probe)
		}
	}
	return ps
}

// Find returns the table of a name or alias.
func Find(ts []Table, name string) (Table, bool) {
	for _, t := range ts {
		if t.Name == name || slices.Contains(t.Aliases, name) {
			return t, true
		}
	}
	return Table{}, false
}

// push is how a column's '=' and IN values reach the API: an EC2 filter,
// or a parameter of the table's input type set by a function. It is
// declared on the column itself, so that a pushed column cannot lose its
// effect on the call while SQLite is told the call matched it.
type push struct {
	key      vtab.Key
	what     string // what the values become, for explain, schema and the README
	batch    int    // values one call takes
	perValue bool
	scope    bool
	sel      float64
	filter   string                      // an EC2 filter name
	in       reflect.Type                // the input type set takes
	set      func(in any, vals []string) // a parameter of the input
	conv     func(string) (string, bool) // a value as the API takes it; false: it matches nothing
}

// ec2FilterValues is how many filter values EC2 takes in one call, all
// filters together ("The maximum number of filter values specified on a
// single call is 200").
const ec2FilterValues = 200

// filter pushes a column as an EC2 filter, exactly: values are escaped so
// that EC2's wildcards match what '=' matches.
func filter(name string) *push {
	return &push{key: vtab.Exact, what: "filter " + name, batch: ec2FilterValues, filter: name, conv: nonEmpty}
}

// param pushes a column as a parameter of the table's input type In,
// exactly; batch is how many values one call takes.
func param[In any](what string, batch int, set func(in *In, vals []string)) *push {
	return &push{key: vtab.Exact, what: what, batch: batch, in: reflect.TypeFor[In](),
		set: func(in any, vals []string) { set(in.(*In), vals) }, conv: nonEmpty}
}

// loose marks a push whose API match may be looser than SQL's '=' (case,
// prefix): SQLite re-checks every row.
func (p *push) loose() *push { p.key = vtab.Pushed; return p }

// required marks a push without which the table cannot be listed.
func (p *push) required() *push { p.key = vtab.Required; return p }

// selective says how many times fewer rows the push leaves (an id: many).
func (p *push) selective(x float64) *push { p.sel = x; return p }

// perCall makes an IN list longer than a call takes one call per batch,
// not one scan.
func (p *push) perCall() *push { p.perValue = true; return p }

// scoping marks a push without which the table lists a default set (the
// account's own), not every row: see vtab.Column.Scope. It implies perCall.
func (p *push) scoping() *push { p.perValue, p.scope = true, true; return p }

// values says how a value is written for the API, and which values can
// match nothing (dropped; no value left: no call).
func (p *push) values(conv func(string) (string, bool)) *push { p.conv = conv; return p }

func nonEmpty(v string) (string, bool) { return v, v != "" }

// oneOf accepts only the values of an enum (an API parameter that takes
// nothing else).
func oneOf(values ...string) func(string) (string, bool) {
	return func(v string) (string, bool) { return v, slices.Contains(values, v) }
}

// col is one column of a table read from items of type T, whose pushes set
// fields of the input type In.
type col[T, In any] struct {
	Name     string
	Type     vtab.Type
	Doc      string
	Hidden   bool
	Nullable bool
	Get      func(*fetch.Item[T]) any
	// Field is the Go path of the SDK field the column is, "State.Name":
	// a getter (Steampipe's transform.FromField) and what the column reads.
	Field string
	// Reads are the Go paths of the fields a Get or Hydrate reads. A
	// column that reads something and says neither Field nor Reads makes
	// a statement that reads it decode every field.
	Reads []string
	Push  *push
	// Hydrate computes the column with an extra call per row (Steampipe's
	// hydrate functions), made only when the statement reads the column,
	// and through the call cache: columns that need the same call make it
	// once. An error fails the row's target, as a failed page does.
	Hydrate func(ctx context.Context, c *fetch.Client, v T) (any, error)
}

// Row is the row of a regional table: an item, where it was read, and the
// values of its hydrated columns that the statement reads. Columns read
// it in place: their getters take the item by pointer.
type Row[T any] struct {
	fetch.Item[T]
	More map[string]any
}

// Hydrated is what a target's pages of a regional table hold: an item and the values of its
// hydrated columns that the statement reads.
type Hydrated[T any] struct {
	V    T
	More map[string]any
}

// hydrated is an item of a target's page as a scan yields it: where the
// item is in the page (not a copy: a small resource is 300 bytes, and
// copying each into a page of its own was half of a count(*)'s garbage),
// and its hydrated columns, if the statement reads any.
type hydrated[T any] struct {
	v    *T
	more map[string]any
}

// hydrateAtOnce bounds the extra calls in flight for one target's page.
const hydrateAtOnce = 8

// regional describes a table read from (account, region) targets: its
// rows are the items of T that one SDK call per page returns, its
// pushdown sets fields of In, the SDK input (or a struct wrapping it).
type regional[T, In any] struct {
	name, doc string
	aliases   []string
	rows      float64
	// global: one target per account, in the home region.
	global bool
	ops    []fetch.Operation
	probe  func(ctx context.Context, s *fetch.Session, c *fetch.Client) (string, error)
	// filters gives the EC2 filters of the input, for filter pushes.
	filters func(*In) *[]ec2types.Filter
	columns []col[T, In]
	id      func(T) string
	// The columns every table has where the resource has them, as
	// Steampipe's do: arn (and akas, [arn]), title (a name, else the id),
	// tags (a JSON object) and tags_src (the tags as the API lists them).
	arn   func(fetch.Item[T]) string
	title func(T) any
	tags  func(T) any
	// idReads are the Go paths of the fields id and arn read; tagsReads
	// those tags and title read (title also reads idReads).
	idReads, tagsReads []string
	// project asks the calls list makes to decode only the fields of T
	// paths name (fetch.Project with the path from the output to an
	// item); nil: every call decodes whole answers.
	project func(ctx context.Context, paths []string) context.Context
	// missing are Steampipe's columns the table does not have, and why.
	missing map[string]string
	// list reads one target with the input the pushed values made.
	list func(ctx context.Context, c *fetch.Client, in *In, q *vtab.Query) iter.Seq2[[]T, error]
}

// define adds the shared account_id and region key columns (which trim
// the fan-out itself) and the common ones, turns the pushes into vtab
// keys, and fans list out over the targets the query leaves with the input
// its pushes build, hydrating the columns the statement reads.
func define[T, In any](s *fetch.Session, r regional[T, In]) Table {
	type row = Row[T]
	cols := []vtab.Column[row]{
		{Name: "account_id", Type: vtab.Text, Key: vtab.Exact, Doc: "AWS account id", Push: "the accounts called: none for the others",
			Batch: 1 << 20, Get: func(i *row) any { return &i.Account }},
	}
	if !r.global {
		cols = append(cols, vtab.Column[row]{Name: "region", Type: vtab.Text, Key: vtab.Exact, Doc: "AWS region",
			Push: "the regions called: none for the others", Batch: 1 << 20, Get: func(i *row) any { return &i.Region }})
	}
	pushes := map[string]*push{}
	var hydrates []col[T, In]
	var problems []error
	// reads are the fields each column reads, if known: what a statement
	// reads is decoded, and nothing else.
	reads := map[string][]string{"account_id": nil, "region": nil}
	for _, c := range r.common(s) {
		vc := vtab.Column[row]{Name: c.Name, Type: c.Type, Doc: c.Doc, Hidden: c.Hidden, Nullable: c.Nullable}
		if c.Field != "" {
			if c.Get != nil {
				problems = append(problems, fmt.Errorf("table %q: column %q has both a field and a getter", r.name, c.Name))
			}
			c.Get = from[T](c.Field)
			c.Reads = append(slices.Clone(c.Reads), c.Field)
		}
		if c.Reads != nil || (c.Get == nil && c.Hydrate == nil) {
			reads[c.Name] = c.Reads
		}
		if get := c.Get; get != nil {
			vc.Get = func(i *row) any { return get(&i.Item) }
		}
		if c.Hydrate != nil {
			if c.Push != nil || c.Get != nil {
				problems = append(problems, fmt.Errorf("table %q: column %q is hydrated: it can neither be pushed nor have a getter", r.name, c.Name))
			}
			// SQLite says which columns a statement reads one bit each for
			// the first 63 only; one bit stands for all the others, so a
			// hydrated column there would be called for whenever any of
			// them is read.
			if len(cols) >= 63 {
				problems = append(problems, fmt.Errorf("table %q: hydrated column %q is column %d: declare it among the first 63, "+
					"which SQLite tells apart when it says what a statement reads", r.name, c.Name, len(cols)+1))
			}
			name := c.Name
			vc.Get = func(i *row) any { return i.More[name] }
			hydrates = append(hydrates, c)
			if err := hydratedPosition(r.name, c.Name, len(cols)); err != nil {
				problems = append(problems, err)
			}
		}
		if p := c.Push; p != nil {
			if p.set != nil && p.in != reflect.TypeFor[In]() {
				problems = append(problems, fmt.Errorf("table %q: column %q sets a %v, not the table's %v", r.name, c.Name, p.in, reflect.TypeFor[In]()))
				continue
			}
			if p.filter == "" && p.set == nil {
				problems = append(problems, fmt.Errorf("table %q: column %q is pushed into nothing: name its EC2 filter or the parameter it sets", r.name, c.Name))
				continue
			}
			if p.filter != "" && r.filters == nil {
				problems = append(problems, fmt.Errorf("table %q: column %q is an EC2 filter but the table's input has none", r.name, c.Name))
				continue
			}
			vc.Key, vc.Push, vc.Batch, vc.PerValue, vc.Scope, vc.Selectivity = p.key, p.what, p.batch, p.perValue, p.scope, p.sel
			pushes[c.Name] = p
		}
		cols = append(cols, vc)
	}
	scope := PerRegion
	if r.global {
		scope = PerAccount
	}
	def := &vtab.Table[row]{
		Name:    r.name,
		Aliases: r.aliases,
		Doc:     r.doc,
		Rows:    r.rows,
		Columns: cols,
		ID: func(i row) string {
			return i.Account + "/" + i.Region + "/" + r.id(i.Value)
		},
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[row, error] {
			ctx = mayAskAgain(ctx, q)
			sc := fetch.Scope{Global: r.global}
			sc.Accounts, _ = q.Values("account_id")
			if !r.global {
				sc.Regions, _ = q.Values("region")
			}
			var used []col[T, In]
			for _, c := range hydrates {
				if q.Uses(c.Name) {
					used = append(used, c)
				}
			}
			if r.project != nil {
				if paths, ok := r.reads(q, cols, reads); ok {
					ctx = r.project(ctx, paths)
				}
			}
			items := fetch.Scan(ctx, s, sc, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]hydrated[T], error] {
				in, ok := r.input(q, pushes)
				if !ok {
					return done[hydrated[T]]()
				}
				return hydrate(ctx, c, r.list(ctx, c, in, q), used)
			})
			return func(yield func(row, error) bool) {
				for i, err := range items {
					if err != nil {
						// An error's item has no resource to point at.
						yield(row{}, err)
						return
					}
					if !yield(row{Item: fetch.Item[T]{Target: i.Target, Value: *i.Value.v}, More: i.Value.more}, nil) {
						return
					}
				}
			}
		},
	}
	t := Table{Name: r.name, Aliases: r.aliases, Def: def, Scope: scope, Ops: r.ops, Missing: r.missing, problems: problems}
	for _, c := range hydrates {
		t.Hydrated = append(t.Hydrated, c.Name)
	}
	if r.probe != nil {
		t.Probe = fetch.Probe{Table: r.name, Actions: actions(r.ops), Call: r.probe}
	}
	return t
}

// reads returns the fields of T a statement reads: the id's, and those of
// each column it reads; false if a column it reads does not say.
func (r regional[T, In]) reads(q *vtab.Query, cols []vtab.Column[Row[T]], reads map[string][]string) ([]string, bool) {
	paths := slices.Clone(r.idReads)
	for _, c := range cols {
		if !q.Uses(c.Name) {
			continue
		}
		rs, ok := reads[c.Name]
		if !ok {
			return nil, false
		}
		paths = append(paths, rs...)
	}
	return paths, true
}

// common returns the table's columns and, after them, the common ones it
// declares how to make.
func (r regional[T, In]) common(s *fetch.Session) []col[T, In] {
	cols := slices.Clone(r.columns)
	if r.arn != nil {
		arn := r.arn
		cols = append(cols,
			col[T, In]{Name: "arn", Type: vtab.Text, Doc: "Amazon Resource Name", Reads: known(r.idReads), Get: func(i *fetch.Item[T]) any { return arn(*i) }},
			col[T, In]{Name: "akas", Type: vtab.JSON, Doc: "the resource's ARN as a list, as Steampipe names it", Reads: known(r.idReads),
				Get: func(i *fetch.Item[T]) any { return []string{arn(*i)} }})
	}
	if r.title != nil {
		title := r.title
		cols = append(cols, col[T, In]{Name: "title", Type: vtab.Text, Doc: "the resource's Name tag, else its id",
			Reads: known(r.tagsReads), Get: func(i *fetch.Item[T]) any { return title(i.Value) }})
	}
	if r.tags != nil {
		tags := r.tags
		cols = append(cols,
			col[T, In]{Name: "tags", Type: vtab.JSON, Doc: `the tags as an object {"Key": "Value"}`, Reads: known(r.tagsReads),
				Get: func(i *fetch.Item[T]) any { return tagObject(tags(i.Value)) }},
			col[T, In]{Name: "tags_src", Type: vtab.JSON, Doc: "the tags as the API lists them", Reads: known(r.tagsReads),
				Get: func(i *fetch.Item[T]) any { return tags(i.Value) }})
	}
	return append(cols, col[T, In]{Name: "partition", Type: vtab.Text, Doc: "aws, aws-cn or aws-us-gov", Reads: []string{},
		Get: func(*fetch.Item[T]) any { return partitionValue(s.Partition()) }})
}

// partitionValue is p as a column's value: the partitions AWS has are
// constants, which an interface holds without an allocation a row.
func partitionValue(p string) any {
	switch p {
	case "aws":
		return "aws"
	case "aws-cn":
		return "aws-cn"
	case "aws-us-gov":
		return "aws-us-gov"
	}
	return p
}

// known is paths, or nil (not known) when the table declared none; the
// id's fields are added by reads.
func known(paths []string) []string {
	if paths == nil {
		return nil
	}
	return slices.Clone(paths)
}

// project makes a table's project: its items of are at the Go path at
// within the output Out ("Reservations.Instances").
func project[Out any](at string) func(context.Context, []string) context.Context {
	return func(ctx context.Context, paths []string) context.Context {
		full := make([]string, len(paths))
		for i, p := range paths {
			full[i] = at + "." + p
		}
		return fetch.Project[Out](ctx, full)
	}
}

// hydratedPosition reports a hydrated column declared too late: SQLite
// says which columns a statement reads (colUsed) for the first 63 only, and
// one bit for all the others, so a column past them would make its calls
// whenever any of them is read.
func hydratedPosition(table, column string, index int) error {
	if index < 63 {
		return nil
	}
	return fmt.Errorf("table %q: hydrated column %q is column %d: SQLite tells which of a table's columns a statement reads only for the first 63; declare it earlier", table, column, index+1)
}

// hydrate adds to each item of a target's pages the hydrated columns the
// statement reads, a few calls at a time. Their calls are kept even when
// the statement's are not (fetch.AskedOnce): rows and columns share them.
func hydrate[T, In any](ctx context.Context, c *fetch.Client, pages iter.Seq2[[]T, error], cols []col[T, In]) iter.Seq2[[]hydrated[T], error] {
	return func(yield func([]hydrated[T], error) bool) {
		ctx := fetch.AskedAgain(ctx)
		for page, err := range pages {
			if err != nil {
				yield(nil, err)
				return
			}
			out := make([]hydrated[T], len(page))
			g, gctx := errgroup.WithContext(ctx)
			g.SetLimit(hydrateAtOnce)
			for i := range page {
				out[i].v = &page[i]
				if len(cols) == 0 {
					continue
				}
				v := page[i] // escapes, to the calls: only when there are some
				more := make(map[string]any, len(cols))
				out[i].more = more
				var mu sync.Mutex
				for _, col := range cols {
					g.Go(func() error {
						val, err := col.Hydrate(gctx, c, v)
						if err != nil {
							return fmt.Errorf("%s: %w", col.Name, err)
						}
						mu.Lock()
						more[col.Name] = val
						mu.Unlock()
						return nil
					})
				}
			}
			if err := g.Wait(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

// input builds the call's input from the pushed values; ok is false when
// a pushed column has no value the API could match.
func (r regional[T, In]) input(q *vtab.Query, pushes map[string]*push) (*In, bool) {
	in := new(In)
	for _, c := range r.columns {
		p := pushes[c.Name]
		if p == nil {
			continue
		}
		raw, ok := q.Values(c.Name)
		if !ok {
			continue
		}
		var vals []string
		for _, v := range raw {
			if v, ok := p.conv(v); ok {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			return nil, false
		}
		if p.filter != "" {
			f := r.filters(in)
			*f = append(*f, ec2types.Filter{Name: aws.String(p.filter), Values: escapeEC2(vals)})
			continue
		}
		p.set(in, vals)
	}
	if r.filters != nil {
		*r.filters(in) = withinFilterLimit(*r.filters(in))
	}
	return in, true
}

// withinFilterLimit drops the filters of the longest IN lists until the
// call's filter values are within EC2's limit. Only an IN list has more
// than one value, and SQLite re-checks an IN list's rows, so dropping one
// only widens the call.
func withinFilterLimit(filters []ec2types.Filter) []ec2types.Filter {
	total := 0
	for _, f := range filters {
		total += len(f.Values)
	}
	for total > ec2FilterValues {
		longest := 0
		for i, f := range filters {
			if len(f.Values) > len(filters[longest].Values) {
				longest = i
			}
		}
		if len(filters[longest].Values) < 2 {
			break
		}
		total -= len(filters[longest].Values)
		filters = slices.Delete(filters, longest, longest+1)
	}
	return filters
}

func actions(ops []fetch.Operation) []string {
	var out []string
	for _, op := range ops {
		if !slices.Contains(out, op.Action) {
			out = append(out, op.Action)
		}
	}
	return out
}

var ec2Escaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`)

// escapeEC2 escapes EC2 filter values, which are wildcards: '*', '?' and
// '\' match literally, as in SQL's '='.
func escapeEC2(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = ec2Escaper.Replace(v)
	}
	return out
}

// tagObject turns a list of tags of any SDK type (structs with Key and
// Value, or pointers to them) into a JSON object {"Key": "Value"}; NULL
// when there are none. It is the JSON column's text of the map of them
// (keys in order, the last of a key's values), written directly: the
// map, and its encoding by reflection, cost a dozen allocations a row.
func tagObject(tags any) any {
	v := reflect.ValueOf(tags)
	if v.Kind() != reflect.Slice || v.Len() == 0 {
		return nil
	}
	et := v.Type().Elem()
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct {
		return nil
	}
	kf, okK := et.FieldByName("Key")
	vf, okV := et.FieldByName("Value")
	if !okK || !okV {
		return nil
	}
	type pair struct{ k, v string }
	pairs := make([]pair, v.Len())
	size, valid := 2, true
	for i := range pairs {
		t := reflect.Indirect(v.Index(i))
		if !t.IsValid() {
			return nil
		}
		p := pair{deref(t.FieldByIndex(kf.Index)), deref(t.FieldByIndex(vf.Index))}
		valid = valid && utf8.ValidString(p.k)
		pairs[i] = p
		size += len(p.k) + len(p.v) + 6
	}
	if !valid {
		// Two keys could become one as U+FFFD: the map's encoding says
		// which.
		m := make(map[string]string, len(pairs))
		for _, p := range pairs {
			m[p.k] = p.v
		}
		return m
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return strings.Compare(a.k, b.k) })
	b := append(make([]byte, 0, size), '{')
	for i, p := range pairs {
		if i+1 < len(pairs) && pairs[i+1].k == p.k {
			continue // a later value of the key replaced it
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(vtab.AppendJSONColumnString(b, p.k), ':')
		b = vtab.AppendJSONColumnString(b, p.v)
	}
	return json.RawMessage(append(b, '}'))
}

// deref reads a string or *string field.
func deref(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	return v.String()
}

// str returns a string-like enum as text, NULL when AWS left it empty.
func str[S ~string](v S) any {
	if v == "" {
		return nil
	}
	return string(v)
}

// enum is str of the enum at p, a field of the row: its text without
// copying it into an interface (an allocation a column a row), as the
// *string a pointer to a string-kinded type is.
func enum[S ~string](p *S) any {
	if *p == "" {
		return nil
	}
	return (*string)(unsafe.Pointer(p))
}

// done is an iterator with nothing in it: a query that cannot match.
func done[T any]() iter.Seq2[[]T, error] {
	return func(func([]T, error) bool) {}
}

// enumValues lists an SDK enum's values as text.
func enumValues[E interface {
	~string
	Values() []E
}]() []string {
	var zero E
	var out []string
	for _, v := range zero.Values() {
		out = append(out, string(v))
	}
	return out
}

// mayAskAgain is the context of a query's calls: kept even for a
// statement that keeps no answers (fetch.AskedOnce) when the engine says
// it may make them again (vtab.Query.Again). Every table's List starts
// with it.
func mayAskAgain(ctx context.Context, q *vtab.Query) context.Context {
	if q.Again {
		return fetch.AskedAgain(ctx)
	}
	return ctx
}

// pointers points at each item of a page: a table whose items are big
// (an EC2 instance, an RDS DB instance: a kilobyte or more) has them by
// pointer, so that no step from the page to the row copies them.
func pointers[T any](items []T) []*T {
	ps := make([]*T, len(items))
	for i := range items {
		ps[i] = &items[i]
	}
	return ps
}

// from reads a field of the item's SDK value by its Go path, "State.Name"
// (Steampipe's transform.FromField): a nil pointer on the way is NULL.
// The path is resolved once, when the table is declared; a path that does
// not exist is a mistake that panics at start-up, in every test.
func from[T any](path string) func(*fetch.Item[T]) any {
	t := reflect.TypeFor[T]()
	var index [][]int
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		f, ok := t.FieldByName(name)
		if !ok || t.Kind() != reflect.Struct {
			panic(fmt.Sprintf("tables: %v has no field %s (path %s)", reflect.TypeFor[T](), name, path))
		}
		index = append(index, f.Index)
		t = f.Type
	}
	return func(i *fetch.Item[T]) any {
		v := reflect.ValueOf(&i.Value).Elem()
		for _, ix := range index {
			for v.Kind() == reflect.Pointer {
				if v.IsNil() {
					return nil
				}
				v = v.Elem()
			}
			v = v.FieldByIndex(ix)
		}
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return nil
		}
		// An SDK enum is a string type, "" when AWS left it out: NULL, as
		// str makes it.
		if v.Kind() == reflect.String && v.Len() == 0 {
			return nil
		}
		return v.Interface()
	}
}
