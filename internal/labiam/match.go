package labiam

import "strings"

// glob matches s against an IAM pattern where * is any run of characters
// and ? any one character. IAM matches actions case-insensitively (fold the
// inputs first) and ARNs case-sensitively.
func glob(pattern, s string) bool {
	p, t := 0, 0
	star, mark := -1, 0
	for t < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[t]):
			p++
			t++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, t
			p++
		case star >= 0:
			p = star + 1
			mark++
			t = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// actionMatches: "service:Action" patterns, case-insensitive, wildcards in
// both parts; "*" alone is every action
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
func actionMatches(pattern, action string) bool {
	return glob(strings.ToLower(pattern), strings.ToLower(action))
}

// arnMatches matches a resource ARN against a Resource pattern. "*" alone is
// every resource; otherwise AWS compares the ARN segment by segment
// (arn:partition:service:region:account:resource), wildcards within a
// segment, the resource segment taken whole with its colons and slashes
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
func arnMatches(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	ps, as := strings.SplitN(pattern, ":", 6), strings.SplitN(arn, ":", 6)
	if len(ps) != 6 || len(as) != 6 {
		// A pattern with fewer segments ("arn:aws:secretsmanager:*"):
		// compared as one string, which errs towards a match.
		return glob(pattern, arn)
	}
	for i := range ps {
		if !glob(ps[i], as[i]) {
			return false
		}
	}
	return true
}
