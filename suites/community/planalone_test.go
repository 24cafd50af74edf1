package community_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/report"
)

// communityCalls checks that every module call of a stack is a community
// module (shared/community-modules, beside the repository root) or a
// wrapper module kept inside the stack that itself calls only those, as
// teams write a house module around the community ones.
func communityCalls(stackDir, shared, moduleDir string, calls map[string]*tfjson.ModuleCall) error {
	for name, mc := range calls {
		target := filepath.Clean(filepath.Join(moduleDir, mc.Source))
		switch {
		case within(target, shared):
		case within(target, stackDir) && mc.Module != nil && len(mc.Module.ModuleCalls) > 0:
			if err := communityCalls(stackDir, shared, target, mc.Module.ModuleCalls); err != nil {
				return fmt.Errorf("wrapper module %q: %w", name, err)
			}
		default:
			return fmt.Errorf("module %q (source %q) is neither a community module nor a wrapper of them inside the stack", name, mc.Source)
		}
	}
	return nil
}

func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// planAloneProblems checks a stack's plan read without its sources (a copy
// in a folder with no .tf files, run from there), as a user who runs
// `letsleep check plan.json` in CI without the configuration would. Without
// the sources letsleep may not know a path exactly; it must then say so at
// medium, never pass a wrong wiring (exit 0) and never raise a finding above
// medium on a guess. problems are what breaks that; missing lists the
// expected findings that only an assumption (or nothing at medium) stands
// for, which the caller reports.
func planAloneProblems(ctx context.Context, cli letsleep, planFile string, exp expectation) (problems, missing []string, err error) {
	work, err := os.MkdirTemp("", "letsleep-planalone-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(work)
	raw, err := os.ReadFile(planFile)
	if err != nil {
		return nil, nil, err
	}
	alone := filepath.Join(work, "plan.json")
	if err := os.WriteFile(alone, raw, 0o644); err != nil {
		return nil, nil, err
	}
	findings, code, err := cli.checkIn(ctx, work, alone)
	if err != nil {
		return nil, nil, err
	}
	exact := map[finding]bool{}
	for _, f := range findings {
		key := finding{f.Category, f.Resource}
		if f.restsOnAssumption() && report.Rank(f.Severity) > report.Rank("medium") {
			problems = append(problems, fmt.Sprintf("%s %s rests on an assumption yet is above medium", f.Severity, key))
		}
		if len(exp.Findings) == 0 && report.Rank(f.Severity) > report.Rank("medium") {
			problems = append(problems, fmt.Sprintf("clean design: %s %s", f.Severity, key))
		}
		if f.atLeastMedium() && !f.restsOnAssumption() {
			exact[key] = true
		}
	}
	if len(exp.Findings) > 0 && code != 1 {
		problems = append(problems, fmt.Sprintf("exit code %d: a wrong wiring passed without its sources", code))
	}
	for _, f := range exp.Findings {
		if !exact[f] {
			missing = append(missing, f.String())
		}
	}
	slices.Sort(problems)
	slices.Sort(missing)
	return problems, missing, nil
}
