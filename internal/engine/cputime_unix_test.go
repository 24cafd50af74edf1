//go:build unix

package engine

import "syscall"

// processCPU is the CPU time (user and system, all threads, the GC's
// included) the process has used so far, in nanoseconds. Benchmarks report
// it per op beside ns/op: on the shared machine wall time follows the load,
// CPU time far less.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
