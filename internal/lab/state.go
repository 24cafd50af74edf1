//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// DefaultStateDir holds the lock, the state file and each lab's files.
const DefaultStateDir = "/run/letsleep-lab"

// State is what `letsleep lab status` and `down` read.
type State struct {
	ID        string            `json:"id"`
	PID       int               `json:"pid"` // the process that owns the lab
	Source    string            `json:"source,omitempty"`
	Started   time.Time         `json:"started"`
	Dir       string            `json:"dir"`
	API       string            `json:"api"` // unix socket of the sentinel API
	Topology  *Topology         `json:"topology"`
	Rulesets  map[string]string `json:"rulesets"`
	CanaryURL string            `json:"canary_url"`
	DBAddr    string            `json:"db_addr"`
}

// OwnerAlive reports whether the process that owns the lab still runs.
func (s *State) OwnerAlive() bool { return s.PID > 0 && alive(s.PID) }

func statePath(dir string) string { return filepath.Join(dir, "state.json") }

func writeState(dir string, s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := statePath(dir) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write lab state: %w", err)
	}
	return os.Rename(tmp, statePath(dir))
}

// ReadState reads the state of the running lab; os.ErrNotExist when none.
func ReadState(dir string) (*State, error) {
	if dir == "" {
		dir = DefaultStateDir
	}
	b, err := os.ReadFile(statePath(dir))
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("read lab state %s: %w (remove it with letsleep lab down)", statePath(dir), err)
	}
	return &s, nil
}

// lockFile takes the lab lock, waiting at most wait: one lab at a time on a
// machine, so that whoever holds the lock owns every lsl- namespace and any
// other is a leftover.
func lockFile(ctx context.Context, dir string, wait time.Duration, waiting ...func(owner string)) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lab state dir: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lab lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lab lock: %w", err)
		}
		owner := ""
		if s, err := ReadState(dir); err == nil {
			owner = fmt.Sprintf(" (lab %s, pid %d)", s.ID, s.PID)
		}
		if !told {
			for _, w := range waiting {
				w(owner)
			}
			told = true
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("another lab is up%s: wait for it or run `letsleep lab down`", owner)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// CleanLeftovers removes every lab namespace (killing what runs inside)
// and every per-lab directory under dir. Call it only while holding the
// lock, or from `down` after the owner is gone.
func CleanLeftovers(ctx context.Context, dir string) ([]string, error) {
	var removed []string
	nss, err := listLabNS()
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ns := range nss {
		if err := deleteNS(ctx, ns); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, ns)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "lab-") {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	_ = os.Remove(statePath(dir))
	return removed, errors.Join(errs...)
}

// DownResult says what Down did.
type DownResult struct {
	Stopped string   // id of the lab whose owner was asked to stop, "" if none
	PID     int      // that owner's pid
	Removed []string // namespaces removed afterwards (leftovers)
}

// Down stops the running lab (only lab id, when id is not ""): it asks the
// owner to tear down (SIGTERM), waits for it, and then, if no other lab has
// taken the lock meanwhile, removes whatever is left. With no lab it does
// nothing, so a second Down is harmless.
func Down(ctx context.Context, dir, id string) (DownResult, error) {
	if dir == "" {
		dir = DefaultStateDir
	}
	var res DownResult
	if s, err := ReadState(dir); err == nil && (id == "" || s.ID == id) && s.PID > 0 && s.PID != os.Getpid() && alive(s.PID) {
		res.Stopped, res.PID = s.ID, s.PID
		_ = syscall.Kill(s.PID, syscall.SIGTERM)
		deadline := time.Now().Add(15 * time.Second)
		for alive(s.PID) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if alive(s.PID) {
			_ = syscall.Kill(s.PID, syscall.SIGKILL)
			time.Sleep(200 * time.Millisecond)
		}
	}
	// Leftovers are whatever exists while nobody holds the lock; a lab that
	// holds it is alive and not ours to sweep.
	lock, err := lockFile(ctx, dir, 2*time.Second)
	if err != nil {
		return res, nil
	}
	defer lock.Close()
	removed, err := CleanLeftovers(ctx, dir)
	res.Removed = removed
	return res, err
}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	// A zombie still answers kill(0); treat it as gone.
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	if i := strings.LastIndexByte(string(b), ')'); i > 0 && i+2 < len(b) {
		return b[i+2] != 'Z'
	}
	return true
}
