package engine

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/model"
)

const userCheck = `# METADATA
# title: Functions must be named
# description: Our convention.
# scope: package
# custom:
#   id: ACME-001
#   category: naming
#   severity: info
#   recommended_action: Set name.
package letsleep.checks.acme_named

deny contains {"resource": f.address, "message": sprintf("%s has no name", [f.address]), "path": [{"kind": "function", "address": f.address, "detail": "no name"}]} if {
	some f in input.model.functions
	object.get(f, "name", "") == ""
}
`

const userCheckNoMetadata = `package letsleep.checks.team.bare

deny contains msg if {
	count(input.model.functions) > 3
	msg := "too many functions"
}
`

func TestUserPolicyDir(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"named.rego":           userCheck,
		"sub/bare.rego":        userCheckNoMetadata,
		"named_test.rego":      "package broken syntax that must not be loaded {",
		".hidden/ignored.rego": "not rego at all",
	})
	e := newEngine(t, Options{PolicyDirs: []string{dir}})
	byID := map[string]Check{}
	for _, c := range e.Catalogue() {
		byID[c.ID] = c
	}
	acme, ok := byID["ACME-001"]
	if !ok || acme.Category != "naming" || acme.Severity != "info" || acme.Builtin || acme.File != filepath.Join(dir, "named.rego") {
		t.Fatalf("ACME-001 = %+v", acme)
	}
	bare, ok := byID["letsleep.checks.team.bare"]
	if !ok || bare.Category != DefaultCategory || bare.Severity != DefaultSeverity || bare.Title != "letsleep.checks.team.bare" {
		t.Fatalf("bare check = %+v (catalogue %v)", bare, e.KnownRules())
	}
	fs := eval(t, e, referenceModel())
	got := ruleResources(fs)
	want := []string{
		"ACME-001 module.control.aws_lambda_function.this",
		"ACME-001 module.egress.aws_lambda_function.this",
		"ACME-001 module.hot.aws_lambda_function.this",
		"ACME-001 module.warmup.aws_lambda_function.this",
		"letsleep.checks.team.bare ",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("findings = %q\nwant %q", got, want)
	}
	// medium (the bare check) sorts before info (ACME-001)
	if fs[0].Rule != "letsleep.checks.team.bare" || fs[0].Message != "too many functions" || fs[0].Severity != "medium" {
		t.Errorf("first finding = %+v", fs[0])
	}
	if fs[1].Path[0].Kind != "function" || fs[1].Title != "Functions must be named" || fs[1].Remediation != "Set name." {
		t.Errorf("ACME finding = %+v", fs[1])
	}
}

func TestUserPolicySingleFile(t *testing.T) {
	dir := writeDir(t, map[string]string{"named.rego": userCheck})
	e := newEngine(t, Options{PolicyDirs: []string{filepath.Join(dir, "named.rego")}})
	if got := e.KnownRules(); len(got) != 16 {
		t.Fatalf("rules = %v", got)
	}
}

func TestUserPolicyErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{
			name:  "syntax error names file and line",
			files: map[string]string{"bad.rego": "package letsleep.checks.bad\n\ndeny contains msg if {\n\tmsg := \n}\n"},
			want:  []string{"bad.rego:5", "OPA v1 syntax"},
		},
		{
			name:  "v0 syntax is rejected with a hint",
			files: map[string]string{"old.rego": "package letsleep.checks.old\n\ndeny[msg] {\n\tmsg := \"x\"\n}\n"},
			want:  []string{"old.rego:3", "OPA v1 syntax"},
		},
		{
			name:  "compile error names file and line",
			files: map[string]string{"undef.rego": "package letsleep.checks.undef\n\ndeny contains msg if {\n\tmsg := no_such_function(input.model)\n}\n"},
			want:  []string{"undef.rego:4", "no_such_function"},
		},
		{
			name:  "network builtins are not available",
			files: map[string]string{"net.rego": "package letsleep.checks.net\n\ndeny contains msg if {\n\tr := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:1\"})\n\tmsg := sprintf(\"%v\", [r])\n}\n"},
			want:  []string{"net.rego:4", "http.send", "disables network builtins"},
		},
		{
			name:  "check outside letsleep.checks",
			files: map[string]string{"outside.rego": "package acme.rules\n\ndeny contains \"x\" if { true }\n"},
			want:  []string{"outside.rego:1", "would never run", "letsleep.checks.<name>"},
		},
		{
			name:  "package of a built-in check",
			files: map[string]string{"nat.rego": "package letsleep.checks.nat_gateway\n\ndeny contains \"x\" if { true }\n"},
			want:  []string{"nat.rego:1", "built-in letsleep package"},
		},
		{
			name:  "duplicate id with a built-in",
			files: map[string]string{"dup.rego": "# METADATA\n# scope: package\n# custom:\n#   id: LSL-001\npackage letsleep.checks.dup\n\ndeny contains \"x\" if { false }\n"},
			want:  []string{"LSL-001", "already used"},
		},
		{
			name:  "invalid severity",
			files: map[string]string{"sev.rego": "# METADATA\n# scope: package\n# custom:\n#   severity: urgent\npackage letsleep.checks.sev\n\ndeny contains \"x\" if { false }\n"},
			want:  []string{"sev.rego:1", `"urgent"`},
		},
		{
			name:  "invalid profile",
			files: map[string]string{"prof.rego": "# METADATA\n# scope: package\n# custom:\n#   profiles: [sometimes]\npackage letsleep.checks.prof\n\ndeny contains \"x\" if { false }\n"},
			want:  []string{"prof.rego:1", "sometimes"},
		},
		{
			name:  "no rego files",
			files: map[string]string{"README.md": "# nothing", "x_test.rego": "package x"},
			want:  []string{"holds no .rego files"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, tc.files)
			_, err := New(context.Background(), Options{PolicyDirs: []string{dir}})
			if !errors.Is(err, ErrPolicy) {
				t.Fatalf("err = %v, want ErrPolicy", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestUserPolicyMissingDir(t *testing.T) {
	_, err := New(context.Background(), Options{PolicyDirs: []string{filepath.Join(t.TempDir(), "nope")}})
	if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
}

func TestUserPolicyMalformedFindings(t *testing.T) {
	tests := map[string]string{
		"number item":     `deny contains 42 if { true }`,
		"resource number": `deny contains {"resource": 1, "message": "m"} if { true }`,
		"bad severity":    `deny contains {"message": "m", "severity": "urgent"} if { true }`,
		"path not array":  `deny contains {"message": "m", "path": "a>b"} if { true }`,
		"bad unresolved":  `deny contains {"message": "m", "unresolved": "yes"} if { true }`,
	}
	for name, rule := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"m.rego": "package letsleep.checks.malformed\n\n" + rule + "\n"})
			e := newEngine(t, Options{PolicyDirs: []string{dir}})
			_, err := e.Eval(context.Background(), referenceModel(), nil)
			if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "letsleep.checks.malformed") {
				t.Fatalf("err = %v, want ErrPolicy naming the check", err)
			}
		})
	}
}

// An expensive user policy is stopped by the timeout with a clear error.
func TestUserPolicyTimeout(t *testing.T) {
	dir := writeDir(t, map[string]string{"slow.rego": `package letsleep.checks.slow

deny contains "never" if {
	some a in numbers.range(1, 100000)
	some b in numbers.range(1, 100000)
	a + b < 0
}
`})
	e := newEngine(t, Options{PolicyDirs: []string{dir}, Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := e.Eval(context.Background(), referenceModel(), nil)
	elapsed := time.Since(start)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrPolicy) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if !strings.Contains(err.Error(), "exceeded --timeout 300ms; a user policy may loop") {
		t.Errorf("message = %q", err)
	}
	if elapsed > 5*time.Second {
		t.Fatalf("evaluation stopped after %s, want about 300ms", elapsed)
	}
}

func TestUserPolicyReadsRawPlan(t *testing.T) {
	dir := writeDir(t, map[string]string{"plan.rego": `package letsleep.checks.planner

deny contains {"resource": rc.address, "message": "deletes"} if {
	some rc in input.plan.resource_changes
	"delete" in rc.change.actions
}
`})
	e := newEngine(t, Options{PolicyDirs: []string{dir}})
	if !e.UsesPlan() {
		t.Fatal("UsesPlan false for a module reading input.plan")
	}
	calls := 0
	raw := func() (any, error) {
		calls++
		return map[string]any{"resource_changes": []any{
			map[string]any{"address": "aws_s3_bucket.old", "change": map[string]any{"actions": []any{"delete"}}},
		}}, nil
	}
	fs, err := e.Eval(context.Background(), referenceModel(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || len(fs) != 1 || fs[0].Resource != "aws_s3_bucket.old" {
		t.Fatalf("calls=%d findings=%v", calls, ruleResources(fs))
	}
	_, err = e.Eval(context.Background(), referenceModel(), func() (any, error) { return nil, errors.New("disk on fire") })
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestReferencesPlanDetection(t *testing.T) {
	tests := map[string]bool{
		`x := input.model.functions`:         false,
		`x := input.config.strict`:           false,
		`x := input.plan.planned_values`:     true,
		`x := input`:                         true,
		`x := input[k]`:                      true,
		`x := object.get(input, "plan", {})`: true,
	}
	for body, want := range tests {
		dir := writeDir(t, map[string]string{"p.rego": "package letsleep.lib.user_probe\n\n" + body + "\n"})
		e := newEngine(t, Options{PolicyDirs: []string{dir}})
		if e.UsesPlan() != want {
			t.Errorf("%s: UsesPlan = %v, want %v", body, e.UsesPlan(), want)
		}
	}
}

func TestUserLibraryImportedByUserCheck(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"lib.rego":   "package acme.helpers\n\nhot(f) if f.role == \"hot\"\n",
		"check.rego": "package letsleep.checks.acme_hot\n\nimport data.acme.helpers\n\ndeny contains {\"resource\": f.address, \"message\": \"hot\"} if {\n\tsome f in input.model.functions\n\thelpers.hot(f)\n}\n",
	})
	fs := eval(t, newEngine(t, Options{PolicyDirs: []string{dir}}), referenceModel())
	if got := ruleResources(fs); len(got) != 1 || got[0] != "letsleep.checks.acme_hot module.hot.aws_lambda_function.this" {
		t.Fatalf("findings = %v", got)
	}
}

var _ = model.SchemaVersion

func TestUserPolicyRuntimeErrorNamesFileAndLine(t *testing.T) {
	dir := writeDir(t, map[string]string{"c.rego": "package letsleep.checks.conflict\n\nx := 1 if input.config.profile\n\nx := 2 if input.config.profile\n\ndeny contains \"m\" if x\n"})
	e := newEngine(t, Options{PolicyDirs: []string{dir}})
	_, err := e.Eval(context.Background(), referenceModel(), nil)
	if !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "c.rego:") || !strings.Contains(err.Error(), "conflicting values") {
		t.Fatalf("err = %v, want ErrPolicy naming c.rego and the conflict", err)
	}
}
