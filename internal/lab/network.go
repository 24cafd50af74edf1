//go:build linux

package lab

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/letsleep/letsleep/internal/model"
)

// UpNetwork brings up only the network of m: namespaces, links, routes and
// the nftables compiled from its security groups. No PostgreSQL, sentinel,
// canary service or handler runs; callers listen and dial inside the
// namespaces themselves (ListenIn, DialIn). Close tears it down like a
// full lab. lab-diff uses it to probe hundreds of random stacks at once.
func UpNetwork(ctx context.Context, m *model.Model, opts Options) (l *Lab, err error) {
	opts.defaults()
	if os.Geteuid() != 0 {
		return nil, ErrNotRoot
	}
	l = &Lab{Model: m, opts: opts, Sentinels: map[string]*Sentinel{}, sockets: map[string]string{}}
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
	if err := l.upNetwork(ctx, l.stepper()); err != nil {
		return nil, err
	}
	return l, nil
}

// upNetwork takes the lock, removes leftovers of a killed lab, lays out
// the topology and makes its namespaces, links and nftables rules: the
// steps a full lab and a network-only one share. The caller closes l on
// error.
func (l *Lab) upNetwork(ctx context.Context, step func(string, func() error) error) (err error) {
	opts := l.opts
	if err := step("lock", func() error {
		l.lock, err = lockFile(ctx, opts.StateDir, opts.LockWait, func(owner string) {
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "lab:   another lab is up%s; waiting up to %s\n", owner, opts.LockWait)
			}
		})
		return err
	}); err != nil {
		return err
	}
	if err := step("clean leftovers", func() error {
		removed, err := CleanLeftovers(ctx, opts.StateDir)
		if len(removed) > 0 && opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "lab:   removed leftover namespaces %v\n", removed)
		}
		return err
	}); err != nil {
		return err
	}
	id := randomID()
	if err := step("plan topology", func() error {
		l.Topo, err = BuildTopology(l.Model, id)
		if err != nil {
			return err
		}
		l.Rulesets = Rulesets(l.Topo, l.Model)
		l.dir = filepath.Join(opts.StateDir, "lab-"+id)
		if err := os.MkdirAll(l.dir, 0o755); err != nil {
			return err
		}
		return l.saveState()
	}); err != nil {
		return err
	}
	if err := step("namespaces and links", func() error { return l.buildNetwork(ctx) }); err != nil {
		return err
	}
	return step("nftables from security groups", func() error { return l.applyRules(ctx) })
}

// ListenIn opens a TCP listener on addr inside the lab namespace ns.
func ListenIn(ns, addr string) (net.Listener, error) { return listenIn(ns, addr) }

// DialIn dials a TCP address (IPv4 or IPv6) from inside the lab namespace ns; the
// connection stays in that namespace.
func DialIn(ctx context.Context, ns, addr string) (net.Conn, error) {
	var c net.Conn
	err := inNS(ns, func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, "tcp", addr)
		return err
	})
	return c, err
}

// InNS runs fn on a thread switched into the lab namespace ns; sockets fn
// makes stay in that namespace (UDP and ICMP probes).
func InNS(ns string, fn func() error) error { return inNS(ns, fn) }
