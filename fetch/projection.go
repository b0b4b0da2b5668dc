package fetch

import (
	"context"
	"reflect"
	"slices"
	"strings"
)

// Project makes the calls made under ctx whose output is Out decode only
// the fields paths name: Go field paths of Out, such as
// "Reservations.Instances.InstanceId" (a path stands for all the field
// holds). Where awssql decodes an operation's answers itself (see
// Decoders), the other elements are passed over unread; elsewhere, and
// under --decoder sdk, the SDK decodes every field. Fields that paging
// needs (NextToken, Marker) are always decoded.
//
// What a call's answer holds is part of what the caches know of it: an
// answer decoded for fewer fields never answers a call that needs more.
func Project[Out any](ctx context.Context, paths []string) context.Context {
	return context.WithValue(ctx, projectionKey{reflect.TypeFor[Out]()}, fieldsOf(paths))
}

type projectionKey struct{ out reflect.Type }

// projectionFor is the projection ctx asks of calls whose output is of
// type out: every field unless Project said otherwise.
func projectionFor(ctx context.Context, out reflect.Type) fields {
	if f, ok := ctx.Value(projectionKey{out}).(fields); ok {
		return f
	}
	return allFields
}

// fields is a projection: every field (all), or the Go field paths
// listed, sorted, none of them within another.
type fields struct {
	all   bool
	paths []string
}

var allFields = fields{all: true}

// fieldsOf makes a projection of paths.
func fieldsOf(paths []string) fields {
	ps := slices.Clone(paths)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	// Drop the paths another one holds: "A.B" within "A".
	out := ps[:0]
	for _, p := range ps {
		if len(out) > 0 && within(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return fields{paths: out}
}

// within reports whether path p is q or lies within it.
func within(p, q string) bool {
	return p == q || strings.HasPrefix(p, q) && p[len(q)] == '.'
}

// covers reports whether an answer decoded for f holds every field g
// needs.
func (f fields) covers(g fields) bool {
	if f.all {
		return true
	}
	if g.all {
		return false
	}
	for _, p := range g.paths {
		if !slices.ContainsFunc(f.paths, func(q string) bool { return within(p, q) }) {
			return false
		}
	}
	return true
}

// union is the projection of both.
func (f fields) union(g fields) fields {
	if f.all || g.all {
		return allFields
	}
	return fieldsOf(append(slices.Clone(f.paths), g.paths...))
}

// String is the projection as the caches write it: "*" for every field.
func (f fields) String() string {
	if f.all {
		return "*"
	}
	return strings.Join(f.paths, ",")
}

// list is the projection for the decoder and the disk cache: nil for
// every field.
func (f fields) list() []string {
	if f.all {
		return nil
	}
	return f.paths
}

// callFields is what one call asks for and, once it answered, what its
// answer holds. The call cache puts it in the call's context; the disk
// cache and the decoder below it read the first and set the second.
type callFields struct {
	want fields
	got  fields
	// by is the decoder that read the answer (DecoderAWSSQL,
	// DecoderSDK, DecoderFloor); "" until one did.
	by string
}

type callFieldsKey struct{}

func callFieldsFrom(ctx context.Context) *callFields {
	cf, _ := ctx.Value(callFieldsKey{}).(*callFields)
	return cf
}
