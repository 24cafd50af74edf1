package model

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestSplitModule(t *testing.T) {
	got := splitModule(`module.a[0].module.b["x.y]z"].module.c`)
	want := []modSeg{{"a", "module.a[0]"}, {"b", `module.b["x.y]z"]`}, {"c", "module.c"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitModule = %+v", got)
	}
	if p := configPath(`module.a[0].module.b["k"]`); p != "a.b" {
		t.Errorf("configPath = %q", p)
	}
}

func TestHasKeySuffix(t *testing.T) {
	for _, c := range []struct {
		addr, key string
		want      bool
	}{
		{`data.aws_iam_policy_document.fn["api"]`, "api", true},
		{`data.aws_iam_policy_document.fn["xapi"]`, "api", false},
		{`data.aws_iam_policy_document.fn["api"]`, "ap", false},
		{`data.aws_iam_policy_document.fn[0]`, "0", false},
		{`["api"]`, "api", true},
		{`x["api"]`, "api", true},
		{`x["api"`, "api", false},
	} {
		if got := hasKeySuffix(c.addr, c.key); got != c.want {
			t.Errorf("hasKeySuffix(%q, %q) = %v, want %v", c.addr, c.key, got, c.want)
		}
	}
}

func TestScopesOf(t *testing.T) {
	got := scopesOf(`module.a[0].module.b["x.y]z"].module.c`)
	want := []string{`module.a[0].module.b["x.y]z"].module.c`, `module.a[0].module.b["x.y]z"]`, "module.a[0]", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scopesOf = %q", got)
	}
	if got := scopesOf(""); !reflect.DeepEqual(got, []string{""}) {
		t.Errorf("scopesOf(root) = %q", got)
	}
}

func TestSplitRefAndIndex(t *testing.T) {
	if got := splitRef(`aws_subnet.a["x.y"].id`); !reflect.DeepEqual(got, []string{"aws_subnet", `a["x.y"]`, "id"}) {
		t.Errorf("splitRef = %q", got)
	}
	for addr, want := range map[string]string{
		`aws_subnet.a["k"]`:                   `["k"]`,
		`module.m[1].aws_subnet.a[10]`:        `[10]`,
		`aws_subnet.a`:                        ``,
		`aws_subnet.a["with]bracket"]`:        `["with]bracket"]`,
		`module.m["x"].aws_lambda_function.f`: ``,
	} {
		if got := indexSuffix(addr); got != want {
			t.Errorf("indexSuffix(%s) = %q, want %q", addr, got, want)
		}
	}
}

// The stack fixture: resolve references the way Build does.
func TestResolveThroughModulesAndIndexes(t *testing.T) {
	p := loadFixturePlan(t, "stack")
	rx := resolve(p, nil)
	cases := []struct {
		mod  string
		refs []string
		want []target
	}{
		// Most specific form wins: an indexed reference does not widen.
		{"", []string{"aws_nat_gateway.this[0].id", "aws_nat_gateway.this[0]", "aws_nat_gateway.this"}, []target{{"aws_nat_gateway.this[0]", "id"}}},
		// A whole for_each resource: every instance.
		{"", []string{"aws_subnet.private"}, []target{{`aws_subnet.private["a"]`, ""}, {`aws_subnet.private["b"]`, ""}}},
		// A module output, followed into the module.
		{"", []string{"module.control.arn", "module.control"}, []target{{"module.control.aws_lambda_function.this", "arn"}}},
		// A module input, followed back to the caller's expression.
		{"module.worker[0]", []string{"var.role_arn"}, []target{{"aws_iam_role.worker", "arn"}}},
		// The master secret attribute survives resolution.
		{"", []string{"aws_rds_cluster.db.master_user_secret[0].secret_arn", "aws_rds_cluster.db.master_user_secret[0]", "aws_rds_cluster.db.master_user_secret", "aws_rds_cluster.db"}, []target{{"aws_rds_cluster.db", "master_user_secret[0].secret_arn"}}},
	}
	for _, c := range cases {
		got, lost := rx.ix.resolve(c.mod, c.refs)
		if !reflect.DeepEqual(got, c.want) || len(lost) != 0 {
			t.Errorf("resolve(%q, %v) = %v lost %v, want %v", c.mod, c.refs, got, lost, c.want)
		}
	}
	// Without sources a local is lost and says what to pass.
	if _, lost := rx.ix.resolve("", []string{"local.x", "var.root_only"}); !reflect.DeepEqual(lost, []string{"local.x (" + HintSource + ")", "var.root_only"}) {
		t.Errorf("locals and root variables must be reported lost: %v", lost)
	}
	// A local inside a module names its module: local.x of module.api is
	// not a local of the root module, and a reviewer must know where to look.
	if _, lost := rx.ix.resolve("module.api", []string{"local.create_routes"}); !reflect.DeepEqual(lost, []string{"module.api: local.create_routes (" + HintSource + ")"}) {
		t.Errorf("a module's local must be reported lost with its module: %v", lost)
	}
}

func TestShapeOverlap(t *testing.T) {
	cases := []struct {
		pattern, shape string
		want           bool
	}{
		{"arn:aws:secretsmanager:*:*:secret:rds-db-credentials/*", concreteShape("arn:aws:secretsmanager:*:*:secret:rds-db-credentials/*", MasterSecretPattern), false},
		{"arn:aws:secretsmanager:*:*:secret:rds!*", concreteShape("arn:aws:secretsmanager:*:*:secret:rds!*", MasterSecretPattern), true},
		{"*", MasterSecretPattern, true},
		{"arn:aws:secretsmanager:*:*:secret:*", concreteShape("arn:aws:secretsmanager:*:*:secret:*", "arn:aws:secretsmanager:*:*:secret:api-key-??????"), true},
		{"arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-key-AbCdEf", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-key-??????", true},
		{"arn:aws:lambda:*:*:function:SecretsManager*", concreteShape("arn:aws:lambda:*:*:function:SecretsManager*", "arn:aws:lambda:*:*:function:egress"), false},
		{"arn:aws:lambda:*", "arn:aws:lambda:eu-west-1:123456789012:function:egress", true},
	}
	for _, c := range cases {
		if got := shapeOverlap(c.pattern, c.shape); got != c.want {
			t.Errorf("shapeOverlap(%q, %q) = %v, want %v", c.pattern, c.shape, got, c.want)
		}
	}
}

// A bare module reference (module.vpc, no output) follows every output of
// the module. It must follow them in one order: each output is expanded
// once, at the depth where it is first reached, so map order made both
// the order of the targets and, near the depth limit, what was lost differ
// from run to run.
func TestBareModuleReferenceResolvesTheSameEveryRun(t *testing.T) {
	p, src := communityInputs(t, filepath.Join("..", "..", "terraform", "community", "conditional-hot-in-vpc"), true)
	var first []target
	var firstLost []string
	for i := range 40 {
		rx := resolve(p, src)
		got, lost := rx.ix.resolve("", []string{"module.vpc"})
		if len(got) == 0 {
			t.Fatal("module.vpc resolved to nothing: the fixture no longer exercises module outputs")
		}
		if i == 0 {
			first, firstLost = got, lost
			continue
		}
		if !reflect.DeepEqual(got, first) || !reflect.DeepEqual(lost, firstLost) {
			t.Fatalf("run %d resolved module.vpc to %v lost %v; run 0 to %v lost %v", i, got, lost, first, firstLost)
		}
	}
}
