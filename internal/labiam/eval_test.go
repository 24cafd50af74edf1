package labiam

import (
	"strings"
	"testing"
)

// The cases follow AWS's documented policy evaluation logic:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// and the Action, NotAction, Resource, NotResource and Principal element
// pages of the IAM User Guide.

const (
	acct   = "111122223333"
	caller = "arn:aws:iam::111122223333:role/caller"
	other  = "arn:aws:iam::111122223333:role/other"
	secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-abc-Xy12Zq"
)

func mustPolicy(t *testing.T, source, doc string) *Policy {
	t.Helper()
	p, err := ParsePolicy(source, doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// account builds an account whose caller role holds the given identity
// policies, and whose secret holds the given resource policies.
func account(t *testing.T, identity []string, resource []string) *Account {
	t.Helper()
	a := &Account{ID: acct, roles: map[string]*Role{}, resourcePolicies: map[string][]*Policy{}}
	r := &Role{Address: "aws_iam_role.caller", ARN: caller}
	for i, d := range identity {
		r.Policies = append(r.Policies, mustPolicy(t, "identity"+string(rune('A'+i)), d))
	}
	a.roles[caller] = r
	a.roles[other] = &Role{Address: "aws_iam_role.other", ARN: other}
	for i, d := range resource {
		a.resourcePolicies[secret] = append(a.resourcePolicies[secret], mustPolicy(t, "resource"+string(rune('A'+i)), d))
	}
	return a
}

func decide(a *Account, action, resource string) Decision {
	return a.Decide(Request{Principal: caller, Action: action, Resource: resource})
}

func TestNothingGrantedIsAnImplicitDeny(t *testing.T) {
	a := account(t, nil, nil)
	if d := decide(a, "secretsmanager:GetSecretValue", secret); d.Decision != ImplicitDeny || !d.Certain() {
		t.Fatalf("got %s; want a certain implicit deny", d)
	}
}

func TestExplicitDenyWinsOverAnyAllow(t *testing.T) {
	a := account(t, []string{
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Statement":{"Sid":"NoSecrets","Effect":"Deny","Action":"secretsmanager:*","Resource":"*"}}`,
	}, []string{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`})
	d := decide(a, "secretsmanager:GetSecretValue", secret)
	if d.Decision != ExplicitDeny || !strings.Contains(strings.Join(d.By, " "), "NoSecrets") {
		t.Fatalf("got %s; want the explicit deny NoSecrets to win", d)
	}
	if d := decide(a, "lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:111122223333:function:f"); !d.Allowed() {
		t.Fatalf("lambda:InvokeFunction: got %s; the deny covers secretsmanager only", d)
	}
}

func TestActionsMatchCaseInsensitivelyWithWildcards(t *testing.T) {
	a := account(t, []string{`{"Statement":[{"Effect":"Allow","Action":["SecretsManager:Get*Value","rds-data:Execute?tatement"],"Resource":"*"}]}`}, nil)
	for action, want := range map[string]bool{
		"secretsmanager:GetSecretValue":  true,
		"secretsmanager:getsecretvalue":  true,
		"rds-data:ExecuteStatement":      true,
		"rds-data:BatchExecuteStatement": false,
		"secretsmanager:DescribeSecret":  false,
	} {
		if got := decide(a, action, secret).Allowed(); got != want {
			t.Errorf("%s: allowed %v, want %v", action, got, want)
		}
	}
}

func TestNotActionAllowsEverythingElse(t *testing.T) {
	// PowerUserAccess's shape: everything but iam.
	a := account(t, []string{`{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}`}, nil)
	if d := decide(a, "secretsmanager:GetSecretValue", secret); !d.Allowed() {
		t.Fatalf("GetSecretValue: got %s; NotAction iam:* allows it", d)
	}
	if d := decide(a, "iam:CreateRole", "arn:aws:iam::111122223333:role/x"); d.Allowed() {
		t.Fatalf("iam:CreateRole: got %s; NotAction excludes it", d)
	}
}

func TestResourceARNsMatchSegmentBySegment(t *testing.T) {
	cases := []struct {
		pattern string
		want    bool
	}{
		{"*", true},
		{"arn:aws:secretsmanager:*:*:secret:rds!cluster-*", true},
		{"arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-abc-??????", true},
		{"arn:aws:secretsmanager:*:444455556666:secret:*", false}, // another account
		{"arn:aws:secretsmanager:*:*:secret:rds-db-credentials/*", false},
		{"arn:aws:secretsmanager:*:*:secret:RDS!cluster-*", false}, // ARNs are case-sensitive
		{"arn:aws:ssm:*:*:parameter/*", false},
	}
	for _, c := range cases {
		a := account(t, []string{`{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"` + c.pattern + `"}]}`}, nil)
		if got := decide(a, "secretsmanager:GetSecretValue", secret).Allowed(); got != c.want {
			t.Errorf("Resource %s: allowed %v, want %v", c.pattern, got, c.want)
		}
	}
}

func TestNotResourceDenyGuardsEverythingButItsList(t *testing.T) {
	a := account(t, []string{
		`{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","NotResource":"arn:aws:secretsmanager:*:*:secret:app/*"}]}`,
	}, nil)
	if d := decide(a, "secretsmanager:GetSecretValue", secret); d.Decision != ExplicitDeny {
		t.Fatalf("DB secret: got %s; the NotResource deny covers it", d)
	}
	own := "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/key-AbCdEf"
	if d := decide(a, "secretsmanager:GetSecretValue", own); !d.Allowed() {
		t.Fatalf("own secret: got %s; NotResource exempts it", d)
	}
}

func TestConditionsAreReportedNotIgnored(t *testing.T) {
	allow := `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`
	d := decide(account(t, []string{allow}, nil), "secretsmanager:GetSecretValue", secret)
	if !d.Allowed() || d.Certain() || !strings.Contains(strings.Join(d.Assumed, " "), "StringEquals aws:SourceVpce") {
		t.Fatalf("conditional allow: got %s; want allowed, not certain, naming the condition", d)
	}
	deny := `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	d = decide(account(t, []string{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, deny}, nil), "secretsmanager:GetSecretValue", secret)
	if !d.Allowed() || d.Certain() || !strings.Contains(strings.Join(d.Assumed, " "), "the deny") {
		t.Fatalf("conditional deny: got %s; want it not applied and reported", d)
	}
}

func TestSameAccountResourcePolicy(t *testing.T) {
	// A secret policy naming everyone allows with no identity grant.
	open := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	if d := decide(account(t, nil, []string{open}), "secretsmanager:GetSecretValue", secret); !d.Allowed() || !d.Certain() {
		t.Fatalf("Principal *: got %s; want a certain allow", d)
	}
	// Naming the role's ARN is enough on its own.
	byARN := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + caller + `"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	if d := decide(account(t, nil, []string{byARN}), "secretsmanager:GetSecretValue", secret); !d.Allowed() {
		t.Fatalf("Principal role ARN: got %s; want allowed", d)
	}
	// Naming the account delegates to the identity policies.
	byAccount := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"secretsmanager:*","Resource":"*"}]}`
	if d := decide(account(t, nil, []string{byAccount}), "secretsmanager:GetSecretValue", secret); d.Allowed() {
		t.Fatalf("Principal account, no identity grant: got %s; want denied", d)
	}
	// Another role named: not the caller.
	byOther := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + other + `"},"Action":"secretsmanager:*","Resource":"*"}]}`
	if d := decide(account(t, nil, []string{byOther}), "secretsmanager:GetSecretValue", secret); d.Allowed() {
		t.Fatalf("Principal another role: got %s; want denied", d)
	}
}

func TestUnknownResourcesAllowButAreReported(t *testing.T) {
	a := account(t, nil, nil)
	a.roles[caller].Policies = []*Policy{{Source: "p", Statements: []Statement{{Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"},
		Resource: []Value{{Unknown: true, Why: "built with format"}}}}}}
	d := decide(a, "secretsmanager:GetSecretValue", secret)
	if !d.Allowed() || d.Certain() || !strings.Contains(strings.Join(d.Assumed, " "), "built with format") {
		t.Fatalf("got %s; want an allow resting on the unknown resource", d)
	}
	if d := decide(a, "ssm:GetParameter", secret); d.Allowed() {
		t.Fatalf("another action: got %s; the known action list still limits it", d)
	}
}

func TestAssumeRoleNeedsTrustAndIdentity(t *testing.T) {
	trustAccount := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`
	trustRole := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + caller + `"},"Action":"sts:AssumeRole"}]}`
	trustService := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	grant := `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + other + `"}]}`
	deny := `{"Statement":[{"Effect":"Deny","Action":"sts:*","Resource":"*"}]}`
	cases := []struct {
		name     string
		identity []string
		trust    string
		want     string
	}{
		{"account trust and identity grant", []string{grant}, trustAccount, Allowed},
		{"account trust, no identity grant", nil, trustAccount, ImplicitDeny},
		{"trust names the caller's role", nil, trustRole, Allowed},
		{"trust admits a service only", []string{grant}, trustService, ImplicitDeny},
		{"identity deny", []string{grant, deny}, trustRole, ExplicitDeny},
	}
	for _, c := range cases {
		a := account(t, c.identity, nil)
		a.roles[other].Trust = mustPolicy(t, "trust", c.trust)
		if d := a.AssumeRole(caller, other); d.Decision != c.want {
			t.Errorf("%s: got %s, want %s", c.name, d, c.want)
		}
	}
}

func TestParsePolicyRejectsWhatAWSRejects(t *testing.T) {
	for _, doc := range []string{
		`not json`,
		`{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":7,"Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":"someone","Action":"*"}]}`,
	} {
		if _, err := ParsePolicy("doc", doc); err == nil {
			t.Errorf("%s: parsed; want an error", doc)
		}
	}
}
