package twin_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/awsbackend"
	"github.com/letsleep/letsleep/internal/planner"
	"github.com/letsleep/letsleep/internal/testtier"
)

// The fleet root is what the AWS backend applies: one twin per target,
// fed by a tfvars file the backend writes from the applied state.
var _ = Describe("probe-twin fleet plan", Label("plan"), Ordered, ContinueOnFailure, func() {
	targets := map[string]awsbackend.TwinTarget{
		"module.stack.module.control.aws_lambda_function.this": {
			Name: "lsl-abc123-control", RoleARN: "arn:aws:iam::111122223333:role/lsl-abc123-control-20261125",
			SubnetIDs: []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"}, SecurityGroupIDs: []string{"sg-0a1b2c3d4e5f60009"},
		},
		"module.stack.module.hot.aws_lambda_function.this": {
			Name: "lsl-abc123-hot-with-a-rather-long-function-name-to-cut", RoleARN: "arn:aws:iam::111122223333:role/lsl-abc123-hot",
			SubnetIDs: []string{}, SecurityGroupIDs: []string{},
		},
	}
	var plan *tfjson.Plan

	BeforeAll(func() {
		testtier.Gate(testtier.Terraform, Fail, Skip)
		w := copyProbeTwin()
		dir := filepath.Join(w.module, "fleet")
		vars, err := json.Marshal(map[string]any{"name_prefix": "lsl-abc123", "targets": targets, "probe_zip": filepath.Join(w.tmp, "absent.zip")})
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "run.auto.tfvars.json"), vars, 0o600)).To(Succeed())
		out := planner.PlanJSON(GinkgoT(), planner.Options(dir, filepath.Join(w.tmp, "tfplan"), w.rc))
		plan = &tfjson.Plan{}
		Expect(json.Unmarshal([]byte(out), plan)).To(Succeed())
	})

	It("deploys one twin per target with the target's role and placement", func() {
		names := map[string]bool{}
		for addr, want := range targets {
			a := after(plan, `module.twin["`+addr+`"].aws_lambda_function.this`)
			Expect(a["role"]).To(Equal(want.RoleARN), addr)
			Expect(vpcList(a, "subnet_ids")).To(ConsistOf(want.SubnetIDs), addr)
			Expect(vpcList(a, "security_group_ids")).To(ConsistOf(want.SecurityGroupIDs), addr)
			Expect(a["tags"]).To(HaveKeyWithValue("letsleep:probe-twin-of", want.Name))
			Expect(a["reserved_concurrent_executions"]).To(BeNumerically("==", -1))
			name := a["function_name"].(string)
			Expect(len(name)).To(BeNumerically("<=", 64))
			Expect(name).To(HavePrefix("lsl-abc123-"))
			names[name] = true
		}
		Expect(names).To(HaveLen(len(targets)), "twin names must be unique")
	})

	It("adds no IAM", func() {
		for _, rc := range plan.ResourceChanges {
			Expect(strings.HasPrefix(rc.Type, "aws_iam_")).To(BeFalse(), rc.Address)
			Expect(rc.Type).To(BeElementOf("aws_lambda_function", "aws_cloudwatch_log_group"), rc.Address)
		}
	})
})

var _ = Describe("probe-twin placement input", Label("plan"), func() {
	It("refuses subnets without security groups, naming the fix", func() {
		testtier.Gate(testtier.Terraform, Fail, Skip)
		w := copyProbeTwin()
		dir := filepath.Join(w.module, "fleet")
		vars, _ := json.Marshal(map[string]any{"name_prefix": "lsl-bad", "probe_zip": "absent.zip", "targets": map[string]awsbackend.TwinTarget{
			"aws_lambda_function.half": {Name: "half", RoleARN: "arn:aws:iam::111122223333:role/half", SubnetIDs: []string{"subnet-0a1b2c3d4e5f60001"}, SecurityGroupIDs: []string{}},
		}})
		Expect(os.WriteFile(filepath.Join(dir, "run.auto.tfvars.json"), vars, 0o600)).To(Succeed())
		_, err := planner.PlanJSONE(GinkgoT(), planner.Options(dir, filepath.Join(w.tmp, "tfplan"), w.rc))
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(ContainSubstring("Pass both subnet_ids and security_group_ids"))
	})
})
