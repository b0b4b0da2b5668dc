package decode

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// foldPlans are every structure plan the EC2 outputs reach.
func foldPlans(t testing.TB) []*structPlan {
	t.Helper()
	roots, err := ec2Plans()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*structPlan]bool{}
	var out []*structPlan
	var walk func(p *structPlan)
	walk = func(p *structPlan) {
		if seen[p] {
			return
		}
		seen[p] = true
		out = append(out, p)
		for _, f := range p.fields {
			if f.sub != nil {
				walk(f.sub)
			}
		}
	}
	for _, p := range roots {
		walk(p)
	}
	return out
}

// foldNames are names made from the members' elements: as they are,
// in other cases, with letters that fold (the Kelvin sign) and letters
// beyond ASCII that do not fold to ASCII (İ, ı, Å, ſ, σ/ς/Σ, é, ﬀ, the
// angstrom sign), longer by those, shorter, and mixed.
func foldNames(r *rand.Rand, elems []string) []string {
	subs := map[byte][]string{
		'k': {"\u212A", "K"}, 'K': {"\u212A", "k"}, 'i': {"\u0130", "\u0131", "I"}, 'I': {"\u0130", "\u0131"},
		's': {"\u017F", "\u03C3", "\u03C2"}, 'S': {"\u017F", "\u03A3"}, 'a': {"\u00E5", "\u212B", "\u00C5"}, 'e': {"\u00E9"},
		'f': {"\uFB00"}, 'l': {"\u0141"},
	}
	extras := []string{"\u212A", "\u00E9", "\u0130", "\u0131", "\u212B", "\u03C2", "\u017F", "\u00DF", "\u1E9E", "\uFB00", "\u2C6F", "\u1E9B"}
	var out []string
	for _, e := range elems {
		out = append(out, e, strings.ToUpper(e), strings.ToLower(e),
			strings.NewReplacer("k", "\u212A", "K", "\u212A").Replace(e))
		if len(e) > 1 {
			out = append(out, e[:len(e)-1], e[1:])
		}
		for range 12 {
			var b strings.Builder
			for i := 0; i < len(e); i++ {
				c := e[i]
				switch n := r.IntN(6); {
				case n == 0 && len(subs[c]) > 0:
					b.WriteString(subs[c][r.IntN(len(subs[c]))])
				case n == 1 && 'a' <= c && c <= 'z':
					b.WriteByte(c - 'a' + 'A')
				case n == 2 && r.IntN(4) == 0:
					b.WriteString(extras[r.IntN(len(extras))])
					b.WriteByte(c)
				default:
					b.WriteByte(c)
				}
			}
			if r.IntN(5) == 0 {
				b.WriteString(extras[r.IntN(len(extras))])
			}
			out = append(out, b.String())
			// A name of the element's length made of non-ASCII only
			// at the end, and one three times longer.
			out = append(out, strings.Repeat("\u212A", len(e)), strings.Repeat("\u212A", (len(e)+2)/3))
		}
	}
	return out
}

// TestWantIsEqualFold: with at most four members wanted, the
// member an element fills is the first wanted whose element folds to
// the name as strings.EqualFold says (the SDK's switch), whatever the
// name's length and letters; with more, the member fieldIndex finds.
func TestWantIsEqualFold(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	plans := foldPlans(t)
	cases := 0
	for _, p := range plans {
		if len(p.fields) == 0 {
			continue
		}
		var elems []string
		for _, f := range p.fields {
			elems = append(elems, f.elem)
		}
		names := foldNames(r, elems)
		for k := 1; k <= min(6, len(p.fields)); k++ {
			for range 4 {
				n := &node{kids: map[string]*node{}}
				for _, i := range r.Perm(len(p.fields))[:k] {
					n.kids[p.fields[i].field] = everything
				}
				pr := newProjection(n).bind(p)
				for _, name := range names {
					prev := 0
					got, _ := pr.want(p, []byte(name), &prev)
					want := -1
					if p.unique && len(pr.wanted) <= 4 {
						for _, i := range pr.wanted {
							if strings.EqualFold(name, p.fields[i].elem) {
								want = i
								break
							}
						}
					} else {
						for i := range p.fields {
							if strings.EqualFold(p.fields[i].elem, name) {
								if pr.kids[i] != nil {
									want = i
								}
								break
							}
						}
					}
					cases++
					if got != want {
						t.Fatalf("%s, %d wanted %v: want(%q) = %d, EqualFold says %d", p.typ, len(pr.wanted), pr.wanted, name, got, want)
					}
				}
			}
		}
	}
	t.Logf("%d plans, %d names compared", len(plans), cases)
}

// foldForms rewrite names so that they are longer than the members'
// elements by letters beyond ASCII, some that fold (the Kelvin sign) and
// some that do not, so that a name of another length is compared, or
// passed over, for the right reason.
var foldForms = []struct {
	name string
	f    func(root *aEl)
}{
	{"Kelvin sign and a letter that does not fold", func(root *aEl) {
		root.walk(0, func(e *aEl, d int) {
			switch (e.item + d) % 4 {
			case 0:
				e.name = strings.NewReplacer("k", "\u212A", "K", "\u212A").Replace(e.name)
			case 1:
				e.name = strings.NewReplacer("k", "\u212A", "K", "\u212A").Replace(e.name) + "\u00E9"
			case 2:
				e.name = strings.NewReplacer("i", "\u0131", "I", "\u0130").Replace(e.name)
			}
		})
	}},
	{"Angstrom, final sigma, dotted I", func(root *aEl) {
		root.walk(0, func(e *aEl, d int) {
			if (e.item+d)%2 == 0 {
				e.name = strings.NewReplacer("a", "\u212B", "s", "\u03C2", "I", "\u0130").Replace(e.name)
			}
		})
	}},
	{"Kelvin sign in names, others of the same length but for one letter", func(root *aEl) {
		root.walk(0, func(e *aEl, d int) {
			switch (e.item + d) % 3 {
			case 0:
				e.name = strings.NewReplacer("k", "\u212A", "K", "\u212A").Replace(e.name)
			case 1:
				if len(e.name) > 2 {
					// Two ASCII letters become one of two bytes: the same length.
					e.name = "\u00E9" + e.name[2:]
				}
			}
		})
	}},
	{"Kelvin sign everywhere, in upper and lower case", func(root *aEl) {
		root.walk(0, func(e *aEl, d int) {
			n := strings.NewReplacer("k", "\u212A", "K", "\u212A").Replace(e.name)
			if (e.item+d)%2 == 1 {
				n = strings.ToUpper(n)
			}
			e.name = n
		})
	}},
}

// foldProjections are narrow projections of 1 to 6 members of the
// items and of the structures they hold, the few-members path and the
// other.
func foldProjections(o operation) [][]string {
	all := projections(o)
	var out [][]string
	var flat []string
	for _, p := range all[2:] {
		flat = append(flat, p[1])
	}
	r := rand.New(rand.NewPCG(uint64(len(flat)), 3))
	for k := 1; k <= 6; k++ {
		for range 3 {
			ps := []string{o.identity}
			for _, i := range r.Perm(len(flat))[:min(k, len(flat))] {
				ps = append(ps, flat[i])
			}
			out = append(out, ps)
		}
	}
	for _, extra := range [][]string{
		{o.items + ".Placement.AvailabilityZone"}, {o.items + ".State.Name"}, {o.items + ".Tags.Key"}, {o.items + ".Tags.Value"},
		{o.items + ".Tags"}, {o.items + ".KmsKeyId"}, {o.items + ".BlockDeviceMappings.Ebs.KmsKeyId"},
	} {
		out = append(out, append([]string{o.identity}, extra...))
	}
	return out
}

func TestNamesBeyondASCIIAsTheSDK(t *testing.T) {
	pages := generatedPagesOf(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 3, ImagesPerRegion: 3,
		DBInstancesPerRegion: 2, ReservedPerRegion: 3, Seed: 23}))
	for i, o := range operations() {
		for d, doc := range aDocs(t, o, i, pages) {
			for _, form := range foldForms {
				t.Run(fmt.Sprintf("%s/doc%d/%s", o.name, d, form.name), func(t *testing.T) {
					prolog, root := aParse(t, doc)
					// The query protocol's result element is found by its
					// exact name: it is kept.
					var result *aEl
					for _, e := range root.elems() {
						if strings.HasSuffix(e.name, "Result") {
							result = e
						}
					}
					if result != nil {
						form.f(result)
					} else {
						form.f(root)
					}
					body := aDoc(prolog, root)
					// Every letter used is an XML name character: the SDK
					// reads the answer, and the values are compared.
					if _, err := o.sdk(body); err != nil {
						t.Fatalf("the SDK fails: %v", err)
					}
					aAgreeBatch(t, o, body, foldProjections(o))
				})
			}
		}
	}
}

// FuzzWant: for any name, a projection of a few members of any
// structure finds the member strings.EqualFold finds among them.
func FuzzWant(f *testing.F) {
	for _, s := range []string{"kmsKeyId", "\u212AmsKeyId", "\u212A\u212A", "instanceId", "\u0130nstanceId", "name", "NAME", "tag\u017Fet", "\u212Aey"} {
		f.Add(s, uint8(2), uint64(1))
	}
	plans := foldPlans(f)
	f.Fuzz(func(t *testing.T, name string, k uint8, seed uint64) {
		r := rand.New(rand.NewPCG(seed, seed>>7))
		p := plans[r.IntN(len(plans))]
		if !p.unique || len(p.fields) == 0 {
			return
		}
		n := &node{kids: map[string]*node{}}
		for _, i := range r.Perm(len(p.fields))[:1+int(k)%min(4, len(p.fields))] {
			n.kids[p.fields[i].field] = everything
		}
		// Names made of a member's element, rewritten by the fuzzer's
		// name: it replaces the element's letters from its first.
		e := p.fields[r.IntN(len(p.fields))].elem
		for _, cand := range []string{name, name + e[min(len(e), len([]rune(name))):], strings.ToUpper(name)} {
			pr := newProjection(n).bind(p)
			prev := 0
			got, _ := pr.want(p, []byte(cand), &prev)
			want := -1
			for _, i := range pr.wanted {
				if strings.EqualFold(cand, p.fields[i].elem) {
					want = i
					break
				}
			}
			if got != want {
				t.Fatalf("%s, wanted %v: want(%q) = %d, EqualFold says %d", p.typ, pr.wanted, cand, got, want)
			}
		}
	})
}
