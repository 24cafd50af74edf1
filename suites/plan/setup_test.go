package plan_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/planner"
)

// repoRoot is set once for the suite.
var repoRoot string

var _ = BeforeSuite(func() {
	var err error
	repoRoot, err = planner.RepoRoot(".")
	Expect(err).NotTo(HaveOccurred())
})
