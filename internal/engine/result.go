package engine

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// The deny sets are read as the AST values evaluation produced. OPA's
// default result form converts every finding to Go maps and slices first,
// only for findings to read a few fields of each (93 k of the 1.25 M
// allocations of one evaluation of the for_each 50k model, 320 k of 2.39 M
// of the community one). The helpers below read the values the way the
// JSON form would: a set reads as an array, in the order ast.JSON
// iterates it, and null as an absent field.

// rawResult keeps the query's result as the term evaluation produced.
var rawResult = rego.EvalGenerateJSON(func(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil })

// elems lists the members of an array or a set, ok false for anything else.
func elems(v ast.Value) (out []*ast.Term, ok bool) {
	switch x := v.(type) {
	case *ast.Array:
		out = make([]*ast.Term, 0, x.Len())
		x.Foreach(func(t *ast.Term) { out = append(out, t) })
		return out, true
	case ast.Set:
		out = make([]*ast.Term, 0, x.Len())
		_ = x.Iter(func(t *ast.Term) error {
			out = append(out, t)
			return nil
		})
		return out, true
	}
	return nil, false
}

// field is the value of a string key of obj, nil when the key is absent or
// its value is null.
func field(obj ast.Object, key *ast.Term) ast.Value {
	t := obj.Get(key)
	if t == nil {
		return nil
	}
	if _, null := t.Value.(ast.Null); null {
		return nil
	}
	return t.Value
}

// The keys findings read, made once.
var (
	keyResource    = ast.StringTerm("resource")
	keyMessage     = ast.StringTerm("message")
	keySeverity    = ast.StringTerm("severity")
	keyUnresolved  = ast.StringTerm("unresolved")
	keyPath        = ast.StringTerm("path")
	keyAssumptions = ast.StringTerm("assumptions")
	keyKind        = ast.StringTerm("kind")
	keyAddress     = ast.StringTerm("address")
	keyDetail      = ast.StringTerm("detail")
	keyFromUnknown = ast.StringTerm("from_unknown")
	keyAssumption  = ast.StringTerm("assumption")
	keyUnknown     = ast.StringTerm("unknown")
	keyAssumed     = ast.StringTerm("assumed")
)

func optString(x ast.Object, key *ast.Term) (string, error) {
	v := field(x, key)
	if v == nil {
		return "", nil
	}
	s, ok := v.(ast.String)
	if !ok {
		return "", fmt.Errorf("finding field %s must be a string, got %s", string(key.Value.(ast.String)), typeName(v))
	}
	return string(s), nil
}

// typeName names a value's JSON type for messages (a set is an array in
// JSON).
func typeName(v ast.Value) string {
	switch v.(type) {
	case nil, ast.Null:
		return "null"
	case ast.String:
		return "a string"
	case ast.Boolean:
		return "a boolean"
	case ast.Number:
		return "a number"
	case *ast.Array, ast.Set:
		return "an array"
	case ast.Object:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
