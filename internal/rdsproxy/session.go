package rdsproxy

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Serve accepts clients on ln until Close.
func (p *Proxy) Serve(ln net.Listener) error {
	p.lnMu.Lock()
	select {
	case <-p.done:
		p.lnMu.Unlock()
		_ = ln.Close()
		return errors.New("proxy closed")
	default:
	}
	p.lns = append(p.lns, ln)
	p.lnMu.Unlock()
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-p.done:
				return nil
			default:
				return err
			}
		}
		p.lnMu.Lock()
		p.clients[c] = struct{}{}
		p.lnMu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.session(c)
			p.lnMu.Lock()
			delete(p.clients, c)
			p.lnMu.Unlock()
		}()
	}
}

// session serves one client: startup, password, then its messages on a
// borrowed server connection until it leaves.
func (p *Proxy) session(c net.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	_ = c.SetDeadline(time.Now().Add(15 * time.Second))
	start, err := startup(c, be)
	if err != nil {
		if !errors.Is(err, io.EOF) { // a client that falls back from TLS hangs up here
			p.logf("client %s: %v", c.RemoteAddr(), err)
		}
		return
	}
	if err := p.authenticate(be, start); err != nil {
		p.logf("client %s: %v", c.RemoteAddr(), err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	s, err := p.borrow(ctx)
	cancel()
	if err != nil {
		fatal(be, "53300", "rdsproxy: "+err.Error())
		p.logf("client %s: %v", c.RemoteAddr(), err)
		return
	}
	_ = c.SetDeadline(time.Time{})
	be.Send(&pgproto3.AuthenticationOk{})
	for k, v := range s.hc.ParameterStatuses {
		be.Send(&pgproto3.ParameterStatus{Name: k, Value: v})
	}
	be.Send(&pgproto3.BackendKeyData{ProcessID: s.hc.PID, SecretKey: s.hc.SecretKey})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if err := be.Flush(); err != nil {
		p.giveBack(s)
		return
	}
	p.mu.Lock()
	p.stats.Sessions++
	if s.used {
		p.stats.Reused++
	}
	p.mu.Unlock()
	if p.forward(c, be, s) {
		p.giveBack(s)
	} else {
		p.logf("client %s left; server connection (backend pid %d) not reusable, closed", c.RemoteAddr(), s.hc.PID)
		p.drop(s)
	}
}

// startup reads the client's startup message, declining TLS and GSS
// encryption (the lab has no certificates for the proxy).
func startup(c net.Conn, be *pgproto3.Backend) (*pgproto3.StartupMessage, error) {
	for range 3 {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return nil, fmt.Errorf("startup: %w", err)
		}
		switch m := msg.(type) {
		case *pgproto3.StartupMessage:
			return m, nil
		case *pgproto3.SSLRequest, *pgproto3.GSSEncRequest:
			if _, err := c.Write([]byte{'N'}); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("startup: %T not supported", msg)
		}
	}
	return nil, errors.New("startup: too many encryption requests")
}

// authenticate asks for the password and checks user and password against
// the proxy's secret, as RDS Proxy does with auth_scheme SECRETS.
func (p *Proxy) authenticate(be *pgproto3.Backend, start *pgproto3.StartupMessage) error {
	user := start.Parameters["user"]
	be.Send(&pgproto3.AuthenticationCleartextPassword{})
	if err := be.Flush(); err != nil {
		return err
	}
	if err := be.SetAuthType(pgproto3.AuthTypeCleartextPassword); err != nil {
		return err
	}
	msg, err := be.Receive()
	if err != nil {
		return fmt.Errorf("password: %w", err)
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return fmt.Errorf("password: got %T", msg)
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(p.cfg.User)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pm.Password), []byte(p.cfg.Password)) == 1
	if !userOK || !passOK {
		fatal(be, "28P01", fmt.Sprintf("password authentication failed for user %q", user))
		return fmt.Errorf("login refused for user %q", user)
	}
	return nil
}

func fatal(be *pgproto3.Backend, code, msg string) {
	be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: code, Message: msg})
	_ = be.Flush()
}

// forward pipes messages between the client and its server connection
// until the client terminates or goes away, then brings the server
// connection back to a clean idle state. It reports whether the server
// connection can go back to the pool.
func (p *Proxy) forward(c net.Conn, be *pgproto3.Backend, s *server) bool {
	marker := "rdsproxy-reset-" + randomHex()
	gone := make(chan struct{})
	clean := make(chan bool, 1)
	go func() { clean <- serverToClient(be, s, gone, marker, c) }()
	for {
		msg, err := be.Receive()
		if err != nil {
			break
		}
		if _, ok := msg.(*pgproto3.Terminate); ok {
			break
		}
		s.fe.Send(msg)
		if err := s.fe.Flush(); err != nil {
			_ = c.Close()
			<-clean
			return false
		}
	}
	// The client left: undo whatever it left open, then mark the end of
	// the reset so the reader knows the connection is idle again.
	close(gone)
	s.fe.Send(&pgproto3.Query{String: "ROLLBACK"})
	s.fe.Send(&pgproto3.Query{String: "DISCARD ALL"})
	s.fe.Send(&pgproto3.Query{String: "SELECT '" + marker + "'"})
	if err := s.fe.Flush(); err != nil {
		_ = s.hc.Conn.SetReadDeadline(time.Now())
	}
	select {
	case ok := <-clean:
		return ok
	case <-time.After(3 * time.Second):
		_ = s.hc.Conn.SetReadDeadline(time.Now()) // a server stuck mid-COPY: give up on it
		<-clean
		return false
	}
}

// serverToClient forwards the server's messages to the client until the
// client is gone, then drops them until the reset marker has come back
// followed by ReadyForQuery (true), or the server fails (false).
func serverToClient(be *pgproto3.Backend, s *server, gone <-chan struct{}, marker string, client net.Conn) bool {
	clientOK, sawMarker := true, false
	for {
		msg, err := s.fe.Receive()
		if err != nil {
			_ = client.Close()
			return false
		}
		select {
		case <-gone:
			clientOK = false
		default:
		}
		if clientOK {
			be.Send(msg)
			if s.fe.ReadBufferLen() == 0 {
				if err := be.Flush(); err != nil {
					clientOK = false
				}
			}
			continue
		}
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			if len(m.Values) == 1 && string(m.Values[0]) == marker {
				sawMarker = true
			}
		case *pgproto3.ReadyForQuery:
			if sawMarker {
				_ = s.hc.Conn.SetReadDeadline(time.Time{})
				return m.TxStatus == 'I'
			}
		}
	}
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
