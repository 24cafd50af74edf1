package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// checkHTTPS sends one GET and reports the status; the body is never read.
// Once TCP has connected the outcome is never a "blocked" one: a later
// failure is tls-error (handshake) or error (no HTTP answer), because the
// network boundary did not hold.
func checkHTTPS(ctx context.Context, c Check, deps Deps, timeout time.Duration) (string, string) {
	roots, err := rootsWith(c.CAPEM)
	if err != nil {
		return OutcomeError, err.Error()
	}
	dialer := &net.Dialer{Resolver: deps.resolver()}
	tr := &http.Transport{
		Proxy:                  nil, // the probe must test its own path, never a proxy's
		DialContext:            dialer.DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	var connected, handshook atomic.Bool
	var handshakeErr atomic.Value
	trace := &httptrace.ClientTrace{
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				connected.Store(true)
			}
		},
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err != nil {
				handshakeErr.Store(err)
				return
			}
			handshook.Store(true)
		},
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, c.URL, nil)
	if err != nil {
		return OutcomeError, "bad url"
	}
	req.Header.Set("User-Agent", "letsleep-probe")
	resp, err := client.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		return OutcomeReachable, fmt.Sprintf("HTTP %d", resp.StatusCode)
	}

	if d := tlsDetail(err); d != "" {
		return OutcomeTLSError, d
	}
	switch {
	case connected.Load() && !handshook.Load():
		if hs, ok := handshakeErr.Load().(error); ok {
			if d := tlsDetail(hs); d != "" {
				return OutcomeTLSError, d
			}
		}
		_, why := classifyNet(err, timeout)
		return OutcomeTLSError, "TLS handshake failed after TCP connected: " + why
	case handshook.Load():
		_, why := classifyNet(err, timeout)
		return OutcomeError, "TLS ok but no HTTP answer: " + why
	}
	return classifyNet(err, timeout)
}

// rootsWith returns the system roots plus an optional extra PEM CA.
func rootsWith(caPEM string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if caPEM != "" && !pool.AppendCertsFromPEM([]byte(caPEM)) {
		return nil, fmt.Errorf("ca_pem holds no PEM certificate")
	}
	return pool, nil
}
