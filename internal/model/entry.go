package model

import (
	"slices"
	"strconv"
	"strings"
)

var functionTypes = []string{"aws_lambda_function"}

func (fx *facts) buildEntryPoints() {
	fx.entryAPI = map[string][]string{}
	for _, r := range fx.ix.byType["aws_lambda_function_url"] {
		ep := EntryPoint{Address: r.Address, Kind: "function_url", Auth: getStr(r.Values, "authorization_type")}
		if ep.Auth == "" {
			ep.Auth = "unknown"
		}
		fx.m.EntryPoints = append(fx.m.EntryPoints, fx.frontEntries(ep, r, "function_name", "function_url", true)...)
	}
	fx.httpAPIRoutes()
	fx.restMethods()
	// A function limited to one concurrent execution is single-flight: an
	// entry point in front of it cannot fan out.
	for i := range fx.m.EntryPoints {
		ep := &fx.m.EntryPoints[i]
		if f := fx.functions[ep.Function]; f != nil && f.Reserved != nil && *f.Reserved == 1 {
			ep.Throttled = true
		}
	}
}

// functionRef resolves an attribute naming a function (name, ARN or invoke
// ARN) to its address: the first candidate when references name several.
func (fx *facts) functionRef(r *res, values, unknown map[string]any, key string) string {
	if fns := fx.functionCandidates(r, values, unknown, key); len(fns) > 0 {
		return fns[0]
	}
	return ""
}

// functionCandidates lists every function an attribute may name: one when
// its value is known, every function its configuration references may
// lead to when it is not (the known value itself when it names nothing in
// the plan).
func (fx *facts) functionCandidates(r *res, values, unknown map[string]any, key string) []string {
	fns, _ := fx.functionTargets(r, values, unknown, key)
	return fns
}

// functionTargets is functionCandidates that also says, when it finds no
// function because the attribute is unknown at plan time and its
// references lead to no resource in the plan, what could not be resolved.
func (fx *facts) functionTargets(r *res, values, unknown map[string]any, key string) ([]string, string) {
	v := getStr(values, key)
	if v != "" {
		if a := fx.lookup(v, functionTypes...); a != "" {
			return []string{a}, ""
		}
		if a := fx.functionByName(v); a != "" {
			return []string{a}, ""
		}
	}
	l := fx.link(r, values, unknown, key, []string{key}, functionTypes...)
	if len(l.Addrs) > 0 {
		return l.Addrs, ""
	}
	// Invoke ARNs from a function's invoke_arn: look through references of
	// any type once more (aliases point at functions too).
	ts, _ := fx.ix.resolve(r.Module, refsAt(r, key))
	for _, t := range ts {
		if tr := fx.ix.byAddr[t.Addr]; tr != nil && tr.Type == "aws_lambda_alias" {
			return fx.functionTargets(tr, tr.Values, tr.Unknown, "function_name")
		}
	}
	if v != "" {
		return []string{v}, ""
	}
	if len(ts) == 0 && len(l.Lost) > 0 {
		return nil, key + " of " + r.Address + " is unknown at plan time and its references lead to no resource in the plan: " + unresolvedRefs(l.Lost)
	}
	return nil, ""
}

func (fx *facts) httpAPIRoutes() {
	// Integrations → functions, stages → throttled APIs.
	integ := map[string][]string{}
	integUnknown := map[string]string{}
	integTypes := map[string]string{}
	for _, r := range fx.ix.byType["aws_apigatewayv2_integration"] {
		integ[r.Address], integUnknown[r.Address] = fx.functionTargets(r, r.Values, r.Unknown, "integration_uri")
		if !mayInvokeLambda(r) {
			integUnknown[r.Address] = ""
		}
		integTypes[r.Address] = getStr(r.Values, "integration_type")
	}
	throttledAPI := map[string]bool{}
	for _, r := range fx.ix.byType["aws_apigatewayv2_stage"] {
		api := fx.link(r, r.Values, r.Unknown, "api_id", []string{"api_id"}, "aws_apigatewayv2_api")
		limited := false
		if s := getBlock(r.Values, "default_route_settings"); s != nil {
			rate, _ := getNum(s, "throttling_rate_limit")
			burst, _ := getNum(s, "throttling_burst_limit")
			limited = rate > 0 || burst > 0
		}
		for _, a := range append(api.Addrs, api.Raw...) {
			if limited {
				throttledAPI[a] = true
			}
		}
	}
	for _, r := range fx.ix.byType["aws_apigatewayv2_route"] {
		ep := EntryPoint{Address: r.Address, Kind: "apigw_v2_route", Auth: routeAuth(r)}
		tgt := fx.link(r, r.Values, r.Unknown, "target", []string{"target"}, "aws_apigatewayv2_integration")
		integrations := tgt.Addrs
		if t := getStr(r.Values, "target"); len(integrations) == 0 && strings.HasPrefix(t, "integrations/") {
			if a := fx.lookup(strings.TrimPrefix(t, "integrations/"), "aws_apigatewayv2_integration"); a != "" {
				integrations = []string{a}
			}
		}
		var fns, unknown []string
		var via []Step
		for _, a := range integrations {
			fns = append(fns, integ[a]...)
			if integUnknown[a] != "" {
				unknown = append(unknown, integUnknown[a])
				via = append(via, Step{Kind: "integration", Address: a, Detail: "integration " + orUnknown(integTypes[a]) + ", integration_uri unknown at plan time"})
			}
		}
		if len(integrations) == 0 && len(tgt.Lost) > 0 {
			unknown = append(unknown, "target of "+r.Address+" is unknown at plan time and its references lead to no integration in the plan: "+unresolvedRefs(tgt.Lost))
		}
		fns = sortedUnique(fns)
		api := fx.link(r, r.Values, r.Unknown, "api_id", []string{"api_id"}, "aws_apigatewayv2_api")
		for _, a := range append(api.Addrs, api.Raw...) {
			ep.Throttled = ep.Throttled || throttledAPI[a]
		}
		fx.entryAPI[r.Address] = api.Addrs
		if len(fns) == 0 && len(unknown) > 0 {
			fx.m.EntryPoints = append(fx.m.EntryPoints, fx.targetUnknown(ep, strings.Join(unknown, "; "), via...))
			continue
		}
		fx.m.EntryPoints = append(fx.m.EntryPoints, candidateEntryPoints(ep, candidateOf{"integration", strings.Join(integrations, ", "), "the integration's uri is unknown at plan time and its references name them all"}, fns)...)
	}
}

// candidateOf says where a call chooses among several functions (the
// step's kind and address) and why the plan does not settle which.
type candidateOf struct{ kind, address, why string }

// candidateEntryPoints is ep fronting fns: itself when there is at most one
// function; else, since the plan does not tell which one it invokes (an
// integration of a for_each map whose uri is unknown without the
// sources), one unresolved entry point per candidate, each naming all of
// them and carrying the assumption in a step, so no finding takes a guess
// for the function behind the entry point.
func candidateEntryPoints(ep EntryPoint, at candidateOf, fns []string) []EntryPoint {
	if len(fns) <= 1 {
		if len(fns) == 1 {
			ep.Function = fns[0]
		}
		return []EntryPoint{ep}
	}
	out := make([]EntryPoint, 0, len(fns))
	for _, fn := range fns {
		c := ep
		c.Function, c.Unresolved, c.Candidates = fn, true, fns
		c.Steps = slices.Clone(ep.Steps)
		if n := len(c.Steps); n > 0 && c.Steps[n-1].Address == at.address {
			// The entry point's own step is where the choice is made.
			c.Steps[n-1] = candidateStep(c.Steps[n-1], ep.Address, at.why, fn, fns)
		} else {
			c.Steps = append(c.Steps, candidateStep(Step{Kind: at.kind, Address: at.address}, ep.Address, at.why, fn, fns))
		}
		out = append(out, c)
	}
	return out
}

// candidateStep is s (where the call is made) going to fn, one of fns,
// carrying the assumption that it may: the plan does not tell which
// (why), so every candidate is named, never the first as a fact.
func candidateStep(s Step, address, why, fn string, fns []string) Step {
	if s.Detail != "" {
		s.Detail += "; "
	}
	s.Detail += "may invoke " + fn + ", one of " + strconv.Itoa(len(fns)) + " candidates"
	s.FromUnknown = true
	unknown := "which of " + strings.Join(fns, ", ") + " it invokes (" + why + "; pass --source DIR)"
	return assume(s, address, unknown, "it may invoke "+fn)
}

// frontEntries is ep in front of the function r's attribute key names:
// ep fronting it when it names one function of the plan, one unresolved
// entry point per candidate when it may name several, ep with what is
// unknown when it names none it can follow. A function outside the plan
// is kept by name when keepOutside, else there is no entry point.
func (fx *facts) frontEntries(ep EntryPoint, r *res, key, stepKind string, keepOutside bool) []EntryPoint {
	fns, unknown := fx.functionTargets(r, r.Values, r.Unknown, key)
	var inPlan []string
	for _, fn := range fns {
		if fx.functions[fn] != nil {
			inPlan = append(inPlan, fn)
		}
	}
	switch {
	case len(inPlan) > 0:
		return candidateEntryPoints(ep, candidateOf{stepKind, r.Address, key + " is unknown at plan time and its references name them all"}, inPlan)
	case len(fns) == 0 && unknown != "":
		return []EntryPoint{fx.targetUnknown(ep, unknown)}
	case len(fns) > 0 && keepOutside:
		ep.Function = fns[0]
		return []EntryPoint{ep}
	}
	return nil
}

func (fx *facts) restMethods() {
	// Integrations are keyed by the method they serve: resource + HTTP method.
	type key struct{ resource, method string }
	integ := map[key]string{}
	integUnknown := map[key]Step{}
	for _, r := range fx.ix.byType["aws_api_gateway_integration"] {
		fns, unknown := fx.functionTargets(r, r.Values, r.Unknown, "uri")
		if !mayInvokeLambda(r) {
			unknown = ""
		}
		for _, rk := range fx.restResourceKeys(r) {
			k := key{rk, getStr(r.Values, "http_method")}
			if len(fns) > 0 {
				integ[k] = fns[0]
			} else if unknown != "" {
				integUnknown[k] = Step{Kind: "integration", Address: r.Address, Detail: unknown}
			}
		}
	}
	throttledAPI := map[string]bool{}
	for _, r := range fx.ix.byType["aws_api_gateway_usage_plan"] {
		limited := false
		if t := getBlock(r.Values, "throttle_settings"); t != nil {
			rate, _ := getNum(t, "rate_limit")
			burst, _ := getNum(t, "burst_limit")
			limited = rate > 0 || burst > 0
		}
		if !limited {
			continue
		}
		for i := range getBlocks(r.Values, "api_stages") {
			_ = i
		}
		ts, _ := fx.ix.resolve(r.Module, refsAt(r, "api_stages", "api_id"))
		for _, t := range ts {
			throttledAPI[t.Addr] = true
		}
		for _, s := range getBlocks(r.Values, "api_stages") {
			if id := getStr(s, "api_id"); id != "" {
				throttledAPI[id] = true
				if a := fx.lookup(id); a != "" {
					throttledAPI[a] = true
				}
			}
		}
	}
	for _, r := range fx.ix.byType["aws_api_gateway_method_settings"] {
		s := getBlock(r.Values, "settings")
		rate, _ := getNum(s, "throttling_rate_limit")
		if rate > 0 {
			api := fx.link(r, r.Values, r.Unknown, "rest_api_id", []string{"rest_api_id"}, "aws_api_gateway_rest_api")
			for _, a := range append(api.Addrs, api.Raw...) {
				throttledAPI[a] = true
			}
		}
	}
	for _, r := range fx.ix.byType["aws_api_gateway_method"] {
		ep := EntryPoint{Address: r.Address, Kind: "apigw_method", Auth: getStr(r.Values, "authorization")}
		if ep.Auth == "" {
			ep.Auth = "unknown"
		}
		var unknown *Step
		for _, rk := range fx.restResourceKeys(r) {
			k := key{rk, getStr(r.Values, "http_method")}
			if fn := integ[k]; fn != "" {
				ep.Function = fn
			} else if st, ok := integUnknown[k]; ok {
				unknown = &st
			}
		}
		if ep.Function == "" && unknown != nil {
			ep = fx.targetUnknown(ep, unknown.Detail, Step{Kind: unknown.Kind, Address: unknown.Address, Detail: "uri unknown at plan time"})
		}
		api := fx.link(r, r.Values, r.Unknown, "rest_api_id", []string{"rest_api_id"}, "aws_api_gateway_rest_api")
		for _, a := range append(api.Addrs, api.Raw...) {
			ep.Throttled = ep.Throttled || throttledAPI[a]
		}
		fx.entryAPI[r.Address] = api.Addrs
		fx.m.EntryPoints = append(fx.m.EntryPoints, ep)
	}
}

// routeAuth reads an HTTP API route's authorization type from its planned
// value first: a known value is what AWS applies, whatever authorizer the
// configuration references (an authorizer_id only counts with JWT or
// CUSTOM). Only when the type is unknown at plan time does a configured
// authorizer suggest CUSTOM; without one it is unknown. Absent means the
// provider default, NONE.
func routeAuth(r *res) string {
	if a := getStr(r.Values, "authorization_type"); a != "" {
		return a
	}
	if !unknownAt(r.Unknown, "authorization_type") {
		return "NONE"
	}
	if getStr(r.Values, "authorizer_id") != "" || unknownAt(r.Unknown, "authorizer_id") || len(refsAt(r, "authorizer_id")) > 0 {
		return "CUSTOM"
	}
	return "unknown"
}

// restResourceKeys names the API resource of a method or integration: its
// resolved address, or its known id.
func (fx *facts) restResourceKeys(r *res) []string {
	l := fx.link(r, r.Values, r.Unknown, "resource_id", []string{"resource_id"}, "aws_api_gateway_resource", "aws_api_gateway_rest_api")
	out := append(l.Addrs, l.Raw...)
	// root_resource_id of the API: the reference names the API itself.
	return out
}

func (fx *facts) buildTables() {
	for _, r := range fx.ix.byType["aws_dynamodb_table"] {
		if r.Data {
			continue
		}
		t := Table{Address: r.Address, Name: getStr(r.Values, "name")}
		for _, blk := range getBlocks(r.Values, "ttl") {
			if getBool(blk, "enabled") {
				t.TTL = true
			}
		}
		t.Recomputable = strings.EqualFold(getTags(r.Values)["letsleep:recomputable"], "true")
		fx.m.Tables = append(fx.m.Tables, t)
	}
}

// functionByName finds a function by name, ARN or invoke ARN through an
// index built once (entry points × functions would be quadratic).
func (fx *facts) functionByName(v string) string {
	name := v
	if i := strings.LastIndex(v, ":function:"); i >= 0 {
		name = v[i+len(":function:"):]
		if j := strings.IndexAny(name, ":/"); j >= 0 {
			name = name[:j]
		}
	}
	return fx.fnByName[name]
}

// functionNames maps each function name to the first function address
// that carries it.
func functionNames(fns map[string]*Function) map[string]string {
	out := map[string]string{}
	for _, addr := range sortedKeysOf(fns) {
		if n := fns[addr].Name; n != "" {
			if _, dup := out[n]; !dup {
				out[n] = addr
			}
		}
	}
	return out
}
