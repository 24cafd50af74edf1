//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/letsleep/letsleep/internal/rdsproxy"
)

// proxyEnv carries the proxy spec to the child process.
const proxyEnv = "LETSLEEP_LAB_PROXY"

// ProxySpec is what one RDS Proxy process needs: where it listens (its own
// node's address), the database it pools for, and its secret.
type ProxySpec struct {
	Proxy    string `json:"proxy"`
	Listen   string `json:"listen"`
	DBAddr   string `json:"db_addr"`
	User     string `json:"user"`
	Password string `json:"password"`
	MinOpen  int    `json:"min_open"`
}

// proxyChild runs the pooling proxy inside the proxy's namespace until
// SIGTERM: its pooled connections leave from the proxy's own address,
// through its security groups, as an RDS Proxy's do from its ENIs.
func proxyChild() int {
	var spec ProxySpec
	if err := json.Unmarshal([]byte(os.Getenv(proxyEnv)), &spec); err != nil {
		fmt.Fprintf(os.Stderr, "lab proxy: bad spec: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp4", spec.Listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab proxy: listen: %v\n", err)
		return 1
	}
	p := rdsproxy.New(rdsproxy.Config{User: spec.User, Password: spec.Password, Database: "postgres", MinOpen: spec.MinOpen, Log: os.Stderr,
		Dial: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp4", spec.DBAddr)
		}})
	p.Start()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; _ = p.Close() }()
	if err := p.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "lab proxy: %v\n", err)
		return 1
	}
	return 0
}

// startProxies runs one pooling proxy process per RDS Proxy node. Nothing
// else holds the database: whether it can pause depends on what these
// processes really keep open through the security groups.
func (l *Lab) startProxies() error {
	for _, n := range l.Topo.Proxies() {
		db := l.Topo.Node(n.Targets[0])
		spec := ProxySpec{Proxy: n.Address, Listen: net.JoinHostPort(n.IP, strconv.Itoa(n.Port)),
			DBAddr: net.JoinHostPort(db.IP, strconv.Itoa(db.Port)), MinOpen: 1}
		if l.PG != nil {
			spec.User, spec.Password = l.PG.User, l.PG.Password
		}
		raw, _ := json.Marshal(spec)
		if err := l.startChild(n, "proxy", proxyEnv+"="+string(raw)); err != nil {
			return fmt.Errorf("start rds proxy %s: %w", n.Address, err)
		}
	}
	return nil
}

// startChild re-executes the lab binary as a child of the given kind in
// n's namespace, logging to the lab directory, and registers its stop.
func (l *Lab) startChild(n *Node, kind string, env ...string) error {
	cmd := exec.Command("ip", "netns", "exec", n.NS, l.self)
	cmd.Env = append(append(os.Environ(), childEnv+"="+kind), env...)
	return l.startProc(n.NS, cmd)
}

// startProc starts cmd in its own process group, logging to
// <lab dir>/<name>.log, and registers its stop (SIGTERM, then SIGKILL).
func (l *Lab) startProc(name string, cmd *exec.Cmd) error {
	logf, err := os.Create(filepath.Join(l.dir, name+".log"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	l.closers = append(l.closers, func() error {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		return nil
	})
	return nil
}
