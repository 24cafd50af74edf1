package plan

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestDistinct(t *testing.T) {
	a := writeFile(t, "a.json", minimalPlan)
	b := writeFile(t, "b.json", minimalPlan) // same bytes, another file: kept
	link := filepath.Join(t.TempDir(), "link.json")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	dot := filepath.Join(filepath.Dir(a), ".", "a.json")
	paths, dups := Distinct([]string{a, b, dot, link, "-", "-", "missing.json"})
	if want := []string{a, b, "-", "missing.json"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("paths = %v, want %v", paths, want)
	}
	want := []Duplicate{{dot, a}, {link, a}, {"-", "-"}}
	if !reflect.DeepEqual(dups, want) {
		t.Errorf("duplicates = %v, want %v", dups, want)
	}
}
