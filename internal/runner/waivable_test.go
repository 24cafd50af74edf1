package runner

import (
	"reflect"
	"testing"

	"github.com/letsleep/letsleep/internal/engine"
)

func TestWaivableNamesRulesAndCategoriesOnce(t *testing.T) {
	got := waivable([]engine.Check{
		{ID: "LSL-008", Category: "open-ingress"},
		{ID: "LSL-009", Category: "open-ingress"},
		{ID: "LSL-004", Category: "nat-gateway"},
	})
	want := []string{"LSL-004", "LSL-008", "LSL-009", "nat-gateway", "open-ingress"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("waivable = %v, want %v", got, want)
	}
}
