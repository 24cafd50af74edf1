//go:build !unix

package engine

// processCPU is not measured off unix; benchmarks then report 0.
func processCPU() int64 { return 0 }
