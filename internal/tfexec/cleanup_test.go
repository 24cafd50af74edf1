package tfexec

import "testing"

// Abandon undoes a run that has not returned, and the run's own deferred
// cleanup then does nothing more; a finished run is no longer pending.
func TestAbandonUndoesPendingRunsOnce(t *testing.T) {
	var a, b int
	doneA := deferCleanup(func() { a++ })
	doneB := deferCleanup(func() { b++ })
	doneB() // run b finished normally
	Abandon()
	doneA() // run a returns late, after the process gave up on it
	Abandon()
	if a != 1 || b != 1 {
		t.Fatalf("undo ran a=%d b=%d times, want once each", a, b)
	}
}
