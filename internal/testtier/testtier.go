// Package testtier gates the heavy test tiers. Plain `go test ./...` runs only
// tests that need no root, start no lab and run no terraform, whoever runs it.
// `make test` (and so CI) switches the heavy tiers on through LETSLEEP_TIERS,
// a comma-separated list of tier names, e.g. LETSLEEP_TIERS=terraform,lab.
// Terraform tests that drive terratest also need the build tag `terraform`
// (internal/terratf; make test passes -tags terraform): terratest's
// terraform package runs `terraform -version` when it loads, so a plain
// build does not link it.
//
// Under CI=true a terraform or lab test whose tier is off fails instead of
// skipping: CI must run them, so a CI job that forgot to switch them on (or
// runs the lab tier without root) is red, not quietly green.
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
	// They skip even under CI=true unless switched on.
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

// Off returns "" when tier t is on. Otherwise it returns the loud message and
// whether the test must fail rather than skip (CI=true, for the terraform and
// lab tiers).
func Off(t Tier) (msg string, fail bool) {
	if Enabled(t) {
		return "", false
	}
	if os.Getenv("CI") == "true" && t != Long {
		return strings.ToUpper(string(t)) + " TIER IS OFF UNDER CI=true: CI must run it; set " + Env + "=" + string(t) +
			" (make test does; the lab tier also needs root)", true
	}
	return SkipMessage(t), false
}

// Require skips the test loudly unless tier t is on; under CI=true it fails.
func Require(tb testing.TB, t Tier) {
	tb.Helper()
	msg, fail := Off(t)
	switch {
	case msg == "":
	case fail:
		tb.Fatal(msg)
	default:
		tb.Skip(msg)
	}
}

// Gate is Require for Ginkgo: testtier.Gate(testtier.Lab, Fail, Skip) in a
// BeforeAll or BeforeEach calls skip (or fail, under CI=true) with the loud
// message when tier t is off.
func Gate(t Tier, fail, skip func(message string, callerSkip ...int)) {
	msg, mustFail := Off(t)
	switch {
	case msg == "":
	case mustFail:
		fail(msg, 1)
	default:
		skip(msg, 1)
	}
}
