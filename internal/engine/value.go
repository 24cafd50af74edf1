package engine

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// toTerm converts a Go value to an AST term exactly as encoding/json would
// encode it (json tag names, omitempty, nil slices and maps as null), but
// without writing and re-parsing JSON text, which costs two to five times as
// much CPU on large models (see BenchmarkInputConversion). It refuses shapes the model
// does not use (embedded structs, non-string map keys, NaN) so that the
// caller can fall back to the JSON route instead of diverging from it.
func toTerm(v reflect.Value) (*ast.Term, error) {
	c := converter{strs: map[string]*ast.Term{}}
	return c.term(v)
}

// converter holds one conversion's string terms. A model repeats a few
// thousand distinct strings (kinds, actions, addresses quoted in evidence
// steps) over a hundred thousand times, so each distinct string becomes
// one term shared by every place it occurs: 95 % fewer string terms on
// the 10k community plan, less to allocate and for the GC to mark while
// the policies run. Terms of the input are never modified by evaluation,
// which is also why null and the booleans are OPA's interned terms.
type converter struct {
	strs map[string]*ast.Term
	// empty is the one empty array term of the conversion: a model writes
	// tens of thousands of empty lists (40k at 50k resources), and each
	// was an array and a term of its own.
	empty *ast.Term
}

func (c *converter) emptyArray() *ast.Term {
	if c.empty == nil {
		c.empty = ast.ArrayTerm(make([]*ast.Term, 0)...)
	}
	return c.empty
}

func (c *converter) str(s string) *ast.Term {
	if t, ok := c.strs[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	c.strs[s] = t
	return t
}

func (c *converter) term(v reflect.Value) (*ast.Term, error) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.InternedNullTerm, nil
		}
		return c.term(v.Elem())
	case reflect.Struct:
		return c.structTerm(v)
	case reflect.Slice:
		if v.IsNil() {
			return ast.InternedNullTerm, nil
		}
		fallthrough
	case reflect.Array:
		if v.Len() == 0 {
			return c.emptyArray(), nil
		}
		elems := make([]*ast.Term, v.Len())
		for i := range elems {
			t, err := c.term(v.Index(i))
			if err != nil {
				return nil, err
			}
			elems[i] = t
		}
		return ast.ArrayTerm(elems...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.InternedNullTerm, nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map key type %s", v.Type().Key())
		}
		items := make([][2]*ast.Term, 0, v.Len())
		it := v.MapRange()
		for it.Next() {
			t, err := c.term(it.Value())
			if err != nil {
				return nil, err
			}
			items = append(items, [2]*ast.Term{c.str(it.Key().String()), t})
		}
		return ast.ObjectTerm(items...), nil
	case reflect.String:
		return c.str(v.String()), nil
	case reflect.Bool:
		return ast.InternedTerm(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.IntNumberTerm(int(v.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.UIntNumberTerm(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("unsupported float %v", f)
		}
		return ast.FloatNumberTerm(f), nil
	}
	return nil, fmt.Errorf("unsupported kind %s", v.Kind())
}

func (c *converter) structTerm(v reflect.Value) (*ast.Term, error) {
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return nil, err
	}
	return c.structTermOf(v, fields, nil)
}

// structTermOf builds the object of struct v, whose fields are fields,
// taking the term of field i from done[i] when it is there (converted
// elsewhere, see structTermSplit).
//
// The pairs are collected first and the object built by ast.NewObject in one
// go: it puts all pairs in one block, where Insert allocated each pair on its
// own and grew the key list, and a struct's keys are distinct, which is all
// NewObject needs that Insert would check. The pairs live on the stack for
// every model struct (the largest has under maxInlineFields fields).
func (c *converter) structTermOf(v reflect.Value, fields []fieldInfo, done map[int]*ast.Term) (*ast.Term, error) {
	var buf [maxInlineFields][2]*ast.Term
	items := buf[:0]
	for i, f := range fields {
		fv := v.Field(f.index)
		if f.omitted(fv) {
			continue
		}
		t, ok := done[i]
		if !ok {
			var err error
			if t, err = c.term(fv); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", v.Type().Name(), f.name, err)
			}
		}
		items = append(items, [2]*ast.Term{f.key, t})
	}
	return ast.ObjectTerm(items...), nil
}

// maxInlineFields bounds the fields of a struct whose pairs stay on the
// stack in structTermOf; a larger struct still converts, on the heap.
const maxInlineFields = 32

type fieldInfo struct {
	index     int
	name      string
	key       *ast.Term
	omitEmpty bool
	omitZero  bool
}

// omitted reports whether encoding/json leaves the field with value v out.
func (f *fieldInfo) omitted(v reflect.Value) bool {
	return (f.omitEmpty && isEmpty(v)) || (f.omitZero && v.IsZero())
}

// isEmpty is encoding/json's notion of empty for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

var fieldCache sync.Map // reflect.Type → []fieldInfo

func fieldsOf(t reflect.Type) ([]fieldInfo, error) {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.([]fieldInfo), nil
	}
	var out []fieldInfo
	// Two fields under one name: encoding/json writes neither, Insert kept
	// the last, and ast.NewObject (structTermOf) would keep both; so no
	// direct conversion for such a struct.
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, fmt.Errorf("embedded field %s.%s", t.Name(), sf.Name)
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		if seen[name] {
			return nil, fmt.Errorf("two fields named %q in %s", name, t.Name())
		}
		seen[name] = true
		if strings.Contains(opts, "string") {
			return nil, fmt.Errorf("json ,string option on %s.%s", t.Name(), sf.Name)
		}
		out = append(out, fieldInfo{index: i, name: sf.Name, key: ast.StringTerm(name), omitEmpty: hasOpt(opts, "omitempty"), omitZero: hasOpt(opts, "omitzero")})
	}
	fieldCache.Store(t, out)
	return out, nil
}

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}
