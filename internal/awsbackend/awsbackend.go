package awsbackend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/testing"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/probe"
	"github.com/letsleep/letsleep/internal/terratf"
	"github.com/letsleep/letsleep/internal/tftree"
)

// Options configure New.
type Options struct {
	// Model is the boundary model of the stack (letsleep model --format
	// json); it names the functions, their roles and their derived reach.
	// Nil: New plans the stack it is about to apply and builds the model
	// from that plan.
	Model *model.Model
	// RepoRoot is the letsleep checkout; "" finds it from the working dir.
	RepoRoot string
	// StackDir is the stack to apply, relative to RepoRoot.
	StackDir string // default terraform/stacks/reference
	// Region defaults to AWS_REGION, then eu-west-1.
	Region string
	// AllowWake lets positive controls and deliberate wakes run.
	AllowWake bool
	// CanaryURL is the internet canary; default https://checkip.amazonaws.com/.
	CanaryURL string
	// Architecture of the probe and function binaries; default arm64.
	Architecture string
	// Vars are extra stack variables.
	Vars map[string]any
	// PollInterval paces WaitPaused; default 60 s (the metric's period).
	PollInterval time.Duration
}

func (o *Options) defaults() error {
	if o.RepoRoot == "" {
		root, err := tftree.RepoRoot(".")
		if err != nil {
			return fmt.Errorf("%w: set Options.RepoRoot", err)
		}
		o.RepoRoot = root
	}
	if o.StackDir == "" {
		o.StackDir = "terraform/stacks/reference"
	}
	if o.Region == "" {
		o.Region = os.Getenv("AWS_REGION")
	}
	if o.Region == "" {
		o.Region = "eu-west-1"
	}
	if o.CanaryURL == "" {
		o.CanaryURL = "https://checkip.amazonaws.com/"
	}
	if o.Architecture == "" {
		o.Architecture = "arm64"
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Minute
	}
	return nil
}

// Backend is a deployed stack with a probe twin per function. It
// implements backend.Backend.
type Backend struct {
	opts    Options
	clients Clients
	stack   *Stack
	twins   map[string]string // model address → twin function name

	t         testing.TestingT
	stackTF   *terratf.Options
	twinTF    *terratf.Options
	workDir   string
	closeOnce sync.Once
	closeErr  error
}

var _ backend.Backend = (*Backend)(nil)

// functionPackages are the reference stack's function zips, built fresh.
var functionPackages = []string{"control", "egress", "hot", "warmup"}

// New applies the stack and then a probe twin per function, each with a
// unique name, using credentials from the environment. On any error it
// destroys what it applied before returning. Callers must defer Close
// (Ginkgo: DeferCleanup(b.Close)) the moment New returns a backend.
func New(ctx context.Context, t testing.TestingT, opts Options) (b *Backend, err error) {
	if reason := SkipReason(); reason != "" {
		return nil, errors.New(reason)
	}
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(opts.Region))
	if err != nil {
		return nil, fmt.Errorf("aws backend: load aws config: %w", err)
	}
	b = &Backend{opts: opts, clients: ClientsFromConfig(cfg), t: t}
	defer func() {
		if err != nil {
			err = errors.Join(err, b.Close())
			b = nil
		}
	}()

	if b.workDir, err = os.MkdirTemp("", "letsleep-aws-"); err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}
	// A copy keeps relative module sources working and the checkout clean.
	if err := tftree.CopyTerraform(filepath.Join(opts.RepoRoot, "terraform"), filepath.Join(b.workDir, "terraform")); err != nil {
		return nil, fmt.Errorf("aws backend: copy terraform: %w", err)
	}
	pkgDir := filepath.Join(b.workDir, "packages")
	for _, fn := range functionPackages {
		if err := BuildLambdaZip(ctx, opts.RepoRoot, "./functions/"+fn, opts.Architecture, filepath.Join(pkgDir, fn+".zip")); err != nil {
			return nil, fmt.Errorf("aws backend: %w", err)
		}
	}
	probeZip := filepath.Join(pkgDir, "probe.zip")
	if err := BuildProbeZip(ctx, opts.RepoRoot, opts.Architecture, probeZip); err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}

	id := "lsl-" + strings.ToLower(random.UniqueId())
	vars := map[string]any{
		"name": id, "region": opts.Region, "package_dir": pkgDir,
		// The stack's default zones are eu-west-1's.
		"azs": []string{opts.Region + "a", opts.Region + "b"},
	}
	for k, v := range opts.Vars {
		vars[k] = v
	}
	b.stackTF = tfOptions(filepath.Join(b.workDir, opts.StackDir), vars)
	if b.opts.Model == nil {
		if b.opts.Model, err = b.planModel(ctx); err != nil {
			return nil, err
		}
	}
	if err := terratf.InitAndApply(t, b.stackTF); err != nil {
		return nil, fmt.Errorf("aws backend: apply %s: %w", opts.StackDir, err)
	}
	stateJSON, err := terratf.Show(t, b.stackTF)
	if err != nil {
		return nil, fmt.Errorf("aws backend: read state: %w", err)
	}
	var st tfjson.State
	if err := json.Unmarshal([]byte(stateJSON), &st); err != nil {
		return nil, fmt.Errorf("aws backend: read state: %w", err)
	}
	if b.stack, err = StackFromState(&st); err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}

	targets, err := TwinTargets(b.opts.Model, b.stack)
	if err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}
	fleetDir := filepath.Join(b.workDir, "terraform/modules/probe-twin/fleet")
	if err := writeJSON(filepath.Join(fleetDir, "run.auto.tfvars.json"), map[string]any{
		"region": opts.Region, "name_prefix": id, "targets": targets,
		"probe_zip": probeZip, "architecture": opts.Architecture,
	}); err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}
	b.twinTF = tfOptions(fleetDir, nil)
	if err := terratf.InitAndApply(t, b.twinTF); err != nil {
		return nil, fmt.Errorf("aws backend: apply probe twins: %w", err)
	}
	if b.twins, err = terratf.OutputMap(t, b.twinTF, "twin_names"); err != nil {
		return nil, fmt.Errorf("aws backend: read twin names: %w", err)
	}
	return b, nil
}

// planModel plans the stack copy with the run's variables and builds the
// boundary model from that plan, so the model matches what is applied.
func (b *Backend) planModel(ctx context.Context) (*model.Model, error) {
	opts := *b.stackTF
	opts.PlanFile = filepath.Join(b.workDir, "stack.tfplan")
	out, err := terratf.InitAndPlanAndShow(b.t, &opts)
	if err != nil {
		return nil, fmt.Errorf("aws backend: plan %s: %w", b.opts.StackDir, err)
	}
	path := filepath.Join(b.workDir, "stack.plan.json")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}
	p, err := plan.Load(ctx, path, plan.Options{})
	if err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		return nil, fmt.Errorf("aws backend: %w", err)
	}
	return m, nil
}

func tfOptions(dir string, vars map[string]any) *terratf.Options {
	return &terratf.Options{
		Dir:     dir,
		Vars:    vars,
		EnvVars: map[string]string{"TF_IN_AUTOMATION": "1", "TF_INPUT": "0"},
	}
}

// Close destroys the twins, then the stack, then the work folder. It is
// safe to call more than once; later calls return the first result.
func (b *Backend) Close() error {
	b.closeOnce.Do(func() {
		var errs []error
		for _, o := range []*terratf.Options{b.twinTF, b.stackTF} {
			if o == nil {
				continue
			}
			if err := terratf.Destroy(b.t, o); err != nil {
				errs = append(errs, fmt.Errorf("destroy %s: %w (resources may be left: run terraform destroy in %s)", filepath.Base(o.Dir), err, o.Dir))
			}
		}
		if len(errs) == 0 && b.workDir != "" {
			_ = os.RemoveAll(b.workDir) // keep it when a destroy failed: it holds the state
		}
		b.closeErr = errors.Join(errs...)
	})
	return b.closeErr
}

// TwinTargets pairs each model function with its deployed placement and
// role, keyed by model address. Every model function must be deployed.
func TwinTargets(m *model.Model, s *Stack) (map[string]TwinTarget, error) {
	out := map[string]TwinTarget{}
	for _, f := range m.Functions {
		d, ok := s.Function(f.Address)
		if !ok {
			return nil, fmt.Errorf("function %s of the model is not in the applied state: is the model from the same stack?", f.Address)
		}
		if d.RoleARN == "" || d.Name == "" {
			return nil, fmt.Errorf("function %s: state has no name or role", f.Address)
		}
		out[f.Address] = TwinTarget{Name: d.Name, RoleARN: d.RoleARN, SubnetIDs: nonNil(d.SubnetIDs), SecurityGroupIDs: nonNil(d.SecurityGroupIDs)}
	}
	return out, nil
}

// TwinTarget is one entry of the fleet root's `targets` variable.
type TwinTarget struct {
	Name             string   `json:"name"`
	RoleARN          string   `json:"role_arn"`
	SubnetIDs        []string `json:"subnet_ids"`
	SecurityGroupIDs []string `json:"security_group_ids"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Name implements backend.Backend.
func (b *Backend) Name() string { return "aws" }

// Contexts implements backend.Backend: one per model function, with the
// deployed name and role.
func (b *Backend) Contexts() []backend.FunctionContext {
	var out []backend.FunctionContext
	for _, f := range b.opts.Model.Functions {
		c := backend.FunctionContext{
			Function: f.Address, Role: f.Role, InVPC: f.InVPC,
			CanGoOut:    len(f.Egress) > 0 || f.Role == model.RoleEgress,
			DataCapable: len(f.DataPaths) > 0 || f.Role == model.RoleControl || f.Role == model.RoleWarmup,
		}
		if d, ok := b.stack.Function(f.Address); ok {
			c.Name, c.ExecutionRole = d.Name, d.RoleARN
		}
		out = append(out, c)
	}
	return out
}

// Probe implements backend.Backend: it invokes the function's twin.
func (b *Backend) Probe(ctx context.Context, function string, req probe.Request) (probe.Response, error) {
	twin, ok := b.twins[function]
	if !ok {
		return probe.Response{}, fmt.Errorf("probe: %s has no probe twin (not a function of the model?)", function)
	}
	return InvokeProbe(ctx, b.clients.Lambda, twin, req)
}

// DBEndpoint implements backend.Backend: the cluster's writer endpoint.
func (b *Backend) DBEndpoint() backend.HostPort {
	return backend.HostPort{Host: b.stack.DBHost, Port: b.stack.DBPort}
}

// Canary implements backend.Backend.
func (b *Backend) Canary() backend.Canary {
	c := backend.Canary{URL: b.opts.CanaryURL}
	if u, err := url.Parse(b.opts.CanaryURL); err == nil {
		c.Addr.Host, c.Addr.Port = u.Hostname(), 443
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err == nil {
				c.Addr.Port = n
			}
		}
	}
	return c
}

// SimulateEgressIAM implements backend.Backend.
func (b *Backend) SimulateEgressIAM(ctx context.Context, function string) ([]backend.IAMDecision, error) {
	d, ok := b.stack.Function(function)
	if !ok {
		return nil, fmt.Errorf("simulate: %s is not deployed", function)
	}
	return SimulateEgress(ctx, b.clients.IAM, d.RoleARN, b.stack.ClusterARN, b.stack.SecretARN)
}

// PauseDelay implements backend.Sleep: the first database's
// seconds_until_auto_pause from the model (0 when the plan does not say).
func (b *Backend) PauseDelay() time.Duration {
	for _, db := range b.opts.Model.Databases {
		if db.SecondsUntilAutoPause != nil {
			return time.Duration(*db.SecondsUntilAutoPause) * time.Second
		}
	}
	return 0
}

// WaitPaused implements backend.Backend: it polls Paused every
// PollInterval until the database is paused or ctx ends.
func (b *Backend) WaitPaused(ctx context.Context) error {
	return waitPaused(ctx, b.Paused, b.opts.PollInterval)
}

func waitPaused(ctx context.Context, paused func(context.Context) (bool, error), every time.Duration) error {
	for {
		ok, err := paused(ctx)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("database not paused: %w", ctx.Err())
		case <-time.After(every):
		}
	}
}

// Paused implements backend.Backend: every instance of the cluster reports
// ServerlessDatabaseCapacity 0 (or, without datapoints, its last event is
// RDS-EVENT-0372).
func (b *Backend) Paused(ctx context.Context) (bool, error) {
	if len(b.stack.Instances) == 0 {
		return false, errors.New("paused: the cluster has no instance in the state")
	}
	now := time.Now()
	for _, id := range b.stack.Instances {
		p, err := instancePaused(ctx, b.clients, id, now)
		if err != nil || !p {
			return false, err
		}
	}
	return true, nil
}

// Events implements backend.Backend: pause and resume events of the
// instances and the cluster since a time. RDS publishes events with a delay
// of up to a few minutes: read them after a settle time.
func (b *Backend) Events(ctx context.Context, since time.Time) ([]backend.SleepEvent, error) {
	now := time.Now()
	var raw []RDSEvent
	for _, id := range b.stack.Instances {
		evs, err := describeEvents(ctx, b.clients.RDS, rdstypes.SourceTypeDbInstance, id, since, now)
		if err != nil {
			return nil, err
		}
		raw = append(raw, RecognisedEvents(evs)...)
	}
	evs, err := describeEvents(ctx, b.clients.RDS, rdstypes.SourceTypeDbCluster, b.stack.ClusterID, since, now)
	if err != nil {
		return nil, err
	}
	raw = append(raw, RecognisedEvents(evs)...)
	return SleepEvents(sortEvents(raw)), nil
}

// HotEndpoints implements backend.Backend.
func (b *Backend) HotEndpoints() []backend.Endpoint {
	byRole := map[string]string{}
	for _, f := range b.opts.Model.Functions {
		if f.Role != "" && byRole[f.Role] == "" {
			byRole[f.Role] = f.Address
		}
	}
	return HotEndpointsFrom(b.stack.Outputs, byRole)
}

// Hit implements backend.Backend.
func (b *Backend) Hit(ctx context.Context, e backend.Endpoint) error {
	return Hit(ctx, b.clients.HTTP, e)
}

// WakeViaControl implements backend.Backend.
func (b *Backend) WakeViaControl(ctx context.Context) (time.Duration, error) {
	for _, f := range b.opts.Model.Functions {
		if f.Role != model.RoleControl {
			continue
		}
		d, ok := b.stack.Function(f.Address)
		if !ok {
			return 0, fmt.Errorf("wake: control function %s is not deployed", f.Address)
		}
		return WakeControl(ctx, b.clients.Lambda, d.Name)
	}
	return 0, errors.New("wake: the model has no control function (tag letsleep:role=control)")
}

// AllowWake implements backend.Backend.
func (b *Backend) AllowWake() bool { return b.opts.AllowWake }

// DescribeTwin reads the live configuration of a function's twin: its role
// and placement as Lambda reports them.
func (b *Backend) DescribeTwin(ctx context.Context, function string) (Function, error) {
	twin, ok := b.twins[function]
	if !ok {
		return Function{}, fmt.Errorf("describe twin: %s has no probe twin", function)
	}
	return DescribeFunction(ctx, b.clients.Lambda, twin)
}

// Model returns the boundary model the backend runs against.
func (b *Backend) Model() *model.Model { return b.opts.Model }

// Stack returns what the backend read from the applied state.
func (b *Backend) Stack() *Stack { return b.stack }

// Twins returns the probe twin name per model address.
func (b *Backend) Twins() map[string]string { return b.twins }
