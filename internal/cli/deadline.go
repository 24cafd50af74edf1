package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// withDeadline runs work under --timeout. Work that does not watch its
// context (building the model of a huge plan) is abandoned at the deadline:
// the command returns at once and the process exits.
func withDeadline(ctx context.Context, timeout time.Duration, what string, work func(context.Context) error) error {
	if timeout <= 0 {
		return fmt.Errorf("usage error: --timeout %s must be positive: give a duration like 30s or 5m", timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- work(ctx) }()
	select {
	case err := <-done:
		if errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "--timeout") {
			return fmt.Errorf("%s did not finish within --timeout %s: raise --timeout%s", what, timeout, timeoutAdvice(what))
		}
		return err
	case <-ctx.Done():
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%s did not finish within --timeout %s: raise --timeout%s", what, timeout, timeoutAdvice(what))
		}
		return ctx.Err()
	}
}

func timeoutAdvice(what string) string {
	if what == "graph" {
		return ", or draw part of the plan with --focus"
	}
	return ""
}
