//go:build linux

package labcli

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/testtier"
)

// helperPlanEnv makes this test binary act as `letsleep-lab up PLAN`.
const helperPlanEnv = "LETSLEEP_TEST_LAB_UP_PLAN"

func TestLabUpHelperProcess(t *testing.T) {
	plan := os.Getenv(helperPlanEnv)
	if plan == "" {
		t.Skip("helper process for TestLabUpTearsDownOnSignal")
	}
	cmd := NewRootCommand()
	cmd.SetArgs([]string{"up", "--wait", "15m", plan}) // other packages' labs may hold the lock
	if err := cmd.Execute(); err != nil {
		os.Stderr.WriteString("lab up: " + err.Error() + "\n")
		os.Exit(3)
	}
	os.Exit(0)
}

// labUpCommand is `letsleep-lab up PLAN`: the built binary when
// LETSLEEP_LAB_BIN names it (make lab does), else this test binary acting
// as it.
func labUpCommand(plan string) *exec.Cmd {
	if bin := os.Getenv("LETSLEEP_LAB_BIN"); bin != "" {
		return exec.Command(bin, "up", "--wait", "15m", plan)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLabUpHelperProcess$")
	cmd.Env = append(os.Environ(), helperPlanEnv+"="+plan)
	return cmd
}

// TestLabUpTearsDownOnSignal runs `letsleep-lab up` as a process, sends it SIGTERM
// or SIGINT once the lab is up, and checks that every namespace and the
// state file are gone; a following `letsleep-lab down` has nothing to do.
func TestLabUpTearsDownOnSignal(t *testing.T) {
	testtier.Require(t, testtier.Lab)
	plan, err := lab.EnsurePlan(t.Context(), "reference")
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := labUpCommand(plan)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var st *lab.State
			deadline := time.Now().Add(16 * time.Minute) // another lab may hold the lock
			for time.Now().Before(deadline) {
				if s, err := lab.ReadState(""); err == nil && s.PID == cmd.Process.Pid {
					if _, err := lab.QueryStatus(t.Context(), s.API); err == nil {
						st = s
						break
					}
				}
				time.Sleep(200 * time.Millisecond)
			}
			if st == nil {
				t.Fatalf("lab never came up:\n%s", out.String())
			}
			namespaces := st.Topology.Namespaces()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("lab up exited with %v after %s:\n%s", err, sig, out.String())
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("lab up still running 60s after %s", sig)
			}
			for _, ns := range namespaces {
				if _, err := os.Stat("/run/netns/" + ns); err == nil {
					t.Errorf("namespace %s left after %s", ns, sig)
				}
			}
			if _, err := lab.ReadState(""); err == nil {
				t.Errorf("state file left after %s", sig)
			}
			down := NewRootCommand()
			var dout bytes.Buffer
			down.SetOut(&dout)
			down.SetArgs([]string{"down", "--id", st.ID}) // never another package's lab
			if err := down.Execute(); err != nil {
				t.Fatal(err)
			}
			// It may sweep another test's planted leftover, never stop a lab.
			if strings.Contains(dout.String(), "stopped lab") || strings.Contains(dout.String(), st.ID) {
				t.Errorf("second teardown found our lab again: %s", dout.String())
			}
		})
	}
}
