package report

import (
	"fmt"
	"sort"
	"strings"
)

// ProviderList is "google (3), null (1)": providers by name with their
// resource counts.
func ProviderList(counts map[string]int) string {
	names := make([]string, 0, len(counts))
	for k := range counts {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s (%d)", k, counts[k])
	}
	return strings.Join(parts, ", ")
}

// String is the summary's statement of what was analysed, for the table
// and markdown.
func (a Analysed) String() string {
	s := fmt.Sprintf("analysed: %s, %s, %s, %s (%d of %d resources are AWS)",
		plural(a.Functions, "function"), plural(a.Databases, "database"), plural(a.SecurityGroups, "security group"), plural(a.Roles, "role"), a.AWSResources, a.Resources)
	if len(a.NotRead) > 0 {
		s += "; not read: " + ProviderList(a.NotRead)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
