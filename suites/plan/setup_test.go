package plan_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/suites/plan/planner"
)

// repoRoot and terraformRC are set once for the suite.
var repoRoot, terraformRC string

var _ = BeforeSuite(func() {
	var err error
	repoRoot, err = planner.RepoRoot(".")
	Expect(err).NotTo(HaveOccurred())
	// The CLI config points terraform at the local provider mirror; write it
	// with scripts/terraformrc.sh when a fresh checkout has none.
	terraformRC, err = planner.EnsureTerraformRC(repoRoot)
	Expect(err).NotTo(HaveOccurred(), "offline terraform needs build/terraformrc")
})
