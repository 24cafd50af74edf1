//go:build linux

package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// PGBin is where Debian puts the PostgreSQL 15 server binaries.
var PGBin = "/usr/lib/postgresql/15/bin"

// Postgres is a real PostgreSQL server run as the postgres user inside the
// DB namespace, listening only on a unix socket the sentinel dials: the
// sentinel is the only way in over the network. The sentinel stops it when
// the database pauses and starts it again on the next connection attempt,
// so a resume costs PostgreSQL's real start time.
type Postgres struct {
	Dir      string
	Socket   string // path of the unix socket
	User     string
	Password string

	ns   string
	args []string // ip netns exec … postgres -D … (the same for every start)
	mu   sync.Mutex
	cmd  *exec.Cmd
	// exited is closed when the running server's process ends.
	exited chan struct{}
}

// StartPostgres copies the template cluster kept under stateDir (made on
// first use) to dir and starts it inside ns.
func StartPostgres(ctx context.Context, ns, dir, stateDir string) (*Postgres, error) {
	if _, err := os.Stat(filepath.Join(PGBin, "postgres")); err != nil {
		return nil, fmt.Errorf("postgres not found in %s: install the Debian package postgresql (make deps): %w", PGBin, err)
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("postgres user: %w (install the Debian package postgresql)", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	sock := filepath.Join(dir, "sock")
	for _, d := range []string{dir, sock} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("postgres dir: %w", err)
		}
		if err := os.Chown(d, uid, gid); err != nil {
			return nil, fmt.Errorf("postgres dir: %w", err)
		}
	}
	asPG := []string{"setpriv", "--reuid=" + u.Uid, "--regid=" + u.Gid, "--clear-groups", "--"}
	data := filepath.Join(dir, "data")
	tmpl, pw, err := pgTemplate(ctx, stateDir, asPG, uid, gid)
	if err != nil {
		return nil, err
	}
	// Copying an initialised cluster is ~50× faster than initdb per lab.
	if _, err := sh(ctx, "", "cp", "-a", tmpl, data); err != nil {
		return nil, fmt.Errorf("copy postgres template: %w", err)
	}
	p := &Postgres{Dir: dir, Socket: filepath.Join(sock, ".s.PGSQL.5432"), User: "postgres", Password: pw, ns: ns}
	p.args = append([]string{"netns", "exec", ns}, asPG...)
	p.args = append(p.args, filepath.Join(PGBin, "postgres"), "-D", data,
		"-c", "listen_addresses=", "-c", "unix_socket_directories="+sock,
		"-c", "authentication_timeout=2s", "-c", "fsync=off", "-c", "shared_buffers=16MB",
		"-c", "max_connections=50", "-c", "logging_collector=off")
	if err := p.Start(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// Start launches the server and returns once it has answered a query
// (SELECT 1 over its socket, with the lab's credentials): the moment a
// client's first query would be answered. Starting a running server is a
// no-op.
func (p *Postgres) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return nil
	}
	cmd := exec.Command("ip", p.args...)
	logf, err := os.OpenFile(filepath.Join(p.Dir, "postgres.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("postgres log: %w", err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if err := p.query(ctx); err == nil {
			return nil
		}
		select {
		case <-exited:
			p.cmd = nil
			log, _ := os.ReadFile(filepath.Join(p.Dir, "postgres.log"))
			return fmt.Errorf("postgres exited at start: %s", tail(string(log), 400))
		case <-ctx.Done():
			p.stopLocked()
			return fmt.Errorf("postgres answered no query within 30s (log %s): %w", filepath.Join(p.Dir, "postgres.log"), ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// query runs SELECT 1 over the unix socket.
func (p *Postgres) query(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s user=%s dbname=postgres sslmode=disable connect_timeout=2", filepath.Dir(p.Socket), p.User))
	if err != nil {
		return err
	}
	cfg.Password = p.Password
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var one int
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// Stop shuts the server down (fast shutdown: sessions are cut, as Aurora's
// pause does only once none is open), then kills it if it lingers. Stopping
// a stopped server is a no-op; Start brings it back.
func (p *Postgres) Stop() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked()
}

func (p *Postgres) stopLocked() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
	p.cmd = nil
}

// Running reports whether the server process is up.
func (p *Postgres) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil
}

// pgTemplate returns an initialised data directory under stateDir (made
// once with initdb, kept across labs) and its throwaway password.
func pgTemplate(ctx context.Context, stateDir string, asPG []string, uid, gid int) (string, string, error) {
	base := filepath.Join(stateDir, "pg-template")
	data, pwPath := filepath.Join(base, "data"), filepath.Join(base, "password")
	if pw, err := os.ReadFile(pwPath); err == nil {
		if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err == nil {
			return data, strings.TrimSpace(string(pw)), nil
		}
	}
	_ = os.RemoveAll(base)
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", "", fmt.Errorf("postgres template: %w", err)
	}
	raw := make([]byte, 12)
	_, _ = rand.Read(raw)
	pw := hex.EncodeToString(raw)
	pwfile := filepath.Join(base, "pwfile")
	if err := os.WriteFile(pwfile, []byte(pw+"\n"), 0o600); err != nil {
		return "", "", fmt.Errorf("postgres template: %w", err)
	}
	defer os.Remove(pwfile)
	if err := os.Chown(pwfile, uid, gid); err != nil {
		return "", "", fmt.Errorf("postgres template: %w", err)
	}
	if err := os.Chown(base, uid, gid); err != nil {
		return "", "", fmt.Errorf("postgres template: %w", err)
	}
	initdb := append(append([]string{}, asPG...), filepath.Join(PGBin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=scram-sha-256", "--pwfile="+pwfile, "-E", "UTF8", "--no-sync", "--no-instructions")
	if _, err := sh(ctx, "", initdb[0], initdb[1:]...); err != nil {
		_ = os.RemoveAll(base)
		return "", "", fmt.Errorf("initdb: %w", err)
	}
	// Written last: its presence marks a complete template.
	if err := os.WriteFile(pwPath, []byte(pw), 0o600); err != nil {
		return "", "", fmt.Errorf("postgres template: %w", err)
	}
	return data, pw, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
