package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// BenchmarkAttributeEachInstance narrows each.value for every instance of
// a for_each over a 5,000-key literal map: linear in the instances (the
// literal's keys are indexed once), not instances × keys.
func BenchmarkAttributeEachInstance(b *testing.B) {
	const n = 5000
	var tf strings.Builder
	tf.WriteString("resource \"aws_lambda_function\" \"fn\" {\n  for_each = {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&tf, "    k%d = { role = aws_iam_role.r%d.arn }\n", i, i)
	}
	tf.WriteString("  }\n  role = each.value.role\n}\n")
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for i := 0; i < n; i++ {
			refs, _ := c.Attribute("", "aws_lambda_function.fn", fmt.Sprintf(`["k%d"]`, i), "role")
			if len(refs) != 1 {
				b.Fatalf("k%d: %q", i, refs)
			}
		}
	}
}
