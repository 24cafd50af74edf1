package report

import (
	"fmt"
	"strings"
)

// JoinPath renders evidence steps as "a → b → c" from their kinds and
// labels. Consecutive steps of one kind that read the same (every subnet
// routing to one NAT gateway) are parallel, not a chain: they are said
// once, with their count.
func JoinPath(kinds, labels []string) string {
	parts := make([]string, 0, len(labels))
	for i := 0; i < len(labels); {
		j := i + 1
		for j < len(labels) && labels[j] == labels[i] && kindAt(kinds, j) == kindAt(kinds, i) {
			j++
		}
		part := labels[i]
		if n := j - i; n > 1 {
			part = fmt.Sprintf("%s (%d %ss)", part, n, strings.ReplaceAll(kindAt(kinds, i), "_", " "))
		}
		parts = append(parts, part)
		i = j
	}
	return strings.Join(parts, " → ")
}

func kindAt(kinds []string, i int) string {
	if i < len(kinds) {
		return kinds[i]
	}
	return ""
}
