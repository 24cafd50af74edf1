// Package probe runs the boundary checks of a probe twin: TCP connects, DNS
// lookups, HTTPS requests and AWS calls made with the caller's own role. The
// same code runs inside the probe Lambda (probes/probe) and inside the lab's
// network namespaces, so the JSON shapes below are a wire contract: change
// them additively only, and update docs/probes.md in the same commit.
package probe

// Check kinds.
const (
	KindTCP   = "tcp"   // open a TCP connection to Host:Port
	KindDNS   = "dns"   // resolve DNSName
	KindHTTPS = "https" // GET URL (any HTTP status counts as reachable)
	KindAWS   = "aws"   // call Action on Target with the caller's own credentials
)

// AWS actions an aws check may make.
const (
	ActionGetCallerIdentity = "sts:GetCallerIdentity"
	ActionGetSecretValue    = "secretsmanager:GetSecretValue" // reports only "read ok", never the value
	ActionInvoke            = "lambda:Invoke"                 // InvocationType DryRun: checks permission, runs nothing
	ActionGetParameter      = "ssm:GetParameter"              // WithDecryption; reports only "read ok", never the value
	// ActionExecuteStatement runs SELECT 1 through the RDS Data API on the
	// cluster Target with the secret Secret (the Data API needs both
	// grants); the result is dropped unread. It wakes a paused cluster.
	ActionExecuteStatement = "rds-data:ExecuteStatement"
)

// Outcomes. Blocked reports which of them mean "the boundary held".
const (
	OutcomeReachable = "reachable" // connected / resolved / got an HTTP status / AWS call allowed
	OutcomeRefused   = "refused"   // the host answered with a reset: nothing listens, or a reject
	OutcomeTimeout   = "timeout"   // no answer in time; also no route and local firewall drops (see docs/probes.md)
	OutcomeDNSError  = "dns-error" // the name did not resolve (NXDOMAIN, no resolver, resolver timeout)
	OutcomeTLSError  = "tls-error" // TCP connected but the TLS handshake failed (unknown CA, wrong name, not TLS)
	OutcomeDenied    = "denied"    // AWS answered AccessDenied or a similar authorisation error
	OutcomeError     = "error"     // anything else, including invalid checks; Detail says what
)

// Limits. Timeouts beyond the maxima are clamped, zero or negative ones get
// the default.
const (
	DefaultCheckTimeoutMS = 2000
	MaxCheckTimeoutMS     = 10000
	DefaultDeadlineMS     = 25000 // below the twin's 30 s Lambda timeout
	MaxDeadlineMS         = 25000
	MaxChecks             = 256 // checks beyond this are not run; Response.Truncated says so
	DefaultConcurrency    = 16
	MaxDetailLen          = 200
)

// Request is what a probe is asked to do.
type Request struct {
	ID         string  `json:"id"`
	Checks     []Check `json:"checks"`
	DeadlineMS int     `json:"deadline_ms,omitempty"` // whole request bound; default and cap DefaultDeadlineMS
}

// Check is one thing to try. Which fields matter depends on Kind:
// tcp: Host, Port; dns: DNSName; https: URL (and CAPEM); aws: Action, Target.
type Check struct {
	Name    string `json:"name"` // caller's label, echoed in the Result
	Kind    string `json:"kind"`
	Host    string `json:"host,omitempty"`
	Port    int    `json:"port,omitempty"`
	URL     string `json:"url,omitempty"`
	DNSName string `json:"dns_name,omitempty"`
	Action  string `json:"action,omitempty"`
	Target  string `json:"target,omitempty"` // secret id, function name/ARN, parameter name or cluster ARN for aws checks
	// Secret is the secret ARN a rds-data:ExecuteStatement check passes.
	Secret string `json:"secret,omitempty"`
	// AssumeRole, on an aws check, is a role ARN the probe assumes first
	// (sts:AssumeRole with its own credentials); the call is then made
	// with the session's credentials. A refused assume is the check's
	// outcome, with detail "assume: CODE".
	AssumeRole string `json:"assume_role,omitempty"`
	TimeoutMS  int    `json:"timeout_ms,omitempty"`
	// CAPEM is an extra PEM root CA trusted on top of the system roots (the
	// lab's throwaway CA for its stub "LLM API").
	CAPEM string `json:"ca_pem,omitempty"`
}

// Result is the outcome of one Check. Results keep the order of the checks.
type Result struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	Target    string  `json:"target"` // host:port, URL, DNS name, or action target
	Outcome   string  `json:"outcome"`
	LatencyMS float64 `json:"latency_ms"`
	Detail    string  `json:"detail,omitempty"` // short, sanitised; never a secret or a payload
}

// Response answers a Request.
type Response struct {
	ID      string   `json:"id"`
	Results []Result `json:"results"`
	// Truncated is true when the request held more than MaxChecks checks;
	// the extra checks were neither run nor listed.
	Truncated bool `json:"truncated,omitempty"`
}

// Blocked reports whether an outcome shows the boundary holding for a
// network check: the target could not be reached.
func Blocked(outcome string) bool {
	switch outcome {
	case OutcomeTimeout, OutcomeRefused, OutcomeDNSError:
		return true
	}
	return false
}
