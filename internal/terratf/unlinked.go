//go:build !terraform

package terratf

import "github.com/gruntwork-io/terratest/modules/testing"

// Linked reports whether this build links terratest's terraform module.
const Linked = false

// InitAndPlanAndShow needs -tags terraform; here it returns ErrNotLinked.
func InitAndPlanAndShow(testing.TestingT, *Options) (string, error) { return "", ErrNotLinked }

// InitAndApply needs -tags terraform; here it returns ErrNotLinked.
func InitAndApply(testing.TestingT, *Options) error { return ErrNotLinked }

// Show needs -tags terraform; here it returns ErrNotLinked.
func Show(testing.TestingT, *Options) (string, error) { return "", ErrNotLinked }

// OutputMap needs -tags terraform; here it returns ErrNotLinked.
func OutputMap(testing.TestingT, *Options, string) (map[string]string, error) {
	return nil, ErrNotLinked
}

// Destroy needs -tags terraform; here it returns ErrNotLinked.
func Destroy(testing.TestingT, *Options) error { return ErrNotLinked }
