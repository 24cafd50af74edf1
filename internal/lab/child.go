//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/letsleep/letsleep/internal/probe"
)

// The lab runs probes and handlers as real processes inside the function
// namespaces by re-executing the current binary (the letsleep CLI or a suite
// test binary) with childEnv set; init turns such a process into the child
// before anything else runs.
const childEnv = "LETSLEEP_LAB_CHILD"

func init() {
	switch os.Getenv(childEnv) {
	case "probe":
		os.Exit(probeChild(os.Stdin, os.Stdout))
	case "handler":
		os.Exit(handlerChild())
	case "proxy":
		os.Exit(proxyChild())
	}
}

// probeChild reads one probe.Request on stdin and prints the Response, as
// the probe binary does outside Lambda, with the same AWS clients: the
// lab's environment (awsEnv) points them at the stand-ins, so the IAM
// cells are tried for real without the emulator too.
func probeChild(in io.Reader, out io.Writer) int {
	var req probe.Request
	if err := json.NewDecoder(io.LimitReader(in, 1<<20)).Decode(&req); err != nil {
		fmt.Fprintf(os.Stderr, "lab probe: read request: %v\n", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(probe.MaxDeadlineMS+1000)*time.Millisecond)
	defer cancel()
	resp := probe.Run(ctx, req, probe.Deps{AWS: probe.NewAWSClients})
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		fmt.Fprintf(os.Stderr, "lab probe: write response: %v\n", err)
		return 1
	}
	return 0
}
