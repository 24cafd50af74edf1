package source

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// communityModules is ../shared/community-modules (terraform-aws-modules
// releases), read-only beside the repository.
func communityModules(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "community-modules")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing: %v", dir, err)
		}
		t.Skipf("SKIPPED: %s is missing (CI has it)", dir)
	}
	return dir
}

func TestCommunityModulesParse(t *testing.T) {
	dir := communityModules(t)
	for _, name := range []string{"lambda", "vpc", "rds-aurora", "security-group", "apigateway-v2", "rds-proxy", "acm"} {
		c, err := Load(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(c.Module("").Resources) == 0 {
			t.Errorf("%s: no resources read", name)
		}
	}
}

func TestCommunityLambdaDynamicVPCConfig(t *testing.T) {
	c, err := Load(filepath.Join(communityModules(t), "lambda"))
	if err != nil {
		t.Fatal(err)
	}
	refs, ok := c.Block("", "aws_lambda_function.this", "vpc_config", "subnet_ids")
	if !ok || !slices.Equal(refs, []string{"var.vpc_subnet_ids"}) {
		t.Fatalf("lambda vpc_config.subnet_ids = %q, %v", refs, ok)
	}
	refs, _ = c.Block("", "aws_lambda_function.this", "vpc_config", "security_group_ids")
	if !slices.Equal(refs, []string{"var.vpc_security_group_ids"}) {
		t.Fatalf("lambda vpc_config.security_group_ids = %q", refs)
	}
}

func TestCommunitySecurityGroupThisSGID(t *testing.T) {
	c, err := Load(filepath.Join(communityModules(t), "security-group"))
	if err != nil {
		t.Fatal(err)
	}
	refs, ok := c.Local("", "this_sg_id")
	want := []string{"aws_security_group.this", "aws_security_group.this_name_prefix", "var.security_group_id"}
	if !ok || !slices.Equal(refs, want) {
		t.Fatalf("local.this_sg_id = %q, want %q", refs, want)
	}
	p, ok := c.Locate("aws_security_group_rule.ingress_with_source_security_group_id[0]")
	if !ok || filepath.Base(p.Block.File) != "main.tf" || p.Block.EndLine <= p.Block.StartLine {
		t.Fatalf("rule location = %+v, %v", p, ok)
	}
}
