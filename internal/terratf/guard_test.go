package terratf

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/tftree"
)

const terratestTerraform = "github.com/gruntwork-io/terratest/modules/terraform"

// linkers runs `go list -deps -test` over the whole module with the given
// extra flags and returns, per package or test binary, whether it links
// terratest's terraform module. GOFLAGS is cleared so that a -tags there
// cannot change what a plain build is.
func linkers(t *testing.T, flags ...string) []string {
	t.Helper()
	root, err := tftree.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"list", "-e", "-test"}, flags...)
	args = append(args, "-f", `{{.ImportPath}}|{{join .Deps " "}}`, "./...")
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	var found []string
	for _, line := range strings.Split(string(out), "\n") {
		pkg, deps, _ := strings.Cut(line, "|")
		if pkg == terratestTerraform {
			continue
		}
		for _, d := range strings.Fields(deps) {
			if d == terratestTerraform {
				found = append(found, pkg)
				break
			}
		}
	}
	return found
}

// TestPlainBuildsDoNotLinkTerraform fails when any package or test binary
// of a plain build links terratest's terraform module, whose package init
// runs `terraform -version`: plain `go test ./...` would run terraform.
// Code that needs the module goes through this package (Options and the
// functions of linked.go), or its file carries //go:build terraform.
func TestPlainBuildsDoNotLinkTerraform(t *testing.T) {
	if plain := linkers(t); len(plain) > 0 {
		t.Errorf("a plain build links %s (its init runs `terraform -version`) in:\n  %s\nuse internal/terratf or put //go:build %s on the file that imports it",
			terratestTerraform, strings.Join(plain, "\n  "), Tag)
	}
	// The same listing sees the module when it is linked: the check above
	// can fail.
	tagged := linkers(t, "-tags", Tag)
	self := "github.com/letsleep/letsleep/internal/terratf"
	if !contains(tagged, self) {
		t.Errorf("with -tags %s, go list shows no link from %s to %s; linking packages seen: %v", Tag, self, terratestTerraform, tagged)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
