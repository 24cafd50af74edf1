package plangen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/iam"
	"github.com/letsleep/letsleep/internal/model"
)

// TestNameTokenFromNames: a community stack has no var.name (its names come
// from a local), so the token is the word its unique names begin with, and
// every replica gets its own role, function and cluster names. Before, all
// replicas kept the names of one stack: joins by name (a role policy's
// `role = "notes-control"`) linked every replica's policy to the first
// replica's role, and LSL-010/011 fired in one tenant only.
func TestNameTokenFromNames(t *testing.T) {
	dir := filepath.Join("..", "..", "terraform", "community", "data-api-grant")
	f, err := os.Open(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tm, err := LoadTemplate("data-api-grant", f)
	if err != nil {
		t.Fatal(err)
	}
	if tok := tm.NameToken(); tok != "notes" {
		t.Fatalf("NameToken = %q, want %q (the stack's local.name)", tok, "notes")
	}
	build := func(replicas int) *model.Model {
		return generatedModel(t, []*Template{tm}, Options{Replicas: replicas, Seed: 1})
	}
	dataAPIRoles := func(m *model.Model) int {
		n := 0
		for _, r := range m.Roles {
			for _, g := range r.Grants {
				if g.Action == iam.ActionDataAPI {
					n++
					break
				}
			}
		}
		return n
	}
	one, three := build(1), build(3)
	if dataAPIRoles(one) == 0 {
		t.Fatal("the template's model has no role granted the Data API: the stack changed")
	}
	if got, want := dataAPIRoles(three), 3*dataAPIRoles(one); got != want {
		t.Errorf("3 replicas: %d roles granted the Data API, want %d (one set per replica)", got, want)
	}
	names := map[string]string{}
	for _, r := range three.Roles {
		if r.Name == "" {
			continue
		}
		if other, dup := names[r.Name]; dup {
			t.Errorf("roles %s and %s share name %q", other, r.Address, r.Name)
		}
		names[r.Name] = r.Address
	}
	for _, w := range three.Warnings {
		if w.Kind == "same-name" {
			t.Errorf("generated plan has a same-name warning: %s", w.Message)
		}
	}
}
