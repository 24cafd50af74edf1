// Package tfexec runs the terraform CLI to turn a binary plan or a
// configuration directory into plan JSON (`terraform show -json`).
package tfexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	return run(ctx, bin, filepath.Dir(abs), nil, "show", "-json", "-no-color", abs)
}

// PlanDir runs init, plan and show in dir and returns the plan JSON. The
// plan file goes to a temporary directory, so dir gains only what init
// writes (.terraform, the lock file). Progress lines such as
// "init… done (3.2s)" go to progress when it is not nil.
func PlanDir(ctx context.Context, dir string, progress io.Writer) ([]byte, error) {
	bin, err := lookPath()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "letsleep-plan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	planFile := filepath.Join(tmp, "tfplan")

	steps := []struct {
		name string
		args []string
	}{
		{"init", []string{"init", "-input=false", "-no-color"}},
		{"plan", []string{"plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out", planFile}},
	}
	for _, s := range steps {
		if _, err := step(ctx, progress, s.name, func() ([]byte, error) {
			return run(ctx, bin, dir, nil, s.args...)
		}); err != nil {
			return nil, err
		}
	}
	return step(ctx, progress, "show", func() ([]byte, error) {
		return run(ctx, bin, dir, nil, "show", "-json", "-no-color", planFile)
	})
}

func step(ctx context.Context, progress io.Writer, name string, fn func() ([]byte, error)) ([]byte, error) {
	start := time.Now()
	if progress != nil {
		fmt.Fprintf(progress, "%s… ", name)
	}
	out, err := fn()
	if progress != nil {
		if err != nil {
			fmt.Fprintf(progress, "failed (%.1fs)\n", time.Since(start).Seconds())
		} else {
			fmt.Fprintf(progress, "done (%.1fs)\n", time.Since(start).Seconds())
		}
	}
	return out, err
}

// run executes terraform with -chdir=dir; stdout is returned, stderr goes
// into the error when the command fails.
func run(ctx context.Context, bin, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	full := append([]string{"-chdir=" + dir}, args...)
	cmd := exec.CommandContext(ctx, bin, full...)
	cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_INPUT=0")
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
