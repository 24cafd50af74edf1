package tfaddr

import (
	"slices"
	"testing"
)

func TestStepsAndRefRoundTrip(t *testing.T) {
	cases := []struct {
		ref   string
		steps []string
	}{
		{`var.routes["GET /x"].integration.uri`, []string{"var", "routes", "GET /x", "integration", "uri"}},
		{`aws_x.y[0].id`, []string{"aws_x", "y", "0", "id"}},
		{`module.db.secret[0].arn`, []string{"module", "db", "secret", "0", "arn"}},
		{`local.m["a]b"]`, []string{"local", "m", "a]b"}},
	}
	for _, tc := range cases {
		if got := Steps(tc.ref); !slices.Equal(got, tc.steps) {
			t.Errorf("Steps(%s) = %q, want %q", tc.ref, got, tc.steps)
		}
		if got := Ref(tc.steps); got != tc.ref {
			t.Errorf("Ref(%q) = %s, want %s", tc.steps, got, tc.ref)
		}
	}
	if got := Ref([]string{"var", "peers", Any, "group"}); got != "var.peers" {
		t.Errorf("Ref stops at Any: got %s", got)
	}
}
