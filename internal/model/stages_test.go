package model

import (
	"encoding/json"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
)

// stagePlan is a small plan: a role with a known ARN, a cluster named only
// by its identifier, a function whose role is unknown at plan time and
// written as a reference, and the caller identity that tells the account.
const stagePlan = `{
 "format_version": "1.2", "terraform_version": "1.9.0",
 "resource_changes": [
  {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app",
   "change": {"actions": ["create"], "after": {"name": "app", "arn": "arn:aws:iam::123456789012:role/app"}, "after_unknown": {}}},
  {"address": "aws_rds_cluster.db", "mode": "managed", "type": "aws_rds_cluster", "name": "db",
   "change": {"actions": ["create"], "after": {"cluster_identifier": "main"}, "after_unknown": {"arn": true}}},
  {"address": "aws_lambda_function.fn", "mode": "managed", "type": "aws_lambda_function", "name": "fn",
   "change": {"actions": ["create"], "after": {"function_name": "fn"}, "after_unknown": {"role": true}}}
 ],
 "prior_state": {"values": {"root_module": {"resources": [
  {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me",
   "values": {"account_id": "123456789012"}}
 ]}}},
 "configuration": {"root_module": {"resources": [
  {"address": "aws_lambda_function.fn", "mode": "managed", "type": "aws_lambda_function", "name": "fn",
   "expressions": {"role": {"references": ["aws_iam_role.app.arn", "aws_iam_role.app"]}}}
 ]}}
}`

func loadStagePlan(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.FromBytes("stage.json", []byte(stagePlan), plan.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return p
}

// The resolve stage alone: instances, configuration references and the
// identifiers that join them, with nothing interpreted yet.
func TestResolveStage(t *testing.T) {
	rx := resolve(loadStagePlan(t), nil)
	if rx.plan.ResourceCount != 3 || rx.plan.Source != "stage.json" {
		t.Errorf("plan info = %+v, want 3 managed resources of stage.json", rx.plan)
	}
	if rx.account != "123456789012" {
		t.Errorf("account = %q, want the caller identity's", rx.account)
	}
	lookups := []struct{ value, typ, want string }{
		{"arn:aws:iam::123456789012:role/app", "aws_iam_role", "aws_iam_role.app"},                   // known ARN
		{"arn:aws:rds:eu-west-1:123456789012:cluster:main", "aws_rds_cluster", "aws_rds_cluster.db"}, // literal ARN, by identifier
		{"arn:aws:rds:eu-west-1:999999999999:cluster:main", "aws_rds_cluster", ""},                   // another account's cluster
		{"main", "aws_rds_cluster", "aws_rds_cluster.db"},                                            // bare identifier
		{"fn", "aws_iam_role", ""}, // a name of another type
	}
	for _, c := range lookups {
		if got := rx.lookup(c.value, c.typ); got != c.want {
			t.Errorf("lookup(%s, %s) = %q, want %q", c.value, c.typ, got, c.want)
		}
	}
	fn := rx.ix.byAddr["aws_lambda_function.fn"]
	if fn == nil || fn.Config == nil {
		t.Fatalf("function not indexed with its configuration: %+v", fn)
	}
	ts, lost := rx.ix.resolve(fn.Module, refsAt(fn, "role"))
	if len(ts) != 1 || ts[0] != (target{"aws_iam_role.app", "arn"}) || len(lost) != 0 {
		t.Errorf("role reference resolves to %v (lost %v), want aws_iam_role.app arn", ts, lost)
	}
	if len(rx.list) != 0 {
		t.Errorf("warnings = %v, want none", rx.list)
	}
}

// The normalise stage alone: model objects joined, no path derived yet.
func TestNormaliseStage(t *testing.T) {
	fx := normalise(resolve(loadStagePlan(t), nil), Config{})
	f := fx.functions["aws_lambda_function.fn"]
	if f == nil || f.Name != "fn" || f.InVPC {
		t.Fatalf("function = %+v, want fn outside a VPC", f)
	}
	if got := fx.fnRoles[f.Address]; len(got) != 1 || got[0] != "aws_iam_role.app" {
		t.Errorf("execution role candidates = %v, want the referenced role", got)
	}
	if fx.roles["aws_iam_role.app"] == nil || fx.dbs["aws_rds_cluster.db"] == nil {
		t.Errorf("role or database missing: roles %v, databases %v", sortedKeysOf(fx.roles), sortedKeysOf(fx.dbs))
	}
	if fx.fnByName["fn"] != f.Address {
		t.Errorf("function name index = %v", fx.fnByName)
	}
	if len(f.Egress)+len(f.DataPaths) != 0 {
		t.Errorf("normalise derived paths %+v %+v; reach derives them", f.Egress, f.DataPaths)
	}
}

// The reach stage alone, on the stack fixture's facts: it derives paths
// and never writes into the facts it reads.
func TestReachStage(t *testing.T) {
	fx := normalise(resolve(loadFixturePlan(t, "stack"), nil), Config{})
	snapshot := func() string {
		t.Helper()
		roles := map[string]Role{}
		for a, rs := range fx.roles {
			roles[a] = rs.toModel()
		}
		data, err := json.Marshal([]any{fx.m, fx.functions, fx.sgs, fx.subnets, fx.dbs, fx.secrets, roles, fx.notes.list, fx.resolved.list})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	before := snapshot()
	m := reach(fx)
	if after := snapshot(); after != before {
		t.Errorf("reach wrote into the facts")
	}
	var paths int
	for _, f := range m.Functions {
		paths += len(f.Egress) + len(f.DataPaths)
		if fx.functions[f.Address] == nil {
			t.Errorf("function %s is not one of the facts'", f.Address)
		}
	}
	if paths == 0 || len(m.Functions) != len(fx.functions) {
		t.Errorf("reach derived %d paths over %d functions (facts: %d)", paths, len(m.Functions), len(fx.functions))
	}
	egress := fn(t, m, "aws_lambda_function.egress")
	if len(egress.Egress) == 0 {
		t.Errorf("egress function has no egress path: %+v", egress)
	}
}
