// Package testtier gates the heavy test tiers. Plain `go test ./...` runs only
// tests that need no root, start no lab and run no terraform, whoever runs it.
// `make test` (and so CI) switches the heavy tiers on through LETSLEEP_TIERS,
// a comma-separated list of tier names, e.g. LETSLEEP_TIERS=terraform,lab.
package testtier

import (
	"os"
	"strings"
	"testing"
)

// Tier names a class of heavy tests.
type Tier string

const (
	// Terraform tests run terraform (init, plan, show) against the offline mirror.
	Terraform Tier = "terraform"
	// Lab tests need root: network namespaces, nftables, PostgreSQL.
	Lab Tier = "lab"
	// Long tests take minutes (random-stack comparisons, long fuzz runs).
	Long Tier = "long"
)

// Env is the variable that switches tiers on.
const Env = "LETSLEEP_TIERS"

// Enabled reports whether tier t is switched on in LETSLEEP_TIERS ("all"
// switches every tier on).
func Enabled(t Tier) bool {
	for _, f := range strings.Split(os.Getenv(Env), ",") {
		f = strings.TrimSpace(f)
		if f == string(t) || f == "all" {
			return true
		}
	}
	return false
}

// SkipMessage is the loud line a gated test prints when its tier is off.
func SkipMessage(t Tier) string {
	return "SKIPPING " + strings.ToUpper(string(t)) + " TIER: set " + Env + "=" + string(t) + " (make test does) to run it"
}

// Require skips the test loudly unless tier t is on.
func Require(tb testing.TB, t Tier) {
	tb.Helper()
	if !Enabled(t) {
		tb.Skip(SkipMessage(t))
	}
}
