// Package terratf is the one door to terratest's terraform module
// (github.com/gruntwork-io/terratest/modules/terraform), behind the
// `terraform` build tag.
//
// That module runs `terraform -version` when it initialises (to choose
// between terraform and tofu), in every binary that links it, before any
// test starts. Plain `go test ./...` must never run terraform, so only a
// build with `-tags terraform` (make test passes it) links the module; a
// plain build gets functions that return ErrNotLinked. Callers (the plan
// suite's planner, the AWS backend) hold an Options of this package and
// never import the module themselves; TestPlainBuildsDoNotLinkTerraform
// keeps it that way.
package terratf

import "errors"

// Tag is the build tag that links terratest's terraform module.
const Tag = "terraform"

// ErrNotLinked is what every function returns in a build without the tag.
var ErrNotLinked = errors.New("terratest's terraform module is not linked in this build: " +
	"build the tests with -tags " + Tag + " (make test does); plain go test leaves it out because it runs `terraform -version` when it loads")

// Options is the part of terratest's terraform.Options that letsleep uses.
type Options struct {
	// Dir is the configuration folder terraform runs in.
	Dir string
	// PlanFile is where plan writes its binary plan (InitAndPlanAndShow).
	PlanFile string
	// Vars become -var arguments.
	Vars map[string]any
	// EnvVars are set for every terraform call.
	EnvVars map[string]string
	// PlanArgs are extra arguments of terraform plan.
	PlanArgs []string
	// Binary is the terraform executable; "" means terraform on PATH.
	Binary string
	// Quiet drops terraform's output from the test log.
	Quiet bool
}

// BinaryOrDefault is the executable Options runs.
func (o *Options) BinaryOrDefault() string {
	if o.Binary != "" {
		return o.Binary
	}
	return "terraform"
}
