package policies_test

import (
	"strings"
	"testing"

	"github.com/letsleep/letsleep/policies"
)

func TestModulesExcludeTests(t *testing.T) {
	mods, err := policies.Modules()
	if err != nil {
		t.Fatal(err)
	}
	all, err := policies.All()
	if err != nil {
		t.Fatal(err)
	}
	tests := 0
	for name := range all {
		_, runtime := mods[name]
		if policies.IsTest(name) == runtime {
			t.Errorf("%s: test=%v but loaded at run time=%v", name, policies.IsTest(name), runtime)
		}
		if policies.IsTest(name) {
			tests++
		}
	}
	if _, ok := mods["lib/model.rego"]; !ok || tests == 0 {
		t.Fatalf("embedded set looks wrong: %d modules, %d tests", len(mods), tests)
	}
	files, err := policies.CheckFiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 15 {
		t.Errorf("CheckFiles = %d files, want 15: %v", len(files), files)
	}
	for _, f := range files {
		if strings.Contains(f, "/") || policies.IsTest(f) {
			t.Errorf("CheckFiles lists %s", f)
		}
	}
}
