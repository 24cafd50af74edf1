package model

import (
	"strings"
)

// publicEntryPoints adds the ways an unauthenticated caller can make a
// function run besides function URLs and API routes (entry.go): a
// quick-create HTTP API, a Lambda permission for anyone, an internet-facing
// ALB with a Lambda target group, and topics or queues whose policy lets
// anyone write. A Cognito identity pool's guest role is added by reach
// (guestRoles), which knows the role's hops. AWS facts:
// docs/facts/entry-points.md.
func (fx *facts) publicEntryPoints() {
	fx.quickCreateAPIs()
	fx.publicPermissions()
	fx.publicLoadBalancers()
	fx.publicMessaging()
}

func (fx *facts) addEntry(ep EntryPoint) {
	fx.m.EntryPoints = append(fx.m.EntryPoints, throttled(ep, fx.functions))
}

func (rh *reacher) addEntry(ep EntryPoint) {
	rh.m.EntryPoints = append(rh.m.EntryPoints, throttled(ep, rh.functions))
}

// throttled marks an entry point whose function has a reserved
// concurrency of 1.
func throttled(ep EntryPoint, fns map[string]*Function) EntryPoint {
	if f := fns[ep.Function]; f != nil && f.Reserved != nil && *f.Reserved == 1 {
		ep.Throttled = true
	}
	return ep
}

// quickCreateAPIs: `target` on an HTTP API makes API Gateway create a
// catch-all $default route with no authorization, an integration and an
// auto-deployed stage.
func (fx *facts) quickCreateAPIs() {
	for _, r := range fx.ix.byType["aws_apigatewayv2_api"] {
		if r.Data || (getStr(r.Values, "target") == "" && len(refsAt(r, "target")) == 0) {
			continue
		}
		ep := EntryPoint{Address: r.Address, Kind: "apigw_v2_quick_create", Auth: "NONE", Steps: []Step{
			{Kind: "route", Address: r.Address, Detail: "quick create (target set): catch-all $default route without authorization, auto-deployed"},
		}}
		for _, e := range fx.frontEntries(ep, r, "target", "route", false) {
			fx.addEntry(e)
		}
	}
}

// publicPermissions: a Lambda permission for principal "*", or for a
// service principal without source_arn or source_account, lets a caller
// in any account invoke the function (for a service, through a resource
// of their own).
func (fx *facts) publicPermissions() {
	for _, r := range fx.ix.byType["aws_lambda_permission"] {
		if !permitsInvoke(getStr(r.Values, "action")) {
			continue
		}
		p := getStr(r.Values, "principal")
		if p == "" || !(p == "*" || isServicePrincipal(p)) {
			continue
		}
		if p != "*" && (restricted(r, "source_arn") || restricted(r, "source_account")) {
			continue
		}
		if restricted(r, "principal_org_id") {
			continue
		}
		detail := "Lambda permission for principal \"*\": anyone may invoke the function"
		if p != "*" {
			detail = "Lambda permission for " + p + " with no source_arn or source_account: a " + p + " resource in any account may invoke the function"
		}
		ep := EntryPoint{Address: r.Address, Kind: "lambda_permission", Auth: "NONE", Steps: []Step{{Kind: "policy", Address: r.Address, Detail: detail}}}
		for _, e := range fx.frontEntries(ep, r, "function_name", "policy", false) {
			fx.addEntry(e)
		}
	}
}

func isServicePrincipal(p string) bool {
	return strings.HasSuffix(p, ".amazonaws.com") || strings.HasSuffix(p, ".amazonaws.com.cn")
}

// restricted: the attribute is set, or set to something unknown at plan
// time. A value the plan knows to be null (the lambda module's
// try(each.value.source_arn, null) for a trigger written without one) is
// the truth, whatever the configuration references.
func restricted(r *res, key string) bool {
	if getStr(r.Values, key) != "" || unknownAt(r.Unknown, key) {
		return true
	}
	if v, set := r.Values[key]; set && v == nil {
		return false
	}
	return len(refsAt(r, key)) > 0
}

// publicLoadBalancers: an internet-facing application load balancer whose
// listener (default action or rule) forwards to a target group of type
// lambda runs the attached function for any caller, unless the action
// list authenticates first (authenticate-cognito / authenticate-oidc) or
// the balancer's security groups admit no one from the internet.
func (fx *facts) publicLoadBalancers() {
	lbTypes := []string{"aws_lb", "aws_alb"}
	tgTypes := []string{"aws_lb_target_group", "aws_alb_target_group"}
	// Target group → functions attached.
	tgFns := map[string][]string{}
	for _, t := range []string{"aws_lb_target_group_attachment", "aws_alb_target_group_attachment"} {
		for _, r := range fx.ix.byType[t] {
			tg := fx.link(r, r.Values, r.Unknown, "target_group_arn", []string{"target_group_arn"}, tgTypes...)
			fn := fx.functionRef(r, r.Values, r.Unknown, "target_id")
			if fx.functions[fn] == nil {
				continue
			}
			for _, a := range tg.Addrs {
				tgFns[a] = append(tgFns[a], fn)
			}
		}
	}
	if len(tgFns) == 0 {
		return
	}
	public := map[string]bool{}
	for _, t := range lbTypes {
		for _, r := range fx.ix.byType[t] {
			lt := getStr(r.Values, "load_balancer_type")
			if r.Data || getBool(r.Values, "internal") || unknownAt(r.Unknown, "internal") || (lt != "" && lt != "application") {
				continue
			}
			if fx.lbClosed(r) {
				continue
			}
			public[r.Address] = true
		}
	}
	// forwards lists the target groups a listener or rule forwards to
	// without authenticating first.
	forwards := func(r *res, block string) []string {
		for _, a := range getBlocks(r.Values, block) {
			if strings.HasPrefix(getStr(a, "type"), "authenticate-") {
				return nil
			}
		}
		var refs []string
		if r.Config != nil {
			refs = allRefs(r.Config.Expressions[block])
		}
		ts, _ := fx.ix.resolve(r.Module, refs)
		out := fx.ix.addrsOf(ts, tgTypes...)
		for _, a := range getBlocks(r.Values, block) {
			if v := getStr(a, "target_group_arn"); v != "" {
				if x := fx.lookup(v, tgTypes...); x != "" {
					out = append(out, x)
				}
			}
		}
		return sortedUnique(out)
	}
	listenerLB := map[string]string{}
	emit := func(r *res, lb string, tgs []string, via Step) {
		for _, tg := range tgs {
			for _, fn := range sortedUnique(tgFns[tg]) {
				fx.addEntry(EntryPoint{Address: r.Address, Kind: "alb", Auth: "NONE", Function: fn, Steps: []Step{
					{Kind: "load_balancer", Address: lb, Detail: "internet-facing application load balancer"},
					via,
					{Kind: "target_group", Address: tg, Detail: "target group of type lambda"},
				}})
			}
		}
	}
	for _, t := range []string{"aws_lb_listener", "aws_alb_listener"} {
		for _, r := range fx.ix.byType[t] {
			lb := fx.link(r, r.Values, r.Unknown, "load_balancer_arn", []string{"load_balancer_arn"}, lbTypes...)
			for _, a := range lb.Addrs {
				if public[a] {
					listenerLB[r.Address] = a
					emit(r, a, forwards(r, "default_action"), Step{Kind: "listener", Address: r.Address, Detail: "listener default action forwards without authentication"})
				}
			}
		}
	}
	for _, t := range []string{"aws_lb_listener_rule", "aws_alb_listener_rule"} {
		for _, r := range fx.ix.byType[t] {
			l := fx.link(r, r.Values, r.Unknown, "listener_arn", []string{"listener_arn"}, "aws_lb_listener", "aws_alb_listener")
			for _, la := range l.Addrs {
				if lb := listenerLB[la]; lb != "" {
					emit(r, lb, forwards(r, "action"), Step{Kind: "listener", Address: r.Address, Detail: "listener rule forwards without authentication"})
				}
			}
		}
	}
}

// lbClosed: every security group of the balancer is in the plan and none
// admits 0.0.0.0/0 or ::/0, so the internet cannot connect.
func (fx *facts) lbClosed(r *res) bool {
	sgs := fx.link(r, r.Values, r.Unknown, "security_groups", []string{"security_groups"}, "aws_security_group")
	if len(sgs.Addrs) == 0 || len(sgs.Raw) > 0 || len(sgs.Lost) > 0 {
		return false
	}
	for _, a := range sgs.Addrs {
		sg := fx.sgs[a]
		if sg == nil {
			return false
		}
		for _, in := range sg.Ingress {
			if in.Unresolved {
				return false
			}
			for _, c := range in.CIDRs {
				if isOpenCIDR(c) {
					return false
				}
			}
		}
	}
	return true
}

// guestRoles: an identity pool that allows unauthenticated identities hands
// anyone credentials for its unauthenticated role. Whatever that role can
// make run, or reach itself, anyone can.
func (rh *reacher) guestRoles() {
	openPools := map[string]bool{}
	for _, r := range rh.ix.byType["aws_cognito_identity_pool"] {
		if !r.Data && getBool(r.Values, "allow_unauthenticated_identities") {
			openPools[r.Address] = true
		}
	}
	if len(openPools) == 0 {
		return
	}
	for _, r := range rh.ix.byType["aws_cognito_identity_pool_roles_attachment"] {
		pool := rh.link(r, r.Values, r.Unknown, "identity_pool_id", []string{"identity_pool_id"}, "aws_cognito_identity_pool")
		var open []string
		for _, p := range pool.Addrs {
			if openPools[p] {
				open = append(open, p)
			}
		}
		if len(open) == 0 {
			continue
		}
		roles, unresolved := rh.guestRole(r)
		for _, poolAddr := range open {
			head := []Step{
				{Kind: "identity_pool", Address: poolAddr, Detail: "Cognito identity pool allows unauthenticated identities: anyone gets credentials"},
				{Kind: "policy", Address: r.Address, Detail: "unauthenticated role", FromUnknown: unresolved},
			}
			if unresolved {
				head[1] = assume(head[1], r.Address, "the pool's unauthenticated role is not fully known at plan time", "it may be any of "+strings.Join(roles, ", "))
			}
			paths, calls := rh.walkRoles(roles, head, unresolved, false)
			for _, r := range rh.takeHopSets() {
				if _, ok := rh.hopSetPools[r]; !ok {
					rh.hopSetPools[r] = poolAddr // anyone gets credentials
				}
			}
			if len(paths) > 0 {
				rh.addEntry(EntryPoint{Address: poolAddr, Kind: "cognito_unauthenticated", Auth: "NONE", Steps: head, DataPaths: paths, Unresolved: unresolved})
			}
			for _, c := range calls {
				steps := append(append([]Step{}, c.head...), c.hop...)
				if n := len(steps); n > 0 && steps[n-1].Kind == "function" {
					steps = steps[:n-1]
				}
				rh.addEntry(EntryPoint{Address: poolAddr, Kind: "cognito_unauthenticated", Auth: "NONE", Function: c.to, Steps: steps, Unresolved: c.unresolved})
			}
		}
	}
}

// guestRole finds the unauthenticated role of a roles attachment: by its
// known ARN, or through the configuration references of `roles` (the map
// is one expression, so with several roles referenced the pick is marked
// unresolved and every referenced role is kept).
func (fx *facts) guestRole(r *res) ([]string, bool) {
	if m := getMap(r.Values, "roles"); m != nil {
		if v, ok := m["unauthenticated"].(string); ok && v != "" {
			if a := fx.roleByARN(v); a != "" {
				return []string{a}, false
			}
			return nil, false
		}
		if _, ok := m["unauthenticated"]; !ok && !unknownAt(r.Unknown, "roles") {
			return nil, false
		}
	}
	ts, _ := fx.ix.resolve(r.Module, refsAt(r, "roles"))
	roles := sortedUnique(fx.ix.addrsOf(ts, roleTypes...))
	return roles, len(roles) != 1
}

// publicMessaging: a topic or queue whose resource policy lets anyone
// publish or send runs every function it triggers for any caller.
func (fx *facts) publicMessaging() {
	for _, src := range sortedKeysOf(fx.publicPolicy) {
		r := fx.ix.byAddr[src]
		if r == nil {
			continue
		}
		kind := "sns_topic"
		if r.Type == "aws_sqs_queue" {
			kind = "sqs_queue"
		} else if r.Type != "aws_sns_topic" {
			continue
		}
		for _, t := range fx.triggers[src] {
			steps := append(append([]Step{}, fx.publicPolicy[src]...), t.steps[:len(t.steps)-1]...)
			fx.addEntry(EntryPoint{Address: src, Kind: kind, Auth: "NONE", Function: t.fn, Steps: steps, Unresolved: t.fromUnknown, Candidates: t.candidates})
		}
	}
}
