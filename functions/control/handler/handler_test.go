package handler

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/jackc/pgx/v5"
)

type fakeRow struct {
	val int
	err error
}

func (r fakeRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	*(dest[0].(*int)) = r.val
	return nil
}

type fakeConn struct {
	row     fakeRow
	queries []string
	closed  bool
}

func (c *fakeConn) QueryRow(_ context.Context, sql string, _ ...any) pgx.Row {
	c.queries = append(c.queries, sql)
	return c.row
}

func (c *fakeConn) Close(context.Context) error { c.closed = true; return nil }

func TestWakeConnectsQueriesAndCloses(t *testing.T) {
	conn := &fakeConn{row: fakeRow{val: 1}}
	h := &Handler{Dial: func(context.Context) (Conn, error) {
		time.Sleep(20 * time.Millisecond) // a slow connect, like a resume
		return conn, nil
	}}
	resp, err := h.Handle(context.Background(), Request{Action: "wake"})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.OK || resp.ConnectMS < 20 {
		t.Fatalf("response %+v: want ok and connect_ms >= 20", resp)
	}
	if len(conn.queries) != 1 || conn.queries[0] != "SELECT 1" {
		t.Fatalf("queries %q", conn.queries)
	}
	if !conn.closed {
		t.Fatal("connection left open: an idle connection keeps Aurora awake")
	}
}

func TestWakeFailures(t *testing.T) {
	cases := []struct {
		name string
		dial Dialer
		want string
	}{
		{"connect refused", func(context.Context) (Conn, error) { return nil, errors.New("connection refused") }, "connect: connection refused"},
		{"query fails", func(context.Context) (Conn, error) { return &fakeConn{row: fakeRow{err: errors.New("boom")}}, nil }, "query: boom"},
		{"wrong answer", func(context.Context) (Conn, error) { return &fakeConn{row: fakeRow{val: 2}}, nil }, "returned 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := (&Handler{Dial: c.dial}).Handle(context.Background(), Request{Action: "wake"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestUnknownActionDoesNotDial(t *testing.T) {
	dialed := false
	h := &Handler{Dial: func(context.Context) (Conn, error) { dialed = true; return nil, errors.New("no") }}
	if _, err := h.Handle(context.Background(), Request{Action: "drop"}); !errors.Is(err, ErrUnknownAction) {
		t.Fatalf("err = %v", err)
	}
	if dialed {
		t.Fatal("an unknown action must not touch (and wake) the database")
	}
}

func TestTimeoutBoundsTheDial(t *testing.T) {
	h := &Handler{Timeout: 50 * time.Millisecond, Dial: func(ctx context.Context) (Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	start := time.Now()
	_, err := h.Handle(context.Background(), Request{Action: "wake"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
}

// The IAM dialer signs a token locally and then connects; against a closed
// loopback port it must fail with a connect error, not hang or call AWS.
func TestIAMDialerFailsFastOnClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens any more

	creds := aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""))
	dial := IAMDialer(DB{Host: "127.0.0.1", Port: port, User: "app_control", Name: "app", Region: "eu-west-1"}, creds)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = dial(ctx)
	if err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "X-Amz-Signature") {
		t.Fatalf("error leaks credentials: %v", err)
	}
}
