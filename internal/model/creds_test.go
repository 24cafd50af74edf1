package model

import (
	"strings"
	"testing"
)

// Credentials wherever they live, the VPC default group, literal names and
// Deny+NotResource (plan testdata/creds, planned with the real provider).
func TestCredentialsDefaultGroupsAndLiteralNames(t *testing.T) {
	m := buildFixture(t, "creds", Config{})
	secretDB := map[string]string{}
	for _, s := range m.Secrets {
		secretDB[s.Address] = s.Database
	}
	for addr, want := range map[string]string{
		"aws_secretsmanager_secret.fromvar":   "aws_rds_cluster.vardb",  // same variable
		"aws_secretsmanager_secret.literal":   "aws_rds_cluster.litdb",  // same literal
		"aws_ssm_parameter.pw":                "aws_rds_cluster.randdb", // same generated value
		"aws_secretsmanager_secret.unrelated": "",
	} {
		if secretDB[addr] != want {
			t.Errorf("%s holds the password of %q, want %q", addr, secretDB[addr], want)
		}
	}
	cases := []struct {
		fn   string
		want []string
	}{
		{"byname", []string{"secret→aws_rds_cluster.vardb"}},
		{"ssm", []string{"secret→aws_rds_cluster.randdb"}},
		// rds-db-credentials/*: the query editor's secrets, none in the
		// plan; the editor needs the Data API, which no cluster here has.
		{"editor", []string{}},
		{"envpw", []string{"credential→aws_rds_cluster.vardb", "secret→aws_rds_cluster.vardb"}},
		// role = "arn:aws:iam::123456789012:role/byname" resolves by name.
		{"literalrole", []string{"secret→aws_rds_cluster.vardb"}},
		// Allow * with Deny NotResource literal-??????: exactly that secret;
		// the policy is attached by a literal policy ARN.
		{"notres", []string{"secret→aws_rds_cluster.litdb"}},
		// Shares the VPC default group with vardb, which has no SGs.
		{"shares_default", []string{"network→aws_rds_cluster.vardb", "secret→aws_rds_cluster.randdb"}},
	}
	for _, c := range cases {
		f := fn(t, m, "aws_lambda_function."+c.fn)
		if got := pathKinds(f.DataPaths); !equal(got, c.want) {
			t.Errorf("%s data = %v, want %v", c.fn, got, c.want)
		}
	}
	// The evidence quotes the literal that tied the policy to the role: no
	// reference in the plan shows it.
	notres := findPath(t, fn(t, m, "aws_lambda_function.notres").DataPaths, "secret")
	if !hasStep(notres, "policy", "", "attached by the literal ARN arn:aws:iam::123456789012:policy/notres") {
		t.Errorf("notres path does not quote the literal policy ARN: %+v", notres.Steps)
	}
	// The same for an execution role written as a literal ARN.
	literal := findPath(t, fn(t, m, "aws_lambda_function.literalrole").DataPaths, "secret")
	if !hasStep(literal, "function", "", "execution role named by the literal ARN arn:aws:iam::123456789012:role/byname") {
		t.Errorf("literalrole path does not quote the literal role ARN: %+v", literal.Steps)
	}
	if byname := findPath(t, fn(t, m, "aws_lambda_function.byname").DataPaths, "secret"); hasStep(byname, "function", "", "literal ARN") {
		t.Errorf("byname references its role, yet its path quotes a literal: %+v", byname.Steps)
	}
	for _, r := range m.Roles {
		for _, g := range r.Grants {
			if (r.Address == `aws_iam_role.r["byname"]` || r.Address == `aws_iam_role.r["notres"]`) && g.Broad {
				t.Errorf("%s: grant %s by name-?????? must not be broad", r.Address, g.Resource)
			}
		}
	}
	for _, d := range m.Databases {
		if d.Address == "aws_rds_cluster.litdb" && (len(d.Instances) != 1 || d.Instances[0].Address != "aws_rds_cluster_instance.reader") {
			t.Errorf("reader named by a literal cluster_identifier: %+v", d.Instances)
		}
		if d.Address == "aws_rds_cluster.vardb" && !equal(d.SecurityGroups, []string{"aws_vpc.main" + DefaultSGSuffix}) {
			t.Errorf("vardb groups = %v, want the VPC default group", d.SecurityGroups)
		}
	}
	envpw := findPath(t, fn(t, m, "aws_lambda_function.envpw").DataPaths, PathCredential)
	if !hasStep(envpw, "credential", "", "DB_PASSWORD") {
		t.Errorf("credential path must name the variable: %+v", envpw.Steps)
	}
	shared := findPath(t, fn(t, m, "aws_lambda_function.shares_default").DataPaths, PathNetwork)
	if !hasStep(shared, "security_group", "aws_vpc.main"+DefaultSGSuffix, "the VPC default group, with AWS's default rules") {
		t.Errorf("a path through the default group must say so: %+v", shared.Steps)
	}
}

// The query editor's rds-db-credentials/* secrets can only exist for a
// cluster whose Data API is on, and which cluster they open is unknown: the
// path is an assumption that names what was unknown, never a fact.
func TestQueryEditorSecretIsAnAssumption(t *testing.T) {
	p := loadFixturePlan(t, "creds")
	for _, rc := range p.Doc.ResourceChanges {
		if rc.Address == "aws_rds_cluster.litdb" {
			rc.Change.After.(map[string]any)["enable_http_endpoint"] = true
		}
	}
	m, err := Build(p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	f := fn(t, m, "aws_lambda_function.editor")
	if got, want := pathKinds(f.DataPaths), []string{"secret→aws_rds_cluster.litdb (unresolved)"}; !equal(got, want) {
		t.Fatalf("editor data = %v, want %v", got, want)
	}
	as := PathAssumptions(f.DataPaths[0])
	if len(as) != 1 || as[0].Address != "aws_rds_cluster.litdb" || !strings.Contains(as[0].Unknown, "rds-db-credentials/") || as[0].Assumed == "" {
		t.Errorf("assumptions = %+v, want one naming the query editor's secrets and the cluster", as)
	}
}
