package model

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
)

// TestMergeWarningsAsOneNotes checks mergeWarnings against what finish did
// before: add every list, in order, to one notes (first copy of a
// (kind, address, message) wins) and sort. The lists repeat warnings
// across each other with another Part or Guarded, so keeping a later
// copy, or an unstable sort that lets one move ahead, shows here.
func TestMergeWarningsAsOneNotes(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 8))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	for round := range 200 {
		lists := make([][]Warning, 3)
		for i := range lists {
			var n notes
			for range rng.IntN(40) {
				n.add(Warning{
					Kind: pick("blind-spot", "hop-set", "unresolved-reference"), Address: pick("a", "b", "module.x.c", ""),
					Message: pick("m1", "m2", "m3"), Part: pick("", "statement 1", "statement 2"), Guarded: pick("", "f1"),
				})
			}
			lists[i] = n.list
		}
		var want notes
		for _, l := range lists {
			for _, w := range l {
				want.add(w)
			}
		}
		sort.Slice(want.list, func(i, j int) bool { return compareWarnings(want.list[i], want.list[j]) < 0 })
		got := mergeWarnings(lists...)
		if len(want.list) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want.list) {
			t.Fatalf("round %d: merged\n%v\nwant\n%v", round, got, want.list)
		}
	}
}
