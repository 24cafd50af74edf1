package plangen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
)

// DefaultModule is the for_each module call that holds the replicas.
const DefaultModule = "tenant"

// Options size and seed a generated plan.
type Options struct {
	// Resources is the minimum number of resource_changes to write; the
	// replica count is rounded up so that every replica is whole.
	Resources int
	// Replicas, when positive, sets the replica count directly.
	Replicas int
	// Seed picks the tenant keys; the same seed and size give the same bytes.
	Seed uint64
	// Module is the for_each module call name; "" means DefaultModule.
	Module string
	// Distinct writes every replica of every template as its own module
	// call at the root (module.<template>_<key>), each with its own copy of
	// the template's configuration, instead of instances of one for_each
	// call: the shape of a monorepo that calls many modules by name.
	Distinct bool
	// Tokens maps a template name to the name token made unique per tenant
	// (see renameToken). A template missing from the map uses its NameToken;
	// an empty value turns renaming off.
	Tokens map[string]string
}

// Stats describe a generated plan.
type Stats struct {
	Replicas        int
	ResourceChanges int
	Bytes           int64
}

// Replicas is how many replicas Generate writes for opts.
func Replicas(templates []*Template, opts Options) int {
	if opts.Replicas > 0 {
		return opts.Replicas
	}
	per := 0
	for _, t := range templates {
		per += t.ResourceChanges()
	}
	if per == 0 || opts.Resources <= 0 {
		return 1
	}
	return (opts.Resources + per - 1) / per
}

// Keys returns the tenant keys for n replicas and a seed, in sorted order.
func Keys(n int, seed uint64) []string {
	width := max(5, len(fmt.Sprint(n)))
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	keys := make([]string, n)
	for i := range keys {
		// The index keeps keys unique and sorted; the random suffix keeps
		// them from looking like a sequence the code could rely on.
		keys[i] = fmt.Sprintf("t%0*d-%06x", width, i, rng.Uint32()&0xffffff)
	}
	return keys
}

// Generate writes a plan JSON made of replicas of the templates to w,
// streaming it one resource at a time.
func Generate(w io.Writer, templates []*Template, opts Options) (Stats, error) {
	if len(templates) == 0 {
		return Stats{}, errors.New("no template: pass at least one plan JSON")
	}
	if opts.Module == "" {
		opts.Module = DefaultModule
	}
	if !validName.MatchString(opts.Module) {
		return Stats{}, fmt.Errorf("module name %q: use lowercase letters, digits, - and _", opts.Module)
	}
	templates = sortedTemplates(templates)
	seen := map[string]bool{}
	for _, t := range templates {
		if seen[t.Name] {
			return Stats{}, fmt.Errorf("two templates are named %q: give each a distinct name", t.Name)
		}
		seen[t.Name] = true
	}
	parts := make([]*compiled, len(templates))
	for i, t := range templates {
		tok, ok := opts.Tokens[t.Name]
		if !ok {
			tok = t.NameToken()
		}
		c, err := compile(t, opts.Module, tok, opts.Distinct)
		if err != nil {
			return Stats{}, err
		}
		parts[i] = c
	}
	g := &gen{
		w:         &countWriter{w: w},
		templates: templates,
		parts:     parts,
		keys:      Keys(Replicas(templates, opts), opts.Seed),
		module:    opts.Module,
		distinct:  opts.Distinct,
	}
	g.bw = bufio.NewWriterSize(g.w, 1<<20)
	if err := g.plan(); err != nil {
		return Stats{}, err
	}
	if err := g.bw.Flush(); err != nil {
		return Stats{}, fmt.Errorf("write plan: %w", err)
	}
	per := 0
	for _, p := range parts {
		per += len(p.changes)
	}
	return Stats{Replicas: len(g.keys), ResourceChanges: per * len(g.keys), Bytes: g.w.n}, nil
}

func sortedTemplates(in []*Template) []*Template {
	out := append([]*Template(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// pieces is JSON split at keyMark; writing it with a key joins the pieces
// with the key in between.
type pieces [][]byte

func split(b []byte) pieces { return bytes.Split(b, []byte(keyMark)) }

// compiled is a template encoded once, ready to be written per replica.
type compiled struct {
	changes  []pieces
	call     pieces // distinct mode: the template's module call in the configuration
	drift    []pieces
	relevant []pieces
	planned  pieces // the template root as a child module, nil when absent
	prior    pieces
}

func compile(t *Template, module, token string, distinct bool) (*compiled, error) {
	rw := newRewriter(module, t.Name, token, distinct)
	c := &compiled{}
	encodeList := func(key string, f func(map[string]any) map[string]any) ([]pieces, error) {
		list, _ := t.doc[key].([]any)
		out := make([]pieces, 0, len(list))
		for i, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("template %s: %s[%d] is not an object", t.Name, key, i)
			}
			b, err := marshal(f(m))
			if err != nil {
				return nil, fmt.Errorf("template %s: encode %s[%d]: %w", t.Name, key, i, err)
			}
			out = append(out, split(b))
		}
		return out, nil
	}
	var err error
	if c.changes, err = encodeList("resource_changes", rw.change); err != nil {
		return nil, err
	}
	if c.drift, err = encodeList("resource_drift", rw.change); err != nil {
		return nil, err
	}
	if c.relevant, err = encodeList("relevant_attributes", rw.relevant); err != nil {
		return nil, err
	}
	if root := dig(t.doc, "planned_values", "root_module"); root != nil {
		b, err := marshal(rw.module(root))
		if err != nil {
			return nil, fmt.Errorf("template %s: encode planned_values: %w", t.Name, err)
		}
		c.planned = split(b)
	}
	if distinct {
		b, err := marshal(templateCall(t, rw))
		if err != nil {
			return nil, fmt.Errorf("template %s: encode configuration: %w", t.Name, err)
		}
		c.call = split(b)
	}
	if root := dig(t.doc, "prior_state", "values", "root_module"); root != nil {
		b, err := marshal(rw.module(root))
		if err != nil {
			return nil, fmt.Errorf("template %s: encode prior_state: %w", t.Name, err)
		}
		c.prior = split(b)
	}
	return c, nil
}

// dig walks nested objects; nil when a step is missing.
func dig(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
