//go:build linux

package labdiff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
)

// LabOptions tune the packet side.
type LabOptions struct {
	Progress io.Writer
	// DialTimeout is how long one connection attempt may take before the
	// cell counts as dropped; default 2s. Each cell tries twice.
	DialTimeout time.Duration
	Parallel    int    // cells probed at once; default 48
	StateDir    string // default the lab's
}

// LabVerdicts brings the lab network of in up (namespaces, veth, routes,
// nftables from the security groups; traffic only inside namespaces the
// lab made) and probes every cell with real TCP connections: the function
// namespace dials the database's address and port, and the internet
// canary on every port a rule of the plan names (a way out on any port is
// a way out). Everything is torn down before it returns.
func LabVerdicts(ctx context.Context, in *LabInput, o LabOptions) (map[Cell]Verdict, *lab.Lab, error) {
	if o.DialTimeout <= 0 {
		o.DialTimeout = 2 * time.Second
	}
	if o.Parallel <= 0 {
		o.Parallel = 48
	}
	l, err := lab.UpNetwork(ctx, in.Model, lab.Options{Progress: o.Progress, StateDir: o.StateDir})
	if err != nil {
		return nil, nil, err
	}
	defer l.Close()
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	listen := func(ns, addr string) error {
		ln, err := lab.ListenIn(ns, addr)
		if err != nil {
			return fmt.Errorf("listen on %s in %s: %w", addr, ns, err)
		}
		lns = append(lns, ln)
		go acceptAndClose(ln)
		return nil
	}
	for _, n := range l.Topo.Nodes {
		if n.Kind == lab.KindDB {
			if err := listen(n.NS, net.JoinHostPort(n.IP, strconv.Itoa(n.Port))); err != nil {
				return nil, nil, err
			}
		}
	}
	ports := probePorts(in.Model)
	for _, p := range ports {
		if err := listen(l.Topo.InternetNS, net.JoinHostPort(l.Topo.CanaryIP, strconv.Itoa(p))); err != nil {
			return nil, nil, err
		}
	}
	var fns, dbs []string
	for _, f := range in.Model.Functions {
		fns = append(fns, f.Address)
	}
	for _, d := range in.Model.Databases {
		dbs = append(dbs, d.Address)
	}
	cells := Cells(fns, dbs)
	out := make(map[Cell]Verdict, len(cells))
	var mu sync.Mutex
	work := make(chan Cell)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < o.Parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				v := probeCell(ctx, l.Topo, c, ports, o.DialTimeout)
				mu.Lock()
				out[c] = v
				mu.Unlock()
			}
		}()
	}
	for _, c := range cells {
		select {
		case work <- c:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "lab: probed %d cells in %s (ports to the internet: %v)\n", len(cells), time.Since(start).Round(time.Millisecond), ports)
	}
	return out, l, nil
}

func acceptAndClose(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

// probePorts: 443 and both ends of every TCP port range in the plan's
// rules. Every range holds one of its own ends, so a function whose groups
// let some port out reaches the canary on one of these.
func probePorts(m *model.Model) []int {
	ports := []int{443}
	add := func(p int) {
		if p < 1 {
			p = 1
		}
		if p > 65535 {
			p = 65535
		}
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	for _, g := range m.SecurityGroups {
		for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
			if r.Protocol == "tcp" {
				add(r.FromPort)
				add(r.ToPort)
			}
		}
	}
	slices.Sort(ports)
	return ports
}

// probeCell dials the cell's target from the function's namespace. A
// connection means reachable; a timeout (dropped by nftables or by a
// namespace with no route) twice means not.
func probeCell(ctx context.Context, t *lab.Topology, c Cell, ports []int, timeout time.Duration) Verdict {
	fn := t.Node(c.Function)
	if fn == nil {
		return Verdict{Why: "function not in the lab"}
	}
	var addrs []string
	if c.Target == Internet {
		for _, p := range ports {
			addrs = append(addrs, net.JoinHostPort(t.CanaryIP, strconv.Itoa(p)))
		}
	} else {
		db := t.Node(c.Target)
		if db == nil {
			return Verdict{Why: "database not in the lab"}
		}
		addrs = []string{net.JoinHostPort(db.IP, strconv.Itoa(db.Port))}
	}
	var last []string
	for attempt := 0; attempt < 2; attempt++ {
		ok, fails := dialAny(ctx, fn.NS, addrs, timeout)
		if ok != "" {
			return Verdict{Reach: true, Why: fmt.Sprintf("connected from %s (%s) to %s", fn.NS, fn.IP, ok)}
		}
		last = fails
	}
	return Verdict{Why: fmt.Sprintf("no connection from %s (%s): %s", fn.NS, fn.IP, strings.Join(last, "; "))}
}

// dialAny dials every address at once and returns the first that
// connects, or why each failed.
func dialAny(ctx context.Context, ns string, addrs []string, timeout time.Duration) (string, []string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type res struct {
		addr string
		err  error
	}
	ch := make(chan res, len(addrs))
	for _, a := range addrs {
		go func() {
			c, err := lab.DialIn(ctx, ns, a)
			if err == nil {
				c.Close()
			}
			ch <- res{a, err}
		}()
	}
	var fails []string
	for range addrs {
		r := <-ch
		if r.err == nil {
			return r.addr, nil
		}
		fails = append(fails, r.addr+" "+failText(r.err))
	}
	slices.Sort(fails)
	return "", fails
}

func failText(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), os.IsTimeout(err):
		return "timeout"
	case strings.Contains(err.Error(), "connection refused"):
		return "refused"
	case strings.Contains(err.Error(), "unreachable"):
		return "unreachable"
	}
	return err.Error()
}
