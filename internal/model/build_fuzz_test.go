package model_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
)

// documentedWarningKinds reads the kinds the JSON contract lists in the
// comment on Warning.Kind in types.go: user Rego matches on them, so every
// kind the builder emits must be documented there.
func documentedWarningKinds(t testing.TB) map[string]bool {
	data, err := os.ReadFile("types.go")
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(data, []byte("type Warning struct"))
	if start < 0 {
		t.Fatal("types.go has no Warning type")
	}
	for _, line := range strings.Split(string(data[start:]), "\n") {
		if strings.Contains(line, "json:\"kind\"") {
			_, list, ok := strings.Cut(line, "//")
			if !ok {
				t.Fatal("Warning.Kind has no comment listing the kinds")
			}
			kinds := map[string]bool{}
			for _, k := range strings.Split(strings.TrimSpace(list), "|") {
				kinds[strings.TrimSpace(k)] = true
			}
			return kinds
		}
	}
	t.Fatal("Warning.Kind not found in types.go")
	return nil
}

// TestWarningKindsDocumented is a regression found while fuzzing: a
// function tag letsleep:role with an unknown value yields a warning of kind
// "invalid-role", which the contract in types.go does not list.
func TestWarningKindsDocumented(t *testing.T) {
	kinds := documentedWarningKinds(t)
	doc := []byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_lambda_function.f","mode":"managed","type":"aws_lambda_function","name":"f","change":{"actions":["create"],"after":{"function_name":"f","tags":{"letsleep:role":"superuser"}}}}]}`)
	p, err := plan.FromBytes("role.json", doc, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Warnings) == 0 {
		t.Fatal("an unknown role tag produced no warning: it would pass silently")
	}
	for _, w := range m.Warnings {
		if !kinds[w.Kind] {
			t.Errorf("warning kind %q is not documented on Warning.Kind in types.go (%v): %s", w.Kind, kinds, w.Message)
		}
	}
}

// FuzzBuild loads arbitrary plan JSON and builds the boundary model. Beyond
// "no panic": Build never fails on a plan the loader accepted, the model is
// deterministic (two builds give the same JSON, which the byte-identical
// report rests on), its lists are never null, and every warning has a
// documented kind and a message.
func FuzzBuild(f *testing.F) {
	for _, seed := range buildFuzzSeeds() {
		f.Add(seed)
	}
	warningKinds := documentedWarningKinds(f)
	cfg := model.Config{Roles: []model.RoleRule{
		{Match: "aws_lambda_function.*", Role: model.RoleHot},
		{Match: "module.*", Role: model.RoleControl},
	}}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := plan.FromBytes("fuzz.json", data, plan.Options{MaxBytes: 4 << 20})
		if err != nil {
			return // the loader's own fuzz target covers rejected input
		}
		m1, err := model.Build(p, cfg)
		if err != nil {
			t.Fatalf("Build failed on a plan the loader accepted: %v", err)
		}
		j1, err := json.Marshal(m1)
		if err != nil {
			t.Fatalf("model does not marshal: %v", err)
		}
		p2, _ := plan.FromBytes("fuzz.json", data, plan.Options{MaxBytes: 4 << 20})
		m2, err := model.Build(p2, cfg)
		if err != nil {
			t.Fatalf("second Build failed: %v", err)
		}
		j2, _ := json.Marshal(m2)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("Build is not deterministic:\n%s\n%s", j1, j2)
		}
		if m1.Schema != model.SchemaVersion {
			t.Fatalf("schema %q", m1.Schema)
		}
		if bytes.Contains(j1, []byte(`":null`)) {
			checkNoNullLists(t, j1)
		}
		for _, w := range m1.Warnings {
			if !warningKinds[w.Kind] || w.Message == "" {
				t.Fatalf("warning with undocumented kind or no message: %+v", w)
			}
		}
	})
}

// checkNoNullLists fails when a top-level list of the model is null: user
// Rego iterates them and a null would read as "nothing there".
func checkNoNullLists(t *testing.T, j []byte) {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(j, &top); err != nil {
		t.Fatal(err)
	}
	for k, v := range top {
		if string(v) == "null" {
			t.Fatalf("model.%s is null, want []", k)
		}
	}
}

// buildFuzzSeeds: small hand-written plans in terraform's shapes, the shared
// real-world plans and the project's own plan fixtures, when present.
// maxFuzzSeed keeps mutation fast: bigger plans make each execution and
// each minimisation slow, and the plan suite checks them whole anyway.
const maxFuzzSeed = 64 << 10

func buildFuzzSeeds() [][]byte {
	seeds := [][]byte{
		[]byte(`{"format_version":"1.2","planned_values":{"root_module":{}}}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_lambda_function.f","mode":"managed","type":"aws_lambda_function","name":"f","change":{"actions":["create"],"after":{"function_name":"f","vpc_config":[],"tags":{"letsleep:role":"egress"}},"after_unknown":{"role":true}}}],"configuration":{"root_module":{"resources":[{"address":"aws_lambda_function.f","mode":"managed","type":"aws_lambda_function","name":"f","expressions":{"role":{"references":["aws_iam_role.r.arn","aws_iam_role.r"]}}}]}}}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","name":"p","change":{"actions":["create"],"after":{"policy":"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"secretsmanager:*\",\"Resource\":\"*\"}}"}}}]}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","name":"p","change":{"actions":["create"],"after":{"policy":"{not json"}}}]}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_route.r","mode":"managed","type":"aws_route","name":"r","change":{"actions":["create"],"after":{"destination_cidr_block":"0.0.0.0/0","transit_gateway_id":"tgw-1"}}},{"address":"aws_vpc_peering_connection.p","mode":"managed","type":"aws_vpc_peering_connection","name":"p","change":{"actions":["create"],"after":{}}}]}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"module.m[\"a\"].aws_security_group.s[0]","module_address":"module.m[\"a\"]","mode":"managed","type":"aws_security_group","name":"s","index":0,"change":{"actions":["create"],"after":{"ingress":[{"cidr_blocks":["0.0.0.0/0"],"from_port":0,"to_port":65535,"protocol":"-1"}]},"after_unknown":{"egress":true}}}],"configuration":{"root_module":{"module_calls":{"m":{"source":"./m","for_each_expression":{"references":["var.x"]},"module":{"resources":[{"address":"aws_security_group.s","mode":"managed","type":"aws_security_group","name":"s","count_expression":{"constant_value":1},"expressions":{"vpc_id":{"references":["var.vpc"]}}}],"variables":{"vpc":{}}}}}}}}`),
	}
	root := moduleRootForFuzz()
	var globs []string
	if d := os.Getenv("LETSLEEP_REALWORLD_PLANS"); d != "" {
		globs = append(globs, filepath.Join(d, "*.json"))
	} else if root != "" {
		globs = append(globs, filepath.Join(filepath.Dir(root), "shared", "realworld-plans", "*.json"))
	}
	if root != "" {
		globs = append(globs, filepath.Join(root, "build", "plans", "*.json"), filepath.Join(root, "internal", "plangen", "templates", "*.json"))
	}
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		sort.Strings(files)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil && len(data) <= maxFuzzSeed {
				seeds = append(seeds, data)
			}
		}
	}
	return seeds
}

func moduleRootForFuzz() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return ""
}

// cyclicModulesPlanJSON: two sibling modules whose outputs read every input
// and whose inputs read every output of the other (a cycle terraform rejects
// but a hand-edited plan can carry). A root security group reads module.a.
func cyclicModulesPlanJSON(fanout int) []byte {
	var vars, outs, ins []string
	for i := 1; i <= fanout; i++ {
		vars = append(vars, fmt.Sprintf(`"var.in%d"`, i))
	}
	mod := func(other string) string {
		var refs []string
		for i := 1; i <= fanout; i++ {
			refs = append(refs, fmt.Sprintf(`"module.%s.out%d"`, other, i))
		}
		outs, ins = outs[:0], ins[:0]
		for i := 1; i <= fanout; i++ {
			outs = append(outs, fmt.Sprintf(`"out%d":{"expression":{"references":[%s]}}`, i, strings.Join(vars, ",")))
			ins = append(ins, fmt.Sprintf(`"in%d":{"references":[%s]}`, i, strings.Join(refs, ",")))
		}
		return fmt.Sprintf(`{"source":"./%s","expressions":{%s},"module":{"outputs":{%s},"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","expressions":{}}]}}`,
			other, strings.Join(ins, ","), strings.Join(outs, ","))
	}
	bucket := func(m string) string {
		return fmt.Sprintf(`{"address":"module.%s","resources":[{"address":"module.%s.aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":"%s"}}]}`, m, m, m)
	}
	return []byte(fmt.Sprintf(`{"format_version":"1.2","planned_values":{"root_module":{
"resources":[{"address":"aws_lambda_function.fn","mode":"managed","type":"aws_lambda_function","name":"fn","values":{"function_name":"fn","vpc_config":[{"subnet_ids":["subnet-1"]}]}}],
"child_modules":[%s,%s]}},
"resource_changes":[{"address":"aws_lambda_function.fn","mode":"managed","type":"aws_lambda_function","name":"fn","change":{"actions":["create"],"after":{"function_name":"fn","vpc_config":[{"subnet_ids":["subnet-1"]}]},"after_unknown":{"vpc_config":[{"security_group_ids":true}]}}}],
"configuration":{"root_module":{"resources":[{"address":"aws_lambda_function.fn","mode":"managed","type":"aws_lambda_function","name":"fn","expressions":{"vpc_config":[{"security_group_ids":{"references":["module.a.out1","module.a"]}}]}}],
"module_calls":{"a":%s,"b":%s}}}}`, bucket("a"), bucket("b"), mod("b"), mod("a")))
}

// TestBuildCyclicModuleReferencesBounded is a regression found by the bad
// input corpus: the resolver follows every path up to maxRefDepth without
// remembering where it has been, so fan-out 3 on a module cycle takes 3^16
// steps (over 30 s in the binary) and fan-out 4 never finishes in practice.
func TestBuildCyclicModuleReferencesBounded(t *testing.T) {
	for _, fanout := range []int{2, 3, 4} {
		p, err := plan.FromBytes("cyclic.json", cyclicModulesPlanJSON(fanout), plan.Options{})
		if err != nil {
			t.Fatalf("fan-out %d: %v", fanout, err)
		}
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			_, err := model.Build(p, model.Config{})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("fan-out %d: %v", fanout, err)
			}
			t.Logf("fan-out %d: built in %s", fanout, time.Since(start).Round(time.Millisecond))
		case <-time.After(10 * time.Second):
			// The goroutine keeps spinning until the test binary exits.
			t.Fatalf("fan-out %d: Build still running after 10s on a 3-resource plan with a module cycle", fanout)
		}
	}
}
