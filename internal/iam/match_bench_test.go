package iam

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

// policyDocs collects every IAM document of a generated plan: the json of
// aws_iam_policy_document data sources read at plan time and the policy of
// role policies whose value is known.
func policyDocs(b *testing.B, n int) [][]byte {
	b.Helper()
	path, err := plangen.WriteBuiltin(b.TempDir(), n)
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.Load(context.Background(), path, plan.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var docs [][]byte
	add := func(v map[string]any, key string) {
		if s, ok := v[key].(string); ok && s != "" {
			docs = append(docs, []byte(s))
		}
	}
	for _, rc := range p.Doc.ResourceChanges {
		if after, ok := rc.Change.After.(map[string]any); ok {
			add(after, "policy")
			add(after, "json")
		}
	}
	if ps := p.Doc.PriorState; ps != nil && ps.Values != nil {
		mods := ps.Values.RootModule.ChildModules
		for len(mods) > 0 {
			m := mods[0]
			mods = append(mods[1:], m.ChildModules...)
			for _, r := range m.Resources {
				add(r.AttributeValues, "json")
			}
		}
	}
	if len(docs) < n/100 {
		b.Fatalf("only %d policy documents in a %d-resource plan", len(docs), n)
	}
	return docs
}

// BenchmarkParse times parsing every policy document of a plan.
func BenchmarkParse(b *testing.B) {
	for _, n := range plangen.BenchSizes {
		b.Run(plangen.SizeName(n), func(b *testing.B) {
			docs := policyDocs(b, n)
			b.ReportMetric(float64(len(docs)), "docs/op")
			runtime.GC() // collect the setup's plan so its marking is not timed
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					if p, _ := Parse(d); p == nil {
						b.Fatalf("unparsable document %s", d)
					}
				}
			}
		})
	}
}

// BenchmarkAllowances times the notable-action grants with Deny precedence
// over every parsed document of a plan.
func BenchmarkAllowances(b *testing.B) {
	for _, n := range plangen.BenchSizes {
		b.Run(plangen.SizeName(n), func(b *testing.B) {
			var pols []*Policy
			for _, d := range policyDocs(b, n) {
				if p, _ := Parse(d); p != nil {
					pols = append(pols, p)
				}
			}
			runtime.GC()
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range pols {
					for _, a := range Notable {
						_ = Allowances(p.Statements, a)
					}
				}
			}
		})
	}
}

// BenchmarkMatchers times the wildcard matchers on ARN-shaped inputs; Overlap
// is what the model calls per (grant, target) pair.
func BenchmarkMatchers(b *testing.B) {
	pattern := "arn:aws:secretsmanager:eu-west-1:*:secret:letsleep-t00042-*"
	arn := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:letsleep-t00042-db-AbCdEf"
	shape := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:letsleep-t00417-db-??????"
	for _, c := range []struct {
		name string
		f    func() bool
	}{
		{"Match", func() bool { return Match(pattern, arn) }},
		{"MatchFold", func() bool { return MatchFold("secretsmanager:Get*", "secretsmanager:GetSecretValue") }},
		{"Covers", func() bool { return Covers("arn:aws:secretsmanager:*", pattern, false) }},
		{"Overlap", func() bool { return Overlap(pattern, shape, false) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for b.Loop() {
				if c.f() {
					hits++
				}
			}
			_ = fmt.Sprint(hits)
		})
	}
}
