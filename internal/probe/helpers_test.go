package probe

import (
	"context"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// blackholeListener returns a loopback address whose listener never accepts
// and whose accept queue is full, so the kernel drops new SYNs: a connect to
// it times out exactly like a security-group drop, without root and without
// sending anything off the machine.
func blackholeListener(t *testing.T) *net.TCPAddr {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}
	// Fill the accept queue: dial until a dial times out (bounded).
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr.String(), 300*time.Millisecond)
		if err != nil {
			return addr
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Fatalf("blackhole listener %s still accepts SYNs after 8 connections", addr)
	return nil
}

// fakeDNS is a loopback UDP DNS server: names in answers resolve to their
// address, names under .invalid get NXDOMAIN, names under silent.test. get
// no answer at all, anything else gets SERVFAIL.
type fakeDNS struct {
	addr    string
	answers map[string][4]byte
}

func startFakeDNS(t *testing.T, answers map[string][4]byte) *fakeDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	f := &fakeDNS{addr: pc.LocalAddr().String(), answers: answers}
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if out := f.answer(buf[:n]); out != nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return f
}

func (f *fakeDNS) answer(q []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(q)
	if err != nil {
		return nil
	}
	qs, err := p.AllQuestions()
	if err != nil || len(qs) != 1 {
		return nil
	}
	name := qs[0].Name.String()
	if hasSuffix(name, "silent.test.") {
		return nil
	}
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionAvailable: true}
	ip, known := f.answers[name]
	switch {
	case known:
	case hasSuffix(name, "invalid."):
		rh.RCode = dnsmessage.RCodeNameError
	default:
		rh.RCode = dnsmessage.RCodeServerFailure
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	_ = b.StartQuestions()
	_ = b.Question(qs[0])
	_ = b.StartAnswers()
	if known && qs[0].Type == dnsmessage.TypeA {
		_ = b.AResource(dnsmessage.ResourceHeader{Name: qs[0].Name, Class: dnsmessage.ClassINET, TTL: 5}, dnsmessage.AResource{A: ip})
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}

func hasSuffix(name, suffix string) bool {
	return len(name) >= len(suffix) && name[len(name)-len(suffix):] == suffix
}

// resolver sends every query to the fake server; nothing leaves loopback.
func (f *fakeDNS) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", f.addr)
	}}
}

func hostPort(a *net.TCPAddr) (string, int) { return a.IP.String(), a.Port }

func itoa(n int) string { return strconv.Itoa(n) }
