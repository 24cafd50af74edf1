package community_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCommunity(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Community stacks suite", Label("community"))
}
