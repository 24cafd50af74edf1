//go:build linux

package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/letsleep/letsleep/internal/model"
)

// The Lambda Runtime Interface Emulator (github.com/aws/aws-lambda-runtime-interface-emulator,
// cmd/aws-lambda-rie, pinned in the Makefile) runs a function's deployed
// `bootstrap` behind the Lambda Runtime API, and takes invocations on
// /2015-03-31/functions/function/invocations. The lab runs one emulator per
// artifact inside the function's namespace, on its loopback (invocation
// does not cross the VPC network), and dials into the namespace to invoke.
const (
	rieInvokePath = "/2015-03-31/functions/function/invocations"
	// Two emulators may share a namespace (the handler and the probe), so
	// each gets its own invocation and Runtime API ports.
	rieHandlerPorts = "127.0.0.1:8080 127.0.0.1:9001"
	rieProbePorts   = "127.0.0.1:8081 127.0.0.1:9002"
)

// rieRoles are the roles with a reference handler (functions/<role>): the
// lab runs their deployed bootstrap under the emulator. Their AWS calls go
// to the lab's stand-ins (awsapi.go); a function of another role has no
// code of its own in the lab and answers from the handler host.
var rieRoles = map[string]bool{model.RoleControl: true, model.RoleHot: true, model.RoleEgress: true, model.RoleWarmup: true}

// functionTimeout is the function timeout the emulator enforces, scaled
// down like the pause delay and below the lab's 15 s invocation bound: a
// call the network drops (a SYN to a closed endpoint) then fails in
// seconds, as it fails on Lambda after the function's timeout. A wake
// (control, warm-up) and the probe get the time PostgreSQL needs to start
// on a loaded machine.
func functionTimeout(n *Node, name string) int {
	// The probe's IAM cells may wait for a resume (a Data API call) or
	// time out on a stand-in the function cannot reach.
	if name == "probe" || n.Role == model.RoleControl || n.Role == model.RoleWarmup {
		return 12
	}
	return 5
}

// rieFunction is one emulator the lab started.
type rieFunction struct {
	ns, addr, bootstrap string
}

// invoke posts payload to the emulator and returns the function's answer.
func (r rieFunction) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) { return dialFrom(r.ns)(ctx, "", addr) }}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+r.addr+rieInvokePath, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("runtime emulator in %s: %w", r.ns, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	var fnErr struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("runtime emulator in %s: status %d: %s", r.ns, resp.StatusCode, tail(string(body), 200))
	}
	if !json.Valid(body) {
		// The emulator's own answer for a timed-out or crashed runtime
		// ("Task timed out after 12.00 seconds"); a function's answer is
		// JSON. Only its head is kept.
		return nil, fmt.Errorf("function error: %s", tail(strings.SplitN(string(body), "\n", 2)[0], 80))
	}
	if json.Unmarshal(body, &fnErr) == nil && fnErr.Type != "" {
		return body, fmt.Errorf("function error %s: %s", fnErr.Type, fnErr.Message)
	}
	return body, nil
}

// dialFrom dials TCP from inside namespace ns.
func dialFrom(ns string) func(ctx context.Context, _, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, addr string) (net.Conn, error) {
		var c net.Conn
		err := inNS(ns, func() error {
			var d net.Dialer
			var err error
			c, err = d.DialContext(ctx, "tcp4", addr)
			return err
		})
		return c, err
	}
}

// startRIE runs bootstrap under the emulator in n's namespace with env (the
// function's environment) and waits until it takes invocations.
func (l *Lab) startRIE(ctx context.Context, n *Node, name, bootstrap, ports string, env []string) (rieFunction, error) {
	addrs := strings.Fields(ports)
	r := rieFunction{ns: n.NS, addr: addrs[0], bootstrap: bootstrap}
	cmd := exec.Command("ip", "netns", "exec", n.NS, l.opts.RIEBin,
		"--runtime-interface-emulator-address", addrs[0], "--runtime-api-address", addrs[1], bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	// A Lambda environment: what the Terraform sets, plus what the service
	// sets; nothing inherited from the lab process.
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1",
		"AWS_LAMBDA_FUNCTION_NAME=" + l.functionName(n, name), "AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(functionTimeout(n, name)), "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_ACCESS_KEY_ID=lab-fake", "AWS_SECRET_ACCESS_KEY=lab-fake", "LOG_LEVEL=warn"}, env...)
	if err := l.startProc(n.NS+"-"+name, cmd); err != nil {
		return r, err
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := dialFrom(n.NS)(ctx, "", r.addr)
		if err == nil {
			c.Close()
			return r, nil
		}
		if time.Now().After(deadline) {
			return r, fmt.Errorf("runtime emulator for %s in %s not listening after 15s (log %s)", name, n.NS, filepath.Join(l.dir, n.NS+"-"+name+".log"))
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// functionName is the Lambda name of n's function (name for the probe).
func (l *Lab) functionName(n *Node, name string) string {
	if l.aws != nil && l.aws.names[n.Address] != "" && name != "probe" {
		return l.aws.names[n.Address]
	}
	return name
}

// startRuntimes starts, when the emulator and the artifacts are given, the
// probe's bootstrap in every function namespace and the handlers' bootstraps
// of rieRoles, and puts an invocation front on those handlers' sockets.
func (l *Lab) startRuntimes(ctx context.Context) error {
	if l.opts.RIEBin == "" {
		return nil
	}
	db := l.Topo.DB()
	for _, n := range l.Topo.Nodes {
		if n.Kind != KindFunction {
			continue
		}
		if l.opts.ProbeBin != "" {
			r, err := l.startRIE(ctx, n, "probe", l.opts.ProbeBin, rieProbePorts, l.awsEnv(n))
			if err != nil {
				return err
			}
			l.probeRIE[n.Address] = r
		}
		bootstrap := filepath.Join(l.opts.FunctionsDir, n.Role, "bootstrap")
		if l.opts.FunctionsDir == "" || !rieRoles[n.Role] {
			continue
		}
		if _, err := os.Stat(bootstrap); err != nil {
			return fmt.Errorf("%s: no deployed artifact: %w (make lab builds it)", n.Address, err)
		}
		r, err := l.startRIE(ctx, n, n.Role, bootstrap, rieHandlerPorts, l.functionEnv(n, db))
		if err != nil {
			return err
		}
		l.handlerRIE[n.Address] = r
	}
	return nil
}

// functionEnv is the environment the stack's Terraform gives a function of
// n's role (terraform/modules/<role module>, checked by
// TestFunctionEnvMatchesTheTerraform), with the lab's values for what is
// known only after apply, plus where the SDK finds the AWS APIs: the
// standard AWS_ENDPOINT_URL_<SERVICE> variables, and the lab CA in
// AWS_CA_BUNDLE and SSL_CERT_FILE (the lab's stand-in for the public CAs
// the Lambda runtime trusts).
func (l *Lab) functionEnv(n *Node, db *Node) []string {
	env := l.awsEnv(n)
	switch n.Role {
	case model.RoleControl:
		// DB_PASSWORD is the lab's stand-in for the IAM auth token.
		env = append(env, "DB_HOST="+db.IP, "DB_PORT="+strconv.Itoa(db.Port), "DB_NAME=postgres", "DB_REGION="+labRegion)
		if l.PG != nil {
			env = append(env, "DB_USER="+l.PG.User, "DB_PASSWORD="+l.PG.Password)
		}
	case model.RoleHot:
		env = append(env, "TABLE_NAME="+l.aws.hotTable, "ITEM_TTL_SECONDS=86400")
	case model.RoleEgress:
		env = append(env, "API_KEY_SECRET_ID="+l.aws.apiKeyFor(n.Address, l.opts.IAM), "LLM_API_URL="+l.canaryURL())
	case model.RoleWarmup:
		control := "lab-no-control-function"
		for _, f := range l.Model.Functions {
			if f.Role == model.RoleControl {
				control = l.aws.names[f.Address]
				break
			}
		}
		env = append(env, "CONTROL_FUNCTION="+control)
	}
	return env
}

// awsEnv is where a function's SDK finds the AWS APIs (the standard
// AWS_ENDPOINT_URL_<SERVICE> variables), its region (as Lambda sets it),
// the lab CA, and the function's own credentials: the same for its handler
// and its probe.
func (l *Lab) awsEnv(n *Node) []string {
	env := []string{"AWS_REGION=" + labRegion, "AWS_DEFAULT_REGION=" + labRegion, "AWS_CA_BUNDLE=" + l.aws.caFile, "SSL_CERT_FILE=" + l.aws.caFile}
	for _, s := range []struct{ env, service string }{{"DYNAMODB", "dynamodb"}, {"SECRETS_MANAGER", "secretsmanager"},
		{"LAMBDA", "lambda"}, {"SSM", "ssm"}, {"STS", "sts"}, {"RDS_DATA", "rds-data"}} {
		env = append(env, "AWS_ENDPOINT_URL_"+s.env+"="+l.serviceURL(n, s.service))
	}
	return append(env, l.credentialsEnv(n)...)
}

// rieFront serves a function's invocation socket by invoking its bootstrap
// through the emulator, so callers (the suites, the Lambda API stand-in)
// reach the deployed artifact the same way they reach the others. A call
// with a payload (a Lambda Invoke) passes it on as it is; a call without
// one is a request on the function's entry point, translated to that
// entry point's event (rolePayload), and the handler's HTTP status comes
// back as the call's status, as a function URL or an API route does.
func (l *Lab) rieFront(fn string, r rieFunction, sock string) error {
	_ = os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	event := rolePayload(l.Topo.Node(fn).Role)
	// One execution environment: the emulator runs one invocation at a
	// time, so concurrent callers (a schedule and a warm-up) take turns.
	var one sync.Mutex
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		payload, _ := io.ReadAll(io.LimitReader(req.Body, 6<<20))
		one.Lock()
		defer one.Unlock()
		front := len(payload) == 0
		if front {
			payload = event
		}
		start := time.Now()
		body, err := r.invoke(req.Context(), payload)
		res := InvokeResult{Status: http.StatusOK, LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
		if json.Valid(body) {
			res.Payload = body
		}
		var httpResp struct {
			StatusCode int `json:"statusCode"`
		}
		if front && json.Unmarshal(body, &httpResp) == nil && httpResp.StatusCode != 0 {
			res.Status = httpResp.StatusCode
		}
		if err != nil {
			res.Status, res.Detail, res.FunctionError = http.StatusBadGateway, shortErr(err), shortErr(err)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
	})}
	go func() { _ = srv.Serve(ln) }()
	l.closers = append(l.closers, srv.Close)
	return nil
}

// rolePayload is the event of a role's entry point: the hot function's URL
// (GET ?key=feed), the warm-up's API route (POST /wake), the egress
// function's direct invocation with a prompt, the control function's wake.
func rolePayload(role string) []byte {
	switch role {
	case model.RoleControl:
		return []byte(`{"action":"wake"}`)
	case model.RoleHot:
		return []byte(`{"version":"2.0","rawPath":"/","rawQueryString":"key=` + labHotKey + `","queryStringParameters":{"key":"` + labHotKey + `"},` +
			`"requestContext":{"http":{"method":"GET","path":"/","protocol":"HTTP/1.1","sourceIp":"10.213.255.1"}},"isBase64Encoded":false}`)
	case model.RoleWarmup:
		return []byte(`{"version":"2.0","routeKey":"POST /wake","rawPath":"/wake","rawQueryString":"",` +
			`"requestContext":{"routeKey":"POST /wake","http":{"method":"POST","path":"/wake","protocol":"HTTP/1.1"}},"isBase64Encoded":false}`)
	case model.RoleEgress:
		return []byte(`{"prompt":"say hi"}`)
	}
	return []byte(`{}`)
}

// Runtimes says how the lab runs each function's code, for the reports:
// one line per function.
func (l *Lab) Runtimes() string {
	if len(l.probeRIE) == 0 && len(l.handlerRIE) == 0 {
		return "in-process handler host and probe processes (no runtime emulator given: make lab passes LETSLEEP_RIE_BIN)"
	}
	var lines []string
	for _, n := range l.Topo.Nodes {
		if n.Kind != KindFunction {
			continue
		}
		handler := "handler bootstrap (" + n.Role + ") under the Lambda Runtime Interface Emulator"
		if _, ok := l.handlerRIE[n.Address]; !ok {
			role := n.Role
			if role == "" {
				role = "none declared"
			}
			handler = "no reference handler for role " + role + ": answered by the lab's handler host"
		}
		probe := "probe bootstrap under the emulator"
		if _, ok := l.probeRIE[n.Address]; !ok {
			probe = "probe as a process"
		}
		lines = append(lines, fmt.Sprintf("%s: %s; %s", n.Address, handler, probe))
	}
	return "invoked through the Lambda Runtime Interface Emulator (aws-lambda-rie), per function:\n  " + strings.Join(lines, "\n  ")
}
