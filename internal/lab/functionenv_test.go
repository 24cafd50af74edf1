//go:build linux

package lab

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/letsleep/letsleep/internal/model"
)

// The lab gives each deployed bootstrap the variables its Terraform module
// sets, no fewer and no other (besides the lab's own: where the AWS APIs
// and the lab CA are, and the password standing in for the IAM token).
func TestFunctionEnvMatchesTheTerraform(t *testing.T) {
	modules := map[string]string{model.RoleControl: "control-function", model.RoleHot: "hot-function",
		model.RoleEgress: "egress-function", model.RoleWarmup: "warmup"}
	l := &Lab{Model: referenceLike(), Topo: &Topology{CanaryIP: canaryAddr.String()}, PG: &Postgres{User: "app", Password: "pw"},
		aws: &awsState{caFile: "/run/ca.pem", hotTable: "t", apiKeyID: "arn:s", names: map[string]string{"aws_lambda_function.control": "stack-control"}}}
	db := &Node{IP: "10.213.0.10", Port: 5432}
	for role, module := range modules {
		want := terraformEnvKeys(t, filepath.Join("..", "..", "terraform", "modules", module, "main.tf"))
		var got []string
		for _, kv := range l.functionEnv(&Node{Role: role}, db) {
			k, v, _ := strings.Cut(kv, "=")
			if v == "" {
				t.Errorf("%s: %s is empty", role, k)
			}
			if !strings.HasPrefix(k, "AWS_") && k != "SSL_CERT_FILE" && k != "DB_PASSWORD" {
				got = append(got, k)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the lab sets %v; terraform/modules/%s sets %v", role, got, module, want)
		}
	}
	env := strings.Join(l.functionEnv(&Node{Role: model.RoleWarmup}, db), " ")
	if !strings.Contains(env, "CONTROL_FUNCTION=stack-control") || !strings.Contains(env, "AWS_ENDPOINT_URL_LAMBDA=https://"+canaryAddr.String()) {
		t.Errorf("warm-up env %s", env)
	}
}

// terraformEnvKeys reads the keys of the aws_lambda_function's
// environment.variables in a module file.
func terraformEnvKeys(t *testing.T, path string) []string {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCLFile(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var keys []string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "resource" || len(b.Labels) < 1 || b.Labels[0] != "aws_lambda_function" {
			continue
		}
		for _, env := range b.Body.Blocks {
			if env.Type != "environment" {
				continue
			}
			pairs, diags := hcl.ExprMap(env.Body.Attributes["variables"].Expr)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			for _, p := range pairs {
				k, diags := p.Key.Value(nil)
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				keys = append(keys, k.AsString())
			}
		}
	}
	if len(keys) == 0 {
		t.Fatalf("%s: no aws_lambda_function environment found", path)
	}
	slices.Sort(keys)
	return keys
}
