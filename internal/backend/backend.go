// Package backend is the contract between the boundary and sleep suites and
// the places they run: the offline lab (internal/lab) and real AWS
// (internal/awsbackend). The suites only talk to a Backend; each backend maps
// these calls onto namespaces and a sentinel, or onto probe twins, IAM and
// CloudWatch.
package backend

import (
	"context"
	"time"

	"github.com/letsleep/letsleep/internal/probe"
)

// Twin is what every suite needs of a running twin of a stack.
type Twin interface {
	// Name is "lab" or "aws"; it appears in reports.
	Name() string
	// AllowWake reports whether positive controls that wake the DB may run.
	AllowWake() bool
	// Close tears the twin down. It is safe to call more than once.
	Close() error
}

// Boundary is what the boundary suite needs: run probes from every
// function context and ask IAM about the egress roles.
type Boundary interface {
	Twin
	// Contexts lists every function context (one per function of the model)
	// with its role and what the model says it can reach.
	Contexts() []FunctionContext
	// Probe runs req from inside function's context (its probe twin) and
	// returns the probe's response. function is the model address.
	Probe(ctx context.Context, function string, req probe.Request) (probe.Response, error)
	// DBEndpoint is where the database listens, as the functions see it.
	DBEndpoint() HostPort
	// Canary is the internet canary a context must not reach when it can
	// touch the data.
	Canary() Canary
	// SimulateEgressIAM evaluates, with function's execution role, the data
	// actions an egress context must not hold: rds-data:ExecuteStatement on
	// the cluster and secretsmanager:GetSecretValue on the DB secret.
	SimulateEgressIAM(ctx context.Context, function string) ([]IAMDecision, error)
}

// Sleep is what the sleep suite needs: watch the database pause, hit the
// public endpoints, and wake it on purpose.
type Sleep interface {
	Twin
	// PauseDelay is the configured idle time before the database pauses
	// (seconds_until_auto_pause; the lab's is scaled down); 0 when unknown.
	PauseDelay() time.Duration
	// WaitPaused blocks until the database is paused or ctx ends.
	WaitPaused(ctx context.Context) error
	// Paused reports whether the database is paused right now.
	Paused(ctx context.Context) (bool, error)
	// Events returns pause and resume events at or after since, oldest first.
	Events(ctx context.Context, since time.Time) ([]SleepEvent, error)
	// HotEndpoints lists the endpoints the world can hit (hot endpoints and
	// any public entry point), from the stack outputs or the model.
	HotEndpoints() []Endpoint
	// Hit sends one request to e and returns an error only when the request
	// could not be made; an HTTP error status is not an error.
	Hit(ctx context.Context, e Endpoint) error
	// WakeViaControl wakes the database on purpose through the control path
	// and returns how long the control call took to get an answer from it.
	WakeViaControl(ctx context.Context) (time.Duration, error)
}

// Backend is a twin both suites can run on (the lab and AWS are).
type Backend interface {
	Boundary
	Sleep
}

// HostPort is a TCP address.
type HostPort struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

// Canary is the internet canary: an HTTPS URL and its TCP address, plus the
// CA bundle to trust when the canary uses a private CA (the lab does).
type Canary struct {
	URL   string   `json:"url"`
	Addr  HostPort `json:"addr"`
	CAPEM string   `json:"ca_pem,omitempty"`
}

// FunctionContext is one function as the suites see it.
type FunctionContext struct {
	Function      string `json:"function"` // model address
	Name          string `json:"name,omitempty"`
	Role          string `json:"role,omitempty"` // model.Role* or ""
	InVPC         bool   `json:"in_vpc"`
	ExecutionRole string `json:"execution_role,omitempty"`
	// CanGoOut and DataCapable are the model's derived reach.
	CanGoOut    bool `json:"can_go_out"`
	DataCapable bool `json:"data_capable"`
}

// IAM decisions, as iam:SimulatePrincipalPolicy names them.
const (
	DecisionAllowed      = "allowed"
	DecisionImplicitDeny = "implicitDeny"
	DecisionExplicitDeny = "explicitDeny"
)

// IAMDecision is the simulated answer for one action on one resource.
type IAMDecision struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Decision string `json:"decision"`
	// Via explains an allow (the grant that allowed it), when known.
	Via string `json:"via,omitempty"`
}

// Allowed reports whether the decision lets the call through.
func (d IAMDecision) Allowed() bool { return d.Decision == DecisionAllowed }

// Sleep event kinds, named after the RDS events they stand for.
const (
	EventPaused  = "paused"  // RDS-EVENT-0372
	EventResumed = "resumed" // RDS-EVENT-0374 (the lab records the wake and the resume as one event)
	// EventResumeFailed: a wake whose server did not come back (the lab's
	// PostgreSQL failed to start); the database stays paused.
	EventResumeFailed = "resume-failed"
)

// SleepEvent is one pause or resume of the database.
type SleepEvent struct {
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
	// Source names what woke the database: a function address when the
	// backend can attribute it, else the raw client address or event text.
	Source string `json:"source,omitempty"`
	Client string `json:"client,omitempty"`
	// ResumeLatency, on a resume the backend measured itself (the lab), is
	// the time from the waking connection's handshake to the first query
	// the restarted server answered.
	ResumeLatency time.Duration `json:"resume_latency,omitempty"`
	Error         string        `json:"error,omitempty"`
}

// Endpoint is one way into the stack from outside.
type Endpoint struct {
	Name     string `json:"name"`               // entry point address or output name
	Function string `json:"function,omitempty"` // the function behind it
	URL      string `json:"url,omitempty"`
	Public   bool   `json:"public"` // reachable without credentials
}

// Scheduler is a twin that can run the stack's schedules (EventBridge rules
// and Scheduler schedules) on a scaled clock and invoke their targets for
// real (the lab does; on AWS they run on their own).
type Scheduler interface {
	// Schedules lists the enabled schedules the twin can run.
	Schedules() []Schedule
	// RunSchedule fires s now and then every scaled period until window
	// has passed, invoking its targets.
	RunSchedule(ctx context.Context, s Schedule, window time.Duration) (ScheduleRun, error)
}

// Schedule is one schedule on the twin's clock.
type Schedule struct {
	Name       string        `json:"name"`       // the schedule's address
	Expression string        `json:"expression"` // as written, e.g. rate(5 minutes)
	Period     time.Duration `json:"period"`     // on the twin's clock
	Clock      string        `json:"clock"`      // e.g. "rate(5 minutes) at 1/150 scale: every 2s"
	Targets    []string      `json:"targets"`
}

// ScheduleRun is what firing a schedule did.
type ScheduleRun struct {
	Runs        int      `json:"runs"`
	Invocations int      `json:"invocations"`
	Errors      []string `json:"errors,omitempty"`
	NotRun      []string `json:"not_run,omitempty"` // targets the twin cannot run, with why
}
