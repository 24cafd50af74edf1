package model

import (
	"testing"

	"github.com/letsleep/letsleep/internal/iam"
)

// TestNamePrefixFilterIsExact: the literal-prefix filter only spares
// patternHits targets that cannot match: for every pattern, the targets hit
// through it are those a scan of every target hits.
func TestNamePrefixFilterIsExact(t *testing.T) {
	targets := []grantTarget{
		{addr: "s.a", shape: []string{"arn:aws:secretsmanager:*:*:secret:app-??????"}, name: "app"},
		{addr: "s.b", shape: []string{"arn:aws:secretsmanager:*:*:secret:app-db-??????"}, name: "app-db"},
		{addr: "s.c", shape: []string{"arn:aws:secretsmanager:*:*:secret:other-??????"}, name: "other"},
		{addr: "s.d", arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-x-AbCdEf"},
		{addr: "s.e", shape: []string{"arn:aws:secretsmanager:*:*:secret:*"}},
		{addr: "s.f", shape: []string{MasterSecretPattern}, name: "rds!cluster"},
		{addr: "s.g", shape: []string{"arn:aws:secretsmanager:*:*:secret:ap-??????"}, name: "ap"},
	}
	checkPrefixFilter(t, iam.ActionSecretRead, targets, []string{
		"arn:aws:secretsmanager:*:*:secret:app*",
		"arn:aws:secretsmanager:*:*:secret:app-*",
		"arn:aws:secretsmanager:*:*:secret:app-db-*",
		"arn:aws:secretsmanager:*:*:secret:app-x-*",
		"arn:aws:secretsmanager:*:*:secret:ap-?????*",
		"arn:aws:secretsmanager:*:*:secret:rds*",
		"arn:aws:secretsmanager:*:*:secret:o*",
		"arn:*:secret:app-d*",
	})
	if _, ok := literalNamePrefix(iam.ActionSecretRead, "*"); ok {
		t.Error(`"*" has no literal name prefix`)
	}
	if _, ok := literalNamePrefix(iam.ActionSecretRead, "arn:aws:secretsmanager:*:*:secret:*"); ok {
		t.Error("a pattern whose name starts with a wildcard has no literal prefix")
	}
}

// TestNamePrefixFilterIsExactForSSM: the same for SSM parameters, named
// after ":parameter/" in their ARN or shape.
func TestNamePrefixFilterIsExactForSSM(t *testing.T) {
	targets := []grantTarget{
		{addr: "p.a", arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/password"},
		{addr: "p.b", shape: []string{"arn:aws:ssm:*:*:parameter/app/other"}, name: "app/other"},
		{addr: "p.c", shape: []string{"arn:aws:ssm:*:*:parameter/apples"}, name: "apples"},
		{addr: "p.d", shape: []string{"arn:aws:ssm:*:*:parameter/*"}},
		{addr: "p.e", arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/ops/db"},
	}
	checkPrefixFilter(t, iam.ActionSSMRead, targets, []string{
		"arn:aws:ssm:eu-west-1:123456789012:parameter/app/*",
		"arn:aws:ssm:*:*:parameter/app*",
		"arn:aws:ssm:*:*:parameter/ops/*",
		"arn:*:parameter/a?p/*",
	})
}

// checkPrefixFilter: for each pattern, the targets patternHits hits among
// those the name index offers are those it hits among all (and some).
func checkPrefixFilter(t *testing.T, action string, targets []grantTarget, patterns []string) {
	t.Helper()
	ti := prefixIndex(action, targets)
	hitsOf := func(pattern string, among []grantTarget) map[string]bool {
		out := map[string]bool{}
		for _, tg := range among {
			if h, _ := patternHits(pattern, tg); h {
				out[tg.addr] = true
			}
		}
		return out
	}
	for _, p := range patterns {
		prefix, ok := literalNamePrefix(action, p)
		if !ok {
			t.Fatalf("%s: no literal prefix", p)
		}
		got, want := hitsOf(p, ti.byNamePrefix(prefix)), hitsOf(p, targets)
		if len(want) == 0 || len(got) != len(want) {
			t.Errorf("%s: filtered hits %v, full scan %v", p, got, want)
		}
		for a := range want {
			if !got[a] {
				t.Errorf("%s: the filter drops %s", p, a)
			}
		}
	}
}

// prefixIndex is the name index of targetsFor, over targets alone.
func prefixIndex(action string, targets []grantTarget) *targetIndex {
	ti := &targetIndex{list: targets}
	for i, tg := range targets {
		if n := indexName(action, tg); n != "" {
			ti.names = append(ti.names, namedTarget{n, i})
		} else {
			ti.unnamed = append(ti.unnamed, i)
		}
	}
	sortNamed(ti.names)
	return ti
}
