package plangen

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/plan"
)

func builtin(t *testing.T) []*Template {
	t.Helper()
	ts, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 {
		t.Fatalf("want 2 embedded templates, got %d", len(ts))
	}
	return ts
}

// generateFile writes a plan of about n resources and loads it with plan.Load.
func generateFile(t *testing.T, n int, seed uint64) (*plan.Plan, Stats) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := Generate(f, builtin(t), Options{Resources: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(context.Background(), path, plan.Options{})
	if err != nil {
		t.Fatalf("plan.Load of the generated plan: %v", err)
	}
	return p, stats
}

func TestGenerateLoadsWithUniqueAddresses(t *testing.T) {
	p, stats := generateFile(t, 1000, 7)
	ts := builtin(t)
	per := ts[0].ResourceChanges() + ts[1].ResourceChanges()
	if want := (1000 + per - 1) / per; stats.Replicas != want {
		t.Fatalf("replicas = %d, want %d", stats.Replicas, want)
	}
	if got := len(p.Doc.ResourceChanges); got != stats.ResourceChanges || got < 1000 {
		t.Fatalf("resource_changes = %d, stats say %d, want ≥ 1000", got, stats.ResourceChanges)
	}
	seen := map[string]bool{}
	for _, rc := range p.Doc.ResourceChanges {
		if seen[rc.Address] {
			t.Fatalf("duplicate address %s", rc.Address)
		}
		seen[rc.Address] = true
		if !strings.HasPrefix(rc.Address, rc.ModuleAddress+".") {
			t.Fatalf("%s: module_address %q is not its prefix", rc.Address, rc.ModuleAddress)
		}
		if !strings.HasPrefix(rc.Address, `module.tenant["t`) {
			t.Fatalf("%s: not under a tenant instance", rc.Address)
		}
	}
}

func TestGenerateMultipliesTypeCounts(t *testing.T) {
	p, stats := generateFile(t, 1000, 1)
	want := map[string]int{}
	for _, tm := range builtin(t) {
		for typ, n := range tm.TypeCounts() {
			want[typ] += n * stats.Replicas
		}
	}
	got := map[string]int{}
	for _, rc := range p.Doc.ResourceChanges {
		got[rc.Type]++
	}
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s: %d resource changes, want %d", typ, got[typ], n)
		}
	}
}

// Every resource instance must have its configuration block at the
// module path its address names, or reference resolution has nothing to do.
func TestGenerateKeepsConfigurationValid(t *testing.T) {
	p, _ := generateFile(t, 300, 3)
	mods := map[string]*tfjson.ConfigModule{}
	var walk func(path string, m *tfjson.ConfigModule)
	walk = func(path string, m *tfjson.ConfigModule) {
		mods[path] = m
		for name, call := range m.ModuleCalls {
			walk(strings.TrimPrefix(path+"."+name, "."), call.Module)
		}
	}
	walk("", p.Doc.Config.RootModule)
	for _, rc := range p.Doc.ResourceChanges {
		m := mods[callPath(rc.ModuleAddress)]
		if m == nil {
			t.Fatalf("%s: no configuration for module %s", rc.Address, callPath(rc.ModuleAddress))
		}
		found := false
		for _, r := range m.Resources {
			if r.Type == rc.Type && r.Name == rc.Name && r.Mode == rc.Mode {
				found = true
			}
		}
		if !found {
			t.Fatalf("%s: no configuration block", rc.Address)
		}
	}
	tenant := p.Doc.Config.RootModule.ModuleCalls["tenant"]
	if tenant == nil || tenant.ForEachExpression == nil {
		t.Fatal("the tenant module call has no for_each")
	}
}

// callPath turns module.a["x"].module.b[0] into a.b.
func callPath(addr string) string {
	var names []string
	for _, part := range strings.Split(addr, "module.")[1:] {
		name := strings.TrimSuffix(part, ".")
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		names = append(names, name)
	}
	return strings.Join(names, ".")
}

// The replicas keep what makes the model work: unknown values, IAM
// documents, every security group rule form, count and for_each.
func TestGenerateKeepsIngredients(t *testing.T) {
	p, stats := generateFile(t, 500, 5)
	types := map[string]int{}
	unknownIDs, inlineRules, countIdx, eachIdx := 0, 0, 0, 0
	names := map[string]bool{}
	for _, rc := range p.Doc.ResourceChanges {
		types[rc.Type]++
		if u, ok := rc.Change.AfterUnknown.(map[string]any); ok && (u["id"] == true || u["arn"] == true) {
			unknownIDs++
		}
		after, _ := rc.Change.After.(map[string]any)
		if rc.Type == "aws_security_group" {
			if in, ok := after["ingress"].([]any); ok && len(in) > 0 {
				inlineRules++
			}
		}
		if rc.Type == "aws_lambda_function" {
			name, _ := after["function_name"].(string)
			if names[name] {
				t.Errorf("function name %q is not unique across tenants", name)
			}
			names[name] = true
		}
		switch rc.Index.(type) {
		case json.Number, float64, int, int64: // plan.Load keeps numbers as json.Number
			countIdx++
		case string:
			eachIdx++
		}
	}
	for _, typ := range []string{"aws_iam_policy_document", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"} {
		if types[typ] < stats.Replicas {
			t.Errorf("%s: %d, want at least one per replica (%d)", typ, types[typ], stats.Replicas)
		}
	}
	if inlineRules < stats.Replicas || unknownIDs < stats.Replicas || countIdx == 0 || eachIdx == 0 {
		t.Errorf("inline SG rules %d, unknown ids %d, count instances %d, for_each instances %d", inlineRules, unknownIDs, countIdx, eachIdx)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	gen := func(seed uint64) []byte {
		var buf bytes.Buffer
		if _, err := Generate(&buf, builtin(t), Options{Resources: 400, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, c := gen(9), gen(9), gen(10)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed and size gave different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same bytes")
	}
	if bytes.Contains(a, []byte(keyMark)) {
		t.Fatal("a key placeholder was left in the output")
	}
}

func TestGenerateRejectsBadInput(t *testing.T) {
	ts := builtin(t)
	cases := map[string]struct {
		ts   []*Template
		opts Options
		want string
	}{
		"no template":    {nil, Options{Resources: 10}, "no template"},
		"bad module":     {ts, Options{Module: "Bad Name"}, "module name"},
		"duplicate name": {[]*Template{ts[0], ts[0]}, Options{}, "distinct name"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Generate(&bytes.Buffer{}, c.ts, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	for in, want := range map[string]string{
		`[]`:                      "decode plan JSON",
		`{"resource_changes":1}`:  "no resource_changes",
		`{"resource_changes":[]}`: "no configuration.root_module",
	} {
		if _, err := LoadTemplate("x", strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadTemplate(%s) = %v, want %q", in, err, want)
		}
	}
}

func TestRenameToken(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"letsleep", "letsleep-K"},
		{"letsleep-db", "letsleep-K-db"},
		{"arn:aws:lambda:*:*:function:letsleep-hot", "arn:aws:lambda:*:*:function:letsleep-K-hot"},
		{"letsleep:role", "letsleep:role"},
		{"letsleeper", "letsleeper"},
		{"a letsleep b letsleep_c", "a letsleep-K b letsleep-K_c"},
		{"other", "other"},
	} {
		if got := renameToken(c.in, "letsleep", "letsleep-K"); got != c.want {
			t.Errorf("renameToken(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestKeysAreSortedAndUnique(t *testing.T) {
	keys := Keys(1500, 42)
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			t.Fatalf("keys not strictly sorted at %d: %s, %s", i, keys[i-1], keys[i])
		}
	}
}
