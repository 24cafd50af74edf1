//go:build linux

package labdiff

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strings"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"github.com/letsleep/letsleep/internal/lab"
)

// probe is one way a function may reach a target: a TCP connection, a UDP
// datagram the canary echoes, or an ICMP echo to an address.
type probe struct {
	proto string // tcp, udp, icmp
	addr  string // host:port; a bare address for icmp
}

func (p probe) String() string { return p.proto + " " + p.addr }

// run sends the probe from inside namespace ns; nil means answered.
func (p probe) run(ctx context.Context, ns string) error {
	switch p.proto {
	case "tcp":
		c, err := lab.DialIn(ctx, ns, p.addr)
		if err == nil {
			c.Close()
		}
		return err
	case "udp":
		return udpEcho(ctx, ns, p.addr)
	}
	return icmpEcho(ctx, ns, p.addr)
}

var errNoAnswer = errors.New("timeout")

// udpEcho sends one datagram and waits for the canary's echo.
func udpEcho(ctx context.Context, ns, addr string) error {
	var c net.Conn
	if err := lab.InNS(ns, func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, "udp", addr)
		return err
	}); err != nil {
		return err
	}
	defer c.Close()
	dl, _ := ctx.Deadline()
	_ = c.SetDeadline(dl)
	if _, err := c.Write([]byte("lsl-probe")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return err
	}
	if string(buf[:n]) != "lsl-probe" {
		return errors.New("unexpected answer")
	}
	return nil
}

// listenUDPIn opens a UDP socket on addr inside namespace ns.
func listenUDPIn(ns, addr string) (net.PacketConn, error) {
	var pc net.PacketConn
	err := lab.InNS(ns, func() error {
		var err error
		pc, err = net.ListenPacket("udp", addr)
		return err
	})
	return pc, err
}

// echoUDP answers every datagram with itself until pc is closed.
func echoUDP(pc net.PacketConn) {
	buf := make([]byte, 64)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		_, _ = pc.WriteTo(buf[:n], from)
	}
}

// icmpEcho sends an ICMP (or ICMPv6) echo request to ip from a raw socket
// inside ns and waits for the reply with its identifier; the canary's
// kernel answers.
func icmpEcho(ctx context.Context, ns, ip string) error {
	v6 := strings.Contains(ip, ":")
	network, local, proto := "ip4:icmp", "0.0.0.0", 1
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if v6 {
		network, local, proto, typ = "ip6:ipv6-icmp", "::", 58, ipv6.ICMPTypeEchoRequest
	}
	var c *icmp.PacketConn
	if err := lab.InNS(ns, func() error {
		var err error
		c, err = icmp.ListenPacket(network, local)
		return err
	}); err != nil {
		return err
	}
	defer c.Close()
	id := rand.IntN(0xffff)
	msg, err := (&icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: 1, Data: []byte("lsl-probe")}}).Marshal(nil)
	if err != nil {
		return err
	}
	dst := &net.IPAddr{IP: net.ParseIP(ip)}
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(2 * time.Second)
	}
	_ = c.SetDeadline(dl)
	if _, err := c.WriteTo(msg, dst); err != nil {
		return err
	}
	buf := make([]byte, 1500)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return errNoAnswer
		}
		m, err := icmp.ParseMessage(proto, buf[:n])
		if err != nil || from.String() != dst.String() {
			continue
		}
		if e, ok := m.Body.(*icmp.Echo); ok && e.ID == id && (m.Type == ipv4.ICMPTypeEchoReply || m.Type == ipv6.ICMPTypeEchoReply) {
			return nil
		}
	}
}
