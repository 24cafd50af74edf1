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
// lab made) and probes every cell with real packets: the function
// namespace opens a TCP connection to the database's address and port,
// and reaches the internet canary (IPv4, and IPv6 from a dual-stack
// function) by TCP and UDP on every port a rule of the plan names, and by
// ICMP echo: a way out on any protocol or port is a way out. Everything is
// torn down before it returns.
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
	for _, ip := range []string{l.Topo.CanaryIP, l.Topo.CanaryIP6} {
		for _, p := range ports.tcp {
			if err := listen(l.Topo.InternetNS, net.JoinHostPort(ip, strconv.Itoa(p))); err != nil {
				return nil, nil, err
			}
		}
		for _, p := range ports.udp {
			pc, err := listenUDPIn(l.Topo.InternetNS, net.JoinHostPort(ip, strconv.Itoa(p)))
			if err != nil {
				return nil, nil, err
			}
			defer pc.Close()
			go echoUDP(pc)
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
		fmt.Fprintf(o.Progress, "lab: probed %d cells in %s (to the internet: ICMP echo, TCP %v, UDP %v)\n", len(cells), time.Since(start).Round(time.Millisecond), ports.tcp, ports.udp)
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

// ports are the canary's ports per protocol.
type ports struct{ tcp, udp []int }

// probePorts: 443 (and 53 for UDP) and both ends of every TCP and UDP
// port range in the plan's rules. Every range holds one of its own ends,
// so a function whose groups let some port out reaches the canary on one
// of these.
func probePorts(m *model.Model) ports {
	out := ports{tcp: []int{443}, udp: []int{53, 443}}
	add := func(list *[]int, p int) {
		p = max(1, min(p, 65535))
		if !slices.Contains(*list, p) {
			*list = append(*list, p)
		}
	}
	for _, g := range m.SecurityGroups {
		for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
			switch r.Protocol {
			case "tcp":
				add(&out.tcp, r.FromPort)
				add(&out.tcp, r.ToPort)
			case "udp":
				add(&out.udp, r.FromPort)
				add(&out.udp, r.ToPort)
			}
		}
	}
	slices.Sort(out.tcp)
	slices.Sort(out.udp)
	return out
}

// probeCell reaches the cell's target from the function's namespace. A
// connection (or an answer) means reachable; a timeout (dropped by
// nftables or by a namespace with no route) twice means not.
func probeCell(ctx context.Context, t *lab.Topology, c Cell, ps ports, timeout time.Duration) Verdict {
	fn := t.Node(c.Function)
	if fn == nil {
		return Verdict{Why: "function not in the lab"}
	}
	var probes []probe
	if c.Target == Internet {
		ips := []string{t.CanaryIP}
		if fn.IP6 != "" {
			ips = append(ips, t.CanaryIP6)
		}
		for _, ip := range ips {
			probes = append(probes, probe{"icmp", ip})
			for _, p := range ps.tcp {
				probes = append(probes, probe{"tcp", net.JoinHostPort(ip, strconv.Itoa(p))})
			}
			for _, p := range ps.udp {
				probes = append(probes, probe{"udp", net.JoinHostPort(ip, strconv.Itoa(p))})
			}
		}
	} else {
		db := t.Node(c.Target)
		if db == nil {
			return Verdict{Why: "database not in the lab"}
		}
		probes = []probe{{"tcp", net.JoinHostPort(db.IP, strconv.Itoa(db.Port))}}
	}
	from := fn.IP
	if fn.IP6 != "" {
		from += ", " + fn.IP6
	}
	var last []string
	for attempt := 0; attempt < 2; attempt++ {
		ok, fails := dialAny(ctx, fn.NS, probes, timeout)
		if ok != "" {
			return Verdict{Reach: true, Why: fmt.Sprintf("reached from %s (%s): %s", fn.NS, from, ok)}
		}
		last = fails
	}
	return Verdict{Why: fmt.Sprintf("no answer from %s (%s): %s", fn.NS, from, strings.Join(last, "; "))}
}

// dialAny runs every probe at once and returns the first that is
// answered, or why each failed.
func dialAny(ctx context.Context, ns string, probes []probe, timeout time.Duration) (string, []string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type res struct {
		p   probe
		err error
	}
	ch := make(chan res, len(probes))
	for _, p := range probes {
		go func() { ch <- res{p, p.run(ctx, ns)} }()
	}
	var fails []string
	for range probes {
		r := <-ch
		if r.err == nil {
			return r.p.String(), nil
		}
		fails = append(fails, r.p.String()+" "+failText(r.err))
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
