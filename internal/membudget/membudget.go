// Package membudget gives one check of a large plan its memory up front.
//
// Two costs of the Go runtime's defaults dominate a big check that runs once
// in a fresh process. The first write to each 4 KiB page of new memory traps
// into the kernel, and on the virtual machines CI runs on a trap costs
// 14-25 µs: a 50k-resource check spent 0.4-0.6 s of its 3 s of CPU in page
// faults. Asking the kernel to map the same memory in one call
// (MADV_POPULATE_WRITE) and then writing it costs a half to a third of
// that (docs/performance.md, ninth round). And the collector, paced for
// a long-running server, collects every time the heap doubles from a few
// MiB: thirteen cycles, marking the growing plan again in each (about four
// times the live heap in all), while the heap only ever grows to twice the
// plan's size.
//
// The block is advised for transparent huge pages first: where the kernel
// grants them to regions that ask (THP "madvise", the default of Debian and
// Ubuntu), one fault maps 2 MiB, and the 50k check's user CPU falls by a
// fifth (docs/performance.md, tenth round).
//
// ForPlans maps a block the size of the coming heap, gives it back to the
// Go heap (whose next allocations reuse those pages), and lets the collector
// wait until that budget is used, as GOGC=off with a GOMEMLIMIT would. When
// the live heap grows past half the budget, because a plan needs more
// memory per byte than the estimate, it hands pacing back to the defaults,
// so a wrong estimate costs what the defaults cost, never more.
package membudget

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

const (
	// heapPerPlanByte is the block mapped up front per byte of plan JSON.
	// It covers the heap up to the limit below, less the runtime's own
	// memory: the heap beyond the block is mapped page by page, in small
	// pages, and at 2.0 bytes a byte the 50k checks still took 8,000-19,000
	// of those faults (docs/performance.md, tenth round).
	heapPerPlanByte = 2.4
	// limitPerPlanByte is the budget the collector waits for, a little
	// over the block: the scavenger returns memory above 95 % of the limit
	// to the OS, and must not return the block it just got. The 50k for_each
	// plan (105 MB) peaks at 185 MB of live heap, 1.8 bytes a byte.
	limitPerPlanByte = 2.6
	// minPlanBytes: a smaller plan is checked in a fraction of a second;
	// the defaults serve it well.
	minPlanBytes = 16 << 20
	// maxBudget bounds the budget. The size of the file is a guess at the
	// heap only for plans made of resources: a 500 MB plan of white space
	// or one huge string needs far less, or a different shape of memory,
	// and a budget sized from it would map a gigabyte for nothing. 640 MiB
	// covers the 100k plans (210-275 MB) whole; a larger plan gets the
	// budget's first 640 MiB, then the defaults.
	maxBudget = 640 << 20
)

// Budget is what ForPlans set up: the block mapped and the memory limit.
type Budget struct {
	Mapped int64 // bytes mapped up front; 0 when the kernel cannot
	Limit  int64 // the collector's budget; 0 when nothing was set up
}

// ForPlans sets the budget for checking the plan JSON files among paths,
// one after another (so the largest sizes it). Directories, missing paths
// and small plans leave the defaults alone; the loader reports bad paths.
func ForPlans(paths []string) Budget {
	var largest int64
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			largest = max(largest, fi.Size())
		}
	}
	if largest < minPlanBytes {
		return Budget{}
	}
	limit := min(int64(float64(largest)*limitPerPlanByte), maxBudget)
	return Set(int64(float64(limit)*heapPerPlanByte/limitPerPlanByte), limit)
}

// Set maps block bytes up front and lets the collector wait until the
// process uses limit bytes, until the live heap passes half of limit.
func Set(block, limit int64) Budget {
	if block <= 0 || limit <= block {
		return Budget{}
	}
	// Pacing first: the collection below must not leave the scavenger a
	// goal under the block, or it would hand the block back to the OS.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(limit)
	b := Budget{Limit: limit}
	if mapBlock(block) {
		b.Mapped = block
	}
	// Armed after the block is gone: a cycle that ran while it was live
	// must not read it as the check's own heap.
	watchLive(limit / 2)
	return b
}

// mapBlock maps block bytes in one call and frees them into the Go heap.
func mapBlock(block int64) bool {
	mem := make([]byte, block) // fresh from the OS: zero and not yet touched
	ok := populate(mem) == nil
	runtime.KeepAlive(mem)
	mem = nil
	// Free it while the live heap is tiny and a collection costs nothing,
	// so its pages are the first the heap reuses.
	runtime.GC()
	return ok
}

// sentinel is an object of its own (not batched with other tiny
// allocations), so its cleanup runs after the first cycle that finds it
// unreachable.
type sentinel struct{ _ [2]uint64 }

// watchLive checks the live heap after every collection and restores the
// default pacing once it passes max.
func watchLive(maxLive int64) {
	s := new(sentinel)
	runtime.AddCleanup(s, func(maxLive int64) {
		if liveHeap() > uint64(maxLive) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			return
		}
		watchLive(maxLive)
	}, maxLive)
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
