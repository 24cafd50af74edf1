package probe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/probe/probetest"
)

const bodySentinel = "PAYLOAD-SENTINEL-never-in-results"

func serverCAPEM(srv *httptest.Server) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// quietServer starts a loopback test server whose expected handshake
// failures do not clutter the test log.
func quietServer(t *testing.T, h http.Handler, withTLS bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if withTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// throwawayCAPEM makes a fresh self-signed CA (httptest servers all share
// one certificate, so a second server is not a different CA).
func throwawayCAPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "letsleep test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestHTTPSOutcomes(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "https://elsewhere.invalid/", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte(bodySentinel))
	})
	tlsSrv := quietServer(t, handler, true)
	plain := quietServer(t, handler, false)
	dns := startFakeDNS(t, map[string][4]byte{"canary.lab.test.": {127, 0, 0, 1}})

	_, tlsPort, _ := net.SplitHostPort(strings.TrimPrefix(tlsSrv.URL, "https://"))
	ca := serverCAPEM(tlsSrv)
	cases := []struct {
		name    string
		check   Check
		outcome string
		detail  string
	}{
		{"trusted via ca_pem", Check{URL: tlsSrv.URL + "/", CAPEM: ca}, OutcomeReachable, "HTTP 418"},
		{"redirect not followed", Check{URL: tlsSrv.URL + "/moved", CAPEM: ca}, OutcomeReachable, "HTTP 302"},
		{"self-signed not trusted", Check{URL: tlsSrv.URL + "/"}, OutcomeTLSError, "unknown authority"},
		{"wrong CA in ca_pem", Check{URL: tlsSrv.URL + "/", CAPEM: throwawayCAPEM(t)}, OutcomeTLSError, "unknown authority"},
		{"name not in certificate", Check{URL: "https://canary.lab.test:" + tlsPort + "/", CAPEM: ca}, OutcomeTLSError, "not valid for canary.lab.test"},
		{"plaintext server", Check{URL: strings.Replace(plain.URL, "http://", "https://", 1) + "/"}, OutcomeTLSError, "did not answer with TLS"},
		{"closed port", Check{URL: "https://127.0.0.1:" + itoa(closedPort(t)) + "/"}, OutcomeRefused, "connection refused"},
		{"unknown name", Check{URL: "https://nowhere.invalid/"}, OutcomeDNSError, "no such host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check.Kind, tc.check.Name = KindHTTPS, tc.name
			resp := Run(t.Context(), Request{ID: "h", Checks: []Check{tc.check}}, Deps{Resolver: dns.resolver()})
			r := resp.Results[0]
			if r.Outcome != tc.outcome || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("got %s %q, want %s containing %q", r.Outcome, r.Detail, tc.outcome, tc.detail)
			}
			raw, _ := json.Marshal(resp)
			if strings.Contains(string(raw), bodySentinel) {
				t.Fatalf("response body leaked into the result: %s", raw)
			}
		})
	}
}

// Once TCP connected, a stalled or dropped handshake must never look
// "blocked": the network boundary did not hold.
func TestHTTPSAfterConnectIsNeverBlocked(t *testing.T) {
	silent := probetest.HoldingListener(t) // accepts, never speaks
	closer := probetest.ClosingListener(t)
	stall := quietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	}), true)

	cases := []struct {
		name, url, ca, outcome, detail string
	}{
		{"silent after accept", "https://" + silent.String() + "/", "", OutcomeTLSError, "TLS handshake failed after TCP connected"},
		{"closed after accept", "https://" + closer.String() + "/", "", OutcomeTLSError, "TLS handshake failed after TCP connected"},
		{"no HTTP answer", stall.URL + "/", serverCAPEM(stall), OutcomeError, "TLS ok but no HTTP answer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runOne(t, Check{Kind: KindHTTPS, URL: tc.url, CAPEM: tc.ca, TimeoutMS: 400}, Deps{})
			if r.Outcome != tc.outcome || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("got %s %q, want %s containing %q", r.Outcome, r.Detail, tc.outcome, tc.detail)
			}
			if Blocked(r.Outcome) {
				t.Fatalf("%s counted as blocked after a TCP connect", r.Outcome)
			}
			if r.LatencyMS > 400+slackMS {
				t.Fatalf("took %.0fms with a 400ms timeout", r.LatencyMS)
			}
		})
	}
}

func TestHTTPSTargetDropsCredentialsAndQuery(t *testing.T) {
	c := Check{Kind: KindHTTPS, URL: "https://user:pw@host.invalid/p?token=abc#f"}
	if got := targetOf(c); got != "https://host.invalid/p" {
		t.Fatalf("target %q", got)
	}
}
