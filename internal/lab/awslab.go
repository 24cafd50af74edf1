//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/letsleep/letsleep/internal/labiam"
	"github.com/letsleep/letsleep/internal/model"
)

// The lab's stand-ins for the AWS APIs (awsapi.go) answer on the internet
// service address, beside the LLM stub, and behind every interface VPC
// endpoint through a relay. This file wires them to the lab.

const (
	labRegion  = "eu-west-1"
	labAccount = "000000000000"
	// labSecretValue is the throwaway API key of the egress function's
	// secret: never a real key, never logged.
	labSecretValue = "lab-throwaway-key"
	// labHotKey is the item every lab table starts with, so a hot read
	// answers 200 through the real DynamoDB client.
	labHotKey = "feed"
	// relayLimit bounds one relayed connection through an endpoint.
	relayLimit = 60 * time.Second
)

// awsState is the lab's side of the stand-ins.
type awsState struct {
	api      *awsAPI
	caFile   string
	hotTable string
	apiKeyID string            // the egress function's API key secret (an ARN)
	names    map[string]string // function address → function name
	keys     map[string]string // function address → its runtime's access key id
	relays   sync.Map          // relay's inet-side local address → "FUNCTION via ENDPOINT"
}

// lambdaName is the function's name, or one made from its address when the
// plan does not know it.
func lambdaName(f model.Function) string {
	if f.Name != "" {
		return f.Name
	}
	r := strings.NewReplacer(".", "-", "[", "-", "]", "", "\"", "")
	return "lab-" + r.Replace(f.Address)
}

// newAWSState builds the stand-ins' contents from the model: its tables
// (each seeded with one item), the egress function's API key secret, and
// its functions by name and ARN.
func (l *Lab) newAWSState() (*awsState, error) {
	s := &awsState{names: map[string]string{}, caFile: filepath.Join(l.dir, "lab-ca.pem"),
		apiKeyID: fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:lab-llm-api-key", labRegion, labAccount)}
	if err := os.WriteFile(s.caFile, []byte(l.canary.CAPEM), 0o644); err != nil {
		return nil, err
	}
	seed, _ := json.Marshal(map[string]map[string]string{tableKey: {"S": labHotKey}, "value": {"S": "precomputed"}})
	tables := map[string]map[string]json.RawMessage{}
	for _, t := range l.Model.Tables {
		if t.Name != "" {
			tables[t.Name] = map[string]json.RawMessage{labHotKey: seed}
			if s.hotTable == "" {
				s.hotTable = t.Name
			}
		}
	}
	if s.hotTable == "" {
		s.hotTable = "lab-hot"
		tables[s.hotTable] = map[string]json.RawMessage{labHotKey: seed}
	}
	functions := map[string]string{}
	for _, f := range l.Model.Functions {
		name := lambdaName(f)
		s.names[f.Address] = name
		functions[name] = f.Address
	}
	s.api = &awsAPI{region: labRegion, tables: tables, secrets: map[string]string{s.apiKeyID: labSecretValue},
		functions: functions, invoke: l.InvokeWith, caller: s.callerOf(l),
		keys: map[string]string{}, parameters: map[string]labiam.Resource{}, functionARNs: map[string]string{}}
	s.keys = map[string]string{}
	for _, f := range l.Model.Functions {
		s.keys[f.Address] = newKey("AKIA")
	}
	if acct := l.opts.IAM; acct != nil {
		s.withIAM(acct)
		s.api.dataAPI = l.dataAPIByARN
	}
	return s, nil
}

// withIAM makes the stand-ins authenticate and authorise through the lab's
// IAM: each function's key signs as its execution role, every secret and
// parameter of the plan is served (throwaway values) under the ARN the
// evaluator gives it, and the egress function's API key is its module's
// own secret.
func (s *awsState) withIAM(acct *labiam.Account) {
	s.api.iam = &labIAM{account: acct}
	for fn, key := range s.keys {
		if role := acct.FunctionRole(fn); role != "" {
			s.api.keys[key] = role
		}
	}
	for _, fn := range s.api.functions {
		if arn := acct.ARN(fn); arn != "" {
			s.api.functionARNs[fn] = arn
		}
	}
	for _, sec := range acct.Secrets() {
		s.api.secrets[sec.ARN] = labThrowaway
	}
	for _, p := range acct.Parameters() {
		s.api.parameters[p.Name] = p
	}
}

// apiKeyFor is the secret the egress function at fn reads: with the lab's
// IAM, the one secret of the plan made in the function's own module (the
// reference egress module makes its key there), else the lab's own.
func (s *awsState) apiKeyFor(fn string, acct *labiam.Account) string {
	if acct == nil {
		return s.apiKeyID
	}
	module := fn[:strings.LastIndex(fn, "aws_lambda_function.")]
	var found []string
	for _, sec := range acct.Secrets() {
		if strings.HasPrefix(sec.Address, module+"aws_secretsmanager_secret.") {
			found = append(found, sec.ARN)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return s.apiKeyID
}

// credentialsEnv gives a function's runtimes (its handler and its probe)
// the access key that signs as its execution role.
func (l *Lab) credentialsEnv(n *Node) []string {
	key := l.aws.keys[n.Address]
	if key == "" {
		key = "AKIALABNOFUNCTION" // not a function of the lab: signs as no role
	}
	return []string{"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=lab-fake-secret"}
}

// dataAPIByARN runs SELECT 1 through the lab's Data API on the cluster
// with this ARN.
func (l *Lab) dataAPIByARN(ctx context.Context, arn string) error {
	for _, c := range l.opts.IAM.Clusters() {
		if c.ARN == arn {
			return l.dataAPI.ExecuteStatement(ctx, c.Address, "SELECT 1")
		}
	}
	return fmt.Errorf("DBCluster %s not found", arn)
}

// callerOf names the lab function behind a client address, directly or
// through an endpoint's relay.
func (s *awsState) callerOf(l *Lab) func(string) string {
	return func(remote string) string {
		if v, ok := s.relays.Load(remote); ok {
			return v.(string)
		}
		host, _, _ := net.SplitHostPort(remote)
		if n := l.Topo.NodeByIP(host); n != nil {
			return n.Address
		}
		return ""
	}
}

// startEndpoints listens on every interface endpoint's address, inside its
// namespace (so its security groups filter who gets in), and relays each
// connection to the stand-ins from the internet namespace: the endpoint is
// the VPC's door to the AWS service, not a route out of the VPC.
func (l *Lab) startEndpoints() error {
	target := net.JoinHostPort(l.Topo.CanaryIP, "443")
	for _, n := range l.Topo.Nodes {
		if n.Kind != KindEndpoint {
			continue
		}
		ln, err := listenIn(n.NS, net.JoinHostPort(n.IP, "443"))
		if err != nil {
			return err
		}
		var conns sync.Map
		l.closers = append(l.closers, func() error {
			err := ln.Close()
			conns.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
			return err
		})
		go func(n *Node) {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go l.relay(c, n, target, &conns)
			}
		}(n)
	}
	return nil
}

func (l *Lab) relay(c net.Conn, n *Node, target string, conns *sync.Map) {
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), relayLimit)
	defer cancel()
	up, err := dialFrom(l.Topo.InternetNS)(ctx, "", target)
	if err != nil {
		return
	}
	defer up.Close()
	conns.Store(c, true)
	conns.Store(up, true)
	defer conns.Delete(c)
	defer conns.Delete(up)
	host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
	who := host
	if fn := l.Topo.NodeByIP(host); fn != nil {
		who = fn.Address
	}
	key := up.LocalAddr().String()
	l.aws.relays.Store(key, who+" via "+n.Address)
	defer l.aws.relays.Delete(key)
	deadline := time.Now().Add(relayLimit)
	_ = c.SetDeadline(deadline)
	_ = up.SetDeadline(deadline)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
}

// serviceURL is where function n's SDK reaches service: the VPC's
// interface endpoint when it has one with private DNS (the regional name
// resolves to it), else the public regional endpoint, which a function in
// a VPC reaches only through a NAT.
func (l *Lab) serviceURL(n *Node, service string) string {
	if n.VPC != "" {
		for _, e := range l.Topo.Nodes {
			if e.Kind == KindEndpoint && e.VPC == n.VPC && e.Service == service && e.PrivateDNS {
				return "https://" + e.IP
			}
		}
	}
	return "https://" + l.Topo.CanaryIP
}

// AWSCalls returns the calls the AWS API stand-ins answered.
func (l *Lab) AWSCalls() []AWSCall {
	if l.aws == nil {
		return nil
	}
	return l.aws.api.Calls()
}
