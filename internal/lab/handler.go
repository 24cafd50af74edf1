package lab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/letsleep/letsleep/internal/model"
)

// handlerEnv carries the handler spec to the child process.
const handlerEnv = "LETSLEEP_LAB_HANDLER"

// HandlerSpec is what one function's handler process needs: where the
// Lambda service invokes it (a unix socket, since invocation does not cross
// the VPC network) and what its code talks to.
type HandlerSpec struct {
	Function   string `json:"function"`
	Role       string `json:"role"`
	Socket     string `json:"socket"`
	DBAddr     string `json:"db_addr"`
	DBUser     string `json:"db_user"`
	DBPassword string `json:"db_password"`
	LLMURL     string `json:"llm_url"`
	CAPEM      string `json:"ca_pem"`
	// Invoke is the socket of the function this one invokes to reach the
	// DB (the warm-up invokes the control function), "" when it connects itself.
	Invoke string `json:"invoke,omitempty"`
}

// InvokeResult is a handler's answer to one invocation.
type InvokeResult struct {
	Status    int     `json:"status"`
	Detail    string  `json:"detail"`
	LatencyMS float64 `json:"latency_ms"`
	TouchedDB bool    `json:"touched_db"`
}

// handlerChild serves one function's handler on its unix socket until
// SIGTERM. Its outbound connections start inside the function namespace.
func handlerChild() int {
	var spec HandlerSpec
	if err := json.Unmarshal([]byte(os.Getenv(handlerEnv)), &spec); err != nil {
		fmt.Fprintf(os.Stderr, "lab handler: bad spec: %v\n", err)
		return 2
	}
	_ = os.Remove(spec.Socket)
	ln, err := net.Listen("unix", spec.Socket)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab handler: listen: %v\n", err)
		return 1
	}
	h := newRoleHandler(spec)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintf(os.Stderr, "lab handler: %v\n", err)
		return 1
	}
	return 0
}

// roleHandler is the lab's stand-in for the reference handlers, one
// behaviour per role:
//   - hot reads an in-memory key-value store (the DynamoDB table of the
//     reference stack) and never opens the database;
//   - control opens a PostgreSQL session and runs SELECT 1 (the operator
//     path); warm-up does the same, or invokes the control function when
//     the model says that is its way to the DB (a data path of kind invoke);
//   - egress calls the LLM API in the internet namespace;
//   - anything else answers without touching anything.
type roleHandler struct {
	spec  HandlerSpec
	mu    sync.Mutex
	store map[string]string
}

func newRoleHandler(spec HandlerSpec) *roleHandler {
	return &roleHandler{spec: spec, store: map[string]string{"feed": `{"items":["precomputed"]}`}}
}

func (h *roleHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	res := h.invoke(ctx)
	res.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(res.Status)
	_ = json.NewEncoder(w).Encode(res)
}

func (h *roleHandler) invoke(ctx context.Context) InvokeResult {
	switch h.spec.Role {
	case model.RoleHot:
		h.mu.Lock()
		v := h.store["feed"]
		h.mu.Unlock()
		return InvokeResult{Status: 200, Detail: "served from the key-value store: " + v}
	case model.RoleWarmup, model.RoleControl:
		if h.spec.Invoke != "" {
			res, err := invokeSocket(ctx, h.spec.Invoke)
			if err != nil {
				return InvokeResult{Status: 502, Detail: "invoke: " + err.Error()}
			}
			res.Detail = "invoked: " + res.Detail
			return res
		}
		if err := h.queryDB(ctx); err != nil {
			return InvokeResult{Status: 502, Detail: "db: " + err.Error(), TouchedDB: true}
		}
		return InvokeResult{Status: 200, Detail: "db answered SELECT 1", TouchedDB: true}
	case model.RoleEgress:
		if err := h.callLLM(ctx); err != nil {
			return InvokeResult{Status: 502, Detail: "llm: " + err.Error()}
		}
		return InvokeResult{Status: 200, Detail: "llm answered"}
	}
	return InvokeResult{Status: 200, Detail: "no-op handler for role " + h.spec.Role}
}

func (h *roleHandler) queryDB(ctx context.Context) error {
	if h.spec.DBAddr == "" {
		return fmt.Errorf("no database configured")
	}
	host, port, _ := net.SplitHostPort(h.spec.DBAddr)
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%s user=%s dbname=postgres sslmode=disable connect_timeout=8", host, port, h.spec.DBUser))
	if err != nil {
		return err
	}
	cfg.Password = h.spec.DBPassword
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect: %s", shortErr(err))
	}
	defer conn.Close(context.Background())
	var one int
	if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil {
		return fmt.Errorf("query: %s", shortErr(err))
	}
	return nil
}

func (h *roleHandler) callLLM(ctx context.Context) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(h.spec.CAPEM))
	client := &http.Client{Timeout: 8 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.spec.LLMURL, strings.NewReader(`{"model":"lab","messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s", shortErr(err))
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
