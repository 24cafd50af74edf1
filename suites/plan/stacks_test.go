package plan_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gruntwork-io/terratest/modules/files"
	tfjson "github.com/hashicorp/terraform-json"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sync/errgroup"

	"github.com/letsleep/letsleep/internal/planner"
	"github.com/letsleep/letsleep/internal/runner"
	"github.com/letsleep/letsleep/internal/testtier"
	"github.com/letsleep/letsleep/internal/tftree"
)

// planJobs bounds concurrent terraform runs: the machine has two cores and
// each plan spends most of its time in the provider.
const planJobs = 2

// stack is one Terraform root the suite plans: the reference or an example.
type stack struct {
	Name string // "reference" or the example folder name
	Rel  string // path under terraform/
}

// onlyEnv names a comma-separated list of examples to plan instead of all
// of them (the reference is always planned): planning is the slow part, and
// a Ginkgo focus cannot tell BeforeAll which stacks its specs need.
const onlyEnv = "LETSLEEP_PLAN_ONLY"

func stacks(root string) ([]stack, error) {
	list := []stack{{Name: "reference", Rel: "stacks/reference"}}
	entries, err := os.ReadDir(filepath.Join(root, "terraform", "examples"))
	if err != nil {
		return nil, fmt.Errorf("list examples: %w", err)
	}
	only, unseen := map[string]bool{}, map[string]bool{}
	for _, n := range strings.Split(os.Getenv(onlyEnv), ",") {
		if n = strings.TrimSpace(n); n != "" {
			only[n], unseen[n] = true, true
		}
	}
	for _, e := range entries {
		if e.IsDir() && (len(only) == 0 || only[e.Name()]) {
			list = append(list, stack{Name: e.Name(), Rel: filepath.Join("examples", e.Name())})
			delete(unseen, e.Name())
		}
	}
	if len(unseen) > 0 {
		var unknown []string
		for n := range unseen {
			unknown = append(unknown, n)
		}
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s names %s, not folders of terraform/examples", onlyEnv, strings.Join(unknown, ", "))
	}
	return list, nil
}

// ContinueOnFailure: one wrong example must not hide the verdict on the others.
var _ = Describe("The reference stack and the wrong wirings", Ordered, ContinueOnFailure, func() {
	root, rootErr := planner.RepoRoot(".")
	all, listErr := stacks(root)

	var (
		mu       sync.Mutex
		planFile = map[string]string{} // stack name → plan JSON on disk
		planErr  = map[string]error{}
	)

	BeforeAll(func(ctx SpecContext) {
		testtier.Gate(testtier.Terraform, Fail, Skip)
		Expect(rootErr).NotTo(HaveOccurred())
		Expect(listErr).NotTo(HaveOccurred())
		// The CLI config points terraform at the local provider mirror; write it
		// with scripts/terraformrc.sh when a fresh checkout has none. Only here,
		// behind the tier: writing it warms the plugin cache with terraform init,
		// which plain `go test ./...` must never run.
		rc, err := planner.EnsureTerraformRC(root)
		Expect(err).NotTo(HaveOccurred(), "offline terraform needs build/terraformrc")

		// Plan a copy of terraform/ so that .terraform folders and lock files
		// never land in the source tree, and runs in parallel cannot collide.
		work, err := os.MkdirTemp("", "letsleep-plan-suite-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, work) // after the last spec of this container
		tree, err := files.CopyTerraformFolderToDest(filepath.Join(root, "terraform"), work, "tf")
		Expect(err).NotTo(HaveOccurred())
		out := filepath.Join(work, "plans")
		Expect(os.MkdirAll(out, 0o755)).To(Succeed())

		planOne := func(s stack) {
			if ctx.Err() != nil { // interrupted or out of time: plan nothing more
				mu.Lock()
				planErr[s.Name] = ctx.Err()
				mu.Unlock()
				return
			}
			opts := planner.Options(filepath.Join(tree, s.Rel), filepath.Join(out, s.Name+".tfplan"), rc)
			js, err := planner.PlanJSONE(GinkgoT(), opts)
			file := filepath.Join(out, s.Name+".json")
			if err == nil {
				err = os.WriteFile(file, []byte(js), 0o644)
			}
			mu.Lock()
			defer mu.Unlock()
			planFile[s.Name], planErr[s.Name] = file, err
		}

		start := time.Now()
		// The first init fills the shared plugin cache; the rest only link from it.
		planOne(all[0])
		var g errgroup.Group
		g.SetLimit(planJobs)
		for _, s := range all[1:] {
			g.Go(func() error { planOne(s); return nil })
		}
		Expect(g.Wait()).To(Succeed())
		fmt.Fprintf(GinkgoWriter, "planned %d stacks in %s\n", len(all), time.Since(start).Round(time.Second))
	}, NodeTimeout(30*time.Minute))

	planned := func(name string) string {
		GinkgoHelper()
		Expect(planErr[name]).NotTo(HaveOccurred(), "terraform could not plan %s offline", name)
		return planFile[name]
	}

	It("lists at least 12 wrong-wiring examples", func() {
		if os.Getenv(onlyEnv) != "" {
			Skip(onlyEnv + " is set: only some examples are planned, so their count says nothing")
		}
		Expect(len(all) - 1).To(BeNumerically(">=", 12))
	})

	It("plans the reference stack with nested modules and indexed resources", func() {
		addrs := planAddresses(planned("reference"))
		Expect(addrs).To(HaveKey("module.stack.module.aurora.aws_rds_cluster.this"))
		Expect(addrs).To(HaveKey(`module.stack.module.aurora.aws_rds_cluster_instance.this["writer"]`))
		Expect(addrs).To(HaveKey("module.stack.module.network.aws_subnet.private[1]"))
		Expect(addrs).To(HaveKey(`module.stack.module.network.aws_vpc_endpoint.interface["lambda"]`))
		for a := range addrs {
			Expect(a).NotTo(ContainSubstring("aws_nat_gateway"), "the reference stack has no NAT")
			Expect(a).NotTo(ContainSubstring("aws_db_proxy"), "the reference stack has no proxy")
		}
	})

	It("uses no data source that calls AWS in any stack", func() {
		for _, s := range all {
			doc := readPlan(planned(s.Name))
			Expect(doc.Config).NotTo(BeNil())
			for _, d := range dataSources(doc.Config.RootModule, "") {
				Expect(offlineDataSources).To(HaveKey(d.kind), "%s: %s reads AWS during plan", s.Name, d.addr)
			}
		}
	})

	for _, s := range all {
		dir := filepath.Join(root, "terraform", s.Rel)

		It(fmt.Sprintf("finds exactly the expected findings at medium or above in %s", s.Name), func(ctx SpecContext) {
			want, err := loadExpected(filepath.Join(dir, "expected.json"))
			Expect(err).NotTo(HaveOccurred())
			if s.Name == "reference" || tftree.IsCleanExample(s.Name) {
				Expect(want).To(BeEmpty(), "%s must be clean", s.Name)
			} else {
				Expect(want).NotTo(BeEmpty(), "an example must state what it gets wrong")
			}

			file := planned(s.Name)
			rep, err := check(ctx, file, runner.ProfileSleepFirst)
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.Plans).To(HaveLen(1))

			missing, extra := diff(want, atLeast(rep, "medium"))
			Expect(missing).To(BeEmpty(), "%s\n%s", s.Name, describeDiff(missing, extra))
			Expect(extra).To(BeEmpty(), "%s\n%s", s.Name, describeDiff(missing, extra))
			Expect(rep.Summary.Failed).To(Equal(len(want) > 0))
		}, SpecTimeout(2*time.Minute))

		It(fmt.Sprintf("drops only the sleep rules under the always-on profile in %s", s.Name), func(ctx SpecContext) {
			want, err := loadExpected(filepath.Join(dir, "expected.json"))
			Expect(err).NotTo(HaveOccurred())
			awake := pairSet{}
			for p := range want {
				if !sleepFirstOnly[p.Category] {
					awake[p] = true
				}
			}
			rep, err := check(ctx, planned(s.Name), runner.ProfileAlwaysOn)
			Expect(err).NotTo(HaveOccurred())
			missing, extra := diff(awake, atLeast(rep, "medium"))
			Expect(missing).To(BeEmpty(), "%s (always-on)\n%s", s.Name, describeDiff(missing, extra))
			Expect(extra).To(BeEmpty(), "%s (always-on)\n%s", s.Name, describeDiff(missing, extra))
		}, SpecTimeout(2*time.Minute))

		if s.Name == "reference" {
			continue
		}
		It(fmt.Sprintf("documents the mistake of %s and names real resources in its expectations", s.Name), func() {
			readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
			Expect(err).NotTo(HaveOccurred())
			if tftree.IsCleanExample(s.Name) {
				// A clean example looks wrong and says why it is not.
				Expect(string(readme)).To(ContainSubstring("Looks wrong:"))
				Expect(string(readme)).To(ContainSubstring("Why it is fine:"))
			} else {
				Expect(string(readme)).To(ContainSubstring("Mistake:"))
			}
			Expect(string(readme)).To(ContainSubstring("Expected:"))

			want, err := loadExpected(filepath.Join(dir, "expected.json"))
			Expect(err).NotTo(HaveOccurred())
			addrs := planAddresses(planned(s.Name))
			for p := range want {
				Expect(addrs).To(HaveKey(p.Resource), "expected.json names %s, which the plan does not hold", p.Resource)
				Expect(string(readme)).To(ContainSubstring(p.Category), "README does not state the expected %s", p.Category)
				Expect(string(readme)).To(ContainSubstring("`"+strings.TrimSpace(p.Resource)+"`"), "README does not name %s", p.Resource)
			}
		})
	}
})

// offlineDataSources are computed by the provider without an AWS call.
var offlineDataSources = map[string]bool{"aws_iam_policy_document": true}

type dataSource struct{ kind, addr string }

// dataSources lists every data block of a configuration, modules included.
func dataSources(m *tfjson.ConfigModule, prefix string) []dataSource {
	if m == nil {
		return nil
	}
	var out []dataSource
	for _, r := range m.Resources {
		if r.Mode == tfjson.DataResourceMode {
			out = append(out, dataSource{r.Type, prefix + r.Address})
		}
	}
	for name, call := range m.ModuleCalls {
		out = append(out, dataSources(call.Module, prefix+"module."+name+".")...)
	}
	return out
}

// sleepFirstOnly are the categories of the rules the always-on profile turns
// off (the rule catalogue in docs/ARCHITECTURE.md).
var sleepFirstOnly = map[string]bool{
	"hot-path-reaches-db": true,
	"nat-gateway":         true,
	"rds-proxy":           true,
	"db-never-sleeps":     true,
	"dynamodb-no-ttl":     true,
	"warmup-unthrottled":  true,
}
