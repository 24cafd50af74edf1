package sleep

import (
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

// A schedule keeps the database awake when, after its first wake, the
// database stays (almost) never paused over a window long enough for a
// pause between runs; a slower schedule lets it sleep between runs.
func TestJudgeScheduleKeptAwakeOnlyWhenItNeverSleeps(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	ev := func(kind string, ms int) backend.SleepEvent {
		return backend.SleepEvent{Kind: kind, At: at(ms), Source: "module.control.aws_lambda_function.this"}
	}
	const pauseDelay = 2 * time.Second
	cases := []struct {
		name   string
		period time.Duration
		events []backend.SleepEvent
		end    int
		woke   bool
		kept   bool
	}{
		{"period equal to the pause delay: a 5 ms pause from jitter", 2 * time.Second,
			[]backend.SleepEvent{ev(backend.EventResumed, 10), ev(backend.EventPaused, 4010), ev(backend.EventResumed, 4015)}, 8000, true, true},
		{"period twice the pause delay: sleeps between runs", 4 * time.Second,
			[]backend.SleepEvent{ev(backend.EventResumed, 10), ev(backend.EventPaused, 2100), ev(backend.EventResumed, 4010), ev(backend.EventPaused, 6100), ev(backend.EventResumed, 8010)}, 12000, true, false},
		{"a wake too late in the window to judge", 2 * time.Second,
			[]backend.SleepEvent{ev(backend.EventResumed, 7000)}, 8000, true, false},
		{"no wake at all", 2 * time.Second, nil, 8000, false, false},
	}
	for _, c := range cases {
		sr := ScheduleResult{Schedule: backend.Schedule{Name: "aws_cloudwatch_event_rule.r", Period: c.period}}
		judgeSchedule(&sr, c.events, at(c.end), pauseDelay)
		if sr.Woke != c.woke || sr.KeptAwake != c.kept {
			t.Errorf("%s: woke %v kept awake %v (paused share %.2f); want %v %v", c.name, sr.Woke, sr.KeptAwake, sr.PausedShare, c.woke, c.kept)
		}
		if c.woke && (len(sr.Wakers) != 1 || sr.Wakers[0] != "module.control.aws_lambda_function.this") {
			t.Errorf("%s: wakers %v", c.name, sr.Wakers)
		}
	}
}

func TestScheduleWindowIsBounded(t *testing.T) {
	if w := scheduleWindow(2*time.Second, 2*time.Second); w != 8*time.Second {
		t.Errorf("window %s; want period + 3 pause delays = 8s", w)
	}
	if w := scheduleWindow(10*time.Minute, 2*time.Second); w != maxScheduleWindow {
		t.Errorf("window %s; want the cap %s", w, maxScheduleWindow)
	}
	r := &Report{Paused: true, Schedules: []ScheduleResult{{Schedule: backend.Schedule{Name: "aws_scheduler_schedule.ping", Clock: "cron(0/4 * * * ? *) at 1/150 scale: every 1.6s"}, KeptAwake: true, Wakers: []string{"rds-data-api"}}}}
	if v := r.Violations(); len(v) != 1 || !strings.Contains(v[0], "aws_scheduler_schedule.ping") || !strings.Contains(v[0], "kept the database awake") {
		t.Errorf("violations %v", v)
	}
}
