package iam_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/letsleep/letsleep/internal/iam"
)

// concreteActions are the notable actions that stand for one concrete action,
// so "the statement covers it" has a single meaning.
var concreteActions = []string{iam.ActionSecretRead, iam.ActionDBConnect, iam.ActionInvoke, iam.ActionS3Read}

// FuzzParsePolicy parses arbitrary documents and checks, beyond "no panic":
// every kept statement is well formed, and Deny precedence is sound: an
// Allow that covers a concrete action on a concrete ARN, with no Deny that
// covers both, is never dropped from Allowances (a dropped grant would be a
// silent pass of the boundary checks).
func FuzzParsePolicy(f *testing.F) {
	for _, doc := range policyFuzzSeeds() {
		f.Add([]byte(doc), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-abc")
	}
	f.Fuzz(func(t *testing.T, doc []byte, arn string) {
		p, errs := iam.Parse(doc)
		for _, e := range errs {
			var pe *iam.ParseError
			if !errors.As(e, &pe) || e.Error() == "" {
				t.Fatalf("parse error without a ParseError message: %#v", e)
			}
		}
		if p == nil {
			if len(errs) == 0 {
				t.Fatal("no policy and no error")
			}
			return
		}
		for _, s := range p.Statements {
			if s.Effect != "Allow" && s.Effect != "Deny" {
				t.Fatalf("kept a statement with Effect %q", s.Effect)
			}
			if len(s.Actions) > 0 && len(s.NotActions) > 0 {
				t.Fatalf("kept a statement with both Action and NotAction: %+v", s)
			}
			_ = s.IsAdmin()
			_ = s.Principal.Public()
		}
		if strings.ContainsAny(arn, "*?") || arn == "" {
			return // a concrete resource is needed for the soundness check
		}
		for _, action := range concreteActions {
			checkDenySound(t, p.Statements, action, arn)
		}
		for _, action := range iam.Notable {
			_ = iam.Allowances(p.Statements, action)
			_, _ = iam.DeniedFor(p.Statements, action, arn)
		}
	})
}

func checkDenySound(t *testing.T, stmts []iam.Statement, action, arn string) {
	t.Helper()
	allowed, denied := false, false
	for i := range stmts {
		s := &stmts[i]
		if !s.CoversAction(action) || !s.CoversResource(arn) {
			continue
		}
		switch {
		case s.Effect == "Allow":
			allowed = true
		case s.Effect == "Deny" && !s.Conditional:
			denied = true
		}
	}
	if !allowed || denied {
		return
	}
	for _, a := range iam.Allowances(stmts, action) {
		if a.NotResource || iam.Match(a.Pattern, arn) {
			return
		}
	}
	t.Fatalf("%s on %s is allowed and not denied, but Allowances dropped it (statements %+v)", action, arn, stmts)
}

// FuzzMatch checks the IAM wildcard matcher against a regular-expression
// reference, and Covers and Overlap against what they promise.
func FuzzMatch(f *testing.F) {
	seeds := [][3]string{
		{"arn:aws:secretsmanager:*:*:secret:rds!*", "arn:aws:secretsmanager:*:*:secret:*", "arn:aws:secretsmanager:eu-west-1:1:secret:rds!cluster-x"},
		{"secretsmanager:Get*", "secretsmanager:*", "secretsmanager:GetSecretValue"},
		{"*", "?", "x"},
		{"a*b*c", "a?b*", "aXbYc"},
		{"rds-data:*", "RDS-DATA:Execute*", "rds-data:ExecuteStatement"},
		{"aws_x.y[0]", "aws_x.y[*]", "aws_x.y[0]"},
		{"***", "*?*", ""},
		{"é*", "É*", "éa"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, s string) {
		if len(a) > 256 || len(b) > 256 || len(s) > 256 {
			return // keep Overlap's table small; long inputs add nothing here
		}
		// Documents reach the matcher through JSON, which always yields valid
		// UTF-8; invalid bytes all decode to U+FFFD and compare equal in Match,
		// which no real policy can exercise.
		if !utf8.ValidString(a) || !utf8.ValidString(b) || !utf8.ValidString(s) {
			_ = iam.Match(a, s) || iam.Covers(a, b, true) || iam.Overlap(a, b, true)
			return
		}
		if !iam.Match(a, a) {
			t.Fatalf("pattern %q does not match itself", a)
		}
		if !iam.Match("*", s) {
			t.Fatalf("* does not match %q", s)
		}
		m := iam.Match(a, s)
		if m && !iam.MatchFold(a, s) {
			t.Fatalf("Match(%q, %q) but not MatchFold", a, s)
		}
		if want := wildcardRegexp(a, false).MatchString(s); m != want {
			t.Fatalf("Match(%q, %q) = %v, reference says %v", a, s, m, want)
		}
		if isASCII(a) && isASCII(s) {
			if got, want := iam.MatchFold(a, s), wildcardRegexp(a, true).MatchString(s); got != want {
				t.Fatalf("MatchFold(%q, %q) = %v, reference says %v", a, s, got, want)
			}
		}
		// Covers(a, b): every string b matches, a matches too. s is a witness
		// only when it has no wildcard of its own.
		if !strings.ContainsAny(s, "*?") && iam.Covers(a, b, false) && iam.Match(b, s) && !iam.Match(a, s) {
			t.Fatalf("Covers(%q, %q) but %q matches only the inner pattern", a, b, s)
		}
		// Overlap(a, b): s matched by both is a common string.
		if iam.Match(a, s) && iam.Match(b, s) && !iam.Overlap(a, b, false) {
			t.Fatalf("Overlap(%q, %q) = false, but both match %q", a, b, s)
		}
		if iam.Overlap(a, b, false) != iam.Overlap(b, a, false) {
			t.Fatalf("Overlap is not symmetric for %q, %q", a, b)
		}
	})
}

// wildcardRegexp is the reference: `*` any run of characters, `?` exactly
// one character, everything else literal.
func wildcardRegexp(p string, fold bool) *regexp.Regexp {
	var sb strings.Builder
	sb.WriteString(`(?s)`)
	if fold {
		sb.WriteString(`(?i)`)
	}
	sb.WriteString(`\A`)
	for _, r := range p {
		switch r {
		case '*':
			sb.WriteString(`.*`)
		case '?':
			sb.WriteString(`.`)
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString(`\z`)
	return regexp.MustCompile(sb.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// policyFuzzSeeds: the tricky legal shapes, some broken ones, and every
// policy document string found in the shared real-world plans.
func policyFuzzSeeds() []string {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":"arn:aws:secretsmanager:*:*:secret:*"},{"Effect":"Deny","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:*:*:secret:rds!*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:InvokeFunction"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[],"Unknown":1}`,
		`{"Statement":"nope"}`,
		`not json`,
		``,
	}
	dir := os.Getenv("LETSLEEP_REALWORLD_PLANS")
	if dir == "" {
		dir = sharedPlansDirFromModule()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	seen := map[string]bool{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		var v any
		if json.Unmarshal(data, &v) != nil {
			continue
		}
		collectPolicyStrings(v, seen)
	}
	found := make([]string, 0, len(seen))
	for s := range seen {
		found = append(found, s)
	}
	sort.Strings(found)
	return append(seeds, found...)
}

func collectPolicyStrings(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			collectPolicyStrings(e, out)
		}
	case []any:
		for _, e := range x {
			collectPolicyStrings(e, out)
		}
	case string:
		if strings.HasPrefix(strings.TrimSpace(x), "{") && strings.Contains(x, "Statement") && len(out) < 64 {
			out[x] = true
		}
	}
}

func sharedPlansDirFromModule() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "realworld-plans")
		}
	}
	return ""
}
