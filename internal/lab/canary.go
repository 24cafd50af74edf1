//go:build linux

package lab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"sync"
	"time"
)

// Canary is the stub "LLM API" of the internet namespace: HTTPS with a
// throwaway CA made at start, so a probe can tell "reached the internet"
// from "reached something".
type Canary struct {
	CAPEM string
	// AWS, when set before Serve, answers the AWS API calls that reach
	// the same address (the AWS regional endpoints are on the internet).
	AWS  http.Handler
	srv  *http.Server
	mu   sync.Mutex
	hits map[string]int // client IP → requests
}

// NewCanary makes a CA and a server certificate for ip and the extra
// addresses that relay to it (valid one day).
func NewCanary(ip string, extra ...string) (*Canary, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("canary ca key: %w", err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "letsleep lab throwaway CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("canary ca: %w", err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("canary key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "llm.lab.letsleep"},
		DNSNames: []string{"llm.lab.letsleep"}, IPAddresses: []net.IP{net.ParseIP(ip)},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, e := range extra {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(e))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("canary cert: %w", err)
	}
	c := &Canary{
		CAPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})),
		hits:  map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		c.hit(r)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"lab","object":"chat.completion","completion":"lab canary answer","choices":[{"index":0,"message":{"role":"assistant","content":"lab canary answer"}}]}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.hit(r)
		fmt.Fprint(w, "letsleep lab internet canary\n")
	})
	c.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c.AWS != nil && isAWSRequest(r) {
				c.AWS.ServeHTTP(w, r)
				return
			}
			mux.ServeHTTP(w, r)
		}), ReadHeaderTimeout: 5 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12},
	}
	return c, nil
}

func (c *Canary) hit(r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	c.mu.Lock()
	c.hits[host]++
	c.mu.Unlock()
}

// Hits returns requests per client IP.
func (c *Canary) Hits() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.hits {
		out[k] = v
	}
	return out
}

// Serve serves HTTPS on ln until Close.
func (c *Canary) Serve(ln net.Listener) error {
	err := c.srv.ServeTLS(ln, "", "")
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}

// Close stops the server.
func (c *Canary) Close() error { return c.srv.Close() }
