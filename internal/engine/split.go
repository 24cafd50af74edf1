package engine

import (
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The model is converted on several cores when it is large: its lists are cut
// into chunks of chunkLen elements, workers take chunks in order, each with
// its own converter (string terms are shared within a worker only), and the
// lists are put together in order afterwards, so the value is the one a
// single converter builds. Chunks rather than whole lists, because one list
// (the functions, or the warnings of a community plan) can outweigh all the
// others together.
const (
	chunkLen = 256
	// splitFrom is the number of list elements below which starting
	// workers costs more than it saves: a 1k-resource model converts in a
	// few milliseconds.
	splitFrom = 4 * chunkLen
)

type chunk struct {
	field  int // index into the struct's fieldsOf
	lo, hi int
}

// structTermSplit converts struct v like converter.structTerm, its slice
// fields on up to workers goroutines. It returns ok=false when v's lists are
// too short for that to pay, so that the caller converts it on one core.
func structTermSplit(v reflect.Value, workers int) (t *ast.Term, ok bool, err error) {
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return nil, false, err
	}
	var chunks []chunk
	total := 0
	for i, f := range fields {
		fv := v.Field(f.index)
		if fv.Kind() != reflect.Slice || f.omitted(fv) || fv.IsNil() {
			continue
		}
		n := fv.Len()
		total += n
		for lo := 0; lo < n; lo += chunkLen {
			chunks = append(chunks, chunk{field: i, lo: lo, hi: min(lo+chunkLen, n)})
		}
	}
	if workers < 2 || total < splitFrom {
		return nil, false, nil
	}
	// elems[c] are the terms of chunk c; errs[c] its first error.
	elems := make([][]*ast.Term, len(chunks))
	errs := make([]error, len(chunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(chunks)) {
		wg.Go(func() {
			c := converter{strs: map[string]*ast.Term{}}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) {
					return
				}
				ch := chunks[i]
				list := v.Field(fields[ch.field].index)
				out := make([]*ast.Term, ch.hi-ch.lo)
				for j := range out {
					if out[j], errs[i] = c.term(list.Index(ch.lo + j)); errs[i] != nil {
						break
					}
				}
				elems[i] = out
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, false, fmt.Errorf("%s.%s: %w", v.Type().Name(), fields[chunks[i].field].name, err)
		}
	}
	lists := map[int]*ast.Term{}
	for i := 0; i < len(chunks); {
		f := chunks[i].field
		all := make([]*ast.Term, 0, v.Field(fields[f].index).Len())
		for ; i < len(chunks) && chunks[i].field == f; i++ {
			all = append(all, elems[i]...)
		}
		lists[f] = ast.ArrayTerm(all...)
	}
	// The other fields (and empty lists) are few and small: one converter
	// writes them, in field order, around the lists converted above.
	c := converter{strs: map[string]*ast.Term{}}
	t, err = c.structTermOf(v, fields, lists)
	return t, err == nil, err
}
