//go:build !terraform

package terratf

import (
	"errors"
	"testing"
)

// Without the tag every call fails with the error that says how to build,
// and none of them runs terraform (the guard test proves the module is not
// even linked).
func TestPlainBuildReturnsErrNotLinked(t *testing.T) {
	o := &Options{Dir: t.TempDir(), PlanFile: "p.tfplan"}
	_, planErr := InitAndPlanAndShow(t, o)
	_, showErr := Show(t, o)
	_, outErr := OutputMap(t, o, "x")
	for name, err := range map[string]error{
		"InitAndPlanAndShow": planErr, "InitAndApply": InitAndApply(t, o), "Show": showErr,
		"OutputMap": outErr, "Destroy": Destroy(t, o),
	} {
		if !errors.Is(err, ErrNotLinked) {
			t.Errorf("%s: err = %v, want ErrNotLinked", name, err)
		}
	}
	if Linked {
		t.Error("Linked is true in a build without -tags terraform")
	}
}
