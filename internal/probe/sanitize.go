package probe

import (
	"regexp"
	"strings"
	"unicode"
)

// tokenLike matches runs that look like keys, tokens or encoded blobs.
// Details are built from fixed words and addresses in the first place; this
// is the second line of defence.
var tokenLike = regexp.MustCompile(`[A-Za-z0-9+/=_\-]{32,}`)

// sanitize makes a detail short, printable and free of token-like runs.
func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	s = tokenLike.ReplaceAllString(s, "[redacted]")
	if r := []rune(s); len(r) > MaxDetailLen {
		s = string(r[:MaxDetailLen-1]) + "…"
	}
	return s
}
