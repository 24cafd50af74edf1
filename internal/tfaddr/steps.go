package tfaddr

import (
	"strconv"
	"strings"
)

// Any is the step of an index that is not known where it is written (a
// splat, or a key computed from something other than the instance): it
// stands for every element.
const Any = "*"

// Steps splits a reference as plan JSON writes it into its steps: names
// and bracket keys, unquoted. var.routes["GET /x"].integration.uri gives
// var, routes, GET /x, integration, uri; aws_x.y[0].id gives aws_x, y, 0,
// id. For objects and maps an attribute and a key are the same step.
func Steps(ref string) []string {
	var out []string
	start := 0
	for i := 0; i < len(ref); i++ {
		switch ref[i] {
		case '.':
			if i > start {
				out = append(out, ref[start:i])
			}
			start = i + 1
		case '[':
			if i > start {
				out = append(out, ref[start:i])
			}
			end := SkipBracket(ref, i)
			key := strings.TrimSuffix(ref[i+1:end], "]")
			if uq, err := strconv.Unquote(key); err == nil {
				key = uq
			}
			out = append(out, key)
			i = end - 1
			start = end
		}
	}
	if start < len(ref) {
		out = append(out, ref[start:])
	}
	return out
}

// Ref writes steps back as a reference: identifiers as attributes, other
// keys in brackets (numbers bare, strings quoted). It stops at the first
// Any step, as Terraform does when it lists a splat's references.
func Ref(steps []string) string {
	var b strings.Builder
	for i, s := range steps {
		switch {
		case s == Any:
			return b.String()
		case i > 0 && isNumber(s):
			b.WriteString("[" + s + "]")
		case i == 0 || isIdentifier(s):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		default:
			b.WriteString("[" + strconv.Quote(s) + "]")
		}
	}
	return b.String()
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		case i > 0 && (c == '-' || (c >= '0' && c <= '9')):
		default:
			return false
		}
	}
	return true
}

// ScopedRef is a reference as plan JSON writes it ("aws_x.y.arn",
// "module.m.out") with the module instance it is written in
// (`module.fn["api"]`, "" for the root), where it must be resolved.
type ScopedRef struct {
	Module string
	Ref    string
}
