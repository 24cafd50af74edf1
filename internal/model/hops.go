package model

import (
	"encoding/json"
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
)

// IAM hops: a function reaches whatever it can make another principal or
// function do. Sources: docs/facts/iam-hops.md.
const (
	ActionAssumeRole     = "sts:AssumeRole"
	ActionPublish        = "sns:Publish"
	ActionSendMessage    = "sqs:SendMessage"
	ActionStartExecution = "states:StartExecution"
	ActionAPIInvoke      = "execute-api:Invoke"
)

// hopActions are granted like the notable actions (identity policies and
// resource policies that name the role) and followed by hopPaths.
var hopActions = []string{ActionAssumeRole, ActionPublish, ActionSendMessage, ActionStartExecution, ActionAPIInvoke}

// grantActions: every action computeGrants looks for.
var grantActions = append(append([]string{}, iam.Notable...), hopActions...)

// ResourcePolicyGrant is the Resource of a Grant that comes from a
// resource-based policy naming the role, not from the role's own policies.
const ResourcePolicyGrant = "(resource policy)"

// hopTargetTypes: the resource types a hop action is aimed at.
var hopTargetTypes = map[string][]string{
	ActionAssumeRole:     {"aws_iam_role"},
	ActionPublish:        {"aws_sns_topic"},
	ActionSendMessage:    {"aws_sqs_queue"},
	ActionStartExecution: {"aws_sfn_state_machine"},
	ActionAPIInvoke:      {"aws_apigatewayv2_api", "aws_api_gateway_rest_api"},
}

// hopActionOn is the hop action aimed at a resource type, or "".
func hopActionOn(typ string) string {
	for _, action := range hopActions {
		if contains(hopTargetTypes[action], typ) {
			return action
		}
	}
	return ""
}

// hopTargets lists the grant targets of a hop action with the ARN shape
// each certainly has (ARN formats: docs/facts/iam-hops.md).
func (fx *facts) hopTargets(action string) []grantTarget {
	var out []grantTarget
	for _, typ := range hopTargetTypes[action] {
		for _, r := range fx.ix.byType[typ] {
			if r.Data {
				continue
			}
			t := grantTarget{addr: r.Address, name: getStr(r.Values, "name")}
			shapeName := t.name
			if shapeName == "" {
				shapeName = "*"
			}
			switch action {
			case ActionAssumeRole:
				t.arn = getStr(r.Values, "arn")
				path := getStr(r.Values, "path")
				if path == "" {
					path = "/"
				}
				t.shape = []string{"arn:aws:iam::*:role" + path + shapeName}
			case ActionPublish:
				t.arn = getStr(r.Values, "arn")
				t.shape = []string{"arn:aws:sns:*:*:" + shapeName}
			case ActionSendMessage:
				t.arn = getStr(r.Values, "arn")
				t.shape = []string{"arn:aws:sqs:*:*:" + shapeName}
			case ActionStartExecution:
				t.arn = getStr(r.Values, "arn")
				t.shape = []string{"arn:aws:states:*:*:stateMachine:" + shapeName}
			case ActionAPIInvoke:
				// Grants name routes under the API's execution ARN
				// (…:API_ID/STAGE/METHOD/PATH); the API id is the name.
				t.name = getStr(r.Values, "id")
				id := t.name
				if id == "" {
					id = "*"
				}
				t.shape = []string{"arn:aws:execute-api:*:*:" + id + "/*", "arn:aws:execute-api:*:*:" + id}
			}
			out = append(out, t)
		}
	}
	return out
}

// hopNameInARN extracts the name a hop target is indexed by from a
// literal ARN.
func hopNameInARN(action, arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	res := parts[5]
	switch action {
	case ActionAssumeRole:
		if !strings.HasPrefix(res, "role/") {
			return ""
		}
		return res[strings.LastIndexByte(res, '/')+1:]
	case ActionPublish, ActionSendMessage:
		return res
	case ActionStartExecution:
		n := strings.TrimPrefix(res, "stateMachine:")
		if i := strings.IndexByte(n, ':'); i >= 0 {
			n = n[:i]
		}
		return n
	case ActionAPIInvoke:
		if i := strings.IndexByte(res, '/'); i >= 0 {
			return res[:i]
		}
		return res
	}
	return ""
}

func hopTargetKind(action string) string {
	switch action {
	case ActionAssumeRole:
		return "role"
	case ActionPublish:
		return "topic"
	case ActionSendMessage:
		return "queue"
	case ActionStartExecution:
		return "state_machine"
	case ActionAPIInvoke:
		return "api"
	}
	return ""
}

// trigger is one way a message or call into a resource (topic, queue,
// state machine, API) runs a function.
type trigger struct {
	fn    string
	steps []Step // from the resource to the function, the function step last
	// fromUnknown: tied through configuration references only.
	fromUnknown bool
	// candidates: every function the call may run when the plan does not
	// tell which (a subscription's endpoint from a for_each map without
	// the sources); there is one trigger per candidate.
	candidates []string
}

// buildTriggers indexes, by the address of the thing that is called, the
// functions each call runs: SNS subscriptions, SQS event source mappings,
// state machine definitions and IAM-authorised API routes.
func (fx *facts) buildTriggers() {
	fx.triggers = map[string][]trigger{}
	add := func(src, fn string, fromUnknown bool, steps ...Step) {
		f := fx.functions[fn]
		if f == nil || src == "" {
			return
		}
		fx.triggers[src] = append(fx.triggers[src], trigger{fn: fn, steps: append(steps, fnStep(f)), fromUnknown: fromUnknown})
	}
	// addCandidates: r's attribute key names the function src runs; when
	// it may name several, the plan does not tell which, so there is one
	// trigger per candidate, each a guess that names them all.
	addCandidates := func(src string, r *res, key string, fromUnknown bool, step Step) {
		var fns []string
		for _, fn := range fx.functionCandidates(r, r.Values, r.Unknown, key) {
			if fx.functions[fn] != nil {
				fns = append(fns, fn)
			}
		}
		if len(fns) <= 1 {
			for _, fn := range fns {
				add(src, fn, fromUnknown, step)
			}
			return
		}
		for _, fn := range fns {
			add(src, fn, true, candidateStep(step, r.Address, key+" is unknown at plan time and its references name them all", fn, fns))
			ts := fx.triggers[src]
			ts[len(ts)-1].candidates = fns
		}
	}
	for _, r := range fx.ix.byType["aws_sns_topic_subscription"] {
		if !strings.EqualFold(getStr(r.Values, "protocol"), "lambda") {
			continue
		}
		topic := fx.link(r, r.Values, r.Unknown, "topic_arn", []string{"topic_arn"}, "aws_sns_topic")
		for _, t := range topic.Addrs {
			addCandidates(t, r, "endpoint", topic.FromUnknown, Step{Kind: "subscription", Address: r.Address, Detail: "SNS subscription (protocol lambda): every message published to " + t + " invokes the function"})
		}
	}
	for _, r := range fx.ix.byType["aws_lambda_event_source_mapping"] {
		if v, ok := r.Values["enabled"].(bool); ok && !v {
			continue
		}
		src := fx.link(r, r.Values, r.Unknown, "event_source_arn", []string{"event_source_arn"}, "aws_sqs_queue")
		for _, q := range src.Addrs {
			addCandidates(q, r, "function_name", src.FromUnknown, Step{Kind: "event_source_mapping", Address: r.Address, Detail: "event source mapping: Lambda polls " + q + " and invokes the function with its messages"})
		}
	}
	for _, r := range fx.ix.byType["aws_sfn_state_machine"] {
		fns, fromUnknown := fx.stateMachineFunctions(r)
		for _, fn := range fns {
			add(r.Address, fn, fromUnknown, Step{Kind: "state_machine", Address: r.Address, Detail: "state machine definition invokes the function"})
		}
	}
	for _, ep := range fx.m.EntryPoints {
		if ep.Auth == "AWS_IAM" && ep.Function != "" {
			for _, api := range fx.entryAPI[ep.Address] {
				steps := append([]Step{{Kind: "entry_point", Address: ep.Address, Detail: ep.Kind + " with authorization AWS_IAM: a signed execute-api:Invoke call runs the function"}}, ep.Steps...)
				add(api, ep.Function, ep.Unresolved, steps...)
			}
		}
	}
}

// stateMachineFunctions lists the functions a state machine definition
// invokes: Task states whose Resource is a function ARN, or the
// lambda:invoke integration with Parameters.FunctionName. An unknown
// definition is resolved through the functions it references.
func (fx *facts) stateMachineFunctions(r *res) ([]string, bool) {
	if def := getStr(r.Values, "definition"); def != "" {
		var doc any
		if json.Unmarshal([]byte(def), &doc) == nil {
			var out []string
			walkJSONStrings(doc, func(key, v string) {
				if key != "Resource" && key != "FunctionName" && key != "FunctionName.$" {
					return
				}
				if a := fx.lookup(v, functionTypes...); a != "" {
					out = append(out, a)
				} else if a := fx.functionByName(v); a != "" {
					out = append(out, a)
				}
			})
			return sortedUnique(out), false
		}
	}
	ts, _ := fx.ix.resolve(r.Module, refsAt(r, "definition"))
	return sortedUnique(fx.ix.addrsOf(ts, functionTypes...)), true
}

// walkJSONStrings calls fn for every string value of a decoded JSON
// document with the key it sits under ("" in arrays).
func walkJSONStrings(v any, fn func(key, value string)) {
	var walk func(key string, v any, depth int)
	walk = func(key string, v any, depth int) {
		if depth > 64 {
			return
		}
		switch x := v.(type) {
		case string:
			fn(key, x)
		case map[string]any:
			for _, k := range sortedKeysOf(x) {
				walk(k, x[k], depth+1)
			}
		case []any:
			for _, e := range x {
				walk(key, e, depth+1)
			}
		}
	}
	walk("", v, 0)
}

// resourceGrants turns resource-based policies that name a role of the plan
// into grants of that role: within one account, a resource policy that
// names a role allows it without any identity policy (role trust policies
// name who may assume). Also records public topics and queues and every
// role's trust policy.
func (fx *facts) resourceGrants() {
	fx.trust = map[string][]rpStatement{}
	fx.trustKnown = map[string]bool{}
	fx.publicPolicy = map[string][]Step{}
	grant := func(roleAddr, action, target, kind string, via ...Step) {
		rs := fx.roles[roleAddr]
		if rs == nil {
			return
		}
		steps := append([]Step{{Kind: "role", Address: rs.addr, Detail: roleDetail(rs.name)}}, via...)
		steps = append(steps, Step{Kind: kind, Address: target, Detail: "named by its resource policy"})
		rs.grants = append(rs.grants, Grant{Action: action, Resource: ResourcePolicyGrant, Target: target, Via: steps})
	}
	// policiesOf reads a resource's inline policy attribute and its
	// separate policy resources.
	type polSrc struct {
		typ, attr string   // separate policy resource and the attribute naming its target
		types     []string // target types
	}
	read := func(owner []string, inline string, sep polSrc, action, kind string) {
		apply := func(target string, rps []rpStatement) {
			for _, rp := range rps {
				if !rp.covers(action) {
					continue
				}
				if rp.who.public {
					fx.publicPolicy[target] = append(fx.publicPolicy[target], rp.step("resource policy lets anyone ("+"Principal \"*\") call "+action))
				}
				for _, ra := range sortedKeysOf(rp.who.roles) {
					grant(ra, action, target, kind, rp.step("resource policy allows "+action))
				}
			}
		}
		for _, typ := range owner {
			for _, r := range fx.ix.byType[typ] {
				if r.Data || inline == "" {
					continue
				}
				rps, _ := fx.resourcePolicy(r, r.Values, inline)
				apply(r.Address, rps)
			}
		}
		if sep.typ == "" {
			return
		}
		for _, r := range fx.ix.byType[sep.typ] {
			tgt := fx.link(r, r.Values, r.Unknown, sep.attr, []string{sep.attr}, sep.types...)
			rps, _ := fx.resourcePolicy(r, r.Values, "policy")
			for _, t := range tgt.Addrs {
				apply(t, rps)
			}
		}
	}
	read([]string{"aws_sns_topic"}, "policy", polSrc{"aws_sns_topic_policy", "arn", []string{"aws_sns_topic"}}, ActionPublish, "topic")
	read([]string{"aws_sqs_queue"}, "policy", polSrc{"aws_sqs_queue_policy", "queue_url", []string{"aws_sqs_queue"}}, ActionSendMessage, "queue")
	read([]string{"aws_secretsmanager_secret"}, "policy", polSrc{"aws_secretsmanager_secret_policy", "secret_arn", []string{"aws_secretsmanager_secret"}}, iam.ActionSecretRead, "secret")
	fx.lambdaPermissionGrants(grant)
	for _, r := range fx.ix.byType["aws_iam_role"] {
		if r.Data {
			continue
		}
		rps, known := fx.resourcePolicy(r, r.Values, "assume_role_policy")
		fx.trustKnown[r.Address] = known
		for _, rp := range rps {
			if !rp.covers(ActionAssumeRole) {
				continue
			}
			fx.trust[r.Address] = append(fx.trust[r.Address], rp)
			// A trust policy that names a role lets it assume without an
			// identity policy (same account).
			for _, ra := range sortedKeysOf(rp.who.roles) {
				if ra != r.Address {
					grant(ra, ActionAssumeRole, r.Address, "role", rp.step("trust policy names the role"))
				}
			}
		}
	}
}

// lambdaPermissionGrants: aws_lambda_permission whose principal is a role
// of the plan lets that role invoke the function.
func (fx *facts) lambdaPermissionGrants(grant func(roleAddr, action, target, kind string, via ...Step)) {
	for _, r := range fx.ix.byType["aws_lambda_permission"] {
		if !permitsInvoke(getStr(r.Values, "action")) {
			continue
		}
		fn := fx.functionRef(r, r.Values, r.Unknown, "function_name")
		if fx.functions[fn] == nil {
			continue
		}
		var roles []string
		if p := getStr(r.Values, "principal"); p != "" {
			if a := fx.roleByARN(p); a != "" {
				roles = append(roles, a)
			}
		} else {
			ts, _ := fx.ix.resolve(r.Module, refsAt(r, "principal"))
			roles = fx.ix.addrsOf(ts, roleTypes...)
		}
		for _, ra := range sortedUnique(roles) {
			grant(ra, iam.ActionInvoke, fn, "function", Step{Kind: "policy", Address: r.Address, Detail: "Lambda permission names the role as principal"})
		}
	}
}

// permitsInvoke: the Lambda permission's action lets its principal run the
// function (lambda:InvokeFunction, or a wildcard covering it).
func permitsInvoke(action string) bool {
	return action == "" || iam.MatchFold(action, iam.ActionInvoke)
}

// trustAdmits tells whether role target's trust policy lets caller assume
// it: by naming it, its account, or anyone. An unreadable trust policy is
// assumed to admit, and the hop is marked unresolved.
func (fx *facts) trustAdmits(target, caller string) (ok, unresolved bool, step Step) {
	if !fx.trustKnown[target] && len(fx.trust[target]) == 0 {
		return true, true, assumedStep("policy", target, "trust policy unknown at plan time", "assumed to admit the caller")
	}
	for _, rp := range fx.trust[target] {
		switch {
		case rp.who.roles[caller]:
			return true, rp.who.fromUnknown, rp.step("trust policy names the caller")
		case rp.who.account:
			return true, false, rp.step("trust policy admits the account, so any principal of it allowed sts:AssumeRole")
		case rp.who.public:
			return true, false, rp.step("trust policy admits anyone (Principal \"*\")")
		}
	}
	return false, false, Step{}
}

// hopEdge is one step of a chain out of a role: to a function it can make
// run, or to a role it can become.
type hopEdge struct {
	kind       string
	toFn       string
	toSet      string // a set of functions (a wildcard invoke grant)
	toRole     string
	toRoleSet  string // a set of roles that admit the caller (a wildcard sts:AssumeRole)
	steps      []Step // from the role step to the function or role step
	unresolved bool
}

// roleEdges lists the hops out of a role, computed once per role.
func (rh *reacher) roleEdges(ra string) []hopEdge {
	if e, ok := rh.edgeCache[ra]; ok {
		return e
	}
	rs := rh.roles[ra]
	var out []hopEdge
	if rs != nil {
		for _, g := range rs.grants {
			unresolved := g.Resource == UnknownResource || rs.assumed[grantKey(g)]
			via := g.Via // shared, read-only
			if g.TargetSet != "" {
				switch g.Action {
				case iam.ActionInvoke:
					out = append(out, hopEdge{kind: PathInvoke, toSet: g.TargetSet, steps: via, unresolved: unresolved})
				case ActionPublish, ActionSendMessage, ActionStartExecution, ActionAPIInvoke:
					out = append(out, rh.triggerSetEdges(g, unresolved)...)
				case ActionAssumeRole:
					out = append(out, rh.roleSetEdges(ra, g, unresolved)...)
				}
			}
			if g.Target == "" {
				continue
			}
			switch g.Action {
			case iam.ActionInvoke:
				if rh.functions[g.Target] != nil {
					out = append(out, hopEdge{kind: PathInvoke, toFn: g.Target, steps: via, unresolved: unresolved})
				}
			case ActionPublish, ActionSendMessage, ActionStartExecution, ActionAPIInvoke:
				kind := hopPathKind(g.Action)
				for _, t := range rh.triggers[g.Target] {
					// One of several candidates is a guess: the path rests on it.
					out = append(out, hopEdge{kind: kind, toFn: t.fn, steps: append(append([]Step{}, via...), t.steps...), unresolved: unresolved || len(t.candidates) > 0})
				}
			case ActionAssumeRole:
				if g.Target == ra || rh.roles[g.Target] == nil {
					continue
				}
				if g.Resource != ResourcePolicyGrant {
					ok, un, step := rh.trustAdmits(g.Target, ra)
					if !ok {
						continue
					}
					via = append(append([]Step{}, via...), step)
					unresolved = unresolved || un
				}
				out = append(out, hopEdge{kind: PathAssumeRole, toRole: g.Target, steps: via, unresolved: unresolved})
			}
		}
	}
	rh.edgeCache[ra] = out
	return out
}

// fnEdge is a chain from a function to another function it can make run.
// Its evidence is head (the caller's function step and any role hops) then
// hop (the grant and trigger steps, ending at the callee's function step);
// both are shared, read-only slices, joined only when a path is emitted, so
// a wildcard invoke grant over many functions costs a few words per edge.
type fnEdge struct {
	from, to   string
	toSet      string // or a set of functions: the caller may run any
	kind       string
	head, hop  []Step
	unresolved bool
}

// hopPaths follows every hop to a fixed point. For each function, a
// breadth-first walk over the roles it can become (sts:AssumeRole, cycles
// cut by a visited set) yields data paths of the assumed roles and edges
// to the functions any of those roles can make run. A worklist then copies
// each callee's data paths to its callers, once per (caller, callee,
// database), and revisits a caller's own callers when it gains a database:
// work is bounded by edges × databases, never all pairs of functions.
func (rh *reacher) hopPaths() {
	var edges []fnEdge
	gaps := map[string][]string{} // function → roles with an unfollowed second set it reaches
	for _, fa := range sortedKeysOf(rh.functions) {
		f := rh.functions[fa]
		ambiguous := len(rh.fnRoles[fa]) > 1 || contains(f.Unresolved, "execution_role")
		paths, calls := rh.walkRoles(rh.fnRoles[fa], rh.roleHead(f, ambiguous), ambiguous, true)
		if hs := rh.takeHopSets(); len(hs) > 0 {
			gaps[fa] = hs
		}
		f.DataPaths = append(f.DataPaths, paths...)
		for _, c := range calls {
			if c.to != fa || c.toSet != "" {
				c.from = fa
				edges = append(edges, c)
			}
		}
	}
	rh.spreadHopSets(gaps, edges)
	rh.propagate(edges)
}

// walkRoles walks breadth-first from the start roles over sts:AssumeRole
// hops. It returns the data paths of the roles reached (of the start roles
// too unless own: a function's own grants are its iamPaths already) and
// the calls any reached role can make into functions. Every path and call
// starts with prefix.
func (rh *reacher) walkRoles(start []string, prefix []Step, unresolved, own bool) ([]Path, []fnEdge) {
	type visit struct {
		role       string
		chain      []Step // role hops after prefix
		kind       string // kind of the first hop, "" at a start role
		unresolved bool
	}
	var queue []visit
	seen := map[string]bool{}
	for _, ra := range start {
		if !seen[ra] {
			seen[ra] = true
			queue = append(queue, visit{role: ra, unresolved: unresolved})
		}
	}
	var paths []Path
	var calls []fnEdge
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		head := append(append([]Step{}, prefix...), v.chain...)
		if v.kind != "" || !own {
			for _, p := range rh.grantDataPaths(rh.roles[v.role], head, v.unresolved) {
				if v.kind != "" {
					p.Kind = v.kind
				}
				paths = append(paths, p)
			}
		}
		for _, e := range rh.roleEdges(v.role) {
			kind := v.kind
			if kind == "" {
				kind = e.kind
			}
			// A chained hop starts at the role the chain already names.
			hop := e.steps
			if len(v.chain) > 0 && len(hop) > 0 && hop[0].Kind == "role" {
				hop = hop[1:]
			}
			switch {
			case e.toRole != "" && !seen[e.toRole] && len(v.chain) < maxHopSteps:
				seen[e.toRole] = true
				queue = append(queue, visit{role: e.toRole, chain: append(append([]Step{}, v.chain...), hop...), kind: kind, unresolved: v.unresolved || e.unresolved})
			case e.toRoleSet != "" && len(v.chain) < maxHopSteps:
				ps, cs := rh.roleSetReach(e.toRoleSet, v.role, head, hop, kind, v.unresolved || e.unresolved)
				paths = append(paths, ps...)
				calls = append(calls, cs...)
			case e.toFn != "" || e.toSet != "":
				calls = append(calls, fnEdge{to: e.toFn, toSet: e.toSet, kind: kind, head: head, hop: hop, unresolved: v.unresolved || e.unresolved})
			}
		}
	}
	return paths, calls
}

// maxHopSteps bounds a role chain's evidence; chains are cut by the visited
// set long before on any real plan.
const maxHopSteps = 256

// pathNames: the path already runs through function addr (a cycle back to
// the caller adds nothing).
func pathNames(p Path, addr string) bool {
	for _, s := range p.Steps {
		if s.Kind == "function" && s.Address == addr {
			return true
		}
	}
	return false
}
