//go:build linux

package lab

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
)

var _ backend.Scheduler = (*Lab)(nil)

// defaultPauseSeconds is Aurora's pause delay when the plan sets none (the
// module default, and the minimum AWS accepts).
const defaultPauseSeconds = 300

// clockScale is the lab's scaled clock: the database's real pause delay
// (seconds_until_auto_pause) maps to the lab's IdleAfter, and every schedule
// period is scaled by the same factor, so a schedule keeps its relation to
// the pause delay.
func (l *Lab) clockScale() (factor float64, text string) {
	real := defaultPauseSeconds
	if db := l.database(l.Topo.DB().Address); db != nil && db.SecondsUntilAutoPause != nil && *db.SecondsUntilAutoPause > 0 {
		real = *db.SecondsUntilAutoPause
	}
	factor = l.opts.IdleAfter.Seconds() / float64(real)
	return factor, fmt.Sprintf("1/%d scale", int(math.Round(1/factor)))
}

// Schedules implements backend.Scheduler: the model's enabled schedules
// with a known period, on the scaled clock.
func (l *Lab) Schedules() []backend.Schedule {
	factor, scale := l.clockScale()
	var out []backend.Schedule
	for _, s := range l.Model.Schedules {
		if !s.Enabled || s.PeriodSeconds <= 0 || len(s.Targets) == 0 {
			continue
		}
		p := time.Duration(float64(s.PeriodSeconds) * factor * float64(time.Second)).Round(time.Millisecond)
		out = append(out, backend.Schedule{Name: s.Address, Expression: s.Expression, Period: p, Targets: s.Targets,
			Clock: fmt.Sprintf("%s at %s: every %s (pause delay %s)", s.Expression, scale, p, l.opts.IdleAfter)})
	}
	return out
}

// RunSchedule implements backend.Scheduler: it fires the schedule at once
// and then every scaled period until window has passed. Each run invokes
// its targets as EventBridge would: a function through the lab's Lambda
// service (its handler process), a Scheduler universal target calling the
// Data API through the lab's Data API.
func (l *Lab) RunSchedule(ctx context.Context, s backend.Schedule, window time.Duration) (backend.ScheduleRun, error) {
	var run backend.ScheduleRun
	if s.Period <= 0 {
		return run, fmt.Errorf("schedule %s: no period", s.Name)
	}
	var calls []func(context.Context) error
	for _, t := range s.Targets {
		switch {
		case l.sockets[t] != "":
			fn := t
			calls = append(calls, func(ctx context.Context) error {
				res, err := l.Invoke(ctx, fn)
				if err == nil && res.Status >= 300 {
					err = fmt.Errorf("invoke %s: status %d: %s", fn, res.Status, res.Detail)
				}
				return err
			})
		case strings.Contains(t, ":scheduler:::aws-sdk:rdsdata:"):
			dbs := l.scheduleDBs(s.Name)
			calls = append(calls, func(ctx context.Context) error {
				for _, db := range dbs {
					if err := l.dataAPI.ExecuteStatement(ctx, db, "SELECT 1"); err != nil {
						return err
					}
				}
				return nil
			})
		default:
			run.NotRun = append(run.NotRun, t+": the lab runs function targets and Data API universal targets only")
		}
	}
	if len(calls) == 0 {
		return run, nil
	}
	end := time.Now().Add(window)
	tick := time.NewTicker(s.Period)
	defer tick.Stop()
	for {
		run.Runs++
		for _, call := range calls {
			run.Invocations++
			cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			if err := call(cctx); err != nil {
				run.Errors = append(run.Errors, err.Error())
			}
			cancel()
		}
		if time.Now().Add(s.Period).After(end) {
			return run, nil
		}
		select {
		case <-ctx.Done():
			return run, ctx.Err()
		case <-tick.C:
		}
	}
}

// scheduleDBs are the databases a universal Data API target names, as the
// model read them from its input; every database when it names none.
func (l *Lab) scheduleDBs(name string) []string {
	var dbs []string
	x := model.NewExpander(l.Model)
	for _, s := range l.Model.Schedules {
		if s.Address == name {
			for _, w := range s.Wakes {
				// A wake to a target set wakes each of its databases.
				dbs = append(dbs, x.Targets(w)...)
			}
		}
	}
	if len(dbs) == 0 {
		for _, d := range l.Model.Databases {
			dbs = append(dbs, d.Address)
		}
	}
	return dbs
}
