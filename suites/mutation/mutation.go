//go:build linux

package mutation

import (
	"context"
	"time"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/sleep"
)

// Options tune a run.
type Options struct {
	Lab      lab.Options
	Boundary boundary.Options
	Sleep    sleep.Options
}

// Run brings up the lab for the plan at path, runs the boundary and the
// sleep logic on it, looks for the case's declared signal and tears the lab
// down.
func Run(ctx context.Context, c Case, path string, opts Options) Outcome {
	start := time.Now()
	out := Outcome{Case: c}
	defer func() { out.Took = time.Since(start) }()
	lopts := opts.Lab
	lopts.Source = path
	l, err := lab.UpFromPlan(ctx, path, model.Config{}, lopts)
	if err != nil {
		out.Err = err
		return out
	}
	defer l.Close()
	out.Runtime = l.Runtimes()
	out.Boundary, err = boundary.Run(ctx, l, l.Model, opts.Boundary)
	if err != nil {
		out.Err = err
		return out
	}
	out.Violations = append(out.Violations, out.Boundary.Violations()...)
	out.Sleep, err = sleep.Run(ctx, l, opts.Sleep)
	if err != nil {
		out.Err = err
		return out
	}
	out.Violations = append(out.Violations, out.Sleep.Violations()...)
	out.Seen = c.Signal.Seen(out.Boundary, out.Sleep)
	out.Took = time.Since(start)
	return out
}
