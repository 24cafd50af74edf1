package source

import (
	"slices"
	"testing"
)

// testdata/narrow wires modules unlike the community modules (a merged
// local route table, an iterator-renamed dynamic block after a static one,
// rules picked with lookup), so these answers are not tuned to one module.

func TestAttributeNarrowsEachKeyToTheInstancesOwnElement(t *testing.T) {
	c := load(t, "testdata/narrow")
	cases := []struct {
		res, inst, attr string
		want            []string
	}{
		{"aws_apigatewayv2_integration.this", `["GET /items"]`, "integration_uri", []string{`var.routes["GET /items"].handler`}},
		{"aws_apigatewayv2_integration.this", `["POST /admin"]`, "integration_uri", []string{`var.routes["POST /admin"].handler`}},
		{"aws_apigatewayv2_route.this", `["POST /admin"]`, "target", []string{`aws_apigatewayv2_integration.this["POST /admin"].id`}},
	}
	for _, tc := range cases {
		got, ok := c.Attribute("api", tc.res, tc.inst, tc.attr)
		if !ok || !slices.Equal(got, tc.want) {
			t.Errorf("%s%s.%s = %q, %v; want %q", tc.res, tc.inst, tc.attr, got, ok, tc.want)
		}
	}
}

func TestArgumentFollowsLocalsAndMergeToOneKey(t *testing.T) {
	c := load(t, "testdata/narrow")
	for key, want := range map[string]string{
		"GET /items":  "aws_lambda_function.reader.arn",
		"POST /admin": "aws_lambda_function.writer.arn",
	} {
		got, ok := c.Argument("api", "", "routes", key, "handler")
		if !ok || !slices.Equal(got, []string{want}) {
			t.Errorf("routes[%q].handler = %q, %v; want %q", key, got, ok, want)
		}
	}
	// Without a key the whole map may be the value: both functions.
	got, _ := c.Argument("api", "", "routes")
	if !slices.Contains(got, "aws_lambda_function.reader.arn") || !slices.Contains(got, "aws_lambda_function.writer.arn") {
		t.Errorf("routes = %q, want both functions", got)
	}
}

func TestDynamicBlockPositionFollowsSortedKeysAfterStaticBlocks(t *testing.T) {
	c := load(t, "testdata/narrow")
	const doc = "data.aws_iam_policy_document.this"
	want := map[string][]string{
		"statement[0]": {},                             // the static Logs block: a literal
		"statement[1]": {"var.grants.alpha.resources"}, // alpha sorts first
		"statement[2]": {"var.grants.zeta.resources"},  // though declared first
	}
	for pos, w := range want {
		got, ok := c.Attribute("perm", doc, "", pos, "resources")
		if !ok || !slices.Equal(got, w) {
			t.Errorf("%s.resources = %q, %v; want %q", pos, got, ok, w)
		}
	}
	if got, ok := c.Attribute("perm", doc, "", "statement[3]", "resources"); ok {
		t.Errorf("statement[3] does not exist, got %q", got)
	}
	got, _ := c.Argument("perm", "", "grants", "zeta", "resources")
	if !slices.Equal(got, []string{"aws_lambda_function.writer.arn"}) {
		t.Errorf("grants.zeta.resources = %q", got)
	}
}

func TestCountIndexAndLookupPickOneListElement(t *testing.T) {
	c := load(t, "testdata/narrow")
	got, _ := c.Attribute("perm", "aws_security_group_rule.peer", "[0]", "source_security_group_id")
	if !slices.Equal(got, []string{"var.peers[0].group"}) {
		t.Fatalf("peer[0] group = %q", got)
	}
	got, _ = c.Argument("perm", "", "peers", "0", "group")
	if !slices.Equal(got, []string{"aws_security_group.db.id"}) {
		t.Fatalf("peers[0].group = %q", got)
	}
	// The second peer has no group: nothing names a group there.
	got, ok := c.Argument("perm", "", "peers", "1", "group")
	if !ok || len(got) != 0 {
		t.Fatalf("peers[1].group = %q, %v; want none", got, ok)
	}
}

func TestArgumentOfAForEachCallBindsItsOwnEach(t *testing.T) {
	c := load(t, "testdata/narrow")
	got, _ := c.Argument("per_key", `["b"]`, "peers", "0", "group")
	if !slices.Equal(got, []string{"aws_lambda_function.writer.arn"}) {
		t.Fatalf(`per_key["b"] peers[0].group = %q`, got)
	}
	// An instance key that is not known here widens to every element.
	got, _ = c.Argument("per_key", "", "peers", "0", "group")
	if len(got) != 2 {
		t.Fatalf("per_key peers[0].group without instance = %q, want both", got)
	}
}
