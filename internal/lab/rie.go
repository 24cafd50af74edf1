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

// rieRoles are the handlers whose deployed bootstrap the lab runs under the
// emulator: their code needs only the database the lab has. The others
// (hot: DynamoDB, egress: Secrets Manager, warm-up: the Lambda API) call
// AWS services the lab does not serve over HTTP, so they stay on the
// in-process handler host.
var rieRoles = map[string]bool{model.RoleControl: true}

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
		"AWS_LAMBDA_FUNCTION_NAME=" + name, "AWS_LAMBDA_FUNCTION_TIMEOUT=30", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
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
			r, err := l.startRIE(ctx, n, "probe", l.opts.ProbeBin, rieProbePorts, nil)
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
		// The control function's environment as the stack's Terraform sets
		// it (terraform/modules/control), with the lab database; DB_PASSWORD
		// is the lab's stand-in for the IAM auth token.
		env := []string{"DB_HOST=" + db.IP, "DB_PORT=" + strconv.Itoa(db.Port), "DB_NAME=postgres", "DB_REGION=eu-west-1"}
		if l.PG != nil {
			env = append(env, "DB_USER="+l.PG.User, "DB_PASSWORD="+l.PG.Password)
		}
		r, err := l.startRIE(ctx, n, n.Role, bootstrap, rieHandlerPorts, env)
		if err != nil {
			return err
		}
		l.handlerRIE[n.Address] = r
	}
	return nil
}

// rieFront serves a function's invocation socket by invoking its bootstrap
// through the emulator, so callers (the suites, the warm-up's Lambda
// client) reach the deployed artifact the same way they reach the others.
func (l *Lab) rieFront(fn string, r rieFunction, sock string) error {
	_ = os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	payload := rolePayload(l.Topo.Node(fn).Role)
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		body, err := r.invoke(req.Context(), payload)
		res := InvokeResult{Status: http.StatusOK, LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
		if json.Valid(body) {
			res.Payload = body
		}
		if err != nil {
			res.Status, res.Detail = http.StatusBadGateway, shortErr(err)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
	})}
	go func() { _ = srv.Serve(ln) }()
	l.closers = append(l.closers, srv.Close)
	return nil
}

// rolePayload is the event the lab sends a role's function.
func rolePayload(role string) []byte {
	if role == model.RoleControl {
		return []byte(`{"action":"wake"}`)
	}
	return []byte(`{}`)
}

// Runtimes says how the lab runs each function's code, for the reports.
func (l *Lab) Runtimes() string {
	if len(l.probeRIE) == 0 && len(l.handlerRIE) == 0 {
		return "in-process handler host and probe processes (no runtime emulator given: make lab passes LETSLEEP_RIE_BIN)"
	}
	var rie, host []string
	for _, n := range l.Topo.Nodes {
		if n.Kind != KindFunction {
			continue
		}
		if _, ok := l.handlerRIE[n.Address]; ok {
			rie = append(rie, n.Role)
		} else {
			host = append(host, n.Role)
		}
	}
	return fmt.Sprintf("invoked through the Lambda Runtime Interface Emulator (aws-lambda-rie): the probe bootstrap in %d function namespace(s), the handler bootstrap of %v; on the in-process handler host: %v",
		len(l.probeRIE), rie, host)
}
