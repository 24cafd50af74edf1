package community_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/letsleep/letsleep/internal/explain"
	"github.com/letsleep/letsleep/internal/planner"
	"github.com/letsleep/letsleep/suites/internal/labsuite"
)

// cleanStack is the sleep-first design written with the community modules.
const cleanStack = "sleep-first"

// ContinueOnFailure: one stack must not hide the verdict on the others.
var _ = Describe("Stacks built from the terraform-aws-modules community modules", Ordered, ContinueOnFailure, func() {
	root, rootErr := planner.RepoRoot(".")
	names, listErr := communityStacks(root)

	var (
		cli      letsleep
		problems = map[string][]string{} // stack → what letsleep gets wrong today
		pending  = map[string]string{}   // stack → its "pending" note
	)

	BeforeAll(func(ctx SpecContext) {
		Expect(rootErr).NotTo(HaveOccurred())
		Expect(listErr).NotTo(HaveOccurred())
		bin, err := gexec.Build("github.com/letsleep/letsleep/cmd/letsleep")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
		cli = letsleep{bin: bin}
		cli.checkSource, err = cli.acceptsSource(ctx, "check")
		Expect(err).NotTo(HaveOccurred())
		cli.explainSource, err = cli.acceptsSource(ctx, "explain")
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(10*time.Minute))

	It("holds at least 12 stacks, the clean sleep-first design among them", func() {
		Expect(len(names)).To(BeNumerically(">=", 12))
		Expect(names).To(ContainElement(cleanStack))
		exp, err := loadExpectation(filepath.Join(root, "terraform", "community", cleanStack, "expected.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(exp.Findings).To(BeEmpty(), "the sleep-first design must expect no finding")
	})

	for _, name := range names {
		dir := filepath.Join(root, "terraform", "community", name)
		planFile := filepath.Join(dir, "plan.json")

		It("keeps "+name+" a documented stack built only from the community modules", func() {
			exp, err := loadExpectation(filepath.Join(dir, "expected.json"))
			Expect(err).NotTo(HaveOccurred())
			readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
			Expect(err).NotTo(HaveOccurred())
			if len(exp.Findings) == 0 {
				Expect(string(readme)).To(ContainSubstring("Clean:"))
			} else {
				Expect(string(readme)).To(ContainSubstring("Mistake:"))
				Expect(exp.Findings).NotTo(BeEmpty(), "a wrong wiring must state what it gets wrong")
			}

			doc := readPlan(planFile)
			addrs := addresses(doc)
			for _, f := range exp.Findings {
				Expect(addrs).To(HaveKey(f.Resource), "expected.json names %s, which the plan does not hold", f.Resource)
				Expect(string(readme)).To(ContainSubstring("`"+f.Category+"`"), "README does not state %s", f.Category)
				Expect(string(readme)).To(ContainSubstring("`"+f.Resource+"`"), "README does not name %s", f.Resource)
			}
			Expect(doc.Config.RootModule.ModuleCalls).NotTo(BeEmpty())
			Expect(communityCalls(dir, filepath.Join(root, "..", "shared", "community-modules"), dir, doc.Config.RootModule.ModuleCalls)).To(Succeed())
			Expect(doc.Timestamp).To(BeEmpty(), "plan.json was not written by make community-plans (it drops the timestamp)")
			for _, leftover := range []string{".terraform", ".terraform.lock.hcl", "terraform.tfstate"} {
				Expect(filepath.Join(dir, leftover)).NotTo(BeAnExistingFile())
			}
		})

		It("finds exactly the expected findings in "+name, func(ctx SpecContext) {
			exp, err := loadExpectation(filepath.Join(dir, "expected.json"))
			Expect(err).NotTo(HaveOccurred())
			got, err := stackProblems(ctx, cli, name, dir, planFile, exp)
			Expect(err).NotTo(HaveOccurred(), "letsleep could not check %s", name)
			problems[name] = got
			if exp.Pending == "" {
				Expect(len(got)).To(BeZero(), "%s is not exact:\n  %s", name, strings.Join(got, "\n  "))
				return
			}
			pending[name] = exp.Pending
			By(fmt.Sprintf("PENDING %s: %s", name, exp.Pending))
			AddReportEntry("PENDING "+name, exp.Pending+"\n  "+strings.Join(got, "\n  "), ReportEntryVisibilityAlways)
			Expect(got).NotTo(BeEmpty(), "%s is marked pending (%q), yet letsleep now gets it exactly right: remove \"pending\" from its expected.json", name, exp.Pending)
		}, SpecTimeout(3*time.Minute))

		It("never passes "+name+" silently when read without its sources", func(ctx SpecContext) {
			exp, err := loadExpectation(filepath.Join(dir, "expected.json"))
			Expect(err).NotTo(HaveOccurred())
			got, missing, err := planAloneProblems(ctx, cli, planFile, exp)
			Expect(err).NotTo(HaveOccurred(), "letsleep could not check %s without sources", name)
			if len(missing) > 0 {
				AddReportEntry("WITHOUT SOURCES "+name, "not found exactly without the sources (an assumption stands in):\n  "+strings.Join(missing, "\n  "), ReportEntryVisibilityAlways)
			}
			Expect(got).To(BeEmpty(), "%s without sources:\n  %s", name, strings.Join(got, "\n  "))
		}, SpecTimeout(3*time.Minute))
	}

	AfterAll(func() {
		exact, checked := 0, 0
		var pendingNames, notes []string
		for _, name := range names {
			got, ran := problems[name]
			if !ran {
				continue
			}
			checked++
			if len(got) == 0 {
				exact++
			}
			if note, ok := pending[name]; ok {
				pendingNames = append(pendingNames, name)
				notes = append(notes, fmt.Sprintf("  %s: %s\n", name, note))
			}
		}
		source := "plans read with --source <stack>"
		if !cli.checkSource {
			source = "plans read alone: this letsleep has no --source"
		}
		labsuite.Report(func(w io.Writer) {
			fmt.Fprintf(w, "community stacks: %d/%d exact, pending: %s [%s]\n%s", exact, checked, orNone(pendingNames), source, strings.Join(notes, ""))
		})
	})
})

// stackProblems lists everything letsleep gets wrong on one stack: findings
// missing or extra at medium or above, the exit code, findings that rest on
// an assumption where the truth is known, and real paths explain does not
// show. An empty list means the stack is exact.
func stackProblems(ctx context.Context, cli letsleep, name, dir, planFile string, exp expectation) ([]string, error) {
	findings, code, err := cli.check(ctx, dir, planFile)
	if err != nil {
		return nil, err
	}
	want := map[finding]bool{}
	for _, f := range exp.Findings {
		want[f] = true
	}
	var problems []string
	got := map[finding]bool{}
	for _, f := range findings {
		key := finding{f.Category, f.Resource}
		switch {
		case len(exp.Findings) == 0 && f.restsOnAssumption():
			problems = append(problems, fmt.Sprintf("rests on an assumption on the clean design: %s %s", f.Severity, key))
		case want[key] && f.restsOnAssumption():
			problems = append(problems, fmt.Sprintf("found, but through an assumption, not the real path: %s", key))
		}
		if f.atLeastMedium() {
			got[key] = true
		}
	}
	for f := range want {
		if !got[f] {
			problems = append(problems, "missing: "+f.String())
		}
	}
	for f := range got {
		if !want[f] {
			problems = append(problems, "extra: "+f.String())
		}
	}
	if wantCode := map[bool]int{true: 1, false: 0}[len(exp.Findings) > 0]; code != wantCode {
		problems = append(problems, fmt.Sprintf("exit code %d, want %d", code, wantCode))
	}
	for _, p := range networkPaths[name] {
		ex, text, err := cli.explain(ctx, dir, planFile, p.function)
		if err != nil {
			return nil, err
		}
		problems = append(problems, pathProblems(ex, text, p)...)
	}
	for _, n := range cannotGoOut[name] {
		ex, _, err := cli.explain(ctx, dir, planFile, n.function)
		if err != nil {
			return nil, err
		}
		if ex.Function == nil || len(ex.Function.Egress) > 0 {
			problems = append(problems, fmt.Sprintf("explain %s: it has no way out, yet letsleep shows egress %s", n.function, egressKinds(ex)))
		}
	}
	slices.Sort(problems)
	return problems, nil
}

func egressKinds(ex *explain.Explanation) []string {
	if ex.Function == nil {
		return []string{"(not explained as a function)"}
	}
	var out []string
	for _, p := range ex.Function.Egress {
		out = append(out, p.Kind)
	}
	return out
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

func readPlan(path string) *tfjson.Plan {
	GinkgoHelper()
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "the committed plan is missing: run make community-plans")
	var doc tfjson.Plan
	Expect(doc.UnmarshalJSON(raw)).To(Succeed())
	Expect(doc.Config).NotTo(BeNil())
	return &doc
}

// addresses lists every resource address the plan changes or reads.
func addresses(doc *tfjson.Plan) map[string]bool {
	out := map[string]bool{}
	for _, rc := range doc.ResourceChanges {
		out[rc.Address] = true
	}
	return out
}
