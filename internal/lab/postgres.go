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
	"syscall"
	"time"
)

// PGBin is where Debian puts the PostgreSQL 15 server binaries.
var PGBin = "/usr/lib/postgresql/15/bin"

// Postgres is a real PostgreSQL server run as the postgres user inside the
// DB namespace, listening only on a unix socket the sentinel dials: the
// sentinel is the only way in over the network.
type Postgres struct {
	Dir      string
	Socket   string // path of the unix socket
	User     string
	Password string
	cmd      *exec.Cmd
	exited   chan struct{}
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
	p := &Postgres{Dir: dir, Socket: filepath.Join(sock, ".s.PGSQL.5432"), User: "postgres", Password: pw, exited: make(chan struct{})}
	args := append([]string{"netns", "exec", ns}, asPG...)
	args = append(args, filepath.Join(PGBin, "postgres"), "-D", data,
		"-c", "listen_addresses=", "-c", "unix_socket_directories="+sock,
		"-c", "authentication_timeout=2s", "-c", "fsync=off", "-c", "shared_buffers=16MB",
		"-c", "max_connections=50", "-c", "logging_collector=off")
	p.cmd = exec.Command("ip", args...)
	logf, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err == nil {
		p.cmd.Stdout, p.cmd.Stderr = logf, logf
	}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited); logf.Close() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := sh(ctx, "", filepath.Join(PGBin, "pg_isready"), "-q", "-h", sock, "-U", "postgres"); err == nil {
			return p, nil
		}
		select {
		case <-p.exited:
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres exited at start: %s", tail(string(log), 400))
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, fmt.Errorf("postgres not ready after 20s (log %s)", filepath.Join(dir, "postgres.log"))
		}
	}
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

// PID is the server's process id (0 when not started).
func (p *Postgres) PID() int {
	if p == nil || p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Stop shuts the server down fast, then kills it if it lingers.
func (p *Postgres) Stop() {
	if p == nil || p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT) // fast shutdown
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
