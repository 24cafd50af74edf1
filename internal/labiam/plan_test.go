package labiam

import (
	"os"
	"strings"
	"testing"
)

// The plans in testdata are terraform show -json of the reference stack and
// of examples (terraform/examples/<name>), planned offline with the
// real AWS provider (scripts/plan-fixtures.sh).

func readPlan(t *testing.T, name string) *Account {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name + ".plan.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Read(raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

const (
	egressFn = "module.stack.module.egress.aws_lambda_function.this"
	hotFn    = "module.stack.module.hot.aws_lambda_function.this"
	warmupFn = "module.stack.module.warmup.aws_lambda_function.this"
	control  = "module.stack.module.control.aws_lambda_function.this"
	apiKey   = "module.stack.module.egress.aws_secretsmanager_secret.api_key"
	cluster  = "module.stack.module.aurora.aws_rds_cluster.this"
)

func masterSecret(t *testing.T, a *Account, cluster string) string {
	t.Helper()
	arn := a.Attribute(cluster, "master_user_secret.0.secret_arn")
	if !strings.Contains(arn, ":secret:rds!cluster-") {
		t.Fatalf("master secret of %s: %q; want an RDS-managed rds!cluster- secret", cluster, arn)
	}
	return arn
}

func TestReferenceStackHasNoIAMPathToTheData(t *testing.T) {
	a := readPlan(t, "reference")
	db := masterSecret(t, a, cluster)
	for _, fn := range []string{egressFn, hotFn, warmupFn} {
		role := a.FunctionRole(fn)
		if role == "" {
			t.Fatalf("%s: no execution role", fn)
		}
		for _, req := range []Request{
			{Principal: role, Action: "secretsmanager:GetSecretValue", Resource: db},
			{Principal: role, Action: "rds-data:ExecuteStatement", Resource: a.ARN(cluster)},
		} {
			if d := a.Decide(req); d.Allowed() {
				t.Errorf("%s: %s on %s: %s", fn, req.Action, req.Resource, d)
			}
		}
		for _, r := range a.Roles() {
			if r.ARN != role && a.AssumeRole(role, r.ARN).Allowed() {
				t.Errorf("%s may assume %s", fn, r.Address)
			}
		}
	}
}

func TestRebuiltDocumentsResolveTheirReferences(t *testing.T) {
	a := readPlan(t, "reference")
	// read_own_key's resource is known only after apply: the reader follows
	// it to the secret and the lab's apply gives it its ARN.
	d := a.Decide(Request{Principal: a.FunctionRole(egressFn), Action: "secretsmanager:GetSecretValue", Resource: a.ARN(apiKey)})
	if !d.Allowed() || !d.Certain() || !strings.Contains(strings.Join(d.By, " "), "ReadOwnApiKey") {
		t.Fatalf("egress reads its own key: %s; want a certain allow by ReadOwnApiKey", d)
	}
	// The warm-up's invoke_control resource is var.control_function_arn,
	// followed through the module call to the control function.
	d = a.Decide(Request{Principal: a.FunctionRole(warmupFn), Action: "lambda:InvokeFunction", Resource: a.ARN(control)})
	if !d.Allowed() || !d.Certain() {
		t.Fatalf("warm-up invokes control: %s; want a certain allow", d)
	}
	d = a.Decide(Request{Principal: a.FunctionRole(warmupFn), Action: "lambda:InvokeFunction", Resource: a.ARN(egressFn)})
	if d.Allowed() {
		t.Fatalf("warm-up invokes egress: %s; want denied", d)
	}
	// control's rds-db:connect resource is built with format(): unknown.
	d = a.Decide(Request{Principal: a.FunctionRole(control), Action: "rds-db:connect", Resource: "arn:aws:rds-db:eu-west-1:000000000000:dbuser:cluster-X/app"})
	if !d.Allowed() || d.Certain() {
		t.Fatalf("control connects: %s; want an allow that rests on the unknown resource", d)
	}
}

func TestAssumedRoleReachesTheSecret(t *testing.T) {
	a := readPlan(t, "hot-assumes-db-role")
	if a.ID != "123456789012" {
		t.Fatalf("account %s; want the plan's literal 123456789012", a.ID)
	}
	var reporting *Role
	for _, r := range a.Roles() {
		if r.Address == "aws_iam_role.reporting" {
			reporting = r
		}
	}
	if reporting == nil {
		t.Fatal("no reporting role")
	}
	hot := a.FunctionRole(hotFn)
	if d := a.AssumeRole(hot, reporting.ARN); !d.Allowed() || !d.Certain() {
		t.Fatalf("hot assumes reporting: %s; want a certain allow", d)
	}
	db := masterSecret(t, a, cluster)
	if d := a.Decide(Request{Principal: reporting.ARN, Action: "secretsmanager:GetSecretValue", Resource: db}); !d.Allowed() || !d.Certain() {
		t.Fatalf("reporting reads the DB secret: %s", d)
	}
	if d := a.Decide(Request{Principal: hot, Action: "secretsmanager:GetSecretValue", Resource: db}); d.Allowed() {
		t.Fatalf("hot reads the DB secret itself: %s; only through the assumed role", d)
	}
	if d := a.AssumeRole(a.FunctionRole(egressFn), reporting.ARN); d.Allowed() {
		t.Fatalf("egress assumes reporting: %s; its identity policies do not allow it", d)
	}
}

func TestLiteralPolicyARNFindsThePlansPolicy(t *testing.T) {
	a := readPlan(t, "literal-policy-arn")
	db := masterSecret(t, a, "aws_rds_cluster.db")
	d := a.Decide(Request{Principal: a.FunctionRole("aws_lambda_function.egress"), Action: "secretsmanager:GetSecretValue", Resource: db})
	if !d.Allowed() || !d.Certain() || !strings.Contains(strings.Join(d.By, " "), "aws_iam_policy.read_db") {
		t.Fatalf("got %s; want a certain allow by aws_iam_policy.read_db", d)
	}
}

func TestUnknownDocumentIsAssumedAndSaysSo(t *testing.T) {
	a := readPlan(t, "egress-reads-db-secret")
	db := masterSecret(t, a, cluster)
	d := a.Decide(Request{Principal: a.FunctionRole(egressFn), Action: "secretsmanager:GetSecretValue", Resource: db})
	if !d.Allowed() || d.Certain() {
		t.Fatalf("got %s; the jsonencode document is unknown at plan time: an allow that says it is assumed", d)
	}
	if len(a.Notes) == 0 || !strings.Contains(strings.Join(a.Notes, "\n"), "aws_iam_role_policy.egress_db_secret") {
		t.Fatalf("notes %v; want the unknown document reported", a.Notes)
	}
}

func TestDBPasswordParameterIsFoundByItsReferences(t *testing.T) {
	a := readPlan(t, "db-password-in-ssm")
	ps := a.DBPasswordParameters()
	if len(ps) != 1 || ps[0].Address != "aws_ssm_parameter.db_password" || ps[0].ARN != "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/password" {
		t.Fatalf("DB password parameters %+v; want aws_ssm_parameter.db_password", ps)
	}
	d := a.Decide(Request{Principal: a.FunctionRole("aws_lambda_function.egress"), Action: "ssm:GetParameter", Resource: ps[0].ARN})
	if !d.Allowed() || !d.Certain() {
		t.Fatalf("egress reads /app/db/password: %s; the constant jsonencode policy allows parameter/app/*", d)
	}
	if len(readPlan(t, "reference").DBPasswordParameters()) != 0 {
		t.Fatal("the reference stack keeps no password in SSM")
	}
}

// The clean examples keep their data paths closed: no egress or hot
// function reads a database's master secret, and a Deny with NotResource
// guards everything but the function's own key.
func TestCleanExamplesShowNoIAMPath(t *testing.T) {
	for _, name := range []string{"clean-deny-notresource", "clean-secret-by-name-pattern"} {
		a := readPlan(t, name)
		db := masterSecretOf(a)
		role := a.FunctionRole("aws_lambda_function.egress")
		if role == "" {
			t.Fatalf("%s: no egress role", name)
		}
		for _, s := range a.Secrets() {
			d := a.Decide(Request{Principal: role, Action: "secretsmanager:GetSecretValue", Resource: s.ARN})
			own := s.Address == "aws_secretsmanager_secret.api_key"
			if d.Allowed() != own {
				t.Errorf("%s: egress reads %s: %s; want allowed only for its own key", name, s.Address, d)
			}
		}
		if db != "" {
			for _, c := range a.Clusters() {
				if d := a.Decide(Request{Principal: role, Action: "rds-data:ExecuteStatement", Resource: c.ARN}); d.Allowed() {
					t.Errorf("%s: egress may use the Data API: %s", name, d)
				}
			}
		}
	}
	a := readPlan(t, "clean-deny-notresource")
	d := a.Decide(Request{Principal: a.FunctionRole("aws_lambda_function.egress"), Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-AbCdEf"})
	if d.Decision != ExplicitDeny {
		t.Fatalf("another secret: %s; the NotResource deny covers it", d)
	}
}

func masterSecretOf(a *Account) string {
	for _, s := range a.Secrets() {
		if strings.HasSuffix(s.Address, ".master_user_secret") {
			return s.ARN
		}
	}
	return ""
}
