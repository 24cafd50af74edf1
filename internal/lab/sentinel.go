//go:build linux

package lab

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

// SentinelConfig sets the auto-pause semantics the sentinel emulates.
type SentinelConfig struct {
	// IdleAfter is how long the DB must have no connection before it pauses
	// (Aurora's seconds_until_auto_pause, scaled down for the lab).
	IdleAfter time.Duration
	// Engine is the real server the sentinel stops on pause and starts on
	// resume; nil means nothing to stop (the resume is then instant).
	Engine Engine
	// NeverPause, when set, is why this database refuses to pause (a
	// blocker Aurora honours, such as a min capacity above 0): the idle
	// clock never pauses it and WaitPaused reports the reason.
	NeverPause string
	// Dial opens the connection to the real database.
	Dial func(ctx context.Context) (net.Conn, error)
	// Attribute maps a client IP to the function that owns it; "" when unknown.
	Attribute func(ip string) string
	// StartPaused starts the DB paused, as a lab that was idle before.
	StartPaused bool
}

// Engine is a database server that can be stopped and started again.
type Engine interface {
	// Stop shuts the server down.
	Stop()
	// Start launches it and returns once it answers a query.
	Start(ctx context.Context) error
}

// SentinelState is a snapshot of the sentinel.
type SentinelState struct {
	Paused     bool                 `json:"paused"`
	Pausing    bool                 `json:"pausing"` // the server is being stopped
	Resuming   bool                 `json:"resuming"`
	Active     int                  `json:"active"`   // open client connections
	Attempts   int                  `json:"attempts"` // every accepted connection, whatever became of it
	Wakes      map[string]int       `json:"wakes"`    // source → connections that woke the DB
	Events     []backend.SleepEvent `json:"events"`
	IdleAfter  string               `json:"idle_after"`
	NeverPause string               `json:"never_pause,omitempty"`
	Holders    []string             `json:"holders,omitempty"` // sources of the open connections, sorted, distinct
}

// Sentinel is a TCP proxy in front of the database that pauses it after
// IdleAfter with no connection and resumes it on any connection attempt,
// credentials or not: Aurora Serverless v2 auto-pause, observable. Pausing
// stops the real server and resuming starts it, so the resume latency is
// the server's real start time.
type Sentinel struct {
	cfg SentinelConfig

	mu         sync.Mutex
	paused     bool
	moving     chan struct{} // closed when an in-flight pause or resume completes; nil when none
	resuming   bool          // moving is a resume (else a pause)
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
	holders   map[net.Conn]string // open client connection → its attributed source
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
		holders:    map[net.Conn]string{},
	}
	if cfg.StartPaused {
		s.events = append(s.events, backend.SleepEvent{Kind: backend.EventPaused, At: s.lastActive, Source: "start"})
	}
	s.wg.Add(1)
	go s.idleClock()
	return s
}

// idleClock pauses the DB once no connection has been open for IdleAfter,
// unless the database refuses to pause.
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
			if s.cfg.NeverPause == "" && !s.paused && s.moving == nil && s.active == 0 && now.Sub(s.lastActive) >= s.cfg.IdleAfter {
				s.pauseLocked(now)
			}
			s.mu.Unlock()
		}
	}
}

// pauseLocked marks the DB paused and stops the server in the background;
// a connection that arrives meanwhile waits for the stop, then resumes it.
func (s *Sentinel) pauseLocked(now time.Time) {
	s.paused = true
	ch := make(chan struct{})
	s.moving, s.resuming = ch, false
	s.notifyLocked()
	s.wg.Add(1) // called from the idle clock, itself in wg
	go func() {
		defer s.wg.Done()
		if s.cfg.Engine != nil {
			s.cfg.Engine.Stop()
		}
		s.mu.Lock()
		s.moving = nil
		s.events = append(s.events, backend.SleepEvent{Kind: backend.EventPaused, At: now})
		s.notifyLocked()
		s.mu.Unlock()
		close(ch)
	}()
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
		go s.handle(c, time.Now())
	}
}

// handle counts the connection as activity from the TCP handshake (a bare
// connect wakes Aurora too), holds it while the DB resumes, then pipes it to
// the real database. accepted is when the handshake completed: on a veth
// link within a fraction of a millisecond of the client's SYN.
func (s *Sentinel) handle(c net.Conn, accepted time.Time) {
	defer s.wg.Done()
	s.mu.Lock()
	s.attempts++
	s.active++
	s.conns[c] = struct{}{}
	if c.RemoteAddr() != nil {
		s.holders[c] = s.attribute(c.RemoteAddr().String())
	}
	s.notifyLocked()
	s.mu.Unlock()
	defer s.release(c)

	if !s.awaitAwake(c.RemoteAddr(), accepted) {
		return
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

// awaitAwake returns once the DB is up, resuming it when it is paused (a
// pause in flight is waited out first); false when the sentinel closed.
func (s *Sentinel) awaitAwake(remote net.Addr, accepted time.Time) bool {
	for {
		s.mu.Lock()
		wait := s.moving
		if wait == nil && s.paused {
			wait = s.resumeLocked(remote, accepted)
		}
		s.mu.Unlock()
		if wait == nil {
			return true
		}
		select {
		case <-wait:
		case <-s.done:
			return false
		}
	}
}

// resumeLocked starts the server for the connection from remote and returns
// the channel closed when it answers. The resume event carries the latency
// from that connection's handshake to the server's first answered query.
func (s *Sentinel) resumeLocked(remote net.Addr, accepted time.Time) chan struct{} {
	client := ""
	if remote != nil {
		client = remote.String()
	}
	source := s.attribute(client)
	s.wakes[source]++
	ch := make(chan struct{})
	s.moving, s.resuming = ch, true
	s.notifyLocked()
	s.wg.Add(1) // called from a connection handler, itself in wg
	go func() {
		defer s.wg.Done()
		var err error
		if s.cfg.Engine != nil {
			// Close cancels a start in flight, so no server outlives the sentinel.
			ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
			go func() {
				select {
				case <-s.done:
				case <-ctx.Done():
				}
				cancel()
			}()
			err = s.cfg.Engine.Start(ctx)
			cancel()
		}
		now := time.Now()
		s.mu.Lock()
		s.moving = nil
		ev := backend.SleepEvent{Kind: backend.EventResumed, At: now, Source: source, Client: client, ResumeLatency: now.Sub(accepted)}
		if err != nil {
			// The wake counted; the server did not come back. The DB stays
			// paused and the next attempt tries again.
			ev.Kind, ev.Error = backend.EventResumeFailed, err.Error()
		} else {
			s.paused = false
			s.lastActive = now
		}
		s.events = append(s.events, ev)
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
	delete(s.holders, c)
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
		Paused: s.paused, Pausing: s.moving != nil && !s.resuming, Resuming: s.moving != nil && s.resuming,
		Active: s.active, Attempts: s.attempts,
		Wakes: wakes, Events: append([]backend.SleepEvent(nil), s.events...),
		IdleAfter: s.cfg.IdleAfter.String(), NeverPause: s.cfg.NeverPause,
		Holders: slices.Compact(slices.Sorted(maps.Values(s.holders))),
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

// WaitPaused blocks until the DB is paused (its server stopped) and no
// resume is in flight.
func (s *Sentinel) WaitPaused(ctx context.Context) error {
	for {
		s.mu.Lock()
		ok := s.paused && s.moving == nil
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			st := s.State()
			return &NotPausedError{Active: st.Active, Holders: st.Holders, Refused: st.NeverPause, Err: ctx.Err()}
		case <-s.done:
			return errors.New("sentinel closed")
		}
	}
}

// NotPausedError says why the DB did not pause in time.
type NotPausedError struct {
	Active  int
	Holders []string // the attributed sources of the open connections
	Refused string   // the blocker that makes the database refuse to pause
	Err     error
}

func (e *NotPausedError) Error() string {
	if e.Refused != "" {
		return "database never paused: it refuses to pause: " + e.Refused + ": " + e.Err.Error()
	}
	if e.Active > 0 {
		by := ""
		if len(e.Holders) > 0 {
			by = " by " + strings.Join(e.Holders, ", ")
		}
		return "database never paused: " + strconv.Itoa(e.Active) + " connection(s) held open" + by + " (a proxy or pool keeps it awake): " + e.Err.Error()
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
