package runner

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Timing is how long one stage of a check took, wall clock. Stages can
// overlap: a plan file's sources are parsed while it loads.
type Timing struct {
	Stage string // compile policies, load plan, read sources, build model, evaluate policies
	Path  string // the plan the stage worked on; empty for the policy compile
	Took  time.Duration
}

// stages prints each stage's progress (when w is set) and records how long
// it took, for --timings.
type stages struct {
	w       io.Writer
	mu      sync.Mutex
	timings []Timing
}

func newStages(w io.Writer) *stages { return &stages{w: w} }

// step prints "name…" and returns a func that records and prints how long
// the stage took. The done line names the stage, since another one may
// have started in between.
func (s *stages) step(stage, path string) func() {
	start := time.Now()
	name := stage
	if path != "" {
		name += " " + path
	}
	s.print("• %s…\n", name)
	return func() {
		took := s.add(stage, path, start)
		s.print("  %s: done in %s\n", stage, took.Round(time.Millisecond))
	}
}

// record adds a stage timed by its caller, which prints no start line: a
// stage that may turn out to have had nothing to do (a plan without sources).
func (s *stages) record(stage, path string, start time.Time) {
	took := s.add(stage, path, start)
	s.print("• %s %s: done in %s\n", stage, path, took.Round(time.Millisecond))
}

// add records a stage that began at start and returns how long it took.
func (s *stages) add(stage, path string, start time.Time) time.Duration {
	took := time.Since(start)
	s.mu.Lock()
	s.timings = append(s.timings, Timing{Stage: stage, Path: path, Took: took})
	s.mu.Unlock()
	return took
}

func (s *stages) print(format string, args ...any) {
	if s.w == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.w, format, args...)
}

// list is every stage recorded so far, in the order they finished.
func (s *stages) list() []Timing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Timing(nil), s.timings...)
}
