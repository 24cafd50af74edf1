package tfexec

import "sync"

// A run's undo steps (its temporary folder, the user's lock file) normally
// run when PlanDir returns. A process stopped by a signal may not wait for
// that: a terraform that ignores SIGTERM holds PlanDir for WaitDelay, and a
// loaded machine adds its own delay. The CLI then calls Abandon before it
// exits, so nothing is left behind either way.
var pending struct {
	sync.Mutex
	next  int
	steps map[int]func()
}

// deferCleanup registers undo and returns the function that runs it once
// and forgets it (PlanDir defers that).
func deferCleanup(undo func()) func() {
	var once sync.Once
	run := func() { once.Do(undo) }
	pending.Lock()
	if pending.steps == nil {
		pending.steps = map[int]func(){}
	}
	id := pending.next
	pending.next++
	pending.steps[id] = run
	pending.Unlock()
	return func() {
		pending.Lock()
		delete(pending.steps, id)
		pending.Unlock()
		run()
	}
}

// Abandon runs the undo steps of every run still going (each at most once,
// whoever gets there first). The CLI calls it when it exits on a signal
// without waiting for the command to return.
func Abandon() {
	pending.Lock()
	steps := make([]func(), 0, len(pending.steps))
	for _, run := range pending.steps {
		steps = append(steps, run)
	}
	pending.Unlock()
	for _, run := range steps {
		run()
	}
}
