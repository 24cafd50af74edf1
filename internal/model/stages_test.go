package model

import (
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
