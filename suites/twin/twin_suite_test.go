// Package twin_test plans the probe-twin module's example offline, with the
// real AWS provider, and checks from the plan that each twin copies its
// target's placement and role and adds nothing.
package twin_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestTwin(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "probe-twin module")
}
