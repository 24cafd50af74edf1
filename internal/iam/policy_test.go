package iam

import (
	"errors"
	"testing"
)

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, errs := Parse([]byte(doc))
	if len(errs) > 0 || p == nil {
		t.Fatalf("parse %s: %v", doc, errs)
	}
	return p
}

func TestParseShapes(t *testing.T) {
	// Statement as an object, Action and Resource as strings.
	p := mustParse(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`)
	if len(p.Statements) != 1 || p.Statements[0].Actions[0] != "secretsmanager:GetSecretValue" || p.Statements[0].Resources[0] != "*" {
		t.Fatalf("object statement = %+v", p.Statements)
	}
	// Lists, NotAction, NotResource, Condition.
	p = mustParse(t, `{"Statement":[{"Sid":"A","Effect":"Allow","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::x","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`)
	st := p.Statements[0]
	if st.Sid != "A" || len(st.NotActions) != 1 || len(st.NotResources) != 1 || !st.Conditional {
		t.Fatalf("list statement = %+v", st)
	}
	// Principals.
	for _, c := range []struct {
		doc    string
		public bool
	}{
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`, true},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}}`, true},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","*"]},"Action":"s3:GetObject","Resource":"*"}}`, true},
		{`{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}`, false},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"*"}}`, false},
	} {
		p := mustParse(t, c.doc)
		if got := p.Statements[0].Principal.Public(); got != c.public {
			t.Errorf("%s: public = %v, want %v", c.doc, got, c.public)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		doc   string
		want  string
		index int
		whole bool // no statement survives
	}{
		{`{"Statement":`, "policy document: invalid JSON: unexpected end of JSON input", -1, true},
		{`{"Statement":{"Effect":"Allow","Action":"a:b","NotAction":"c:d","Resource":"*"}}`, "statement 0: has both Action and NotAction", 0, true},
		{`{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},{"Sid":"X","Effect":"Allow","Action":"a:b","Resource":"*","Colour":"red"}]}`, `statement 1 (X): unknown key "Colour"`, 1, false},
		{`{"Version":"2012-10-17","Statment":[]}`, `policy document: unknown top-level key "Statment" (want Version, Id, Statement)`, -1, true},
		{`{"Statement":{"Effect":"Maybe","Action":"a:b","Resource":"*"}}`, `statement 0: Effect must be "Allow" or "Deny"`, 0, true},
	}
	for _, c := range cases {
		p, errs := Parse([]byte(c.doc))
		if len(errs) == 0 {
			t.Errorf("%s: no error", c.doc)
			continue
		}
		var pe *ParseError
		if !errors.As(errs[0], &pe) || pe.Error() != c.want || pe.Index != c.index {
			t.Errorf("%s: error = %v (index %v), want %s (index %d)", c.doc, errs[0], pe, c.want, c.index)
		}
		if c.whole != (p == nil || len(p.Statements) == 0) {
			t.Errorf("%s: policy = %+v", c.doc, p)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "anything:at/all", false, true},
		{"secretsmanager:Get*", "SecretsManager:GetSecretValue", true, true},
		{"secretsmanager:Get*", "SecretsManager:GetSecretValue", false, false},
		{"rds-data:*", "rds-data:ExecuteStatement", true, true},
		{"s3:Get?bject", "s3:GetObject", true, true},
		{"arn:aws:secretsmanager:*:*:secret:rds!cluster-*", "arn:aws:secretsmanager:eu-west-1:1:secret:rds!cluster-abc", false, true},
		{"arn:aws:secretsmanager:*:*:secret:app-*", "arn:aws:secretsmanager:eu-west-1:1:secret:rds!cluster-abc", false, false},
		{"aws_lambda_function.x[0]", "aws_lambda_function.x[0]", false, true}, // brackets are literal
		{"a*b*c", "aXbYbZc", false, true},
		{"a*b*c", "aXbYbZ", false, false},
	}
	for _, c := range cases {
		if got := match(c.pattern, c.s, c.fold); got != c.want {
			t.Errorf("match(%q, %q, fold=%v) = %v", c.pattern, c.s, c.fold, got)
		}
	}
	if !Overlap("arn:aws:secretsmanager:*:*:secret:rds!*", "arn:aws:secretsmanager:*:*:secret:rds!cluster-*", false) {
		t.Error("rds!* should overlap the master secret shape")
	}
	if Overlap("arn:aws:secretsmanager:eu-west-1:1:secret:app-??????", "arn:aws:secretsmanager:eu-west-1:1:secret:rds!cluster-*", false) {
		t.Error("app-?????? must not overlap rds!cluster-*")
	}
	if !Covers("arn:aws:secretsmanager:*", "arn:aws:secretsmanager:*:*:secret:rds!*", false) || Covers("arn:aws:secretsmanager:*:*:secret:rds!*", "*", false) {
		t.Error("Covers is wrong")
	}
}

func stmts(t *testing.T, doc string) []Statement {
	return mustParse(t, doc).Statements
}

func TestAllowancesNotActionAndDeny(t *testing.T) {
	// NotAction grants everything it does not list.
	s := stmts(t, `{"Statement":{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}}`)
	if a := Allowances(s, ActionSecretRead); len(a) != 1 || a[0].Pattern != "*" {
		t.Errorf("NotAction should grant GetSecretValue: %+v", a)
	}
	if a := Allowances(s, ActionAdmin); len(a) != 0 {
		t.Errorf("NotAction is not admin: %+v", a)
	}
	// An unconditional Deny covering the action and pattern removes it.
	s = stmts(t, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"},{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)
	if a := Allowances(s, ActionSecretRead); len(a) != 0 {
		t.Errorf("Deny should remove the grant: %+v", a)
	}
	// A conditional Deny only marks it.
	s = stmts(t, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"},{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"Bool":{"aws:ViaAWSService":"false"}}}]}`)
	if a := Allowances(s, ActionSecretRead); len(a) != 1 || !a[0].Conditional || a[0].MaybeDeniedBy != 1 {
		t.Errorf("conditional Deny should mark the grant: %+v", a)
	}
	// A narrower Deny leaves the broad pattern but denies the specific ARN.
	s = stmts(t, `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"},{"Effect":"Deny","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:*:*:secret:rds!*"}]}`)
	if a := Allowances(s, ActionSecretRead); len(a) != 1 {
		t.Errorf("narrow Deny should keep the broad grant: %+v", a)
	}
	if denied, _ := DeniedFor(s, ActionSecretRead, "arn:aws:secretsmanager:eu-west-1:1:secret:rds!cluster-x"); !denied {
		t.Error("DeniedFor should deny the master secret")
	}
	// Data API: any rds-data action counts; a Deny must cover them all.
	s = stmts(t, `{"Statement":[{"Effect":"Allow","Action":"rds-data:BeginTransaction","Resource":"*"},{"Effect":"Deny","Action":"rds-data:ExecuteStatement","Resource":"*"}]}`)
	if a := Allowances(s, ActionDataAPI); len(a) != 1 {
		t.Errorf("partial Deny should keep the Data API grant: %+v", a)
	}
	// Admin.
	s = stmts(t, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	if a := Allowances(s, ActionAdmin); len(a) != 1 {
		t.Errorf("admin grant missing: %+v", a)
	}
}

func TestManagedTable(t *testing.T) {
	cases := []struct {
		arn    string
		action string
		grants bool
	}{
		{"arn:aws:iam::aws:policy/AdministratorAccess", ActionAdmin, true},
		{"arn:aws:iam::aws:policy/PowerUserAccess", ActionSecretRead, true},
		{"arn:aws:iam::aws:policy/SecretsManagerReadWrite", ActionSecretRead, true},
		{"arn:aws:iam::aws:policy/AmazonRDSDataFullAccess", ActionDataAPI, true},
		{"arn:aws:iam::aws:policy/AWSSecretsManagerClientReadOnlyAccess", ActionSecretRead, true},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", ActionSecretRead, false},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", ActionS3Read, true},
		{"arn:aws:iam::aws:policy/AmazonRDSFullAccess", ActionDataAPI, false},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaRole", ActionInvoke, true},
		{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", ActionS3Read, true},
		{"arn:aws-us-gov:iam::aws:policy/AdministratorAccess", ActionAdmin, true},
	}
	for _, c := range cases {
		mp := Managed(c.arn)
		if mp == nil {
			t.Errorf("%s not in the table", c.arn)
			continue
		}
		if got := len(Allowances(mp.Statements, c.action)) > 0; got != c.grants {
			t.Errorf("%s grants %s = %v, want %v", c.arn, c.action, got, c.grants)
		}
		if mp.Source == "" {
			t.Errorf("%s has no source URL", c.arn)
		}
	}
	if Managed("arn:aws:iam::123456789012:policy/Mine") != nil || !IsAWSManaged("arn:aws:iam::aws:policy/Whatever") {
		t.Error("managed lookup is wrong")
	}
}

func TestBroadSecretSuffixNamesOneSecret(t *testing.T) {
	cases := map[string]bool{
		"*": true,
		"arn:aws:secretsmanager:eu-west-1:1:secret:notes/llm-api-key-??????": false,
		"arn:aws:secretsmanager:eu-west-1:1:secret:notes/llm-api-key-*":      true,
		"arn:aws:secretsmanager:eu-west-1:1:secret:notes/*-??????":           true,
		"arn:aws:secretsmanager:eu-west-1:1:secret:app?-??????":              true,
		"arn:aws:s3:::bucket-??????":                                         true,
		"arn:aws:secretsmanager:eu-west-1:1:secret:app-AbCdEf":               false,
	}
	for p, want := range cases {
		if got := Broad(p); got != want {
			t.Errorf("Broad(%q) = %v, want %v", p, got, want)
		}
	}
}
