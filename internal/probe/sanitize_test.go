package probe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"connection refused", "connection refused"},
		{"key AKIAABCDEFGHIJKLMNOPQRSTUVWXYZ012345 here", "key [redacted] here"},
		{"line\nbreak\x00", "line break "},
		{"resolved to 10.0.1.5, fd00::1", "resolved to 10.0.1.5, fd00::1"},
		{"dns lookup failed: vpce-0a1b2c3d4e5f.secretsmanager.eu-west-1.vpce.amazonaws.com", "dns lookup failed: vpce-0a1b2c3d4e5f.secretsmanager.eu-west-1.vpce.amazonaws.com"},
	}
	for _, tc := range cases {
		if got := sanitize(tc.in); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := sanitize(strings.Repeat("é ", 300))
	if n := utf8.RuneCountInString(long); n != MaxDetailLen || !strings.HasSuffix(long, "…") {
		t.Fatalf("long detail: %d runes, suffix %q", n, long[len(long)-3:])
	}
}
