// Package tables defines awssql's tables: one small file each, joining the
// SQL engine (vtab) to the AWS side (fetch). A table names its columns,
// says how each is read from the SDK's own type, which columns push down,
// and how a query becomes an SDK input.
package tables

import (
	"context"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// All returns the definitions of every table, reading through s.
func All(s *fetch.Session) []vtab.Def {
	return []vtab.Def{
		Accounts(s),
		Regions(s),
		EC2Instances(s),
		Images(s),
		ReservedInstances(s),
		RDSInstances(s),
		S3Buckets(s),
		S3Objects(s),
	}
}

// regional describes a table read from every (account, region) target.
type regional[T any] struct {
	name, doc string
	rows      float64
	columns   []vtab.Column[fetch.Item[T]]
	id        func(T) string
	list      func(ctx context.Context, c *fetch.Client, q *vtab.Query) iter.Seq2[[]T, error]
	// global: one target per account, in the home region.
	global bool
	// push says what each pushed column's value becomes in the call.
	push map[string]string
}

// pushes describes filter columns ("filter instance-type") and others.
func pushes(filters map[string]string, others map[string]string) map[string]string {
	m := map[string]string{}
	for col, f := range filters {
		m[col] = "filter " + f
	}
	for col, what := range others {
		m[col] = what
	}
	return m
}

// define adds the shared account_id and region key columns (which trim
// the fan-out itself) and fans list out over the targets the query leaves.
func define[T any](s *fetch.Session, r regional[T]) *vtab.Table[fetch.Item[T]] {
	cols := []vtab.Column[fetch.Item[T]]{
		{Name: "account_id", Type: vtab.Text, Key: vtab.Exact, Doc: "AWS account id", Push: "the accounts called: none for the others",
			Get: func(i fetch.Item[T]) any { return i.Account }},
	}
	if !r.global {
		cols = append(cols, vtab.Column[fetch.Item[T]]{Name: "region", Type: vtab.Text, Key: vtab.Exact, Doc: "AWS region",
			Push: "the regions called: none for the others", Get: func(i fetch.Item[T]) any { return i.Region }})
	}
	cols = append(cols, r.columns...)
	for i := range cols {
		if what, ok := r.push[cols[i].Name]; ok && cols[i].Push == "" {
			cols[i].Push = what
		}
	}
	return &vtab.Table[fetch.Item[T]]{
		Name:    r.name,
		Doc:     r.doc,
		Rows:    r.rows,
		Columns: cols,
		ID: func(i fetch.Item[T]) string {
			return i.Account + "/" + i.Region + "/" + r.id(i.Value)
		},
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[fetch.Item[T], error] {
			sc := fetch.Scope{Global: r.global}
			if a, ok := q.String("account_id"); ok {
				sc.Accounts = []string{a}
			}
			if reg, ok := q.String("region"); ok && !r.global {
				sc.Regions = []string{reg}
			}
			return fetch.Scan(ctx, s, sc, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]T, error] {
				return r.list(ctx, c, q)
			})
		},
	}
}

// ec2Filters turns the pushed values of filter columns into EC2 filters.
// EC2 filter values are wildcards: '*', '?' and '\' are escaped so the
// filter matches exactly what SQL's '=' does. ok is false when a value
// cannot match anything (the empty string), so no call is needed.
func ec2Filters(q *vtab.Query, names map[string]string) (filters []ec2types.Filter, ok bool) {
	for col, name := range names {
		v, pushed := q.String(col)
		if !pushed {
			continue
		}
		if v == "" {
			return nil, false
		}
		filters = append(filters, ec2types.Filter{Name: aws.String(name), Values: []string{escapeEC2(v)}})
	}
	return filters, true
}

var ec2Escaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`)

func escapeEC2(v string) string { return ec2Escaper.Replace(v) }

// ec2Tags and rdsTags render tags as a JSON object {"Key": "Value"}.
func ec2Tags(tags []ec2types.Tag) any {
	return tagMap(tags, func(t ec2types.Tag) (*string, *string) { return t.Key, t.Value })
}

func rdsTags(tags []rdstypes.Tag) any {
	return tagMap(tags, func(t rdstypes.Tag) (*string, *string) { return t.Key, t.Value })
}

func tagMap[T any](tags []T, kv func(T) (*string, *string)) any {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k, v := kv(t)
		m[aws.ToString(k)] = aws.ToString(v)
	}
	return m
}

// str returns a string-like enum as text, NULL when AWS left it empty.
func str[S ~string](v S) any {
	if v == "" {
		return nil
	}
	return string(v)
}

// done is an iterator with nothing in it: a query that cannot match.
func done[T any]() iter.Seq2[[]T, error] {
	return func(func([]T, error) bool) {}
}
