// Package tfexec runs the terraform CLI to turn a binary plan or a
// configuration directory into plan JSON (`terraform show -json`).
package tfexec

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrNotFound means no terraform binary is on PATH. It is an input error:
// the user should install terraform or pass a plan JSON file.
var ErrNotFound = errors.New("terraform not found on PATH: install terraform or pass a plan JSON")

// Binary is the terraform executable name looked up on PATH; tests may
// point it elsewhere.
var Binary = "terraform"

// Error is a failed terraform command; Output carries terraform's own
// message so the user sees what terraform said.
type Error struct {
	Args   []string
	Output string
	Err    error
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Output)
	if msg == "" {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("terraform %s failed: %s", strings.Join(e.Args, " "), msg)
}

func (e *Error) Unwrap() error { return e.Err }

func lookPath() (string, error) {
	bin, err := exec.LookPath(Binary)
	if err != nil {
		return "", ErrNotFound
	}
	return bin, nil
}

// Show runs `terraform show -json` on a binary plan file and returns the JSON.
// The plan is read from the directory that holds it, so a plan made in a
// configuration directory finds its providers there.
func Show(ctx context.Context, binaryPlan string) ([]byte, error) {
	bin, err := lookPath()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(binaryPlan)
	if err != nil {
		return nil, err
	}
	return run(ctx, bin, filepath.Dir(abs), nil, nil, "show", "-json", "-no-color", abs)
}

// PlanDir runs init, plan and show in dir and returns the plan JSON.
// The user's folder is left as it was: terraform's data (.terraform, the
// providers and modules) goes to a TF_DATA_DIR in the user's cache (one per
// folder, so the next check does not install the providers again), the plan
// file to a temporary directory, and the lock file that init writes is
// removed again (or restored, when it existed and init changed it). Progress goes to
// progress, one whole line per event so that CI logs read well.
func PlanDir(ctx context.Context, dir string, progress io.Writer) ([]byte, error) {
	bin, err := lookPath()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "letsleep-plan-")
	if err != nil {
		return nil, err
	}
	planFile := filepath.Join(tmp, "tfplan")
	data := dataDir(dir, tmp)
	env := []string{"TF_DATA_DIR=" + data}
	lockPath := filepath.Join(dir, ".terraform.lock.hcl")
	userLock, lockErr := os.ReadFile(lockPath)
	hasUserLock := lockErr == nil
	restoreLock := keepLockFile(lockPath)
	defer deferCleanup(func() {
		restoreLock()
		os.RemoveAll(tmp)
	})()

	terraform := func(name string, args ...string) ([]byte, error) {
		return step(ctx, progress, name, func() ([]byte, error) {
			return run(ctx, bin, dir, env, nil, args...)
		})
	}
	// -reconfigure: the cached data may hold an older backend setting; the
	// check never writes state, so nothing needs migrating.
	initArgs := []string{"init", "-input=false", "-reconfigure", "-no-color"}
	planArgs := []string{"plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out", planFile}
	skipped := initCurrent(bin, dir, data, userLock, hasUserLock)
	if skipped {
		if progress != nil {
			fmt.Fprintln(progress, "terraform init skipped: the configuration, lock file and providers are as the last init left them")
		}
	} else {
		if _, err := terraform("init", initArgs...); err != nil {
			return nil, err
		}
		recordInit(bin, dir, data, userLock, hasUserLock)
	}
	if _, err := terraform("plan", planArgs...); err != nil {
		if !skipped || ctx.Err() != nil {
			return nil, err
		}
		// The stamp missed a change init would have handled (e.g. a
		// provider cache emptied by hand): init and plan once more.
		os.Remove(filepath.Join(data, stampFile))
		if _, err := terraform("init", initArgs...); err != nil {
			return nil, err
		}
		recordInit(bin, dir, data, userLock, hasUserLock)
		if _, err := terraform("plan", planArgs...); err != nil {
			return nil, err
		}
	}
	return terraform("show", "show", "-json", "-no-color", planFile)
}

// dataDir is terraform's data directory for the configuration in dir: in
// the user's cache (mode 0700, owned by the user: privateDir), keyed by the
// folder's absolute path, or under tmp when there is no usable cache
// directory.
func dataDir(dir, tmp string) string {
	d, ok := CacheDataDir(dir)
	cache, err := os.UserCacheDir()
	if !ok || err != nil || !privateDir(cache, d) {
		return filepath.Join(tmp, "data")
	}
	return d
}

// CacheDataDir is the data directory in the user's cache that directory
// checks of dir use.
func CacheDataDir(dir string) (string, bool) {
	cache, err := os.UserCacheDir()
	abs, absErr := filepath.Abs(dir)
	if err != nil || absErr != nil {
		return "", false
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(cache, "letsleep", "terraform", hex.EncodeToString(sum[:8])), true
}

// ModulesManifest is where the last directory check of dir left
// terraform's module manifest, or "" when it kept none: the source reader
// needs it to find registry modules, which init installs there and not in
// the user's folder.
func ModulesManifest(dir string) string {
	d, ok := CacheDataDir(dir)
	if !ok {
		return ""
	}
	path := filepath.Join(d, "modules", "modules.json")
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

// keepLockFile remembers the lock file before init and returns the func
// that puts it back as it was: removed when it did not exist, its old bytes
// when init rewrote it.
func keepLockFile(path string) func() {
	old, err := os.ReadFile(path)
	existed := err == nil
	return func() {
		if !existed {
			os.Remove(path)
			return
		}
		if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, old) {
			os.WriteFile(path, old, 0o644)
		}
	}
}

// spent adds up the time terraform ran, so that a check can say how much of
// its time was letsleep's own.
var spent atomic.Int64

// Spent is the total time terraform commands have run in this process.
func Spent() time.Duration { return time.Duration(spent.Load()) }

func step(ctx context.Context, progress io.Writer, name string, fn func() ([]byte, error)) ([]byte, error) {
	start := time.Now()
	if progress != nil {
		fmt.Fprintf(progress, "terraform %s…\n", name)
	}
	out, err := fn()
	if progress != nil {
		if err != nil {
			fmt.Fprintf(progress, "terraform %s failed (%.1fs)\n", name, time.Since(start).Seconds())
		} else {
			fmt.Fprintf(progress, "terraform %s done (%.1fs)\n", name, time.Since(start).Seconds())
		}
	}
	return out, err
}

// run executes terraform with -chdir=dir; stdout is returned, stderr goes
// into the error when the command fails.
func run(ctx context.Context, bin, dir string, env []string, stdin io.Reader, args ...string) ([]byte, error) {
	defer func(start time.Time) { spent.Add(int64(time.Since(start))) }(time.Now())
	full := append([]string{"-chdir=" + dir}, args...)
	cmd := exec.CommandContext(ctx, bin, full...)
	cmd.Env = append(append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_INPUT=0"), env...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// On cancellation terraform gets SIGTERM first: it stops its providers
	// and releases locks. WaitDelay then bounds the wait before SIGKILL, so
	// a cancelled run never hangs; one second keeps letsleep's exit on a
	// signal within its 2 s budget (cli.interruptGrace).
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("terraform %s: %w", args[0], ctxErr)
		}
		out := stderr.String()
		if strings.TrimSpace(out) == "" {
			out = stdout.String()
		}
		return nil, &Error{Args: args[:1], Output: out, Err: err}
	}
	return stdout.Bytes(), nil
}
