package plangen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/source"
)

// communityStack is a stack of terraform/community: its plan and its .tf
// files calling the community modules in ../shared.
func communityStack(t *testing.T, name string) (*Template, string) {
	t.Helper()
	dir := filepath.Join("..", "..", "terraform", "community", name)
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "community-modules")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("../shared/community-modules missing and CI=true: %v", err)
		}
		t.Skipf("SKIPPING: ../shared/community-modules missing: %v", err)
	}
	f, err := os.Open(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tpl, err := LoadTemplate(strings.ReplaceAll(name, "-", "_"), f)
	if err != nil {
		t.Fatal(err)
	}
	return tpl, dir
}

// The generated configuration calls every replica, and each module folder
// is parsed once however many replicas call it: the parse count of 3 and of
// 30 replicas is the same, in both shapes.
func TestWriteSourceParsesEachModuleOnce(t *testing.T) {
	first, firstDir := communityStack(t, "sleep-first")
	proxy, proxyDir := communityStack(t, "rds-proxy")
	templates := []*Template{first, proxy}
	sources := map[string]string{first.Name: firstDir, proxy.Name: proxyDir}
	for _, distinct := range []bool{false, true} {
		parsed := map[int]int{}
		for _, replicas := range []int{3, 30} {
			dir := t.TempDir()
			opts := Options{Replicas: replicas, Seed: 1, Distinct: distinct}
			if err := WriteSource(dir, templates, sources, opts); err != nil {
				t.Fatal(err)
			}
			cfg, err := source.Load(dir)
			if err != nil {
				t.Fatalf("distinct=%t: %v", distinct, err)
			}
			// The only module not found is the registry acm call inside
			// the apigateway-v2 module (no modules.json without init).
			for _, n := range cfg.Notices {
				if !strings.Contains(n.Message, `"terraform-aws-modules/acm/aws"`) {
					t.Errorf("distinct=%t: notice %v", distinct, n)
				}
			}
			// One replica's module as the generated plan names it.
			call := "tenant." + first.Name + ".vpc"
			if distinct {
				call = distinctCall(first.Name, Keys(replicas, 1)[replicas-1]) + ".vpc"
			}
			if cfg.Module(call) == nil {
				t.Errorf("distinct=%t, %d replicas: no module at %s", distinct, replicas, call)
			}
			parsed[replicas] = cfg.Parsed
		}
		// root (+ tenant) + 2 stacks + at least vpc, security-group,
		// rds-aurora, lambda and rds-proxy.
		if parsed[3] != parsed[30] || parsed[3] < 8 {
			t.Errorf("distinct=%t: folders parsed %v for 3 and 30 replicas, want the same count (one per folder)", distinct, parsed)
		}
	}
}
