//go:build linux

package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/labiam"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

var _ backend.Backend = (*Lab)(nil)

// Name implements backend.Backend.
func (l *Lab) Name() string { return "lab" }

// Contexts implements backend.Backend.
func (l *Lab) Contexts() []backend.FunctionContext {
	var out []backend.FunctionContext
	for _, f := range l.Model.Functions {
		out = append(out, backend.FunctionContext{Function: f.Address, Name: f.Name, Role: f.Role, InVPC: f.InVPC,
			ExecutionRole: f.ExecutionRole, CanGoOut: len(f.Egress) > 0, DataCapable: len(f.DataPaths) > 0})
	}
	return out
}

// Probe runs the probe as a process inside the function's namespace.
func (l *Lab) Probe(ctx context.Context, function string, req probe.Request) (probe.Response, error) {
	n := l.Topo.Node(function)
	if n == nil || n.Kind != KindFunction {
		return probe.Response{}, fmt.Errorf("probe: %s is not a function of this lab", function)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return probe.Response{}, err
	}
	deadline := time.Duration(probe.DefaultDeadlineMS+5000) * time.Millisecond
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	if r, ok := l.probeRIE[function]; ok {
		out, err := r.invoke(ctx, body)
		if err != nil {
			return probe.Response{}, fmt.Errorf("probe in %s: %w", n.NS, err)
		}
		var resp probe.Response
		if err := json.Unmarshal(out, &resp); err != nil {
			return probe.Response{}, fmt.Errorf("probe in %s: bad response %q: %w", n.NS, tail(string(out), 200), err)
		}
		return resp, nil
	}
	var cmd *exec.Cmd
	if l.opts.ProbeBin != "" {
		cmd = exec.CommandContext(ctx, "ip", "netns", "exec", n.NS, l.opts.ProbeBin)
		cmd.Env = append(withoutAWSEnv(os.Environ()), "AWS_LAMBDA_RUNTIME_API=")
	} else {
		cmd = exec.CommandContext(ctx, "ip", "netns", "exec", n.NS, l.self)
		cmd.Env = append(withoutAWSEnv(os.Environ()), childEnv+"=probe")
	}
	if l.aws != nil {
		cmd.Env = append(cmd.Env, l.awsEnv(n)...)
	}
	cmd.Stdin = bytes.NewReader(body)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return probe.Response{}, fmt.Errorf("probe in %s: %w: %s", n.NS, err, strings.TrimSpace(errb.String()))
	}
	var resp probe.Response
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		return probe.Response{}, fmt.Errorf("probe in %s: bad response %q: %w", n.NS, tail(out.String(), 200), err)
	}
	return resp, nil
}

// withoutAWSEnv drops the lab process's own AWS settings (a profile, a
// session token, a CA bundle), so the probe signs with its function's lab
// credentials alone, as it would in its Lambda environment.
func withoutAWSEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}

// DBEndpoint implements backend.Backend.
func (l *Lab) DBEndpoint() backend.HostPort {
	db := l.Topo.DB()
	return backend.HostPort{Host: db.IP, Port: db.Port}
}

// Canary implements backend.Backend.
func (l *Lab) Canary() backend.Canary {
	return backend.Canary{URL: l.canaryURL(), Addr: backend.HostPort{Host: l.Topo.CanaryIP, Port: 443}, CAPEM: l.canary.CAPEM}
}

// SimulateEgressIAM asks the lab's own IAM (internal/labiam, read from the
// plan, not the checker's model) whether the function's role may call
// rds-data:ExecuteStatement on each cluster and
// secretsmanager:GetSecretValue on each RDS-managed master secret. A
// decision that rests on something the plan does not show says so in Via.
func (l *Lab) SimulateEgressIAM(_ context.Context, function string) ([]backend.IAMDecision, error) {
	acct := l.opts.IAM
	if acct == nil {
		return nil, fmt.Errorf("simulate: the lab has no IAM for this stack (built from a model alone; lab.UpFromPlan or Options.IAM gives it one)")
	}
	role := acct.FunctionRole(function)
	if role == "" {
		return nil, fmt.Errorf("simulate: %s is not a function of the plan", function)
	}
	var out []backend.IAMDecision
	ask := func(action, resource string) {
		d := acct.Decide(labiam.Request{Principal: role, Action: action, Resource: resource})
		dec := backend.IAMDecision{Action: action, Resource: resource, Decision: d.Decision}
		if d.Allowed() || !d.Certain() {
			dec.Via = d.String()
		}
		out = append(out, dec)
	}
	for _, c := range acct.Clusters() {
		ask("rds-data:ExecuteStatement", c.ARN)
	}
	for _, s := range acct.Secrets() {
		if strings.HasSuffix(s.Address, ".master_user_secret") {
			ask("secretsmanager:GetSecretValue", s.ARN)
		}
	}
	return out, nil
}

func (l *Lab) sentinel() *Sentinel { return l.Sentinels[l.Topo.DB().Address] }

// PauseDelay implements backend.Sleep: the lab's scaled-down pause delay.
func (l *Lab) PauseDelay() time.Duration { return l.opts.IdleAfter }

// WaitPaused implements backend.Backend.
func (l *Lab) WaitPaused(ctx context.Context) error { return l.sentinel().WaitPaused(ctx) }

// Paused implements backend.Backend.
func (l *Lab) Paused(context.Context) (bool, error) {
	st := l.sentinel().State()
	return st.Paused && !st.Resuming, nil
}

// Events implements backend.Backend.
func (l *Lab) Events(_ context.Context, since time.Time) ([]backend.SleepEvent, error) {
	return l.sentinel().Events(since), nil
}

// HotEndpoints lists the entry points of hot functions and every public
// entry point (auth NONE): what the world can hit without credentials.
func (l *Lab) HotEndpoints() []backend.Endpoint {
	roles := map[string]string{}
	for _, f := range l.Model.Functions {
		roles[f.Address] = f.Role
	}
	var out []backend.Endpoint
	for _, e := range l.Model.EntryPoints {
		public := strings.EqualFold(e.Auth, "NONE")
		if e.Function == "" || (!public && roles[e.Function] != model.RoleHot) {
			continue
		}
		if _, ok := l.sockets[e.Function]; !ok {
			continue
		}
		out = append(out, backend.Endpoint{Name: e.Address, Function: e.Function, URL: "lab+unix://" + l.sockets[e.Function], Public: public})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Invoke calls a function's handler as the Lambda service would.
func (l *Lab) Invoke(ctx context.Context, function string) (InvokeResult, error) {
	return l.InvokeWith(ctx, function, nil)
}

// InvokeWith invokes function with payload as its event, as the Lambda API
// does; a nil payload sends the event of its entry point (its function URL
// or route, see rolePayload).
func (l *Lab) InvokeWith(ctx context.Context, function string, payload []byte) (InvokeResult, error) {
	sock, ok := l.sockets[function]
	if !ok {
		return InvokeResult{}, fmt.Errorf("invoke: no handler for %s", function)
	}
	res, err := invokeSocket(ctx, sock, payload)
	if err != nil {
		return res, fmt.Errorf("invoke %s: %w", function, err)
	}
	return res, nil
}

// invokeSocket posts one invocation to a handler's unix socket.
func invokeSocket(ctx context.Context, sock string, payload []byte) (InvokeResult, error) {
	var res InvokeResult
	if err := unixJSONBody(ctx, sock, http.MethodPost, "http://lambda/invoke", 15*time.Second, payload, &res); err != nil {
		return InvokeResult{}, err
	}
	return res, nil
}

// Hit implements backend.Backend.
// A request the handler answers with a server error (it could not reach
// what it needs) counts as an error too.
func (l *Lab) Hit(ctx context.Context, e backend.Endpoint) error {
	res, err := l.Invoke(ctx, e.Function)
	if err == nil && res.Status >= 500 {
		err = fmt.Errorf("%s answered %d", e.Function, res.Status)
	}
	return err
}

// WakeViaControl invokes the control function, which opens a session to the
// paused DB; the latency includes the sentinel's resume delay.
func (l *Lab) WakeViaControl(ctx context.Context) (time.Duration, error) {
	var control string
	for _, f := range l.Model.Functions {
		if f.Role == model.RoleControl {
			control = f.Address
			break
		}
	}
	if control == "" {
		return 0, fmt.Errorf("wake: the model has no control function (tag letsleep:role=control)")
	}
	start := time.Now()
	res, err := l.Invoke(ctx, control)
	if err != nil {
		return 0, err
	}
	if res.Status != 200 {
		return 0, fmt.Errorf("wake via %s: status %d: %s", control, res.Status, res.Detail)
	}
	return time.Since(start), nil
}

// AllowWake implements backend.Backend.
func (l *Lab) AllowWake() bool { return !l.opts.DenyWake }

// DBAddr is the database endpoint as host:port.
func (l *Lab) DBAddr() string {
	return net.JoinHostPort(l.Topo.DB().IP, strconv.Itoa(l.Topo.DB().Port))
}
