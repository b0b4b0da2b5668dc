package decode

import (
	"slices"
	"strings"
)

// node is a projection as a tree of Go field names: the fields of a
// structure to decode, and for each, the fields of its own structure (or
// its list's items') to decode; all decodes the whole subtree.
type node struct {
	all  bool
	kids map[string]*node
}

// everything is the projection of a whole answer.
var everything = &node{all: true}

// tree builds the projection of the Go field paths ("Reservations.Instances.State.Name");
// nil paths mean everything. A path names a field and, through it, all it
// holds.
func tree(paths []string) *node {
	if paths == nil {
		return everything
	}
	root := &node{kids: map[string]*node{}}
	for _, p := range paths {
		n := root
		for name := range strings.SplitSeq(p, ".") {
			if n.all {
				break
			}
			k := n.kids[name]
			if k == nil {
				k = &node{kids: map[string]*node{}}
				n.kids[name] = k
			}
			n = k
		}
		n.all, n.kids = true, nil
	}
	return root
}

// child is the projection of field within n, nil when n leaves it out.
func (n *node) child(field string) *node {
	if n.all {
		return everything
	}
	return n.kids[field]
}

// paths lists the projection as Go field paths, sorted; nil for
// everything.
func (n *node) paths() []string {
	if n.all {
		return nil
	}
	var out []string
	var walk func(prefix string, n *node)
	walk = func(prefix string, n *node) {
		for name, k := range n.kids {
			p := prefix + name
			if k.all {
				out = append(out, p)
				continue
			}
			if len(k.kids) == 0 {
				out = append(out, p) // a structure with none of its fields
				continue
			}
			walk(p+".", k)
		}
	}
	walk("", n)
	slices.Sort(out)
	return out
}
