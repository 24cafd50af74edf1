package rdsproxy

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// fakePG is a loopback PostgreSQL server that speaks just enough of the
// protocol: trust login, simple queries, one pid per connection. It records
// what it was sent and how many connections it has open.
type fakePG struct {
	ln      net.Listener
	mu      sync.Mutex
	pid     uint32
	open    map[uint32]net.Conn
	queries []string
}

func newFakePG(t *testing.T) *fakePG {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakePG{ln: ln, open: map[uint32]net.Conn{}}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return f
}

func (f *fakePG) serve(c net.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	if _, err := be.ReceiveStartupMessage(); err != nil {
		return
	}
	f.mu.Lock()
	f.pid++
	pid := f.pid
	f.open[pid] = c
	f.mu.Unlock()
	defer func() { f.mu.Lock(); delete(f.open, pid); f.mu.Unlock() }()
	be.Send(&pgproto3.AuthenticationOk{})
	be.Send(&pgproto3.ParameterStatus{Name: "server_version", Value: "15.0"})
	be.Send(&pgproto3.BackendKeyData{ProcessID: pid, SecretKey: []byte{1, 2, 3, 4}})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if be.Flush() != nil {
		return
	}
	tx := byte('I')
	for {
		msg, err := be.Receive()
		if err != nil {
			return
		}
		q, ok := msg.(*pgproto3.Query)
		if !ok {
			return // Terminate, or anything the fake does not speak
		}
		f.mu.Lock()
		f.queries = append(f.queries, q.String)
		f.mu.Unlock()
		switch {
		case q.String == "BEGIN":
			tx = 'T'
			be.Send(&pgproto3.CommandComplete{CommandTag: []byte("BEGIN")})
		case q.String == "ROLLBACK":
			tx = 'I'
			be.Send(&pgproto3.CommandComplete{CommandTag: []byte("ROLLBACK")})
		case q.String == "DISCARD ALL":
			be.Send(&pgproto3.CommandComplete{CommandTag: []byte("DISCARD ALL")})
		case strings.HasPrefix(q.String, "SELECT "):
			v := strings.Trim(strings.TrimPrefix(q.String, "SELECT "), "'")
			if v == "pg_backend_pid()" {
				v = strconv.Itoa(int(pid))
			}
			be.Send(&pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{{Name: []byte("v"), DataTypeOID: 25, DataTypeSize: -1, TypeModifier: -1}}})
			be.Send(&pgproto3.DataRow{Values: [][]byte{[]byte(v)}})
			be.Send(&pgproto3.CommandComplete{CommandTag: []byte("SELECT 1")})
		default:
			be.Send(&pgproto3.ErrorResponse{Severity: "ERROR", Code: "42601", Message: "fake: " + q.String})
		}
		be.Send(&pgproto3.ReadyForQuery{TxStatus: tx})
		if be.Flush() != nil {
			return
		}
	}
}

func (f *fakePG) openConns() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.open)
}

func (f *fakePG) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.queries...)
}

// killAll closes every server-side connection, as a database restart does.
func (f *fakePG) killAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.open {
		c.Close()
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 5s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func startProxy(t *testing.T, db *fakePG) (*Proxy, string) {
	t.Helper()
	p := New(Config{User: "app", Password: "s3cret", Database: "postgres", MinOpen: 1, MaxOpen: 1,
		Dial: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", db.ln.Addr().String())
		}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.Start()
	go func() { _ = p.Serve(ln) }()
	t.Cleanup(func() { p.Close() })
	return p, ln.Addr().String()
}

func connect(ctx context.Context, addr, password string) (*pgconn.PgConn, error) {
	host, port, _ := net.SplitHostPort(addr)
	return pgconn.Connect(ctx, "host="+host+" port="+port+" user=app dbname=postgres sslmode=prefer password="+password)
}

func query(t *testing.T, c *pgconn.PgConn, sql string) string {
	t.Helper()
	res, err := c.Exec(context.Background(), sql).ReadAll()
	if err != nil || len(res) != 1 {
		t.Fatalf("%s: %v %+v", sql, err, res)
	}
	if len(res[0].Rows) == 0 {
		return ""
	}
	return string(res[0].Rows[0][0])
}

// The pool keeps a server connection open with no client at all (what keeps
// Aurora awake), lends it to each client session in turn and cleans it up
// between them.
func TestPoolHoldsAndReusesServerConnections(t *testing.T) {
	db := newFakePG(t)
	p, addr := startProxy(t, db)
	eventually(t, "the pool opens its server connection with no client", func() bool { return db.openConns() == 1 && p.Stats().Idle == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c1, err := connect(ctx, addr, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	pid1 := query(t, c1, "SELECT pg_backend_pid()")
	query(t, c1, "BEGIN") // left open: the proxy must roll it back
	if err := c1.Close(ctx); err != nil {
		t.Fatal(err)
	}
	c2, err := connect(ctx, addr, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if pid2 := query(t, c2, "SELECT pg_backend_pid()"); pid2 != pid1 {
		t.Errorf("second session ran on backend %s, first on %s: the pooled connection was not reused", pid2, pid1)
	}
	c2.Close(ctx)
	eventually(t, "the connection goes back to the pool", func() bool { return p.Stats().Idle == 1 })
	st := p.Stats()
	if st.Dialled != 1 || st.Sessions != 2 || st.Reused != 1 || db.openConns() != 1 {
		t.Errorf("stats %+v, server sees %d connection(s); want one connection dialled, two sessions, one reuse", st, db.openConns())
	}
	sent := strings.Join(db.sent(), "; ")
	if !strings.Contains(sent, "BEGIN; ROLLBACK; DISCARD ALL; SELECT 'rdsproxy-reset-") {
		t.Errorf("server saw %q; want the client's open transaction rolled back and the session discarded", sent)
	}
}

func TestPoolRefusesAWrongPassword(t *testing.T) {
	db := newFakePG(t)
	p, addr := startProxy(t, db)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c, err := connect(ctx, addr, "wrong"); err == nil {
		c.Close(ctx)
		t.Fatal("logged in with a wrong password")
	} else if !strings.Contains(err.Error(), "password authentication failed") {
		t.Fatalf("error %v; want a password authentication failure", err)
	}
	if st := p.Stats(); st.Sessions != 0 {
		t.Errorf("stats %+v: a refused login must not get a server connection", st)
	}
}

// A server connection the database drops is replaced, so the pool stays
// open as long as the proxy runs, and Close releases it.
func TestPoolReopensLostConnectionsAndCloses(t *testing.T) {
	db := newFakePG(t)
	p, _ := startProxy(t, db)
	eventually(t, "pool open", func() bool { return db.openConns() == 1 })
	db.killAll()
	eventually(t, "the pool reopens its connection", func() bool { return db.openConns() == 1 && p.Stats().Dialled == 2 })
	p.Close()
	eventually(t, "Close releases the server connections", func() bool { return db.openConns() == 0 })
}
