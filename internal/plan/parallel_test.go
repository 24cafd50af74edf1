package plan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/plangen"
)

// withWorkers runs f with resource_changes handed to workers after the
// first `after` elements, on two cores at least.
func withWorkers(t *testing.T, after int, f func()) {
	t.Helper()
	defer func(old int) { parallelAfter = old }(parallelAfter)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	parallelAfter = after
	f()
}

// sequential decodes data on one goroutine, as small plans are.
func sequential(t *testing.T, data []byte) *Plan {
	t.Helper()
	defer func(old int) { parallelAfter = old }(parallelAfter)
	parallelAfter = 1 << 30
	p, err := streamDecode("plan.json", nil, 0, data)
	if err != nil {
		t.Fatalf("sequential: %v", err)
	}
	return p
}

// generated writes a for_each plan of n resources.
func generated(t *testing.T, n int, distinct bool) []byte {
	t.Helper()
	ts, err := plangen.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := plangen.Generate(&buf, ts, plangen.Options{Resources: n, Seed: 1, Distinct: distinct}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Decoded on workers, every plan must come out exactly as decoded in
// order: same changes, same order, same values.
func TestWorkersMatchSequential(t *testing.T) {
	inputs := map[string][]byte{
		"generated-3000":          generated(t, 3000, false),
		"generated-3000-distinct": generated(t, 3000, true),
		// null elements in a batch read as nil, as they do in order
		"null-elements": []byte(`{"format_version":"1.2","planned_values":{},"resource_changes":[null,
			{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","change":{"actions":["create"],"after":{}}},null]}`),
	}
	paths, _ := filepath.Glob("../../build/plans/*.json")
	more, _ := filepath.Glob("../../../shared/realworld-plans/*.json")
	for _, path := range append(paths, more...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(path)] = data
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			want := sequential(t, data)
			for _, after := range []int{0, 1, 100} {
				withWorkers(t, after, func() {
					got, err := streamDecode("plan.json", nil, 0, data)
					if err != nil {
						t.Fatalf("after %d: %v", after, err)
					}
					if len(got.Doc.ResourceChanges) != len(want.Doc.ResourceChanges) {
						t.Fatalf("after %d: %d changes, sequential %d", after, len(got.Doc.ResourceChanges), len(want.Doc.ResourceChanges))
					}
					if !reflect.DeepEqual(got.Doc, want.Doc) {
						t.Fatalf("after %d: the plan differs from the sequential decode", after)
					}
				})
			}
		})
	}
}

// An element the streaming decoder refuses, deep in a big plan, must give
// the exact decoder's error, as it does without workers, and leave no
// goroutine behind.
func TestWorkersErrorFallsBackToExact(t *testing.T) {
	data := generated(t, 3000, false)
	// Break the 2500th resource change: a mode that is not a string.
	at := 0
	for range 2500 {
		i := bytes.Index(data[at:], []byte(`"mode":"managed"`))
		if i < 0 {
			t.Fatal("generated plan has fewer managed modes than expected")
		}
		at += i + 1
	}
	bad := append([]byte{}, data[:at-1]...)
	bad = append(bad, `"mode":7`...)
	bad = append(bad, data[at-1+len(`"mode":"managed"`):]...)
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}

	defer func(old int) { parallelAfter = old }(parallelAfter)
	parallelAfter = 1 << 30
	_, want := Load(context.Background(), path, Options{})
	if want == nil {
		t.Fatal("sequential: a numeric mode loaded without error")
	}
	before := runtime.NumGoroutine()
	withWorkers(t, 10, func() {
		_, got := Load(context.Background(), path, Options{})
		if got == nil || got.Error() != want.Error() {
			t.Fatalf("with workers: %v\nsequential: %v", got, want)
		}
		if !strings.Contains(got.Error(), "mode") {
			t.Errorf("the error does not name the member: %v", got)
		}
	})
	waitGoroutines(t, before)
}

// A syntax error after the workers started stops them too.
func TestWorkersSyntaxErrorLeavesNoGoroutine(t *testing.T) {
	data := generated(t, 3000, false)
	cut := bytes.LastIndex(data, []byte(`"address"`))
	bad := append(append([]byte{}, data[:cut]...), '}', '}', ']')
	before := runtime.NumGoroutine()
	withWorkers(t, 10, func() {
		if _, err := streamDecode("plan.json", nil, 0, bad); err == nil {
			t.Fatal("a truncated plan decoded without error")
		}
	})
	waitGoroutines(t, before)
}

// waitGoroutines fails unless the goroutine count drops back to n within a
// second (a worker that called Done may still be exiting).
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left, %d before", runtime.NumGoroutine(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
