package plangen

import (
	"strings"
)

// keyMark stands for the tenant key in pre-encoded JSON. Each template item
// is encoded once with the mark, then written once per replica with the mark
// swapped for the key, so generating 50k resources is mostly memory copies.
const keyMark = "@@LETSLEEP_KEY@@"

// rewriter turns template values into replica values (with keyMark).
type rewriter struct {
	prefix string // module instance of the template root inside a tenant
	token  string // name token to make unique per tenant, "" for none
}

func newRewriter(module, template, token string, distinct bool) *rewriter {
	prefix := "module." + module + `["` + keyMark + `"].module.` + template
	if distinct {
		prefix = "module." + distinctCall(template, keyMark)
	}
	return &rewriter{prefix: prefix, token: token}
}

// distinctCall names the module call of one replica in distinct mode.
func distinctCall(template, key string) string { return template + "_" + key }

func (rw *rewriter) addr(a string) string { return rw.prefix + "." + a }

// moduleAddr maps a template module instance ("" for the root) into the replica.
func (rw *rewriter) moduleAddr(a string) string {
	if a == "" {
		return rw.prefix
	}
	return rw.addr(a)
}

// change rewrites one resource_changes (or resource_drift) entry.
func (rw *rewriter) change(in map[string]any) map[string]any {
	out := make(map[string]any, len(in)+1)
	for k, v := range in {
		switch k {
		case "address", "previous_address":
			s, _ := v.(string)
			out[k] = rw.addr(s)
		case "module_address":
			s, _ := v.(string)
			out[k] = rw.moduleAddr(s)
		case "change":
			out[k] = rw.values(v)
		default:
			out[k] = v
		}
	}
	if _, ok := in["module_address"]; !ok {
		out["module_address"] = rw.prefix
	}
	return out
}

// module rewrites a planned_values or prior_state module, recursively.
func (rw *rewriter) module(in map[string]any) map[string]any {
	out := make(map[string]any, len(in)+1)
	for k, v := range in {
		switch k {
		case "address":
			s, _ := v.(string)
			out[k] = rw.moduleAddr(s)
		case "resources":
			list, _ := v.([]any)
			res := make([]any, 0, len(list))
			for _, r := range list {
				m, ok := r.(map[string]any)
				if !ok {
					continue
				}
				res = append(res, rw.resource(m))
			}
			out[k] = res
		case "child_modules":
			list, _ := v.([]any)
			mods := make([]any, 0, len(list))
			for _, c := range list {
				if m, ok := c.(map[string]any); ok {
					mods = append(mods, rw.module(m))
				}
			}
			out[k] = mods
		default:
			out[k] = v
		}
	}
	if _, ok := in["address"]; !ok {
		out["address"] = rw.prefix
	}
	return out
}

func (rw *rewriter) resource(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		switch k {
		case "address":
			s, _ := v.(string)
			out[k] = rw.addr(s)
		case "values", "sensitive_values":
			out[k] = rw.values(v)
		default:
			out[k] = v
		}
	}
	return out
}

// relevant rewrites one relevant_attributes entry.
func (rw *rewriter) relevant(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if s, ok := v.(string); ok && k == "resource" {
			out[k] = rw.addr(s)
			continue
		}
		out[k] = v
	}
	return out
}

// values copies a value tree, making names unique per tenant: every string
// occurrence of the name token (as a whole word, see renameToken) gains the
// tenant key. Object keys are kept, so tag keys like "letsleep:role" stay.
func (rw *rewriter) values(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = rw.values(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = rw.values(e)
		}
		return out
	case string:
		return renameToken(t, rw.token, rw.token+"-"+keyMark)
	}
	return v
}

// renameToken replaces token where it is a name or the start of one:
// followed by the end, or by - _ . / " or a space. "letsleep-db",
// "…:function:letsleep-hot" and "letsleep" change; "letsleep:role" (a tag
// or condition key) does not.
func renameToken(s, token, with string) string {
	if token == "" || !strings.Contains(s, token) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, token)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(token)
		b.WriteString(s[:i])
		if end == len(s) || strings.IndexByte("-_./\" ", s[end]) >= 0 {
			b.WriteString(with)
		} else {
			b.WriteString(token)
		}
		s = s[end:]
	}
}
