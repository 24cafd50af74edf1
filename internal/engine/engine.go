// Package engine evaluates the Rego checks (built-in and user) over the
// boundary model. Modules are parsed and compiled once in New; the enabled
// checks are dealt into one query per core (see splitChecks), prepared once
// and reused by every Eval.
package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// Profiles.
const (
	ProfileSleepFirst = "sleep-first"
	ProfileAlwaysOn   = "always-on"
)

// Profiles lists the valid values of Options.Profile.
var Profiles = []string{ProfileSleepFirst, ProfileAlwaysOn}

// DefaultTimeout bounds one evaluation when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

var (
	// ErrPolicy marks errors caused by a policy: Rego that does not parse or
	// compile, bad METADATA, a check that emits malformed findings, or an
	// evaluation that fails or runs too long. The CLI exits 2 on it.
	ErrPolicy = errors.New("policy error")
	// ErrTimeout marks an evaluation stopped by Options.Timeout. It always
	// comes together with ErrPolicy.
	ErrTimeout = errors.New("policy evaluation timed out")
	// ErrUsage marks invalid Options (an unknown profile).
	ErrUsage = errors.New("invalid engine options")
)

// Options configures an Engine.
type Options struct {
	// PolicyDirs are directories (or single .rego files) of user checks.
	// Files ending in _test.rego are not loaded.
	PolicyDirs []string
	// Profile is sleep-first (default) or always-on. Checks whose METADATA
	// `profiles` does not name the profile are not evaluated.
	Profile string
	// Strict is passed to the policies as input.config.strict.
	Strict bool
	// Timeout bounds one Eval; zero means DefaultTimeout.
	Timeout time.Duration
}

// Check describes one loaded check.
type Check struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Category    string   `json:"category"`
	Severity    string   `json:"severity"`
	Profiles    []string `json:"profiles,omitempty"` // empty means every profile
	Remediation string   `json:"remediation,omitempty"`
	Package     string   `json:"package"` // e.g. letsleep.checks.nat_gateway
	File        string   `json:"file"`
	Builtin     bool     `json:"builtin"`
	Enabled     bool     `json:"enabled"` // enabled under the engine's profile
}

// Engine holds the compiled policies and the prepared queries. It is safe for
// concurrent use: Eval only reads it.
type Engine struct {
	opts    Options
	checks  []Check          // every check, sorted by ID
	enabled map[string]check // by package path

	queries  []rego.PreparedEvalQuery // disjoint groups of enabled checks
	usesPlan bool
}

// New loads the built-in and user modules, compiles them once and prepares
// the evaluation queries.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Profile == "" {
		opts.Profile = ProfileSleepFirst
	}
	if !validProfile(opts.Profile) {
		return nil, fmt.Errorf("%w: unknown profile %q (use %s or %s)", ErrUsage, opts.Profile, ProfileSleepFirst, ProfileAlwaysOn)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	srcs, err := loadSources(opts.PolicyDirs)
	if err != nil {
		return nil, err
	}
	mods, err := parseSources(srcs)
	if err != nil {
		return nil, err
	}
	compiler, err := compile(mods)
	if err != nil {
		return nil, err
	}
	checks, err := discoverChecks(compiler, srcs)
	if err != nil {
		return nil, err
	}
	e := &Engine{opts: opts, enabled: map[string]check{}, usesPlan: referencesPlan(compiler)}
	for _, c := range checks {
		c.Enabled = enabledFor(c.Check, opts.Profile)
		if c.Enabled {
			e.enabled[c.Package] = c
		}
		e.checks = append(e.checks, c.Check)
	}
	sort.Slice(e.checks, func(i, j int) bool { return e.checks[i].ID < e.checks[j].ID })
	for _, group := range splitChecks(e.enabled, queryGroups()) {
		q, err := rego.New(
			rego.ParsedQuery(queryBody(group)),
			rego.Compiler(compiler),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: prepare query: %v", ErrPolicy, err)
		}
		e.queries = append(e.queries, q)
	}
	return e, nil
}

// Catalogue returns every loaded check (enabled or not), sorted by ID.
func (e *Engine) Catalogue() []Check {
	out := make([]Check, len(e.checks))
	copy(out, e.checks)
	return out
}

// KnownRules returns the ids of every loaded check (enabled under the profile
// or not), sorted: waivers may name any of them.
func (e *Engine) KnownRules() []string {
	out := make([]string, len(e.checks))
	for i, c := range e.checks {
		out[i] = c.ID
	}
	return out
}

// UsesPlan reports whether some loaded module reads input.plan, in which case
// Eval materialises the raw plan.
func (e *Engine) UsesPlan() bool { return e.usesPlan }

// Profile is the profile the engine evaluates under.
func (e *Engine) Profile() string { return e.opts.Profile }

func validProfile(p string) bool {
	for _, v := range Profiles {
		if v == p {
			return true
		}
	}
	return false
}

func enabledFor(c Check, profile string) bool {
	if len(c.Profiles) == 0 {
		return true
	}
	for _, p := range c.Profiles {
		if p == profile {
			return true
		}
	}
	return false
}

// maxQueryGroups caps the concurrent queries: a helper rule that checks of
// two groups share is evaluated once per group, so more groups than cores
// only add CPU. Measured on 2 cores; more is untried.
const maxQueryGroups = 4

func queryGroups() int { return min(runtime.GOMAXPROCS(0), maxQueryGroups) }

// queryBody builds `x = {"<package>": data.<package>.deny, ...}`: one query
// that evaluates exactly the enabled checks.
func queryBody(enabled map[string]check) ast.Body {
	keys := make([]string, 0, len(enabled))
	for k := range enabled {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([][2]*ast.Term, 0, len(keys))
	for _, k := range keys {
		ref := enabled[k].ref.Append(ast.StringTerm("deny"))
		pairs = append(pairs, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(ref)})
	}
	return ast.NewBody(ast.Equality.Expr(ast.VarTerm(resultVar), ast.ObjectTerm(pairs...)))
}

const resultVar = "checks"
