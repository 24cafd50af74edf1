//go:build linux

package lab

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

// SentinelConfig sets the auto-pause semantics the sentinel emulates.
type SentinelConfig struct {
	// IdleAfter is how long the DB must have no connection before it pauses
	// (Aurora's seconds_until_auto_pause, scaled down for the lab).
	IdleAfter time.Duration
	// ResumeDelay is how long a waking connection is held before it is
	// passed on (Aurora's ~15 s resume, scaled down).
	ResumeDelay time.Duration
	// Dial opens the connection to the real database.
	Dial func(ctx context.Context) (net.Conn, error)
	// Attribute maps a client IP to the function that owns it; "" when unknown.
	Attribute func(ip string) string
	// StartPaused starts the DB paused, as a lab that was idle before.
	StartPaused bool
}

// SentinelState is a snapshot of the sentinel.
type SentinelState struct {
	Paused    bool                 `json:"paused"`
	Resuming  bool                 `json:"resuming"`
	Active    int                  `json:"active"`   // open client connections
	Attempts  int                  `json:"attempts"` // every accepted connection, whatever became of it
	Wakes     map[string]int       `json:"wakes"`    // source → connections that woke the DB
	Events    []backend.SleepEvent `json:"events"`
	IdleAfter string               `json:"idle_after"`
}

// Sentinel is a TCP proxy in front of the database that pauses it after
// IdleAfter with no connection and resumes it on any connection attempt,
// credentials or not: Aurora Serverless v2 auto-pause, observable.
type Sentinel struct {
	cfg SentinelConfig

	mu         sync.Mutex
	paused     bool
	resumed    chan struct{} // closed when an in-flight resume completes; nil when none
	active     int
	attempts   int
	lastActive time.Time
	wakes      map[string]int
	events     []backend.SleepEvent
	changed    chan struct{} // closed and replaced on every state change

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
	lnMu      sync.Mutex
	lns       []net.Listener
	conns     map[net.Conn]struct{}
}

// NewSentinel starts the idle clock. Call Serve to accept connections and
// Close to stop.
func NewSentinel(cfg SentinelConfig) *Sentinel {
	if cfg.IdleAfter <= 0 {
		cfg.IdleAfter = 2 * time.Second
	}
	s := &Sentinel{
		cfg:        cfg,
		paused:     cfg.StartPaused,
		lastActive: time.Now(),
		wakes:      map[string]int{},
		changed:    make(chan struct{}),
		done:       make(chan struct{}),
		conns:      map[net.Conn]struct{}{},
	}
	if cfg.StartPaused {
		s.events = append(s.events, backend.SleepEvent{Kind: backend.EventPaused, At: s.lastActive, Source: "start"})
	}
	s.wg.Add(1)
	go s.idleClock()
	return s
}

// idleClock pauses the DB once no connection has been open for IdleAfter.
func (s *Sentinel) idleClock() {
	defer s.wg.Done()
	tick := s.cfg.IdleAfter / 20
	if tick < 10*time.Millisecond {
		tick = 10 * time.Millisecond
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case now := <-t.C:
			s.mu.Lock()
			if !s.paused && s.resumed == nil && s.active == 0 && now.Sub(s.lastActive) >= s.cfg.IdleAfter {
				s.paused = true
				s.events = append(s.events, backend.SleepEvent{Kind: backend.EventPaused, At: now})
				s.notifyLocked()
			}
			s.mu.Unlock()
		}
	}
}

func (s *Sentinel) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Serve accepts connections on ln until ln is closed or the sentinel is.
func (s *Sentinel) Serve(ln net.Listener) error {
	s.lnMu.Lock()
	s.lns = append(s.lns, ln)
	s.lnMu.Unlock()
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-s.done:
				return nil
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.wg.Add(1)
		go s.handle(c)
	}
}

// handle counts the connection as activity from the first byte of the TCP
// handshake (a bare connect wakes Aurora too), holds it while the DB
// resumes, then pipes it to the real database.
func (s *Sentinel) handle(c net.Conn) {
	defer s.wg.Done()
	s.mu.Lock()
	s.attempts++
	s.active++
	s.conns[c] = struct{}{}
	wait := s.wakeLocked(c.RemoteAddr())
	s.notifyLocked()
	s.mu.Unlock()
	defer s.release(c)

	if wait != nil {
		select {
		case <-wait:
		case <-s.done:
			return
		}
	}
	if s.cfg.Dial == nil {
		// No database behind: hold the connection open until the client goes.
		_, _ = io.Copy(io.Discard, c)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	up, err := s.cfg.Dial(ctx)
	cancel()
	if err != nil {
		return // the DB refused: the client sees a close, the wake still counted
	}
	s.mu.Lock()
	s.conns[up] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, up)
		s.mu.Unlock()
		up.Close()
	}()
	pipe(c, up)
}

// wakeLocked starts a resume when the DB is paused and returns the channel
// to wait on; nil when the DB is already up.
func (s *Sentinel) wakeLocked(remote net.Addr) <-chan struct{} {
	if s.resumed != nil {
		return s.resumed
	}
	if !s.paused {
		return nil
	}
	client := ""
	if remote != nil {
		client = remote.String()
	}
	source := s.attribute(client)
	s.wakes[source]++
	ch := make(chan struct{})
	s.resumed = ch
	go func() {
		t := time.NewTimer(s.cfg.ResumeDelay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.done:
		}
		s.mu.Lock()
		s.paused = false
		s.resumed = nil
		s.lastActive = time.Now()
		s.events = append(s.events, backend.SleepEvent{Kind: backend.EventResumed, At: time.Now(), Source: source, Client: client})
		s.notifyLocked()
		s.mu.Unlock()
		close(ch)
	}()
	return ch
}

func (s *Sentinel) attribute(client string) string {
	host, _, err := net.SplitHostPort(client)
	if err != nil {
		host = client
	}
	if s.cfg.Attribute != nil {
		if name := s.cfg.Attribute(host); name != "" {
			return name
		}
	}
	if host == "" {
		return "unknown"
	}
	return host
}

func (s *Sentinel) release(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.active--
	s.lastActive = time.Now()
	s.notifyLocked()
	s.mu.Unlock()
}

// pipe copies both ways until either side ends, then closes both so the
// other copy returns too (a killed peer must not leave a half-open count).
func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go cp(a, b)
	go cp(b, a)
	<-done
	a.Close()
	b.Close()
	<-done
}

// State returns a snapshot.
func (s *Sentinel) State() SentinelState {
	s.mu.Lock()
	defer s.mu.Unlock()
	wakes := make(map[string]int, len(s.wakes))
	for k, v := range s.wakes {
		wakes[k] = v
	}
	return SentinelState{
		Paused: s.paused, Resuming: s.resumed != nil, Active: s.active, Attempts: s.attempts,
		Wakes: wakes, Events: append([]backend.SleepEvent(nil), s.events...),
		IdleAfter: s.cfg.IdleAfter.String(),
	}
}

// Events returns the events at or after since.
func (s *Sentinel) Events(since time.Time) []backend.SleepEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []backend.SleepEvent
	for _, e := range s.events {
		if !e.At.Before(since) {
			out = append(out, e)
		}
	}
	return out
}

// WaitPaused blocks until the DB is paused and no resume is in flight.
func (s *Sentinel) WaitPaused(ctx context.Context) error {
	for {
		s.mu.Lock()
		ok := s.paused && s.resumed == nil
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			st := s.State()
			return &NotPausedError{Active: st.Active, Err: ctx.Err()}
		case <-s.done:
			return errors.New("sentinel closed")
		}
	}
}

// NotPausedError says why the DB did not pause in time.
type NotPausedError struct {
	Active int
	Err    error
}

func (e *NotPausedError) Error() string {
	if e.Active > 0 {
		return "database never paused: " + strconv.Itoa(e.Active) + " connection(s) held open (a proxy or pool keeps it awake): " + e.Err.Error()
	}
	return "database never paused: " + e.Err.Error()
}

func (e *NotPausedError) Unwrap() error { return e.Err }

// Close stops accepting, drops every connection and stops the clock.
func (s *Sentinel) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.lnMu.Lock()
		for _, ln := range s.lns {
			ln.Close()
		}
		s.lnMu.Unlock()
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return nil
}
