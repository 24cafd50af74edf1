package community_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/planner"
	"github.com/letsleep/letsleep/internal/testtier"
)

// replanned are the stacks the terraform tier plans again: the clean design
// and one that moves a function into the VPC, which between them use every
// community module but rds-proxy.
var replanned = []string{cleanStack, "egress-in-vpc"}

var _ = Describe("The committed community plans", Ordered, Label("terraform"), func() {
	var root, shared string

	BeforeAll(func() {
		if !testtier.Enabled(testtier.Terraform) {
			Skip(testtier.SkipMessage(testtier.Terraform))
		}
		var err error
		root, err = planner.RepoRoot(".")
		Expect(err).NotTo(HaveOccurred())
		shared = os.Getenv("LETSLEEP_SHARED_DIR")
		if shared == "" {
			shared = filepath.Join(root, "..", "shared")
		}
		if _, err := os.Stat(filepath.Join(shared, "terraform-offline", "plan.sh")); err != nil {
			msg := fmt.Sprintf("no %s: clone shared/ beside the repository or set LETSLEEP_SHARED_DIR", filepath.Join(shared, "terraform-offline", "plan.sh"))
			if os.Getenv("CI") == "true" {
				Fail(msg)
			}
			Skip("SKIPPING COMMUNITY RE-PLAN: " + msg)
		}
	})

	It("are current: planning "+fmt.Sprint(replanned)+" again gives the same resource addresses", func(ctx SpecContext) {
		// Plan copies, so the committed plan.json files are never overwritten;
		// the copies sit at the same depth below a link to shared/, so the
		// stacks' relative module sources resolve as in the repository.
		work := GinkgoT().TempDir()
		Expect(os.Symlink(shared, filepath.Join(work, "shared"))).To(Succeed())
		var dirs []string
		for _, name := range replanned {
			dst := filepath.Join(work, "repo", "terraform", "community", name)
			Expect(planner.CopyTerraform(filepath.Join(root, "terraform", "community", name), dst)).To(Succeed())
			// Only a plan made now may be compared with the committed one.
			Expect(os.Remove(filepath.Join(dst, "plan.json"))).To(Succeed())
			dirs = append(dirs, dst)
		}
		out, err := planOffline(ctx, filepath.Join(shared, "terraform-offline", "plan.sh"), dirs)
		Expect(err).NotTo(HaveOccurred(), "plan.sh failed:\n%s", out)

		for i, name := range replanned {
			fresh := addresses(readPlan(filepath.Join(dirs[i], "plan.json")))
			committed := addresses(readPlan(filepath.Join(root, "terraform", "community", name, "plan.json")))
			Expect(fresh).To(Equal(committed), "%s: the committed plan.json is stale; run make community-plans", name)
		}
	}, SpecTimeout(20*time.Minute))
})

// planOffline runs shared's plan.sh on dirs, once more when it died before
// planning anything. plan.sh looks for the provider mirror with `find /`
// under `set -e`: on a busy machine (parallel test packages creating and
// removing temp folders) find meets a folder that vanished, exits 1, and
// the script stops with no word. A failure to plan says "FAILED <dir>" and
// is never retried.
func planOffline(ctx context.Context, script string, dirs []string) ([]byte, error) {
	out, err := exec.CommandContext(ctx, script, dirs...).CombinedOutput()
	if err == nil || strings.Contains(string(out), "FAILED ") || strings.Contains(string(out), "planned ") || ctx.Err() != nil {
		return out, err
	}
	AddReportEntry("plan.sh retried", fmt.Sprintf("plan.sh exited (%v) before planning anything, with output %q; retried once", err, out))
	return exec.CommandContext(ctx, script, dirs...).CombinedOutput()
}
