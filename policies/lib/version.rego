# METADATA
# title: Engine version helpers
# description: Numeric comparison of dotted engine versions. Strings must not be compared lexically ("16.10" is newer than "16.3").
# scope: package
package letsleep.lib.version

# parts turns "16.3" into [16, 3] and "8.0.mysql_aurora.3.08.0" into
# [8, 0, 3, 8, 0]; suffixes such as "-limitless" are ignored.
parts(v) := [to_number(n) | some n in regex.find_n(`[0-9]+`, v, -1)]

# aurora_mysql_parts reads the Aurora release after "mysql_aurora."
# ("8.0.mysql_aurora.3.08.0" gives [3, 8, 0]).
aurora_mysql_parts(v) := parts(substring(v, i + count("mysql_aurora."), -1)) if {
	i := indexof(v, "mysql_aurora.")
	i >= 0
}

# at_least(have, want) compares two arrays of numbers; missing parts count as 0.
at_least(have, want) if cmp(have, want) >= 0

cmp(a, b) := 0 if {
	count(a) == 0
	count(b) == 0
}

cmp(a, b) := c if {
	n := max([count(a), count(b)])
	n > 0
	diffs := [d |
		some i in numbers.range(0, n - 1)
		d := part(a, i) - part(b, i)
		d != 0
	]
	c := sign(diffs)
}

sign(diffs) := 0 if count(diffs) == 0

sign(diffs) := 1 if {
	count(diffs) > 0
	diffs[0] > 0
}

sign(diffs) := -1 if {
	count(diffs) > 0
	diffs[0] < 0
}

part(a, i) := a[i] if i < count(a)

part(a, i) := 0 if i >= count(a)
