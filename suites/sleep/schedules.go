package sleep

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

// ScheduleResult is what running one schedule on the twin's clock did.
type ScheduleResult struct {
	Schedule backend.Schedule    `json:"schedule"`
	Run      backend.ScheduleRun `json:"run"`
	Window   time.Duration       `json:"window"`
	Woke     bool                `json:"woke"`
	Wakers   []string            `json:"wakers,omitempty"`
	// PausedShare is the share of the time from the first wake to the end
	// of the window during which the database was paused.
	PausedShare float64 `json:"paused_share"`
	// KeptAwake: the schedule woke the database and, over a window long
	// enough for a pause between two runs, it stayed (almost) never paused.
	KeptAwake bool   `json:"kept_awake"`
	Err       string `json:"error,omitempty"`
}

// keptAwakeShare: paused less than this share of the time after the first
// wake counts as kept awake. A schedule whose period equals the pause delay
// can let the database pause for a few milliseconds when one run starts a
// little later than the previous one; a schedule slower than the pause
// delay lets it sleep for most of each period.
const keptAwakeShare = 0.10

// maxScheduleWindow bounds the time one schedule runs.
const maxScheduleWindow = 20 * time.Second

// scheduleWindow is long enough for three runs and for a pause to happen
// between two runs when the period allows it, and bounded.
func scheduleWindow(period, pauseDelay time.Duration) time.Duration {
	w := max(3*period, period+3*pauseDelay)
	return min(w, maxScheduleWindow)
}

// runSchedules runs every schedule the twin can run, each from a paused
// database, and reports whether it keeps the database awake.
func runSchedules(ctx context.Context, b backend.Sleep, sch backend.Scheduler, opts Options, rep *Report) error {
	for _, s := range sch.Schedules() {
		sr := ScheduleResult{Schedule: s, Window: scheduleWindow(s.Period, b.PauseDelay())}
		if err := waitPaused(ctx, b, opts.PauseTimeout); err != nil {
			sr.Err = "before the schedule: " + err.Error()
			rep.Schedules = append(rep.Schedules, sr)
			return nil
		}
		since := time.Now()
		run, err := sch.RunSchedule(ctx, s, sr.Window)
		sr.Run = run
		if err != nil {
			sr.Err = err.Error()
		}
		end := time.Now()
		events, err := b.Events(ctx, since)
		if err != nil {
			return fmt.Errorf("events after schedule %s: %w", s.Name, err)
		}
		judgeSchedule(&sr, events, end, b.PauseDelay())
		rep.Schedules = append(rep.Schedules, sr)
	}
	return nil
}

// judgeSchedule reads the pause and resume events of one schedule's window.
func judgeSchedule(sr *ScheduleResult, events []backend.SleepEvent, end time.Time, pauseDelay time.Duration) {
	var firstWake, pausedAt time.Time
	var paused time.Duration
	for _, ev := range events {
		if ev.At.After(end) {
			break
		}
		switch ev.Kind {
		case backend.EventResumed, backend.EventResumeFailed:
			if firstWake.IsZero() {
				firstWake = ev.At
			} else if !pausedAt.IsZero() {
				paused += ev.At.Sub(pausedAt)
			}
			pausedAt = time.Time{}
			sr.Woke = true
			if ev.Source != "" && !slices.Contains(sr.Wakers, ev.Source) {
				sr.Wakers = append(sr.Wakers, ev.Source)
			}
		case backend.EventPaused:
			if !firstWake.IsZero() {
				pausedAt = ev.At
			}
		}
	}
	if firstWake.IsZero() {
		return
	}
	if !pausedAt.IsZero() {
		paused += end.Sub(pausedAt)
	}
	after := end.Sub(firstWake)
	if after > 0 {
		sr.PausedShare = float64(paused) / float64(after)
	}
	sr.KeptAwake = after >= sr.Schedule.Period+pauseDelay && sr.PausedShare < keptAwakeShare
}

func (r *Report) writeSchedules(w io.Writer) {
	if len(r.Schedules) == 0 {
		return
	}
	fmt.Fprintln(w, "  3b. schedules on the scaled clock, targets invoked for real — do they keep Aurora awake?")
	for _, s := range r.Schedules {
		verdict := "did not wake the DB"
		switch {
		case s.Err != "":
			verdict = "ERROR: " + s.Err
		case s.KeptAwake:
			verdict = fmt.Sprintf("woke the DB (via %v) and KEPT IT AWAKE: paused %.0f%% of the time after the wake", s.Wakers, 100*s.PausedShare)
		case s.Woke:
			verdict = fmt.Sprintf("woke the DB (via %v), which paused again between runs (paused %.0f%% of the time after the wake)", s.Wakers, 100*s.PausedShare)
		}
		fmt.Fprintf(w, "       %s, %s: %d runs, %d invocations, %d errors in %s: %s\n", s.Schedule.Name, s.Schedule.Clock,
			s.Run.Runs, s.Run.Invocations, len(s.Run.Errors), s.Window.Round(time.Millisecond), verdict)
		for _, n := range s.Run.NotRun {
			fmt.Fprintf(w, "         not run: %s\n", n)
		}
		if len(s.Run.Errors) > 0 {
			fmt.Fprintf(w, "         first error: %s\n", s.Run.Errors[0])
		}
	}
}
