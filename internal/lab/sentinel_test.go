//go:build linux

package lab

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

// echoDB is a loopback stand-in for PostgreSQL: it echoes bytes back.
func echoDB(t *testing.T) (dial func(context.Context) (net.Conn, error), accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	n := 0
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			n++
			mu.Unlock()
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	var d net.Dialer
	return func(ctx context.Context) (net.Conn, error) { return d.DialContext(ctx, "tcp", ln.Addr().String()) },
		func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// fakeEngine stands in for the server: it takes startTime to start and
// counts its starts and stops; running tracks whether it is up.
type fakeEngine struct {
	startTime time.Duration
	mu        sync.Mutex
	running   bool
	starts    int
	stops     int
}

func (e *fakeEngine) Start(ctx context.Context) error {
	select {
	case <-time.After(e.startTime):
	case <-ctx.Done():
		return ctx.Err()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.running = true
	e.starts++
	return nil
}

func (e *fakeEngine) Stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.running = false
	e.stops++
}

func (e *fakeEngine) counts() (running bool, starts, stops int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.running, e.starts, e.stops
}

func startSentinel(t *testing.T, cfg SentinelConfig) (*Sentinel, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSentinel(cfg)
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { s.Close() })
	return s, ln.Addr().String()
}

func waitPaused(t *testing.T, s *Sentinel, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if err := s.WaitPaused(ctx); err != nil {
		t.Fatalf("wait paused: %v (state %+v)", err, s.State())
	}
}

func eventually(t *testing.T, within time.Duration, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("not within %s: %s", within, what)
}

func countKind(evs []backend.SleepEvent, kind string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func TestSentinelIdleTimer(t *testing.T) {
	dial, _ := echoDB(t)
	start := time.Now()
	eng := &fakeEngine{running: true}
	s, _ := startSentinel(t, SentinelConfig{IdleAfter: 300 * time.Millisecond, Dial: dial, Engine: eng})
	if s.State().Paused {
		t.Fatal("paused at start; want awake until idle")
	}
	waitPaused(t, s, 3*time.Second)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("paused after %s, before the idle period", d)
	}
	if n := countKind(s.Events(start), backend.EventPaused); n != 1 {
		t.Fatalf("paused events = %d, want 1", n)
	}
	if running, _, stops := eng.counts(); running || stops != 1 {
		t.Fatalf("engine running=%v after %d stops; a pause must stop the server once", running, stops)
	}
}

// A database that refuses to pause (a blocker such as min capacity > 0)
// stays up however long it idles, and WaitPaused names the blocker.
func TestSentinelNeverPauseNamesTheBlocker(t *testing.T) {
	eng := &fakeEngine{running: true}
	s, _ := startSentinel(t, SentinelConfig{IdleAfter: 100 * time.Millisecond, Engine: eng, NeverPause: "min capacity 0.5 ACU"})
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	err := s.WaitPaused(ctx)
	npe, ok := err.(*NotPausedError)
	if !ok || npe.Refused != "min capacity 0.5 ACU" || !strings.Contains(err.Error(), "refuses to pause: min capacity 0.5 ACU") {
		t.Fatalf("WaitPaused = %v; want the refusal named", err)
	}
	if running, _, stops := eng.counts(); !running || stops != 0 {
		t.Fatalf("engine stopped %d times; a database that refuses to pause keeps its server up", stops)
	}
}

func TestSentinelWakeHoldsClientAndAttributes(t *testing.T) {
	dial, accepted := echoDB(t)
	eng := &fakeEngine{startTime: 250 * time.Millisecond}
	s, addr := startSentinel(t, SentinelConfig{
		IdleAfter: 200 * time.Millisecond, Engine: eng, Dial: dial, StartPaused: true,
		Attribute: func(ip string) string {
			return map[string]string{"127.0.0.2": "fn.hot", "127.0.0.3": "fn.control"}[ip]
		},
	})
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.3")}, Timeout: 2 * time.Second}
	begin := time.Now()
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo through sentinel: %q %v", buf, err)
	}
	held := time.Since(begin)
	if held < 250*time.Millisecond {
		t.Fatalf("client answered after %s; the server's start must hold it", held)
	}
	if running, starts, _ := eng.counts(); !running || starts != 1 {
		t.Fatalf("engine running=%v after %d starts; the wake must start the server once", running, starts)
	}
	st := s.State()
	if st.Paused || st.Wakes["fn.control"] != 1 || accepted() != 1 {
		t.Fatalf("state %+v accepted %d; want awake, one wake by fn.control", st, accepted())
	}
	evs := s.Events(begin)
	if len(evs) != 1 || evs[0].Kind != backend.EventResumed || evs[0].Source != "fn.control" {
		t.Fatalf("events %+v; want one resume by fn.control", evs)
	}
	// The latency is measured, not configured: at least the start time, and
	// no more than the client waited.
	if l := evs[0].ResumeLatency; l < 250*time.Millisecond || l > held {
		t.Fatalf("resume latency %s; want between the engine's start (250ms) and the client's wait (%s)", l, held)
	}
	// An open connection keeps it awake, however idle.
	time.Sleep(500 * time.Millisecond)
	if s.State().Paused {
		t.Fatal("paused with a connection open")
	}
}

func TestSentinelConcurrentWakesResumeOnce(t *testing.T) {
	dial, _ := echoDB(t)
	s, addr := startSentinel(t, SentinelConfig{IdleAfter: 5 * time.Second, Engine: &fakeEngine{startTime: 200 * time.Millisecond}, Dial: dial, StartPaused: true})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err == nil {
				time.Sleep(50 * time.Millisecond)
				c.Close()
			}
		}()
	}
	wg.Wait()
	eventually(t, 3*time.Second, func() bool { st := s.State(); return !st.Paused && st.Active == 0 }, "resumed and drained")
	st := s.State()
	if n := countKind(st.Events, backend.EventResumed); n != 1 {
		t.Fatalf("resume events = %d, want 1 for 8 concurrent attempts", n)
	}
	if st.Attempts != 8 {
		t.Fatalf("attempts = %d, want 8", st.Attempts)
	}
}

func TestSentinelUnderFaults(t *testing.T) {
	refusing := func(context.Context) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Err: io.ErrUnexpectedEOF}
	}
	dial, _ := echoDB(t)
	cases := []struct {
		name string
		dial func(context.Context) (net.Conn, error)
		use  func(t *testing.T, s *Sentinel, addr string)
	}{
		{"db refuses (bad credentials or down)", refusing, func(t *testing.T, s *Sentinel, addr string) {
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			_, err = c.Read(make([]byte, 1))
			if err == nil {
				t.Fatal("read succeeded from a refused upstream")
			}
			c.Close()
		}},
		{"half-open then silence", dial, func(t *testing.T, s *Sentinel, addr string) {
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(600 * time.Millisecond) // twice IdleAfter, and the connection is still open
			if st := s.State(); st.Paused || st.Active != 1 {
				t.Errorf("state %+v with a silent connection open; want awake with 1 active", st)
			}
			c.Close()
		}},
		{"killed mid-way (reset)", dial, func(t *testing.T, s *Sentinel, addr string) {
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			// Reset only once the sentinel holds it: a reset still in the
			// accept queue never reaches the sentinel at all.
			eventually(t, 3*time.Second, func() bool { return s.State().Attempts == 1 }, "connection accepted")
			_, _ = c.Write([]byte("partial startup"))
			_ = c.(*net.TCPConn).SetLinger(0) // close sends RST
			c.Close()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, addr := startSentinel(t, SentinelConfig{IdleAfter: 300 * time.Millisecond, Engine: &fakeEngine{startTime: 50 * time.Millisecond}, Dial: tc.dial, StartPaused: true})
			tc.use(t, s, addr)
			eventually(t, 3*time.Second, func() bool { return s.State().Active == 0 }, "connection released")
			waitPaused(t, s, 3*time.Second)
			st := s.State()
			if st.Attempts != 1 || countKind(st.Events, backend.EventResumed) != 1 || countKind(st.Events, backend.EventPaused) != 2 {
				t.Fatalf("state %+v; want 1 attempt, 1 resume, start+1 pauses", st)
			}
			// A second round counts again from a clean slate.
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
			eventually(t, 3*time.Second, func() bool { return s.State().Attempts == 2 && s.State().Active == 0 }, "second attempt counted")
		})
	}
}

func TestSentinelHolderKeepsAwake(t *testing.T) {
	dial, _ := echoDB(t)
	s, addr := startSentinel(t, SentinelConfig{IdleAfter: 200 * time.Millisecond, Dial: dial})
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer cancel()
	err = s.WaitPaused(ctx)
	npe, ok := err.(*NotPausedError)
	if !ok || npe.Active != 1 || len(npe.Holders) != 1 || !strings.Contains(err.Error(), "held open by 127.0.0.1") {
		t.Fatalf("WaitPaused = %v; want NotPausedError naming the 1 held connection's source", err)
	}
}

func TestSentinelCloseTwice(t *testing.T) {
	s := NewSentinel(SentinelConfig{IdleAfter: time.Second})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
