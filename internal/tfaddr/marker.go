package tfaddr

import (
	"strconv"
	"strings"
)

// A marker stands, inside text the source reader evaluated (a policy
// document), for a value only apply can know: Marker(i) is the i-th of the
// ScopedRefs returned with the text.
const (
	markerOpen  = "@@letsleep-ref-"
	markerClose = "@@"
)

// Marker is the text that stands for reference i.
func Marker(i int) string { return markerOpen + strconv.Itoa(i) + markerClose }

// MarkerCount is how many markers s holds.
func MarkerCount(s string) int { return strings.Count(s, markerOpen) }

// Markers lists the positions (the reference indices) of the markers in s.
func Markers(s string) []int {
	var out []int
	for {
		i := strings.Index(s, markerOpen)
		if i < 0 {
			return out
		}
		s = s[i+len(markerOpen):]
		j := strings.Index(s, markerClose)
		if j < 0 {
			return out
		}
		if n, err := strconv.Atoi(s[:j]); err == nil {
			out = append(out, n)
		}
		s = s[j+len(markerClose):]
	}
}
