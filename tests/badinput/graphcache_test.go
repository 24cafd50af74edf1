package badinput

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestNoCodeFromSharedTemp: the SVG renderer once compiled Graphviz's
// WebAssembly at package init, for every command, into $TMPDIR/go-graphviz,
// and loaded whatever it found there as compiled code. Now no command
// loads or writes compiled code anywhere: a file planted where that cache
// was is ignored (left as it was, and every command works), and `rules`,
// `check` and `graph` leave nothing in TMPDIR or in the user's cache.
// docs/security.md points here.
func TestNoCodeFromSharedTemp(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	cache := t.TempDir()
	planted := filepath.Join(tmp, "go-graphviz")
	if err := os.Mkdir(planted, 0o777); err != nil {
		t.Fatal(err)
	}
	foreign := []byte("\x7fELF not yours: a planted compiled module")
	if err := os.WriteFile(filepath.Join(planted, "wazero-v1.12.0-amd64-linux"), foreign, 0o666); err != nil {
		t.Fatal(err)
	}
	plan := filepath.Join(repoRoot, "internal", "plangen", "templates", "reference.json")
	env := map[string]string{"TMPDIR": tmp, "XDG_CACHE_HOME": cache, "HOME": cache}
	for _, args := range [][]string{
		{"rules"},
		{"check", "--format", "json", plan},
		{"graph", "--format", "svg", plan},
		{"graph", "--format", "dot", plan},
	} {
		res := run(t, runOpts{env: env}, args...)
		if res.code != 0 && res.code != 1 {
			t.Fatalf("letsleep %s: exit %d\n%s", strings.Join(args, " "), res.code, tail(res.stderr))
		}
		if args[0] == "graph" && args[2] == "svg" && !strings.Contains(res.stdout, "<svg") {
			t.Fatalf("graph --format svg wrote no SVG:\n%s", tail(res.stdout))
		}
	}
	got, err := os.ReadFile(filepath.Join(planted, "wazero-v1.12.0-amd64-linux"))
	if err != nil || !bytes.Equal(got, foreign) {
		t.Errorf("the planted file was touched: %q, %v", got, err)
	}
	if left := listTree(t, tmp); strings.Join(left, ",") != "go-graphviz,go-graphviz/wazero-v1.12.0-amd64-linux" {
		t.Errorf("commands left files in TMPDIR: %v", left)
	}
	if left := listTree(t, cache); len(left) != 0 {
		t.Errorf("commands wrote to the user's cache: %v", left)
	}
}

// TestBinaryLinksNoWasmRuntime: the checker links neither go-graphviz nor a
// WebAssembly runtime, so there is no compiled code to cache at all.
func TestBinaryLinksNoWasmRuntime(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	for _, mod := range []string{"github.com/goccy/go-graphviz", "github.com/tetratelabs/wazero"} {
		if strings.Contains(string(out), mod) {
			t.Errorf("the letsleep binary links %s", mod)
		}
	}
}

func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != root {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}
