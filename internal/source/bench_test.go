package source

import (
	"path/filepath"
	"testing"
)

// BenchmarkLoadCommunityModules parses the seven community module folders:
// the cost the sources add to a check before any lookup.
func BenchmarkLoadCommunityModules(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "shared", "community-modules")
	names := []string{"lambda", "vpc", "rds-aurora", "security-group", "apigateway-v2", "rds-proxy", "acm"}
	for b.Loop() {
		for _, n := range names {
			if _, err := Load(filepath.Join(dir, n)); err != nil {
				b.Skipf("SKIPPED: %v", err)
			}
		}
	}
}

// BenchmarkLocalLookup is one memoised lookup, as the model repeats it for
// every instance of a module.
func BenchmarkLocalLookup(b *testing.B) {
	c, err := Load(filepath.Join("..", "..", "..", "shared", "community-modules", "security-group"))
	if err != nil {
		b.Skipf("SKIPPED: %v", err)
	}
	for b.Loop() {
		if _, ok := c.Local("", "this_sg_id"); !ok {
			b.Fatal("not found")
		}
	}
}
