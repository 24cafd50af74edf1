package plan

import (
	"os"
)

// Duplicate is a path the user passed again: Same names the first spelling
// of the same file or directory.
type Duplicate struct {
	Path, Same string
}

// Distinct drops the paths that name a plan already in the list (the same
// file or directory however it is spelled: ./plan.json, a symlink, a hard
// link; "-" for stdin), so a plan passed twice is checked once and its
// findings are not reported twice. Paths that cannot be opened are kept:
// Load names their error.
func Distinct(paths []string) ([]string, []Duplicate) {
	type seen struct {
		info os.FileInfo
		path string
	}
	var (
		out   []string
		dups  []Duplicate
		infos []seen
		stdin string
	)
next:
	for _, p := range paths {
		if p == Stdin {
			if stdin != "" {
				dups = append(dups, Duplicate{Path: p, Same: stdin})
				continue
			}
			stdin = p
			out = append(out, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			out = append(out, p)
			continue
		}
		for _, s := range infos {
			if os.SameFile(s.info, info) {
				dups = append(dups, Duplicate{Path: p, Same: s.path})
				continue next
			}
		}
		infos = append(infos, seen{info, p})
		out = append(out, p)
	}
	return out, dups
}
