package boundary_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestBoundary(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "boundary suite")
}
