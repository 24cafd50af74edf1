package model

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// parallelFunctions: below this many functions their paths are derived on
// one goroutine, so a small plan pays nothing for starting workers.
var parallelFunctions = 256

// reachWorkers is how many goroutines derive function paths (tests raise
// it to exercise the workers on a one-core machine).
var reachWorkers = func() int { return runtime.GOMAXPROCS(0) }

// functionChunk: functions a worker takes at a time, so that taking work
// costs little next to doing it.
const functionChunk = 32

// eachFunction derives every function's paths: indexed (which resolves
// references through the index and the sources, neither safe for
// concurrent use) on one goroutine, and own (which reads only the facts)
// on every core. On a big plan each worker has its own copy of the state
// own may write (warnings, target sets, the set cache), merged afterwards;
// since warnings and sets are keyed and sorted, and every path lands on
// its own function in the order the sequential walk gives (indexed's paths
// before own's data paths), the model is the same byte for byte.
func (rh *reacher) eachFunction(indexed func(*Function) []Path, own func(*reacher, *Function)) {
	fns := make([]*Function, 0, len(rh.functions))
	for _, a := range sortedKeysOf(rh.functions) {
		fns = append(fns, rh.functions[a])
	}
	workers := min(reachWorkers(), len(fns)/functionChunk)
	before := make([]int, len(fns))
	for i, f := range fns {
		before[i] = len(f.DataPaths)
	}
	fromIndex := make([][]Path, len(fns))
	if len(fns) < parallelFunctions || workers < 2 {
		for i, f := range fns {
			own(rh, f)
			fromIndex[i] = indexed(f)
		}
	} else {
		rh.parallel(fns, fromIndex, workers, indexed, own)
	}
	for i, f := range fns {
		if len(fromIndex[i]) > 0 {
			f.DataPaths = slices.Insert(f.DataPaths, before[i], fromIndex[i]...)
		}
	}
}

// parallel runs indexed over fns on the first worker, writing into
// fromIndex, and own over fns on every worker, then merges the workers.
func (rh *reacher) parallel(fns []*Function, fromIndex [][]Path, workers int, indexed func(*Function) []Path, own func(*reacher, *Function)) {
	rh.vpcRange("") // built once here: workers only read it
	ws := make([]*reacher, workers)
	for k := range ws {
		ws[k] = rh.worker()
	}
	var next atomic.Int64
	take := func(w *reacher) {
		for {
			start := int(next.Add(functionChunk)) - functionChunk
			if start >= len(fns) {
				return
			}
			for _, f := range fns[start:min(start+functionChunk, len(fns))] {
				own(w, f)
			}
		}
	}
	var wg sync.WaitGroup
	for k, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if k == 0 {
				for i, f := range fns {
					fromIndex[i] = indexed(f)
				}
			}
			take(w)
		}()
	}
	wg.Wait()
	for _, w := range ws {
		rh.merge(w)
	}
}

// worker is a copy of rh for one goroutine: it shares the facts, which
// workers only read, and has its own warnings (its own and the facts'),
// target set registry and set cache.
func (rh *reacher) worker() *reacher {
	fx := *rh.facts
	fx.notes = notes{}
	w := *rh
	w.facts = &fx
	w.notes = notes{}
	w.sets = rh.sets.clone()
	w.setDBCache = nil
	return &w
}

// merge takes a finished worker's warnings, sets and cached set hits.
func (rh *reacher) merge(w *reacher) {
	for _, n := range w.facts.notes.list {
		rh.facts.add(n)
	}
	for _, n := range w.notes.list {
		rh.add(n)
	}
	for id, ts := range w.sets.byID {
		if _, ok := rh.sets.byID[id]; !ok {
			rh.sets.byID[id] = ts
		}
	}
	for k, sd := range w.setDBCache {
		if _, ok := rh.setDBCache[k]; !ok {
			if rh.setDBCache == nil {
				rh.setDBCache = map[setDBKey]setDBs{}
			}
			if sd.dbs != nil {
				sd.dbs = rh.sets.byID[sd.dbs.ID] // one object per set, whichever worker made it
			}
			rh.setDBCache[k] = sd
		}
	}
}
