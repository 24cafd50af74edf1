package model_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
)

// testPlan collects resource changes for a plan written by a test.
type testPlan struct{ changes []any }

// add appends a created resource; index, when not nil, makes it typ.name[index].
func (tp *testPlan) add(typ, name string, index any, values map[string]any) {
	addr := typ + "." + name
	rc := map[string]any{"mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
		"change": map[string]any{"actions": []string{"create"}, "before": nil, "after": values, "after_unknown": map[string]any{}}}
	if index != nil {
		addr = fmt.Sprintf("%s[%v]", addr, index)
		rc["index"] = index
	}
	rc["address"] = addr
	tp.changes = append(tp.changes, rc)
}

// load writes the plan to a temporary file and loads it.
func (tp *testPlan) load(tb testing.TB) *plan.Plan {
	tb.Helper()
	data, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": tp.changes})
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "plan.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	p, err := plan.Load(context.Background(), path, plan.Options{})
	if err != nil {
		tb.Fatalf("load: %v", err)
	}
	return p
}

// build loads the plan and builds its model.
func (tp *testPlan) build(tb testing.TB) *model.Model {
	tb.Helper()
	m, err := model.Build(tp.load(tb), model.Config{})
	if err != nil {
		tb.Fatalf("build: %v", err)
	}
	return m
}

// iamDoc is a one-statement IAM document.
func iamDoc(statement map[string]any) string {
	statement["Effect"] = "Allow"
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{statement}})
	return string(b)
}
