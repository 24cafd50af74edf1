//go:build linux

package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/letsleep/letsleep/internal/labiam"
	"github.com/letsleep/letsleep/internal/model"
)

// Options tune a lab.
type Options struct {
	// IdleAfter is the pause delay: the sentinel stops PostgreSQL after this
	// long with no connection (Aurora: seconds_until_auto_pause, 300 s at
	// least; scaled down for the lab). Default 2s.
	IdleAfter time.Duration
	StateDir  string    // default DefaultStateDir
	Progress  io.Writer // step lines ("lab: step ... ok (12ms)"); nil is quiet
	// ProbeBin is the probe binary (go build ./probes/probe) run in the
	// namespaces; "" takes $LETSLEEP_PROBE_BIN, and when that is empty too
	// the lab re-executes its own binary, which runs the same internal/probe code.
	ProbeBin string
	LockWait time.Duration // how long to wait for another lab; default 5m
	Source   string        // the plan it came from, for status
	// DenyWake stops positive controls that wake the DB. The lab allows them
	// by default: waking the sentinel costs nothing.
	DenyWake bool
	// RIEBin is the Lambda Runtime Interface Emulator (aws-lambda-rie);
	// "" takes $LETSLEEP_RIE_BIN. With it, the probe (ProbeBin, built as
	// `make probes` builds it) and the handler bootstraps in FunctionsDir
	// run under the emulator in the function namespaces.
	RIEBin string
	// FunctionsDir holds <role>/bootstrap, built as `make functions`
	// builds them; "" takes $LETSLEEP_FUNCTIONS_DIR.
	FunctionsDir string
	// IAM is the lab's own IAM for the stack (internal/labiam, read from
	// the plan): the AWS stand-ins authenticate and authorise every call
	// through it. Nil (a lab built from a model alone) serves calls
	// unauthorised. UpFromPlan reads it from the plan.
	IAM *labiam.Account
}

func (o *Options) defaults() {
	if o.IdleAfter <= 0 {
		o.IdleAfter = 2 * time.Second
	}
	if o.StateDir == "" {
		o.StateDir = DefaultStateDir
	}
	if o.LockWait <= 0 {
		o.LockWait = 5 * time.Minute
	}
	if o.ProbeBin == "" {
		o.ProbeBin = os.Getenv("LETSLEEP_PROBE_BIN")
	}
	if o.RIEBin == "" {
		o.RIEBin = os.Getenv("LETSLEEP_RIE_BIN")
	}
	if o.FunctionsDir == "" {
		o.FunctionsDir = os.Getenv("LETSLEEP_FUNCTIONS_DIR")
	}
}

// Lab is a running twin.
type Lab struct {
	Model    *model.Model
	Topo     *Topology
	Rulesets map[string]string
	canary   *Canary
	// Sentinels by DB address; the first DB has the real PostgreSQL.
	Sentinels map[string]*Sentinel
	PG        *Postgres

	opts    Options
	dir     string
	self    string
	lock    *os.File
	sockets map[string]string // function address → handler socket
	dataAPI dataAPI
	// The runtime emulators by function address.
	probeRIE, handlerRIE map[string]rieFunction
	aws                  *awsState // the AWS API stand-ins
	mu                   sync.Mutex
	closers              []func() error
	once                 sync.Once
	closeErr             error
}

// Up builds the lab for m. On any error everything made so far is removed.
func Up(ctx context.Context, m *model.Model, opts Options) (l *Lab, err error) {
	opts.defaults()
	if os.Geteuid() != 0 {
		return nil, ErrNotRoot
	}
	for _, tool := range []string{"ip", "nft", "setpriv"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("lab needs %s: install iproute2, nftables and util-linux (make deps)", tool)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own binary: %w", err)
	}
	l = &Lab{Model: m, opts: opts, self: self, Sentinels: map[string]*Sentinel{},
		sockets: map[string]string{}, probeRIE: map[string]rieFunction{}, handlerRIE: map[string]rieFunction{}}
	step := l.stepper()
	// The returns below set l to nil before this runs: close the lab
	// through its own variable, or a failed step would leave it all up.
	built := l
	defer func() {
		if r := recover(); r != nil {
			_ = built.Close()
			panic(r)
		}
		if err != nil {
			_ = built.Close()
			l = nil
		}
	}()
	if err := l.upNetwork(ctx, step); err != nil {
		return nil, err
	}
	if err := step("internet canary, AWS API stand-ins", func() error { return l.startCanary() }); err != nil {
		return nil, err
	}
	if err := step("postgresql", func() error {
		db := l.Topo.DB()
		l.PG, err = StartPostgres(ctx, db.NS, filepath.Join(l.dir, "pg"), opts.StateDir)
		if err == nil {
			l.closers = append(l.closers, func() error { l.PG.Stop(); return nil })
		}
		return err
	}); err != nil {
		return nil, err
	}
	if err := step("sleep sentinel", func() error { return l.startSentinels() }); err != nil {
		return nil, err
	}
	if err := step("data api", func() error { return l.startDataAPI(ctx) }); err != nil {
		return nil, err
	}
	if err := step("rds proxies (pooling processes)", func() error { return l.startProxies() }); err != nil {
		return nil, err
	}
	if err := step("lambda runtime emulator", func() error { return l.startRuntimes(ctx) }); err != nil {
		return nil, err
	}
	if err := step("handlers", func() error { return l.startHandlers(ctx) }); err != nil {
		return nil, err
	}
	if err := step("status api", func() error { return l.startAPI() }); err != nil {
		return nil, err
	}
	return l, nil
}

// ErrNotRoot says the lab needs root (namespaces, nftables).
var ErrNotRoot = errors.New("the lab needs root: it creates network namespaces and nftables rules")

func randomID() string {
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (l *Lab) stepper() func(name string, fn func() error) error {
	return func(name string, fn func() error) error {
		start := time.Now()
		err := fn()
		if l.opts.Progress != nil {
			status := "ok"
			if err != nil {
				status = "FAILED"
			}
			fmt.Fprintf(l.opts.Progress, "lab: %-32s %s (%s)\n", name, status, time.Since(start).Round(time.Millisecond))
		}
		if err != nil {
			return fmt.Errorf("lab %s: %w", name, err)
		}
		return nil
	}
}

func (l *Lab) saveState() error {
	s := &State{ID: l.Topo.ID, PID: os.Getpid(), Source: l.opts.Source, Started: time.Now().UTC(), Dir: l.dir,
		API: filepath.Join(l.dir, "api.sock"), Topology: l.Topo, Rulesets: l.Rulesets,
		CanaryURL: l.canaryURL(), DBAddr: l.dbAddr()}
	return writeState(l.opts.StateDir, s)
}

func (l *Lab) canaryURL() string { return "https://" + l.Topo.CanaryIP + "/v1/chat/completions" }

func (l *Lab) dbAddr() string {
	db := l.Topo.DB()
	return net.JoinHostPort(db.IP, strconv.Itoa(db.Port))
}

// buildNetwork makes the namespaces, veth links, addresses and routes.
// Links are created directly between lab namespaces, so no interface, address
// or route ever appears in the host namespace. The commands go to one
// `ip -batch` per namespace, not one process each: a lab-diff lab has
// hundreds of namespaces, and a fork is slow on a loaded machine.
func (l *Lab) buildNetwork(ctx context.Context) error {
	t := l.Topo
	var adds strings.Builder
	for _, ns := range t.Namespaces() {
		fmt.Fprintf(&adds, "netns add %s\n", ns)
	}
	if err := ipBatch(ctx, "", adds.String()); err != nil {
		return err
	}
	// Three phases, each after the one before: a veth's far end exists
	// only once the node (phase 1) or router (phase 2) that makes it ran.
	phases := [3]map[string]*strings.Builder{{}, {}, {}}
	phaseOf := map[string]int{t.InternetNS: 2}
	for _, r := range t.Routers {
		phaseOf[r.NS] = 1
	}
	cmd := func(ns, format string, args ...any) {
		b := phases[phaseOf[ns]][ns]
		if b == nil {
			b = &strings.Builder{}
			phases[phaseOf[ns]][ns] = b
		}
		fmt.Fprintf(b, format+"\n", args...)
	}
	for _, ns := range t.Namespaces() {
		cmd(ns, "link set lo up")
	}
	cmd(t.InternetNS, "addr add %s/32 dev lo", t.CanaryIP)
	cmd(t.InternetNS, "addr add %s/128 dev lo", t.CanaryIP6)
	// IPv6 addresses skip duplicate detection: on a fresh veth they would
	// stay tentative (unusable) for a second or more.
	link := func(nsA, ifA, ipA, ip6A, nsB, ifB, ipB, ip6B string) {
		cmd(nsA, "link add %s type veth peer name %s netns %s", ifA, ifB, nsB)
		cmd(nsA, "addr add %s/30 dev %s", ipA, ifA)
		cmd(nsB, "addr add %s/30 dev %s", ipB, ifB)
		if ip6A != "" {
			cmd(nsA, "addr add %s/64 dev %s nodad", ip6A, ifA)
			cmd(nsB, "addr add %s/64 dev %s nodad", ip6B, ifB)
		}
		cmd(nsA, "link set %s up", ifA)
		cmd(nsB, "link set %s up", ifB)
	}
	for _, n := range t.Nodes {
		link(n.NS, n.IfNode, n.IP, n.IP6, n.PeerNS, n.IfPeer, n.PeerIP, n.PeerIP6)
		cmd(n.NS, "route add default via %s", n.PeerIP)
		if n.IP6 != "" {
			cmd(n.NS, "route add ::/0 via %s", n.PeerIP6)
		}
	}
	for _, r := range t.Routers {
		if r.IfInet == "" {
			continue
		}
		link(r.NS, r.IfInet, r.IP, r.IP6, t.InternetNS, r.IfPeer, r.PeerIP, r.PeerIP6)
		// IPv6 is not translated (an egress-only or internet gateway
		// keeps the function's address): the internet routes it back.
		for _, i := range r.Members {
			if n := t.Nodes[i]; n.IP6 != "" {
				cmd(t.InternetNS, "route add %s via %s", netip.MustParsePrefix(n.IP6+"/64").Masked(), r.IP6)
			}
		}
	}
	// Last, once their links exist: each router's policy routing, its
	// members' subnet tables by longest prefix (routes.go).
	routing := map[string]*strings.Builder{}
	for _, r := range t.Routers {
		v4, v6 := t.routingCommands(r)
		cmd(r.NS, "%s", strings.TrimSuffix(v4, "\n"))
		routing[r.NS] = &strings.Builder{}
		routing[r.NS].WriteString(v6)
	}
	for _, ph := range phases {
		if err := forEachNS(ctx, ph, func(ns string, b *strings.Builder) error { return ipBatch(ctx, ns, b.String()) }); err != nil {
			return err
		}
	}
	if err := forEachNS(ctx, routing, func(ns string, b *strings.Builder) error { return ipBatch6(ctx, ns, b.String()) }); err != nil {
		return err
	}
	for _, r := range t.Routers {
		if _, err := sh(ctx, "", "ip", "netns", "exec", r.NS, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"); err != nil {
			return err
		}
	}
	return nil
}

func (l *Lab) applyRules(ctx context.Context) error {
	return forEachNS(ctx, l.Rulesets, func(ns, rs string) error {
		if _, err := sh(ctx, rs, "ip", "netns", "exec", ns, "nft", "-f", "-"); err != nil {
			return fmt.Errorf("load ruleset into %s: %w\n%s", ns, err, rs)
		}
		return nil
	})
}

// startCanary serves the internet service address: the LLM stub and the
// AWS API stand-ins, also reached through the interface VPC endpoints'
// relays (their addresses are in the certificate).
func (l *Lab) startCanary() error {
	var endpoints []string
	for _, n := range l.Topo.Nodes {
		if n.Kind == KindEndpoint {
			endpoints = append(endpoints, n.IP)
		}
	}
	c, err := NewCanary(l.Topo.CanaryIP, endpoints...)
	if err != nil {
		return err
	}
	l.canary = c
	if l.aws, err = l.newAWSState(); err != nil {
		return err
	}
	c.AWS = l.aws.api
	ln, err := listenIn(l.Topo.InternetNS, net.JoinHostPort(l.Topo.CanaryIP, "443"))
	if err != nil {
		return err
	}
	go func() { _ = c.Serve(ln) }()
	l.closers = append(l.closers, c.Close)
	return l.startEndpoints()
}

func (l *Lab) attribute(ip string) string {
	if n := l.Topo.NodeByIP(ip); n != nil {
		return n.Address
	}
	if ip == dataAPIAddr {
		return DataAPISource
	}
	return ""
}

func (l *Lab) startSentinels() error {
	first := l.Topo.DB()
	for _, n := range l.Topo.Nodes {
		if n.Kind != KindDB {
			continue
		}
		cfg := SentinelConfig{IdleAfter: l.opts.IdleAfter, Attribute: l.attribute}
		if db := l.database(n.Address); db != nil {
			cfg.NeverPause = strings.Join(PauseBlockers(*db), "; ")
		}
		if n == first && l.PG != nil {
			cfg.Engine = l.PG
			sock := l.PG.Socket
			cfg.Dial = func(ctx context.Context) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", sock)
			}
		}
		ln, err := listenIn(n.NS, net.JoinHostPort(n.IP, strconv.Itoa(n.Port)))
		if err != nil {
			return err
		}
		s := NewSentinel(cfg)
		go func() { _ = s.Serve(ln) }()
		l.Sentinels[n.Address] = s
		l.closers = append(l.closers, s.Close)
	}
	return nil
}

func (l *Lab) database(address string) *model.Database {
	for i := range l.Model.Databases {
		if l.Model.Databases[i].Address == address {
			return &l.Model.Databases[i]
		}
	}
	return nil
}

func (l *Lab) startHandlers(ctx context.Context) error {
	db := l.Topo.DB()
	control := ""
	for _, n := range l.Topo.Nodes {
		if n.Kind == KindFunction {
			l.sockets[n.Address] = filepath.Join(l.dir, n.NS+".sock")
			if n.Role == model.RoleControl && control == "" {
				control = n.Address
			}
		}
	}
	for _, n := range l.Topo.Nodes {
		if n.Kind != KindFunction {
			continue
		}
		spec := HandlerSpec{Function: n.Address, Role: n.Role, Socket: l.sockets[n.Address],
			DBAddr: net.JoinHostPort(db.IP, strconv.Itoa(db.Port)), LLMURL: l.canaryURL(), CAPEM: l.canary.CAPEM}
		if n.Role == model.RoleWarmup && control != "" {
			spec.Invoke = l.sockets[control]
		}
		if l.PG != nil {
			spec.DBUser, spec.DBPassword = l.PG.User, l.PG.Password
		}
		if r, ok := l.handlerRIE[n.Address]; ok {
			if err := l.rieFront(n.Address, r, l.sockets[n.Address]); err != nil {
				return err
			}
			continue
		}
		raw, _ := json.Marshal(spec)
		if err := l.startChild(n, "handler", handlerEnv+"="+string(raw)); err != nil {
			return fmt.Errorf("start handler of %s: %w", n.Address, err)
		}
	}
	// Wait until every handler listens (bounded).
	deadline := time.Now().Add(15 * time.Second)
	for fn, sock := range l.sockets {
		for {
			c, err := net.Dial("unix", sock)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("handler of %s not listening after 15s (log %s)", fn, filepath.Join(l.dir, l.Topo.Node(fn).NS+".log"))
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// Close tears everything down in reverse order; safe to call many times.
func (l *Lab) Close() error {
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		var errs []error
		for i := len(l.closers) - 1; i >= 0; i-- {
			if err := l.closers[i](); err != nil {
				errs = append(errs, err)
			}
		}
		if l.Topo != nil {
			// A few at once, and time that grows with the lab: a lab-diff
			// lab has hundreds of namespaces.
			all := map[string]bool{}
			for _, ns := range l.Topo.Namespaces() {
				all[ns] = true
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second+time.Duration(len(all))*time.Second)
			defer cancel()
			if err := forEachNS(ctx, all, func(ns string, _ bool) error { return deleteNS(ctx, ns) }); err != nil {
				errs = append(errs, err)
			}
		}
		if l.dir != "" {
			if err := os.RemoveAll(l.dir); err != nil {
				errs = append(errs, err)
			}
			_ = os.Remove(statePath(l.opts.StateDir))
		}
		if l.lock != nil {
			l.lock.Close() // releases the flock
		}
		l.closeErr = errors.Join(errs...)
		if l.opts.Progress != nil {
			fmt.Fprintln(l.opts.Progress, "lab: torn down")
		}
	})
	return l.closeErr
}
