package source

import (
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// resolveMarkers writes each marker of doc as <module|ref>, so a test can
// compare whole documents.
func resolveMarkers(doc string, refs []tfaddr.ScopedRef) string {
	for i, r := range refs {
		doc = strings.ReplaceAll(doc, tfaddr.Marker(i), "<"+r.Module+"|"+r.Ref+">")
	}
	return doc
}

func TestDocumentEvaluatesJSONEncodeOfLocalsThroughAWrapper(t *testing.T) {
	c := load(t, "testdata/jsonenc")
	doc, refs, ok := c.Document("fn", []string{`["b"]`}, "aws_iam_role_policy.this", "[0]", "policy")
	if !ok {
		t.Fatal("the policy of module.fn[\"b\"] was not evaluated")
	}
	got := resolveMarkers(doc, refs)
	want := `{"Statement":[` +
		`{"Action":["secretsmanager:GetSecretValue"],"Effect":"Allow","Resource":["<|aws_secretsmanager_secret.app.arn>","<|module.db.secret_arn>"],"Sid":"Secrets"},` +
		`{"Action":["dynamodb:GetItem"],"Effect":"Allow","Resource":["<|aws_dynamodb_table.t.arn>/index/*"]}` +
		`],"Version":"2012-10-17"}`
	if got != want {
		t.Fatalf("document of module.fn[\"b\"]:\n got  %s\n want %s", got, want)
	}
	// The references are the root's: the module instance they resolve in.
	for _, r := range refs {
		if r.Module != "" {
			t.Errorf("reference %q placed in %q, want the root", r.Ref, r.Module)
		}
	}

	doc, refs, ok = c.Document("fn", []string{`["a"]`}, "aws_iam_role_policy.this", "[0]", "policy")
	if !ok {
		t.Fatal("the policy of module.fn[\"a\"] was not evaluated")
	}
	if got := resolveMarkers(doc, refs); strings.Contains(got, "dynamodb") || !strings.Contains(got, "secretsmanager") {
		t.Fatalf("module.fn[\"a\"] has only the common statements (each.value picks its own), got %s", got)
	}
}

func TestDocumentGivesUpWhatItCannotEvaluate(t *testing.T) {
	c := load(t, "testdata/jsonenc")
	cases := []struct {
		name, path string
		keys       []string
		res, inst  string
	}{
		{"a for_each instance without its key", "fn", []string{""}, "aws_iam_role_policy.this", "[0]"},
		{"a key the for_each does not hold", "fn", []string{`["zz"]`}, "aws_iam_role_policy.this", "[0]"},
		{"a root variable without default", "", nil, "aws_iam_role_policy.root_var", ""},
		{"a splat over a resource", "", nil, "aws_iam_role_policy.splat", ""},
		{"keys that do not match the path", "fn", nil, "aws_iam_role_policy.this", "[0]"},
		{"a resource not declared", "", nil, "aws_iam_role_policy.missing", ""},
	}
	for _, tc := range cases {
		if doc, _, ok := c.Document(tc.path, tc.keys, tc.res, tc.inst, "policy"); ok {
			t.Errorf("%s: evaluated to %s, want it given up", tc.name, doc)
		}
	}
	// An unknown action is evaluated (a marker stands in); the model gives
	// a document up when a marker sits outside its resources.
	doc, refs, ok := c.Document("", nil, "aws_iam_role_policy.action_unknown", "", "policy")
	marks := tfaddr.Markers(doc)
	if !ok || len(marks) != 1 || refs[marks[0]].Ref != "aws_ssm_parameter.p.value" {
		t.Fatalf("action_unknown: ok=%v doc=%s refs=%v", ok, doc, refs)
	}
}

// Locals are evaluated once per module instance for the whole run: each
// instance of a for_each over a locals map reads its own part of one value,
// and the markers of one document keep their meaning in the next.
func TestDocumentSharesEvaluatedLocalsAcrossInstances(t *testing.T) {
	c := load(t, "testdata/jsonenc")
	first, refs1, ok1 := c.Document("fn", []string{`["b"]`}, "aws_iam_role_policy.this", "[0]", "policy")
	memo := len(c.docs.memo)
	second, refs2, ok2 := c.Document("fn", []string{`["a"]`}, "aws_iam_role_policy.this", "[0]", "policy")
	if !ok1 || !ok2 {
		t.Fatal("documents not evaluated")
	}
	if grown := len(c.docs.memo) - memo; grown > 2 {
		t.Errorf("the second instance evaluated %d new values; only its own var.policy (and none of the root's locals) was expected", grown)
	}
	if !strings.Contains(resolveMarkers(first, refs1), "<|module.db.secret_arn>") || !strings.Contains(resolveMarkers(second, refs2), "<|module.db.secret_arn>") {
		t.Errorf("markers lost their references:\n%s\n%s", resolveMarkers(first, refs1), resolveMarkers(second, refs2))
	}
}

func TestBlockDocumentEvaluatesADynamicInlinePolicyByItsName(t *testing.T) {
	c := load(t, "testdata/inline")
	doc, refs, ok := c.BlockDocument("", nil, "aws_iam_role.dyn", "", "inline_policy", "app", "policy")
	if !ok {
		t.Fatal("the dynamic inline_policy \"app\" of aws_iam_role.dyn was not evaluated")
	}
	want := `{"Statement":[{"Action":["secretsmanager:GetSecretValue"],"Effect":"Allow","Resource":["<|aws_secretsmanager_secret.db.arn>"]}],"Version":"2012-10-17"}`
	if got := resolveMarkers(doc, refs); got != want {
		t.Fatalf("dynamic inline_policy app:\n got  %s\n want %s", got, want)
	}
	// An iterator named otherwise, and a name built from the key.
	doc, refs, ok = c.BlockDocument("", nil, "aws_iam_role.dyn_it", "", "inline_policy", "app-policy", "policy")
	if got := resolveMarkers(doc, refs); !ok || got != want {
		t.Fatalf("dynamic inline_policy app-policy (iterator p): ok %v\n got  %s\n want %s", ok, got, want)
	}
}

func TestBlockDocumentEvaluatesAnInlinePolicyBlockByName(t *testing.T) {
	c := load(t, "testdata/inline")
	doc, refs, ok := c.BlockDocument("", nil, "aws_iam_role.static", "", "inline_policy", "app", "policy")
	if !ok {
		t.Fatal("inline_policy \"app\" of aws_iam_role.static was not evaluated")
	}
	want := `{"Statement":[{"Action":["secretsmanager:GetSecretValue"],"Effect":"Allow","Resource":["<|aws_secretsmanager_secret.db.arn>"]}],"Version":"2012-10-17"}`
	if got := resolveMarkers(doc, refs); got != want {
		t.Fatalf("inline_policy app:\n got  %s\n want %s", got, want)
	}
	doc, _, ok = c.BlockDocument("", nil, "aws_iam_role.static", "", "inline_policy", "logs", "policy")
	if !ok || strings.Contains(doc, "secretsmanager") {
		t.Fatalf("inline_policy \"logs\" is its own block, got %q (ok %v)", doc, ok)
	}
	for _, c2 := range []struct{ why, res, name string }{
		{"a name no block has", "aws_iam_role.static", "other"},
		{"a name no dynamic element has", "aws_iam_role.dyn", "other"},
		{"a resource that does not exist", "aws_iam_role.none", "app"},
	} {
		if doc, _, ok := c.BlockDocument("", nil, c2.res, "", "inline_policy", c2.name, "policy"); ok {
			t.Errorf("%s: evaluated %q, want ok false so the references decide", c2.why, doc)
		}
	}
}
