package probetest

import (
	"errors"
	"net"
	"testing"
	"time"
)

func TestHoldingListenerKeepsTheConnectionOpen(t *testing.T) {
	c, err := net.DialTCP("tcp", nil, HoldingListener(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read: %v; want a timeout (held open, silent)", err)
	}
}

func TestClosingListenerClosesTheConnection(t *testing.T) {
	c, err := net.DialTCP("tcp", nil, ClosingListener(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Read(make([]byte, 1))
	var ne net.Error
	if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
		t.Fatalf("read: %v; want EOF or reset (closed by the listener)", err)
	}
}
