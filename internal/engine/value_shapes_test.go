package engine

import (
	"reflect"
	"testing"

	"github.com/letsleep/letsleep/internal/plangen"
)

// The direct conversion builds the value the JSON route builds on models of
// real plans too: generated plans of every shape (the community one carries
// the community stacks' wiring, unresolved references and warnings), split
// and on one core.
func TestToTermMatchesJSONOnGeneratedPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("builds plans of 2000 resources")
	}
	for _, shape := range []string{plangen.ShapeEach, plangen.ShapeDistinct, plangen.ShapeCommunity} {
		t.Run(shape, func(t *testing.T) {
			m := generatedModel(t, 2000, shape)
			want, err := modelValueJSON(m)
			if err != nil {
				t.Fatal(err)
			}
			one, err := toTerm(reflect.ValueOf(m))
			if err != nil {
				t.Fatal(err)
			}
			if one.Value.Compare(want) != 0 {
				t.Fatal("one converter differs from the JSON route")
			}
			split, ok, err := structTermSplit(reflect.ValueOf(m).Elem(), 2)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Fatal("not split; the plan is too small for this test")
			}
			if split.Value.Compare(want) != 0 {
				t.Fatal("split conversion differs from the JSON route")
			}
		})
	}
}

// Allocations of one conversion are bounded so that a return to a map entry
// per object pair, or to string terms looked up by content, shows. The
// bound is per element of the model's lists, measured on the synthetic model.
func TestToTermAllocations(t *testing.T) {
	m := syntheticModel(400)
	elems := 0
	v := reflect.ValueOf(m).Elem()
	for i := range v.NumField() {
		if v.Field(i).Kind() == reflect.Slice {
			elems += v.Field(i).Len()
		}
	}
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := toTerm(reflect.ValueOf(m)); err != nil {
			t.Fatal(err)
		}
	})
	// 47.6 per element when each pair was inserted on its own, 35.1 with
	// the pairs in one block.
	const maxPerElem = 40
	if per := allocs / float64(elems); per > maxPerElem {
		t.Fatalf("%.0f allocations for %d list elements, %.1f per element, want at most %d", allocs, elems, per, maxPerElem)
	}
}
