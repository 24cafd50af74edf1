//go:build !unix

package engine

import "time"

// cpuTime is not measured off unix; benchmarks then report 0 (the one
// test that relies on it, scale_test.go, is unix only).
func cpuTime() time.Duration { return 0 }
