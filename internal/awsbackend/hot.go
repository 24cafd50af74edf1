package awsbackend

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

// maxDrain bounds how much of a hot endpoint's answer is read.
const maxDrain = 64 << 10

// Hit sends one GET to an endpoint. An HTTP error status is not an error:
// the request reached the stack, which is what could wake the database.
func Hit(ctx context.Context, client *http.Client, e backend.Endpoint) error {
	if e.URL == "" {
		return fmt.Errorf("hit %s: no URL", e.Name)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL, nil)
	if err != nil {
		return fmt.Errorf("hit %s: %w", e.Name, err)
	}
	req.Header.Set("User-Agent", "letsleep-sleep-suite")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("hit %s: %w", e.Name, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	return resp.Body.Close()
}

// BurstResult counts what a burst did.
type BurstResult struct {
	Endpoint backend.Endpoint `json:"endpoint"`
	Sent     int              `json:"sent"`
	Errors   int              `json:"errors"`
	Elapsed  time.Duration    `json:"elapsed"`
}

// Burst sends at most count requests to e, one after another, and stops
// early when within has passed: bounded in count and in time.
func Burst(ctx context.Context, client *http.Client, e backend.Endpoint, count int, within time.Duration) BurstResult {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	res := BurstResult{Endpoint: e}
	start := time.Now()
	for range count {
		if ctx.Err() != nil {
			break
		}
		res.Sent++
		if err := Hit(ctx, client, e); err != nil {
			res.Errors++
		}
	}
	res.Elapsed = time.Since(start)
	return res
}

// hotOutputs are the reference stack's outputs that the world can hit.
var hotOutputs = []struct {
	output, role, prefix string
	public               bool
}{
	{"hot_url", "hot", "", true},
	{"warmup_wake_url", "warmup", "", false}, // IAM-signed: an unsigned hit gets 403 and must not wake the DB either
	{"viewer_domain_name", "viewer", "https://", true},
}

// HotEndpointsFrom lists the hit-able endpoints from the stack outputs,
// naming the function of that role in functions (address by role).
func HotEndpointsFrom(outputs map[string]string, functionByRole map[string]string) []backend.Endpoint {
	var out []backend.Endpoint
	for _, h := range hotOutputs {
		v := outputs[h.output]
		if v == "" {
			continue
		}
		out = append(out, backend.Endpoint{Name: "output." + h.output, Function: functionByRole[h.role], URL: h.prefix + v, Public: h.public})
	}
	return out
}
