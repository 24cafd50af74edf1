package twin_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/awsbackend"
	"github.com/letsleep/letsleep/internal/model"
	lsplan "github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/planner"
	"github.com/letsleep/letsleep/internal/testtier"
)

var _ = Describe("probe-twin example plan", Label("plan"), Ordered, ContinueOnFailure, func() {
	var (
		plan     *tfjson.Plan
		zipPath  string
		planPath string
	)

	BeforeAll(func(ctx SpecContext) {
		testtier.Gate(testtier.Terraform, Fail, Skip)
		w := copyProbeTwin()
		zipPath = filepath.Join(w.tmp, "probe-arm64.zip")
		Expect(awsbackend.BuildProbeZip(context.Context(ctx), w.root, "arm64", zipPath)).To(Succeed())

		dir := filepath.Join(w.module, "examples/basic")
		opts := planner.Options(dir, filepath.Join(w.tmp, "tfplan"), w.rc)
		opts.EnvVars["TF_VAR_probe_zip"] = zipPath
		out := planner.PlanJSON(GinkgoT(), opts)
		plan = &tfjson.Plan{}
		Expect(json.Unmarshal([]byte(out), plan)).To(Succeed())
		planPath = filepath.Join(w.tmp, "plan.json")
		Expect(os.WriteFile(planPath, []byte(out), 0o600)).To(Succeed())
	})

	It("reads, in letsleep's own model, with its target's placement and reach", func(ctx SpecContext) {
		p, err := lsplan.Load(ctx, planPath, lsplan.Options{})
		Expect(err).NotTo(HaveOccurred())
		m, err := model.Build(p, model.Config{})
		Expect(err).NotTo(HaveOccurred())
		fn := func(addr string) model.Function {
			i := slices.IndexFunc(m.Functions, func(f model.Function) bool { return f.Address == addr })
			Expect(i).NotTo(Equal(-1), addr)
			return m.Functions[i]
		}
		for twin, target := range map[string]string{
			"module.twin.aws_lambda_function.this":         "aws_lambda_function.target",
			"module.twin_outside.aws_lambda_function.this": "aws_lambda_function.outside",
		} {
			tw, tg := fn(twin), fn(target)
			Expect(tw.InVPC).To(Equal(tg.InVPC), twin)
			Expect(tw.Subnets).To(ConsistOf(tg.Subnets), twin)
			Expect(tw.SecurityGroups).To(ConsistOf(tg.SecurityGroups), twin)
			// A declared path comes from the target's role tag, which a
			// twin does not carry; every network way out must match.
			Expect(networkEgress(tw)).To(Equal(networkEgress(tg)), twin)
		}
	})

	It("copies the VPC target's subnets and security groups", func() {
		target, twin := after(plan, "aws_lambda_function.target"), after(plan, "module.twin.aws_lambda_function.this")
		for _, key := range []string{"subnet_ids", "security_group_ids"} {
			want := vpcList(target, key)
			Expect(want).NotTo(BeEmpty(), "the fake target must have a %s", key)
			Expect(vpcList(twin, key)).To(ConsistOf(want), key)
		}
		// The module call reads the target's own attributes.
		Expect(callRefs(plan, "twin", "subnet_ids")).To(ContainElement("aws_lambda_function.target.vpc_config[0].subnet_ids"))
		Expect(callRefs(plan, "twin", "security_group_ids")).To(ContainElement("aws_lambda_function.target.vpc_config[0].security_group_ids"))
	})

	It("runs the VPC twin with the target's role (unknown at plan, followed by reference)", func() {
		Expect(unknown(plan, "aws_lambda_function.target", "role")).To(BeTrue())
		Expect(unknown(plan, "module.twin.aws_lambda_function.this", "role")).To(BeTrue())
		Expect(callRefs(plan, "twin", "role_arn")).To(ContainElement("aws_lambda_function.target.role"))
		Expect(moduleFunction(plan, "twin").Expressions["role"].References).To(Equal([]string{"var.role_arn"}))
	})

	It("copies a target outside a VPC: same role by value, no placement", func() {
		target, twin := after(plan, "aws_lambda_function.outside"), after(plan, "module.twin_outside.aws_lambda_function.this")
		Expect(twin["role"]).To(Equal(target["role"]))
		Expect(twin["role"]).To(Equal("arn:aws:iam::111122223333:role/lsl-example-existing"))
		// No vpc_config block at all, like the target: an empty block would
		// read as a VPC function to a plan reader.
		Expect(target["vpc_config"]).To(BeEmpty())
		Expect(twin["vpc_config"]).To(BeEmpty())
	})

	It("tags each twin with its target and as managed, keeping caller tags", func() {
		for twin, target := range map[string]string{"twin": "lsl-example-target", "twin_outside": "lsl-example-outside"} {
			tags := after(plan, "module."+twin+".aws_lambda_function.this")["tags"]
			Expect(tags).To(HaveKeyWithValue("letsleep:probe-twin-of", target), twin)
			Expect(tags).To(HaveKeyWithValue("letsleep:managed", "true"), twin)
		}
		Expect(after(plan, "module.twin.aws_lambda_function.this")["tags"]).To(HaveKeyWithValue("purpose", "example"))
	})

	It("has a short timeout, no reserved concurrency, and the probe runtime and package", func() {
		sum := sha256.Sum256(must(os.ReadFile(zipPath)))
		for _, twin := range []string{"twin", "twin_outside"} {
			a := after(plan, "module."+twin+".aws_lambda_function.this")
			Expect(a["timeout"]).To(BeNumerically("==", 30), twin)
			Expect(a["reserved_concurrent_executions"]).To(BeNumerically("==", -1), "%s: -1 means unreserved", twin)
			Expect(moduleFunction(plan, twin).Expressions).NotTo(HaveKey("reserved_concurrent_executions"))
			Expect(a["runtime"]).To(Equal("provided.al2023"))
			Expect(a["handler"]).To(Equal("bootstrap"))
			Expect(a["architectures"]).To(ConsistOf("arm64"))
			Expect(a["source_code_hash"]).To(Equal(base64.StdEncoding.EncodeToString(sum[:])), "the twin deploys the probe zip built for this run")
			Expect(len(a["function_name"].(string))).To(BeNumerically("<=", 64))
			Expect(a["function_name"]).To(HavePrefix("lsl-probe-"))
		}
	})

	It("creates no IAM and nothing that grants access", func() {
		for _, rc := range plan.ResourceChanges {
			if !strings.HasPrefix(rc.Address, "module.twin") {
				continue
			}
			Expect(rc.Type).To(BeElementOf("aws_lambda_function", "aws_cloudwatch_log_group"), "%s: a twin may add no permission", rc.Address)
			Expect(rc.Change.Actions).To(Equal(tfjson.Actions{tfjson.ActionCreate}))
		}
		Expect(after(plan, "module.twin.aws_cloudwatch_log_group.this")["name"]).To(Equal("/aws/lambda/lsl-probe-lsl-example-target"))
	})
})

// twinWork is a temporary copy of terraform/modules/probe-twin to plan.
type twinWork struct {
	root   string // the repository
	rc     string // the offline terraformrc
	tmp    string // a temporary folder removed after the spec
	module string // the module's copy inside tmp
}

// copyProbeTwin plans a copy, so the .terraform folder and plan file stay
// out of the working tree and parallel runs do not collide.
func copyProbeTwin() twinWork {
	GinkgoHelper()
	root, err := planner.RepoRoot(".")
	Expect(err).NotTo(HaveOccurred())
	rc, err := planner.EnsureTerraformRC(root)
	Expect(err).NotTo(HaveOccurred())
	w := twinWork{root: root, rc: rc, tmp: GinkgoT().TempDir()}
	w.module = filepath.Join(w.tmp, "probe-twin")
	Expect(planner.CopyTerraform(filepath.Join(root, "terraform/modules/probe-twin"), w.module)).To(Succeed())
	return w
}

// networkEgress lists a function's egress path kinds other than declared.
func networkEgress(f model.Function) []string {
	var kinds []string
	for _, p := range f.Egress {
		if p.Kind != model.PathDeclared && !slices.Contains(kinds, p.Kind) {
			kinds = append(kinds, p.Kind)
		}
	}
	slices.Sort(kinds)
	return kinds
}

func change(p *tfjson.Plan, addr string) *tfjson.ResourceChange {
	i := slices.IndexFunc(p.ResourceChanges, func(rc *tfjson.ResourceChange) bool { return rc.Address == addr })
	ExpectWithOffset(2, i).NotTo(Equal(-1), "no resource change %s in the plan", addr)
	return p.ResourceChanges[i]
}

func after(p *tfjson.Plan, addr string) map[string]any {
	a, ok := change(p, addr).Change.After.(map[string]any)
	ExpectWithOffset(1, ok).To(BeTrue(), "%s has no after values", addr)
	return a
}

func unknown(p *tfjson.Plan, addr, key string) bool {
	u, _ := change(p, addr).Change.AfterUnknown.(map[string]any)
	return u[key] == true
}

// vpcList reads vpc_config[0].<key> as strings; absent or null is empty.
func vpcList(a map[string]any, key string) []string {
	blocks, _ := a["vpc_config"].([]any)
	if len(blocks) == 0 {
		return nil
	}
	block, _ := blocks[0].(map[string]any)
	items, _ := block[key].([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.(string))
	}
	return out
}

func callRefs(p *tfjson.Plan, call, input string) []string {
	mc := p.Config.RootModule.ModuleCalls[call]
	ExpectWithOffset(1, mc).NotTo(BeNil(), "no module call %s", call)
	e := mc.Expressions[input]
	ExpectWithOffset(1, e).NotTo(BeNil(), "module call %s sets no %s", call, input)
	return e.References
}

func moduleFunction(p *tfjson.Plan, call string) *tfjson.ConfigResource {
	mc := p.Config.RootModule.ModuleCalls[call]
	ExpectWithOffset(1, mc).NotTo(BeNil())
	i := slices.IndexFunc(mc.Module.Resources, func(r *tfjson.ConfigResource) bool { return r.Address == "aws_lambda_function.this" })
	ExpectWithOffset(1, i).NotTo(Equal(-1))
	return mc.Module.Resources[i]
}

func must[T any](v T, err error) T {
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return v
}
