// Package runner wires the pipeline: load each plan, build the boundary
// model, evaluate the policies once per plan, apply waivers, and summarise.
package runner

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
)

// Profiles a check can run under.
const (
	ProfileSleepFirst = "sleep-first"
	ProfileAlwaysOn   = "always-on"
)

// FailOnNone is the --fail-on value that never fails on a finding's
// severity (soft fail: report, exit 0); --strict still fails on unanalysed.
const FailOnNone = "none"

// Options configure a check run. The zero value checks nothing; Paths is required.
type Options struct {
	Paths       []string
	Profile     string // sleep-first (default) or always-on
	FailOn      string // severity threshold, default medium
	PolicyDirs  []string
	WaiversFile string
	ConfigFile  string
	Strict      bool          // findings of category unanalysed fail the run
	Skip        []string      // rule ids or categories whose findings are dropped
	Only        []string      // when set, only these rule ids or categories report
	Timeout     time.Duration // bound on policy evaluation, default 60s
	Progress    io.Writer     // step-by-step progress; nil keeps quiet
	Now         func() time.Time
	Plan        plan.Options
	// Source is the folder of the Terraform sources of a plan file (a
	// directory check reads the directory). Empty: the plan file's folder
	// when it holds .tf files, else the working directory when it does.
	Source string
	// SourceRoot makes finding locations relative; default the git top
	// level of the sources.
	SourceRoot string
}

func (o Options) withDefaults() Options {
	if o.Profile == "" {
		o.Profile = ProfileSleepFirst
	}
	if o.FailOn == "" {
		o.FailOn = "medium"
	}
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func (o Options) validate() error {
	if len(o.Paths) == 0 {
		return usageErrorf("no PATH given: pass a plan JSON, a binary plan or a terraform directory")
	}
	if o.Profile != ProfileSleepFirst && o.Profile != ProfileAlwaysOn {
		return usageErrorf("unknown --profile %q: use sleep-first or always-on", o.Profile)
	}
	if report.Rank(o.FailOn) == 0 && o.FailOn != FailOnNone {
		return usageErrorf("unknown --fail-on %q: use one of critical, high, medium, low, info, none", o.FailOn)
	}
	if o.Timeout < 0 {
		return usageErrorf("--timeout must be positive")
	}
	return nil
}

// Analysis is the result for one plan before waivers.
type Analysis struct {
	// Plan is the loaded plan without its typed document (Plan.Doc is
	// nil): Analyze drops it once the model is built (see there).
	Plan     *plan.Plan
	Model    *model.Model
	Findings []report.Finding
	// Catalogue is every loaded check, so that a command can tell an
	// unknown rule id from a rule without findings.
	Catalogue []engine.Check
	Sources   *Sources // nil when no sources were read

	census census // the plan's resources by provider, for the summary
}

// Analyzer holds the compiled policies so that many plans reuse one prepared query.
type Analyzer struct {
	opts   Options
	cfg    model.Config
	engine *engine.Engine
	stages *stages
}

// NewAnalyzer compiles the policies and reads the boundary config once.
func NewAnalyzer(ctx context.Context, opts Options) (*Analyzer, error) {
	opts = opts.withDefaults()
	cfg, err := loadConfig(opts.ConfigFile)
	if err != nil {
		return nil, err
	}
	st := newStages(opts.Progress)
	done := st.step("compile policies", "")
	eng, err := engine.New(ctx, engine.Options{
		PolicyDirs: opts.PolicyDirs,
		Profile:    opts.Profile,
		Strict:     opts.Strict,
		Timeout:    opts.Timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	done()
	return &Analyzer{opts: opts, cfg: cfg, engine: eng, stages: st}, nil
}

// Engine exposes the compiled policies, for the catalogue.
func (a *Analyzer) Engine() *engine.Engine { return a.engine }

// Timings is how long each stage took so far, in the order they finished.
func (a *Analyzer) Timings() []Timing { return a.stages.list() }

// Analyze loads one PATH, builds its model and evaluates the policies.
func (a *Analyzer) Analyze(ctx context.Context, path string) (*Analysis, error) {
	p, m, src, err := loadAndBuild(ctx, path, a.opts, a.cfg, a.stages)
	if err != nil {
		return nil, err
	}
	// The typed document is most of the live heap once the model is built
	// (163 of 184 MiB on the 50k community plan) and nothing reads it
	// after the census: dropped here, evaluation runs beside the model and
	// the policy input alone (live heap 292 -> 122 MiB there). input.plan,
	// when a policy reads it, is decoded again from the raw plan.
	cen := takeCensus(p)
	p.Doc = nil
	done := a.stages.step("evaluate policies", path)
	findings, err := a.engine.Eval(ctx, m, func() (any, error) { return p.Generic() })
	if err != nil {
		return nil, fmt.Errorf("evaluate policies on %s: %w", path, err)
	}
	done()
	for i := range findings {
		findings[i].Source = p.Source
		findings[i].Location = src.Locate(findings[i].Resource)
	}
	return &Analysis{Plan: p, Model: m, Findings: findings, Catalogue: a.engine.Catalogue(), Sources: src, census: cen}, nil
}

// BuildModel loads one PATH and builds its boundary model, without policies.
func BuildModel(ctx context.Context, path string, opts Options) (*model.Model, error) {
	_, m, err := BuildPlanModel(ctx, path, opts)
	return m, err
}

// BuildPlanModel is BuildModel that also hands back the loaded plan, for a
// command that reads more of it than the model holds (cost: the region).
func BuildPlanModel(ctx context.Context, path string, opts Options) (*plan.Plan, *model.Model, error) {
	opts = opts.withDefaults()
	cfg, err := loadConfig(opts.ConfigFile)
	if err != nil {
		return nil, nil, err
	}
	p, m, _, err := loadAndBuild(ctx, path, opts, cfg, newStages(opts.Progress))
	return p, m, err
}

func loadConfig(path string) (model.Config, error) {
	if path == "" {
		return model.Config{}, nil
	}
	c, err := model.LoadConfig(path)
	if err != nil {
		return model.Config{}, fmt.Errorf("load config: %w", err)
	}
	return *c, nil
}

func loadAndBuild(ctx context.Context, path string, opts Options, cfg model.Config, st *stages) (*plan.Plan, *model.Model, *Sources, error) {
	popts := opts.Plan
	if popts.Progress == nil {
		popts.Progress = opts.Progress
	}
	p, src, notes, err := loadPlanAndSources(ctx, path, opts, popts, st)
	if err != nil {
		return nil, nil, nil, err
	}
	done := st.step("build model", path)
	m, err := model.BuildWithSources(p, cfg, src.refs())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("build model for %s: %w", path, err)
	}
	done()
	if src != nil {
		done = st.step("match sources", path)
		m.Warnings = append(m.Warnings, src.warnings(p)...)
		done()
	}
	for _, n := range notes {
		m.Warnings = append(m.Warnings, model.Warning{Kind: "source", Message: n})
	}
	return p, m, src, nil
}

// loadPlanAndSources loads the plan at path and reads its sources. A
// directory check reads its sources after the load, since terraform init
// installs the registry modules they call; a plan file's sources are
// parsed while the plan loads: neither needs the other, and on two cores
// the parse then costs no wall time.
func loadPlanAndSources(ctx context.Context, path string, opts Options, popts plan.Options, st *stages) (*plan.Plan, *Sources, []string, error) {
	load := func() (*plan.Plan, error) {
		done := st.step("load plan", path)
		p, err := plan.Load(ctx, path, popts)
		if err == nil {
			done()
		}
		return p, err
	}
	read := func(dirCheck bool) (*Sources, []string, error) {
		start := time.Now()
		src, notes, err := readSources(path, opts, dirCheck)
		if err == nil && src != nil {
			st.record("read sources", path, start)
		}
		return src, notes, err
	}
	if isDirCheck(path, opts) {
		p, err := load()
		if err != nil {
			return nil, nil, nil, err
		}
		src, notes, err := read(true)
		src.withPlanVariables(p)
		return p, src, notes, err
	}
	type sourcesRead struct {
		src   *Sources
		notes []string
		err   error
	}
	sources := make(chan sourcesRead, 1)
	go func() {
		src, notes, err := read(false)
		sources <- sourcesRead{src, notes, err}
	}()
	p, err := load()
	sr := <-sources
	switch {
	case err != nil:
		return nil, nil, nil, err
	case sr.err != nil:
		return nil, nil, nil, sr.err
	}
	sr.src.withPlanVariables(p)
	return p, sr.src, sr.notes, nil
}

// Analyze is the one-plan shortcut used by explain, graph and cost.
func Analyze(ctx context.Context, path string, opts Options) (*Analysis, error) {
	opts = opts.withDefaults()
	opts.Paths = []string{path}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	a, err := NewAnalyzer(ctx, opts)
	if err != nil {
		return nil, err
	}
	return a.Analyze(ctx, path)
}
