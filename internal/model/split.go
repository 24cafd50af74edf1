package model

import (
	"maps"
	"sync"
)

// splitMinResources is the plan size from which the network facts are
// built on a second goroutine beside the roles' policies: below it the
// two parts take a few milliseconds and a goroutine buys nothing. A
// variable so that tests can take the split path on small plans.
var splitMinResources = 2048

// networkBesideRoles builds the network facts (security groups, gateways,
// subnets, routes, endpoints) on one goroutine while this one collects the
// roles and their policies. Neither part reads what the other writes: the
// network writes sgs, subnets, natByAddr, routesLost and the model's
// gateways and endpoints; collectRoles writes roles and the parsed
// documents. What they share is read-only after resolve, except the
// index's scratch buffers and memos, which the network side gets its own
// copies of (index.view), and the warnings, which it gathers apart and
// which are merged afterwards (their order does not matter: the model
// sorts them on the key they are deduplicated by).
func (fx *facts) networkBesideRoles() {
	rx := *fx.resolved
	rx.ix = fx.ix.view()
	rx.notes = notes{}
	nf := *fx
	nf.resolved = &rx
	nf.notes = notes{}
	var wg sync.WaitGroup
	var failed any
	wg.Add(1)
	go func() {
		defer wg.Done()
		// build turns a panic into an error only on its own goroutine.
		defer func() { failed = recover() }()
		nf.buildNetwork()
	}()
	fx.collectRoles()
	wg.Wait()
	if failed != nil {
		panic(failed)
	}
	fx.routesLost = nf.routesLost
	for _, w := range nf.notes.list {
		fx.add(w)
	}
}

// view is a copy of the index for a second goroutine: the maps of the
// resolve stage are shared (only read after it), while the resolution's
// scratch buffers and the module path memo, which reads fill, are its
// own.
func (ix *index) view() *index {
	v := *ix
	v.outBuf, v.lostBuf, v.resolving = nil, nil, false
	v.seenBuf = visitSet{}
	v.mods = maps.Clone(ix.mods)
	return &v
}
