// Package tfaddr reads Terraform resource addresses as plan JSON writes them
// (module.a["k"].module.b[0].aws_x.y[1]). It is shared by the model and the
// source reader so that both split addresses the same way.
package tfaddr

// SkipBracket returns the index just after the bracket group that starts at
// s[i] (an instance key such as [0] or ["a]b"]), ignoring brackets inside
// quoted keys. It returns len(s) for an unclosed group.
func SkipBracket(s string, i int) int {
	inQuote := false
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && inQuote:
			j++
		case s[j] == '"':
			inQuote = !inQuote
		case s[j] == ']' && !inQuote:
			return j + 1
		}
	}
	return len(s)
}
