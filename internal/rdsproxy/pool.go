// Package rdsproxy is a small PostgreSQL pooling proxy with the behaviour of
// RDS Proxy that matters to a sleep-first stack: it opens its own server
// connections to the database and keeps a minimum of them open whether or
// not any client is connected, so the database never sees itself idle
// (../shared/facts: "an RDS Proxy, which keeps connections open").
//
// Clients speak the PostgreSQL wire protocol to the proxy. The proxy
// authenticates them against the secret it holds (cleartext password over
// the protocol, TLS declined), then lends each client session a pooled
// server connection and forwards its messages both ways. When the client
// leaves, the proxy rolls back and discards the session state on that server
// connection and returns it to the pool (session pooling; RDS Proxy also
// multiplexes at transaction boundaries, which the lab does not need).
package rdsproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// Config sets where the proxy connects and how many connections it keeps.
type Config struct {
	// Dial opens a TCP connection to the database.
	Dial func(ctx context.Context) (net.Conn, error)
	// User, Password and Database are the proxy's secret: what it logs in
	// with, and what clients must present.
	User, Password, Database string
	// MinOpen server connections are kept open at all times (default 1).
	MinOpen int
	// MaxOpen caps the server connections (default 10).
	MaxOpen int
	// Log receives one line per pool event; nil is quiet.
	Log io.Writer
}

// Stats counts what the pool did.
type Stats struct {
	Open     int `json:"open"`     // server connections open now
	Idle     int `json:"idle"`     // of which idle in the pool
	Dialled  int `json:"dialled"`  // server connections ever opened
	Sessions int `json:"sessions"` // client sessions served
	Reused   int `json:"reused"`   // sessions served on a connection a previous session used
}

// server is one pooled server connection.
type server struct {
	hc   *pgconn.HijackedConn
	fe   *pgproto3.Frontend
	used bool
}

func (s *server) close() { _ = s.hc.Conn.Close() }

// Proxy is the pool and its client listener.
type Proxy struct {
	cfg Config

	mu      sync.Mutex
	idle    []*server
	open    int
	stats   Stats
	freed   chan struct{} // closed and replaced when a connection returns or a slot frees
	done    chan struct{}
	closeMu sync.Once
	wg      sync.WaitGroup
	lnMu    sync.Mutex
	lns     []net.Listener
	clients map[net.Conn]struct{}
}

// New makes a proxy; Start fills its pool.
func New(cfg Config) *Proxy {
	if cfg.MinOpen <= 0 {
		cfg.MinOpen = 1
	}
	if cfg.MaxOpen < cfg.MinOpen {
		cfg.MaxOpen = max(10, cfg.MinOpen)
	}
	return &Proxy{cfg: cfg, freed: make(chan struct{}), done: make(chan struct{}), clients: map[net.Conn]struct{}{}}
}

// Start keeps MinOpen server connections open until Close: it dials them
// now and again whenever one is lost, retrying a database it cannot reach.
func (p *Proxy) Start() {
	p.wg.Add(1)
	go p.keepMin()
}

func (p *Proxy) keepMin() {
	defer p.wg.Done()
	backoff := 100 * time.Millisecond
	for {
		p.mu.Lock()
		p.sweepLocked()
		short := p.open < p.cfg.MinOpen
		if short {
			p.open++ // reserve the slot while dialling
		}
		freed := p.freed
		p.mu.Unlock()
		if short {
			s, err := p.dial()
			p.mu.Lock()
			if err != nil {
				p.open--
				p.mu.Unlock()
				p.logf("pool: open server connection: %v (retry in %s)", err, backoff)
				select {
				case <-p.done:
					return
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, 2*time.Second)
				continue
			}
			backoff = 100 * time.Millisecond
			p.idle = append(p.idle, s)
			p.signalLocked()
			p.mu.Unlock()
			p.logf("pool: server connection open (backend pid %d)", s.hc.PID)
			continue
		}
		select {
		case <-p.done:
			return
		case <-freed:
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// sweepLocked closes the idle connections the database has dropped, so
// keepMin reopens them.
func (p *Proxy) sweepLocked() {
	kept := p.idle[:0]
	for _, s := range p.idle {
		if s.alive() {
			kept = append(kept, s)
			continue
		}
		p.logf("pool: server connection (backend pid %d) lost", s.hc.PID)
		s.close()
		p.open--
	}
	p.idle = kept
}

// alive reports whether an idle server connection is still open: nothing
// may arrive on an idle connection, so a read that does not time out means
// the server closed it (or is about to, with a FATAL message).
func (s *server) alive() bool {
	if s.fe.ReadBufferLen() > 0 {
		return false
	}
	_ = s.hc.Conn.SetReadDeadline(time.Now().Add(time.Millisecond))
	var b [1]byte
	_, err := s.hc.Conn.Read(b[:])
	_ = s.hc.Conn.SetReadDeadline(time.Time{})
	var ne net.Error
	return err != nil && errors.As(err, &ne) && ne.Timeout()
}

// dial opens and authenticates one server connection, then takes over its
// socket.
func (p *Proxy) dial() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cfg, err := pgconn.ParseConfig("sslmode=disable")
	if err != nil {
		return nil, err
	}
	cfg.User, cfg.Password, cfg.Database = p.cfg.User, p.cfg.Password, p.cfg.Database
	cfg.DialFunc = func(ctx context.Context, _, _ string) (net.Conn, error) { return p.cfg.Dial(ctx) }
	cfg.LookupFunc = func(context.Context, string) ([]string, error) { return []string{"db"}, nil }
	cfg.RuntimeParams = map[string]string{"application_name": "rdsproxy"}
	pc, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pc.SyncConn(ctx); err != nil {
		_ = pc.Close(ctx)
		return nil, err
	}
	hc, err := pc.Hijack()
	if err != nil {
		_ = pc.Close(ctx)
		return nil, err
	}
	p.mu.Lock()
	p.stats.Dialled++
	p.mu.Unlock()
	return &server{hc: hc, fe: hc.Frontend}, nil
}

// borrow takes an idle server connection, or opens one below MaxOpen, or
// waits for one to come back.
func (p *Proxy) borrow(ctx context.Context) (*server, error) {
	for {
		p.mu.Lock()
		p.sweepLocked()
		if n := len(p.idle); n > 0 {
			s := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			return s, nil
		}
		if p.open < p.cfg.MaxOpen {
			p.open++
			p.mu.Unlock()
			s, err := p.dial()
			if err != nil {
				p.mu.Lock()
				p.open--
				p.signalLocked()
				p.mu.Unlock()
				return nil, err
			}
			return s, nil
		}
		freed := p.freed
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no pooled connection free: %w", ctx.Err())
		case <-p.done:
			return nil, errors.New("proxy closed")
		case <-freed:
		}
	}
}

// giveBack returns a clean connection to the pool.
func (p *Proxy) giveBack(s *server) {
	s.used = true
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
		p.open--
		s.close()
		return
	default:
	}
	p.idle = append(p.idle, s)
	p.signalLocked()
}

// drop closes a connection that cannot be reused; keepMin replaces it.
func (p *Proxy) drop(s *server) {
	s.close()
	p.mu.Lock()
	p.open--
	p.signalLocked()
	p.mu.Unlock()
}

func (p *Proxy) signalLocked() {
	close(p.freed)
	p.freed = make(chan struct{})
}

// Stats is a snapshot of the pool.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.stats
	st.Open, st.Idle = p.open, len(p.idle)
	return st
}

// Close stops accepting clients, ends their sessions and closes every
// server connection.
func (p *Proxy) Close() error {
	p.closeMu.Do(func() {
		close(p.done)
		p.lnMu.Lock()
		for _, ln := range p.lns {
			_ = ln.Close()
		}
		for c := range p.clients {
			_ = c.Close()
		}
		p.lnMu.Unlock()
		p.wg.Wait()
		p.mu.Lock()
		for _, s := range p.idle {
			s.close()
		}
		p.open -= len(p.idle)
		p.idle = nil
		p.mu.Unlock()
	})
	return nil
}

func (p *Proxy) logf(format string, args ...any) {
	if p.cfg.Log != nil {
		fmt.Fprintf(p.cfg.Log, "rdsproxy: "+format+"\n", args...)
	}
}
