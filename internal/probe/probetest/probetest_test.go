package probetest

import (
	"errors"
	"net"
	"testing"
	"time"
)

// readOne connects to addr and reads one byte, waiting at most wait.
func readOne(t *testing.T, addr *net.TCPAddr, wait time.Duration) error {
	t.Helper()
	c, err := net.DialTCP("tcp", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	_, err = c.Read(make([]byte, 1))
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestHoldingListenerKeepsTheConnectionOpen(t *testing.T) {
	if err := readOne(t, HoldingListener(t), 200*time.Millisecond); !isTimeout(err) {
		t.Fatalf("read: %v; want a timeout (held open, silent)", err)
	}
}

func TestClosingListenerClosesTheConnection(t *testing.T) {
	if err := readOne(t, ClosingListener(t), 5*time.Second); err == nil || isTimeout(err) {
		t.Fatalf("read: %v; want EOF or reset (closed by the listener)", err)
	}
}
