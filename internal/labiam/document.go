package labiam

import (
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// policyDocument builds the document of a data.aws_iam_policy_document:
// its json when it was read during plan; else, as the plan records a
// deferred read, from its statements with the known parts (actions,
// constant resources) and each unknown leaf resolved through the
// configuration. A leaf stays unknown when its expression's references do
// not give exactly one value per unknown element (a value built with
// format or join, a dynamic block).
func (a *Account) policyDocument(addr string) *Policy {
	v := a.ix.values[addr]
	if s := str(v, "json"); s != "" {
		p, err := ParsePolicy(addr, s)
		if err == nil {
			return p
		}
		a.note("%v", err)
	}
	p := &Policy{Source: addr}
	for _, k := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
		if x, ok := v[k]; ok && x != nil && len(strList(x)) > 0 || a.ix.isUnknown(addr, k) {
			p.Unknown = "it merges other documents (" + k + "), which the lab does not rebuild"
		}
	}
	module, _ := splitAddress(addr)
	var blocks []map[string]*tfjson.Expression
	if e := a.ix.expr(addr, "statement"); e != nil {
		blocks = e.NestedBlocks
	}
	unknownStmts := maps(a.ix.unknown[addr]["statement"])
	for i, st := range maps(v["statement"]) {
		if st == nil {
			continue
		}
		var unk map[string]any
		if i < len(unknownStmts) {
			unk = unknownStmts[i]
		}
		var cfg map[string]*tfjson.Expression
		if len(blocks) == len(maps(v["statement"])) {
			cfg = blocks[i]
		}
		s := Statement{Sid: str(st, "sid"), Effect: str(st, "effect"), Action: strList(st["actions"]), NotAction: strList(st["not_actions"])}
		if s.Effect == "" {
			s.Effect = "Allow"
		}
		s.Resource = a.leaves(module, st, unk, cfg, "resources")
		s.NotResource = a.leaves(module, st, unk, cfg, "not_resources")
		s.Principal = principalBlocks(st["principals"])
		s.NotPrincipal = principalBlocks(st["not_principals"])
		for _, c := range maps(st["condition"]) {
			s.Conditions = append(s.Conditions, str(c, "test")+" "+str(c, "variable"))
		}
		if len(s.Action) == 0 && len(s.NotAction) == 0 {
			if u, _ := unk["actions"].([]any); len(u) > 0 {
				s.AnyAction = true
				p.Unknown = "an action list unknown at plan time"
			}
		}
		p.Statements = append(p.Statements, s)
	}
	return p
}

// leaves reads a list of a statement (resources) with its unknown
// elements resolved through the statement block's configuration.
func (a *Account) leaves(module string, st, unk map[string]any, cfg map[string]*tfjson.Expression, key string) []Value {
	raw, _ := st[key].([]any)
	flags, _ := unk[key].([]any)
	var out []Value
	unknown := 0
	for i, x := range raw {
		if s, ok := x.(string); ok {
			out = append(out, Value{Pattern: s})
			continue
		}
		if i < len(flags) {
			if b, _ := flags[i].(bool); b {
				unknown++
			}
		}
	}
	if b, _ := unk[key].(bool); b && len(raw) == 0 {
		unknown++ // the whole list is unknown
	}
	if unknown == 0 {
		return out
	}
	var rs []resolved
	if cfg != nil {
		rs = a.resolve(module, cfg[key], 0)
	}
	var vals, why []string
	for _, r := range rs {
		if r.value != "" {
			vals = append(vals, r.value)
		} else {
			why = append(why, r.err)
		}
	}
	if len(vals) == unknown && len(why) == 0 {
		for _, s := range vals {
			out = append(out, Value{Pattern: s})
		}
		return out
	}
	desc := fmt.Sprintf("%d element(s) built from %d reference(s)", unknown, len(rs))
	if len(why) > 0 {
		desc += ": " + strings.Join(why, "; ")
	}
	for range unknown {
		out = append(out, Value{Unknown: true, Why: desc})
	}
	return out
}

func principalBlocks(v any) map[string][]string {
	var out map[string][]string
	for _, b := range maps(v) {
		if b == nil {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		typ := str(b, "type")
		out[typ] = append(out[typ], strList(b["identifiers"])...)
	}
	return out
}

// readFunctions maps each function to its execution role: a role of the
// plan, found by the role argument's value (a literal ARN) or its
// reference; a role outside the plan becomes a role the lab cannot read.
func (a *Account) readFunctions() {
	for _, addr := range a.ix.byType["aws_lambda_function"] {
		role := a.roleOf(addr, "role")
		if role == nil {
			arn := str(a.ix.values[addr], "role")
			if arn == "" {
				arn = "arn:aws:iam::" + a.ID + ":role/lab-unknown-role-of-" + shortHash(addr, 8)
			}
			role = a.roles[arn]
			if role == nil {
				role = &Role{Address: "(not in the plan)", ARN: arn, Name: arn[strings.LastIndex(arn, "/")+1:],
					Unknown: []string{"the execution role " + arn + " is not in the plan: its policies are unknown"}}
				role.Policies = []*Policy{a.assumed(arn, "a role that is not in the plan", []Value{{Pattern: "*"}})}
				a.roles[arn] = role
			}
		}
		a.functions[addr] = role.ARN
	}
}

// readSecretPolicies reads the resource policies of secrets:
// aws_secretsmanager_secret_policy and the secret's own policy argument.
func (a *Account) readSecretPolicies() {
	for _, addr := range a.ix.byType["aws_secretsmanager_secret_policy"] {
		arn := ""
		if s := str(a.ix.values[addr], "secret_arn"); s != "" {
			arn = s
		} else {
			module, _ := splitAddress(addr)
			rs := a.resolve(module, a.ix.expr(addr, "secret_arn"), 0)
			if len(rs) == 1 {
				arn = rs[0].value
			}
		}
		if arn == "" {
			a.note("%s: the secret it applies to is unknown at plan time; the lab does not apply it", addr)
			continue
		}
		a.resourcePolicies[arn] = append(a.resourcePolicies[arn], a.document(addr, "policy", a.ix.values[addr]))
	}
	for _, addr := range a.ix.byType["aws_secretsmanager_secret"] {
		if s := str(a.ix.values[addr], "policy"); s != "" {
			arn := a.applied[addr]["arn"]
			a.resourcePolicies[arn] = append(a.resourcePolicies[arn], a.document(addr, "policy", a.ix.values[addr]))
		}
	}
}
