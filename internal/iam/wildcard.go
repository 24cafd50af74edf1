package iam

import (
	"unicode"
	"unicode/utf8"
)

// Why not gobwas/glob: IAM patterns know only `*` (any run, including `:`
// and `/`) and `?` (one character); `[`, `]`, `{`, `}` and `\` are literal
// in ARNs and in terraform addresses (`aws_x.y[0]`). gobwas/glob gives them
// meaning and matches by backtracking over a tree. This matcher is the
// classic linear-space two-pointer algorithm: O(len(pattern)·len(s)) in the
// worst case, no recursion, no allocation.

// Match reports whether s matches the IAM wildcard pattern (case-sensitive,
// as ARNs are).
func Match(pattern, s string) bool { return match(pattern, s, false) }

// MatchFold is Match ignoring ASCII and Unicode simple case (IAM action
// names are case-insensitive).
func MatchFold(pattern, s string) bool { return match(pattern, s, true) }

func match(p, s string, fold bool) bool {
	return starWalk(p, s, func(pc, sc rune) bool { return pc == '?' || runeEq(pc, sc, fold) })
}

// starWalk is the two-pointer walk shared by match and Covers: a `*` in p
// remembers where it stood, step says whether pattern rune pc consumes
// subject rune sc, and on a mismatch the last star swallows one more rune.
func starWalk(p, s string, step func(pc, sc rune) bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			pc, pw := utf8.DecodeRuneInString(p[pi:])
			sc, sw := utf8.DecodeRuneInString(s[si:])
			if pc == '*' {
				starP, starS = pi, si
				pi += pw
				continue
			}
			if step(pc, sc) {
				pi += pw
				si += sw
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, sw := utf8.DecodeRuneInString(s[starS:])
		starS += sw
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func runeEq(a, b rune, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	return unicode.ToLower(a) == unicode.ToLower(b)
}

// Covers reports whether every string matched by inner is also matched by
// outer, for the shapes that occur in policies: a wildcard in inner must be
// absorbed by a `*` in outer. It is used for Deny precedence: a Deny on
// `arn:...:secret:*` covers an Allow on `arn:...:secret:rds!*`. It may say
// false for some exotic covering pairs (conservative: the Allow then stays).
func Covers(outer, inner string, fold bool) bool {
	return starWalk(outer, inner, func(pc, sc rune) bool {
		if sc == '*' {
			return false // only a star in outer absorbs a star in inner
		}
		return pc == '?' || (sc != '?' && runeEq(pc, sc, fold))
	})
}

// Overlap reports whether two wildcard patterns can match a common string
// (e.g. a granted `arn:aws:secretsmanager:*:*:secret:rds!*` and the managed
// master secret shape `arn:aws:secretsmanager:*:*:secret:rds!cluster-*`).
// Memoised over (i, j): O(len(a)·len(b)).
func Overlap(a, b string, fold bool) bool {
	n, m := len(a), len(b)
	// memo: 0 unknown, 1 false, 2 true
	memo := make([]uint8, (n+1)*(m+1))
	var f func(i, j int) bool
	f = func(i, j int) bool {
		k := i*(m+1) + j
		if memo[k] != 0 {
			return memo[k] == 2
		}
		res := false
		switch {
		case i == n && j == m:
			res = true
		case i < n && a[i] == '*':
			res = f(i+1, j) || (j < m && f(i, j+1))
		case j < m && b[j] == '*':
			res = f(i, j+1) || (i < n && f(i+1, j))
		case i < n && j < m && (a[i] == '?' || b[j] == '?' || runeEq(rune(a[i]), rune(b[j]), fold)):
			res = f(i+1, j+1)
		}
		if res {
			memo[k] = 2
		} else {
			memo[k] = 1
		}
		return res
	}
	return f(0, 0)
}
