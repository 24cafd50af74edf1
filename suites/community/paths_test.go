package community_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/letsleep/letsleep/internal/explain"
	"github.com/letsleep/letsleep/internal/model"
)

// pathWant is a path that really exists in a stack, which explain must show
// resolved (not assumed), with every listed resource as a step: for a
// network path the function's own security group and its egress rule, the
// database security group and its ingress rule; for a NAT path the gateway.
type pathWant struct {
	function string
	egress   bool   // an egress path; else a data path
	kind     string // model.Path kind: network, nat, ...
	target   string // the database, or "internet"
	through  []string
}

// noEgress names a function that must have no egress path at all.
type noEgress struct{ function string }

const (
	cluster     = "module.aurora.aws_rds_cluster.this[0]"
	auroraSG    = "module.aurora.aws_security_group.this[0]"
	dbSG        = "module.db_sg.aws_security_group.this_name_prefix[0]"
	controlFn   = "module.control.aws_lambda_function.this[0]"
	egressFn    = "module.egress.aws_lambda_function.this[0]"
	hotFn       = "module.hot.aws_lambda_function.this[0]"
	natGateway  = "module.vpc.aws_nat_gateway.this[0]"
	internetTgt = "internet"
	// controlEgress is the control group's rule to the database group on 5432.
	controlEgress = "module.control_sg.aws_security_group_rule.egress_with_source_security_group_id[0]"
	controlSG     = "module.control_sg.aws_security_group.this_name_prefix[0]"
)

// controlToDB is the one path the sleep-first design keeps: the control
// function reaches Aurora through its group's rule and the aurora module's
// group and rule.
var controlToDB = pathWant{function: controlFn, kind: model.PathNetwork, target: cluster,
	through: []string{controlSG, controlEgress, auroraSG, `module.aurora.aws_security_group_rule.this["control_ingress"]`}}

// networkPaths lists, per stack, the paths that are the wrong wiring (or,
// for the clean stack, the one right path) and must be found through the
// resources that make them, not through a guess.
var networkPaths = map[string][]pathWant{
	"sleep-first": {controlToDB},
	"egress-in-vpc": {{function: egressFn, kind: model.PathNetwork, target: cluster, through: []string{
		"module.egress_sg.aws_security_group.this_name_prefix[0]", "module.egress_sg.aws_security_group_rule.egress_rules[0]", dbSG,
		"module.db_sg.aws_security_group_rule.ingress_with_source_security_group_id[1]"}}},
	"hot-in-vpc": {{function: hotFn, kind: model.PathNetwork, target: cluster, through: []string{
		"module.hot_sg.aws_security_group.this_name_prefix[0]", "module.hot_sg.aws_security_group_rule.egress_rules[0]", dbSG,
		"module.db_sg.aws_security_group_rule.computed_ingress_with_source_security_group_id[1]"}}},
	"nat-gateway": {
		controlToDB,
		{function: controlFn, egress: true, kind: model.PathNAT, target: internetTgt, through: []string{natGateway}},
	},
	// The egress function shares the control group, which the DB group admits.
	"shared-sg-nat": {{function: wrapperEnrich, kind: model.PathNetwork, target: cluster, through: []string{
		"module.ledger_sg.aws_security_group.this_name_prefix[0]", dbSG,
		"module.db_sg.aws_security_group_rule.computed_ingress_with_source_security_group_id[0]"}}},
	"vpc-cidr-db-nat": {{function: wrapperEnrich, kind: model.PathNetwork, target: cluster, through: []string{
		"module.egress_sg.aws_security_group.this_name_prefix[0]", "module.egress_sg.aws_security_group_rule.egress_rules[0]", dbSG,
		"module.db_sg.aws_security_group_rule.ingress_with_cidr_blocks[0]"}}},
	// The control function's group admits the database subnets' CIDRs and
	// the hand-written DB group admits it through a dynamic ingress block.
	"count-toggles-clean": {{function: "module.reports[0].aws_lambda_function.this[0]", kind: model.PathNetwork, target: cluster, through: []string{
		"module.reports_sg.aws_security_group.this[0]", "aws_security_group.db"}}},
	// The DB group admits the control group and 0.0.0.0/0; either rule is the
	// ingress half of the path.
	// The hot function is put in the control group through a conditional
	// the plan's variables decide.
	"conditional-hot-in-vpc": {{function: hotFn, kind: model.PathNetwork, target: cluster,
		through: []string{controlSG, controlEgress, auroraSG, `module.aurora.aws_security_group_rule.this["control_ingress"]`}}},
	"conditional-intra-clean": {controlToDB},
	"open-db-cidr":            {{function: controlFn, kind: model.PathNetwork, target: cluster, through: []string{controlEgress, dbSG}}},
}

// wrapperEnrich is the egress function of the stacks built on the house
// wrapper module (foreach-wrapper-clean and its variants).
const wrapperEnrich = `module.fn["enrich"].module.lambda.aws_lambda_function.this[0]`

// cannotGoOut lists functions that must have no egress path.
var cannotGoOut = map[string][]noEgress{
	"foreach-wrapper-clean":      {{`module.fn["ledger"].module.lambda.aws_lambda_function.this[0]`}},
	"count-toggles-clean":        {{"module.reports[0].aws_lambda_function.this[0]"}},
	"trigger-without-source-arn": {{"module.reports[0].aws_lambda_function.this[0]"}},
	"sleep-first":                {{controlFn}},
	"conditional-intra-clean":    {{controlFn}},
	"hot-in-vpc":                 {{hotFn}, {controlFn}},
	"warmup-unthrottled":         {{"module.warmup.aws_lambda_function.this[0]"}, {controlFn}},
}

// pathProblems says what explain of the function does not show.
func pathProblems(ex *explain.Explanation, text string, want pathWant) []string {
	if ex.Function == nil {
		return []string{fmt.Sprintf("explain %s: not explained as a function", want.function)}
	}
	paths, what := ex.Function.DataPaths, "data"
	if want.egress {
		paths, what = ex.Function.Egress, "egress"
	}
	var seen []string
	for _, p := range paths {
		seen = append(seen, fmt.Sprintf("[%s] → %s (unresolved %v)", p.Kind, p.Target, p.Unresolved))
		if p.Kind != want.kind || p.Target != want.target || p.Unresolved || !stepsName(p.Steps, want.through) {
			continue
		}
		header := fmt.Sprintf("[%s] → %s", want.kind, want.target)
		if !strings.Contains(text, header) {
			return []string{fmt.Sprintf("explain %s text lacks %q", want.function, header)}
		}
		return nil
	}
	return []string{fmt.Sprintf("explain %s: no resolved %s path [%s] → %s through %s; it shows %v",
		want.function, what, want.kind, want.target, strings.Join(want.through, ", "), seen)}
}

func stepsName(steps []model.Step, addrs []string) bool {
	for _, a := range addrs {
		if !slices.ContainsFunc(steps, func(s model.Step) bool { return s.Address == a }) {
			return false
		}
	}
	return true
}
