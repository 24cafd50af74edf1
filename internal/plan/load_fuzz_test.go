package plan_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/tfexec"
)

// fuzzMaxBytes keeps the size-limit path reachable by small fuzz inputs.
const fuzzMaxBytes = 64 << 10

// FuzzLoad feeds arbitrary bytes to both entry points of the loader (plan
// JSON in memory and plan JSON in a file) and requires: no panic, every error
// is an input error that names the source, both entry points agree, and an
// accepted plan can be decoded generically for input.plan.
func FuzzLoad(f *testing.F) {
	for _, seed := range loadFuzzSeeds() {
		f.Add(seed)
	}
	// A zip header would make Load run `terraform show`; point the lookup at
	// a name that does not exist so that path fails fast, as without terraform.
	tfexec.Binary = "letsleep-fuzz-no-terraform"
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := plan.Options{MaxBytes: fuzzMaxBytes}
		mem, memErr := plan.FromBytes("fuzz.json", data, opts)
		checkLoadResult(t, "FromBytes", "fuzz.json", mem, memErr)

		path := filepath.Join(dir, "fuzz.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		file, fileErr := plan.Load(context.Background(), path, opts)
		checkLoadResult(t, "Load", path, file, fileErr)

		// A zip header goes to terraform in the file path only.
		if !strings.HasPrefix(string(data), "PK") && (memErr == nil) != (fileErr == nil) {
			t.Fatalf("FromBytes and Load disagree: memory err=%v, file err=%v", memErr, fileErr)
		}
	})
}

// TestLoadBOMPlanReadsGenerically is a regression found by FuzzLoad: Load
// skips a UTF-8 byte order mark, but Generic (input.plan for policies) did not,
// so a plan saved by an editor that adds a BOM passed loading and then failed
// in the policy stage.
func TestLoadBOMPlanReadsGenerically(t *testing.T) {
	data := []byte("\xef\xbb\xbf{\"format_version\":\"1.2\",\"planned_values\":{}}")
	p, err := plan.FromBytes("bom.json", data, plan.Options{})
	if err != nil {
		t.Fatalf("a BOM-prefixed plan should load: %v", err)
	}
	if _, err := p.Generic(); err != nil {
		t.Fatalf("BOM-prefixed plan loads but Generic fails: %v", err)
	}
}

func checkLoadResult(t *testing.T, entry, source string, p *plan.Plan, err error) {
	t.Helper()
	if err != nil {
		if p != nil {
			t.Fatalf("%s returned both a plan and an error: %v", entry, err)
		}
		if !errors.Is(err, plan.ErrInput) {
			t.Fatalf("%s: bad input gave an error that is not plan.ErrInput (the CLI could not exit 2 with a clear message): %v", entry, err)
		}
		if !strings.HasPrefix(err.Error(), source+": ") {
			t.Fatalf("%s: error does not name the file %q first: %v", entry, source, err)
		}
		if strings.TrimSpace(err.Error()) == source+":" {
			t.Fatalf("%s: error has no message", entry)
		}
		return
	}
	if p == nil || p.Doc == nil {
		t.Fatalf("%s: no error but no plan document", entry)
	}
	if p.Doc.FormatVersion == "" {
		t.Fatalf("%s: accepted a plan without format_version", entry)
	}
	if _, err := p.Generic(); err != nil {
		t.Fatalf("%s: accepted plan cannot be decoded generically for input.plan: %v", entry, err)
	}
}

// loadFuzzSeeds returns small hand-written shapes plus every real-world plan
// (when the shared directory is present), so the fuzzer starts from plans
// terraform really writes.
func loadFuzzSeeds() [][]byte {
	seeds := [][]byte{
		[]byte(``),
		[]byte(`{}`),
		[]byte(`[]`),
		[]byte(`"plan"`),
		[]byte(`{"format_version":"1.2","planned_values":{"root_module":{}}}`),
		[]byte(`{"format_version":"9.0","resource_changes":[]}`),
		[]byte(`{"format_version":"1.2","planned_values":{},"errored":true}`),
		[]byte(`{"format_version":"1.0","values":{},"lineage":"x","serial":1}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["create"],"after":{"x":1}}}]}`),
		[]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":7}}}`),
		[]byte(`{"format_version":"1.2","configuration":{"root_module":{"module_calls":{"m":{"module":{}}}}}}`),
		[]byte("resource \"aws_vpc\" \"x\" {}\n"),
		[]byte(`{"format_version":"1.2","planned_values":{}} {}`),
		[]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"x","values":{"a":[[[[[]]]]]}}]}`),
		[]byte("PK\x03\x04"),
	}
	dir := realworldPlansDirForFuzz()
	if dir == "" {
		return seeds
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err == nil && len(data) <= fuzzMaxBytes {
			seeds = append(seeds, data)
		}
	}
	return seeds
}

// realworldPlansDirForFuzz finds ../shared/realworld-plans next to the
// module root, or $LETSLEEP_REALWORLD_PLANS.
func realworldPlansDirForFuzz() string {
	if d := os.Getenv("LETSLEEP_REALWORLD_PLANS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(d), "shared", "realworld-plans")
			if _, err := os.Stat(cand); err == nil {
				return cand
			}
			return ""
		}
	}
	return ""
}
