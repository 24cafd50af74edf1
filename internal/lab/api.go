//go:build linux

package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Status is what the API answers on /status.
type Status struct {
	ID        string                   `json:"id"`
	Sentinels map[string]SentinelState `json:"sentinels"`
	Canary    map[string]int           `json:"canary_hits"`
}

// startAPI serves the lab status (sentinel state and events, canary hits)
// over a unix socket in the lab dir, for `letsleep lab status` and for
// suites running in another process.
func (l *Lab) startAPI() error {
	sock := filepath.Join(l.dir, "api.sock")
	_ = os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(l.Status())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	l.closers = append(l.closers, srv.Close)
	return nil
}

// Status snapshots the sentinels and the canary.
func (l *Lab) Status() Status {
	st := Status{ID: l.Topo.ID, Sentinels: map[string]SentinelState{}}
	for addr, s := range l.Sentinels {
		st.Sentinels[addr] = s.State()
	}
	if l.canary != nil {
		st.Canary = l.canary.Hits()
	}
	return st
}

// QueryStatus asks a running lab's API (another process) for its status.
func QueryStatus(ctx context.Context, sock string) (*Status, error) {
	var st Status
	if err := unixJSON(ctx, sock, http.MethodGet, "http://lab/status", 5*time.Second, &st); err != nil {
		return nil, fmt.Errorf("lab api %s: %w", sock, err)
	}
	return &st, nil
}

// unixJSON sends one request to an HTTP server on a unix socket and decodes
// its JSON answer into out.
func unixJSON(ctx context.Context, sock, method, url string, timeout time.Duration, out any) error {
	return unixJSONBody(ctx, sock, method, url, timeout, nil, out)
}

// unixJSONBody is unixJSON with a request body (nil sends none).
func unixJSONBody(ctx context.Context, sock, method, url string, timeout time.Duration, body []byte, out any) error {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}}}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}
