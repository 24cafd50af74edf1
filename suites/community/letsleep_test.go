package community_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/letsleep/letsleep/internal/explain"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// letsleep is the real command line, built once for the suite, so the specs
// see what a user sees: the JSON contract and the exit code.
type letsleep struct {
	bin string
	// checkSource and explainSource are true when those commands accept
	// --source DIR (the configuration beside the plan); until then the
	// committed plans are read alone, and the summary says so.
	checkSource, explainSource bool
}

// reportedFinding is one finding of `check --format json`, read loosely so
// that fields added later (assumptions) are seen without a code change here.
type reportedFinding struct {
	Category    string            `json:"category"`
	Severity    string            `json:"severity"`
	Resource    string            `json:"resource"`
	Message     string            `json:"message"`
	Unresolved  bool              `json:"unresolved"`
	Assumptions []json.RawMessage `json:"assumptions"`
	Path        []model.Step      `json:"path"`
}

// restsOnAssumption: the finding is a worst-case guess, not a fact.
func (f reportedFinding) restsOnAssumption() bool { return f.Unresolved || len(f.Assumptions) > 0 }

func (f reportedFinding) atLeastMedium() bool {
	return report.Rank(f.Severity) >= report.Rank("medium")
}

func (l letsleep) run(ctx context.Context, args ...string) (stdout string, code int, err error) {
	return l.runIn(ctx, "", args...)
}

// runIn runs letsleep from dir ("" the suite's own folder).
func (l letsleep) runIn(ctx context.Context, dir string, args ...string) (stdout string, code int, err error) {
	stdout, _, code, err = l.runInErr(ctx, dir, args...)
	return stdout, code, err
}

// runInErr is runIn that also returns what letsleep wrote on stderr, where
// an input error (exit 2) says why.
func (l letsleep) runInErr(ctx context.Context, dir string, args ...string) (stdout, stderr string, code int, err error) {
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, l.bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), errOut.String(), 0, nil
	case errors.As(err, &exit):
		return out.String(), errOut.String(), exit.ExitCode(), nil
	default:
		return "", errOut.String(), -1, fmt.Errorf("letsleep %s: %w (%s)", strings.Join(args, " "), err, errOut.String())
	}
}

func withSource(args []string, on bool, stackDir string) []string {
	if on {
		return append(args, "--source", stackDir)
	}
	return args
}

// check runs `letsleep check PLAN --format json` on a stack's committed plan.
func (l letsleep) check(ctx context.Context, stackDir, planFile string) ([]reportedFinding, int, error) {
	return l.checkArgs(ctx, "", planFile, withSource([]string{"check", planFile, "--format", "json", "--fail-on", "medium"}, l.checkSource, stackDir))
}

// checkIn runs `letsleep check PLAN --format json` from dir with no
// --source, so only .tf files in the plan's folder or in dir are read.
func (l letsleep) checkIn(ctx context.Context, dir, planFile string) ([]reportedFinding, int, error) {
	return l.checkArgs(ctx, dir, planFile, []string{"check", planFile, "--format", "json", "--fail-on", "medium"})
}

func (l letsleep) checkArgs(ctx context.Context, dir, planFile string, args []string) ([]reportedFinding, int, error) {
	out, errOut, code, err := l.runInErr(ctx, dir, args...)
	if err != nil {
		return nil, code, err
	}
	if code != 0 && code != 1 {
		// The reason is on stderr; stdout is empty when no report was made.
		return nil, code, fmt.Errorf("letsleep check %s exited %d (input error): %s%s", planFile, code, strings.TrimSpace(errOut), out)
	}
	var rep struct {
		Findings []reportedFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		return nil, code, fmt.Errorf("letsleep check %s: not the JSON report: %w", planFile, err)
	}
	return rep.Findings, code, nil
}

// explain runs `letsleep explain PLAN TARGET` and returns the JSON answer
// and the text a reviewer reads.
func (l letsleep) explain(ctx context.Context, stackDir, planFile, target string) (*explain.Explanation, string, error) {
	out, errOut, code, err := l.runInErr(ctx, "", withSource([]string{"explain", planFile, target, "--format", "json"}, l.explainSource, stackDir)...)
	if err == nil && code != 0 {
		err = fmt.Errorf("letsleep explain %s %s exited %d: %s", planFile, target, code, strings.TrimSpace(errOut))
	}
	if err != nil {
		return nil, "", err
	}
	var ex explain.Explanation
	if err := json.Unmarshal([]byte(out), &ex); err != nil {
		return nil, "", fmt.Errorf("letsleep explain %s %s: not JSON: %w", planFile, target, err)
	}
	text, errOut, code, err := l.runInErr(ctx, "", withSource([]string{"explain", planFile, target}, l.explainSource, stackDir)...)
	if err == nil && code != 0 {
		err = fmt.Errorf("letsleep explain %s %s (text) exited %d: %s", planFile, target, code, strings.TrimSpace(errOut))
	}
	return &ex, text, err
}

// acceptsSource asks `letsleep COMMAND --help` whether it has --source.
func (l letsleep) acceptsSource(ctx context.Context, command string) (bool, error) {
	help, code, err := l.run(ctx, command, "--help")
	if err == nil && code != 0 {
		err = fmt.Errorf("letsleep %s --help exited %d", command, code)
	}
	return strings.Contains(help, "--source"), err
}
