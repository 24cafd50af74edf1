package plan_test

import (
	"encoding/json"
	"os"

	tfjson "github.com/hashicorp/terraform-json"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// readPlan decodes a plan JSON file.
func readPlan(file string) *tfjson.Plan {
	GinkgoHelper()
	raw, err := os.ReadFile(file)
	Expect(err).NotTo(HaveOccurred())
	var doc tfjson.Plan
	Expect(json.Unmarshal(raw, &doc)).To(Succeed())
	return &doc
}

// planAddresses is the set of resource addresses a plan JSON file changes.
func planAddresses(file string) map[string]bool {
	GinkgoHelper()
	addrs := map[string]bool{}
	for _, rc := range readPlan(file).ResourceChanges {
		addrs[rc.Address] = true
	}
	return addrs
}
