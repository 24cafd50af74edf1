package badinput

import (
	"sync"
	"testing"

	"github.com/letsleep/letsleep/internal/plangen"
)

// busyPlanResources is the size of the plan that keeps letsleep busy long
// enough for a signal or a --timeout to land mid-stage: a 50k-resource
// check takes seconds of CPU even on an idle machine. Wildcard-tenant plans
// served this before; since grants to many targets share one target set
// (issue 14) they check in well under a second and no longer test a stage.
const busyPlanResources = 50000

var (
	busyOnce sync.Once
	busyPath string
	busyErr  error
)

// busyPlan writes the busy plan once per test binary, beside the built
// binary (TestMain removes that folder), and returns its path.
func busyPlan(t *testing.T) string {
	t.Helper()
	busyOnce.Do(func() { busyPath, busyErr = plangen.WriteBuiltin(binDir, busyPlanResources) })
	if busyErr != nil {
		t.Fatalf("write the busy plan: %v", busyErr)
	}
	return busyPath
}
