//go:build linux

package lab

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netns"
)

// sh runs one command (ip, nft, ...) and returns its output; a failure
// carries the command line and its stderr.
func sh(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	return shWithin(ctx, 20*time.Second, stdin, name, args...)
}

// shWithin is sh with its own time limit.
func shWithin(ctx context.Context, limit time.Duration, stdin string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

func ip(ctx context.Context, args ...string) error {
	_, err := sh(ctx, "", "ip", args...)
	return err
}

// ipBatch runs commands, one per line, through one `ip -batch` process,
// inside namespace ns ("" for the host, used only to add namespaces). It
// stops at the first failing line and says which.
func ipBatch(ctx context.Context, ns, commands string) error {
	return ipBatchFamily(ctx, "", ns, commands)
}

// ipBatch6 is ipBatch for IPv6 rules: `ip rule` takes its family from the
// command line, not from the batch line.
func ipBatch6(ctx context.Context, ns, commands string) error {
	return ipBatchFamily(ctx, "-6", ns, commands)
}

func ipBatchFamily(ctx context.Context, family, ns, commands string) error {
	args := []string{"-batch", "-"}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	if family != "" {
		args = append([]string{family}, args...)
	}
	// A batch holds hundreds of lines on a big lab: more time than one command.
	_, err := shWithin(ctx, 3*time.Minute, commands, "ip", args...)
	return err
}

// forEachNS runs fn for every namespace of m, a few at once, and returns
// the first error (the others still finish: the caller tears down).
func forEachNS[V any](ctx context.Context, m map[string]V, fn func(ns string, v V) error) error {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for ns, v := range m {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(ns, v); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// listLabNS lists the namespaces whose name carries the lab prefix.
func listLabNS() ([]string, error) {
	entries, err := os.ReadDir("/run/netns")
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), NSPrefix) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// deleteNS kills every process inside ns, then removes it. A namespace
// that is already gone is not an error.
func deleteNS(ctx context.Context, ns string) error {
	if _, err := os.Stat("/run/netns/" + ns); os.IsNotExist(err) {
		return nil
	}
	if out, err := sh(ctx, "", "ip", "netns", "pids", ns); err == nil {
		for _, f := range strings.Fields(out) {
			if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if err := ip(ctx, "netns", "del", ns); err != nil {
		if _, serr := os.Stat("/run/netns/" + ns); os.IsNotExist(serr) {
			return nil
		}
		return err
	}
	return nil
}

// inNS runs fn on a thread switched into the named namespace. Sockets made
// by fn stay in that namespace after the thread switches back.
func inNS(name string, fn func() error) error {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("current netns: %w", err)
	}
	defer orig.Close()
	h, err := netns.GetFromName(name)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open netns %s: %w", name, err)
	}
	defer h.Close()
	if err := netns.Set(h); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter netns %s: %w", name, err)
	}
	ferr := fn()
	if err := netns.Set(orig); err != nil {
		// Leave the thread locked: it dies with this goroutine instead of
		// serving others from the wrong namespace.
		return fmt.Errorf("leave netns %s: %w", name, err)
	}
	runtime.UnlockOSThread()
	return ferr
}

// listenIn opens a TCP listener inside a namespace (the family is the
// address's).
func listenIn(ns, addr string) (net.Listener, error) {
	var ln net.Listener
	err := inNS(ns, func() error {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err
	})
	return ln, err
}
