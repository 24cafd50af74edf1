package letsleep.lib.version_test

import data.letsleep.lib.version

test_parts_reads_numbers if {
	version.parts("16.3") == [16, 3]
	version.parts("11.9-limitless") == [11, 9]
	version.parts("8.0.mysql_aurora.3.08.0") == [8, 0, 3, 8, 0]
	version.parts("") == []
}

test_aurora_mysql_parts if {
	version.aurora_mysql_parts("8.0.mysql_aurora.3.08.0") == [3, 8, 0]
	version.aurora_mysql_parts("5.7.mysql_aurora.2.11.2") == [2, 11, 2]
	not version.aurora_mysql_parts("8.0")
}

test_at_least_is_numeric_not_lexical if {
	version.at_least([16, 10], [16, 3])
	version.at_least([16, 3], [16, 3])
	not version.at_least([16, 2], [16, 3])
	not version.at_least([3, 7, 9], [3, 8, 0])
	version.at_least([3, 10, 0], [3, 8, 0])
}

test_at_least_pads_missing_parts_with_zero if {
	version.at_least([3, 8], [3, 8, 0])
	version.at_least([3, 8, 0, 1], [3, 8])
	not version.at_least([16], [16, 3])
}

test_cmp_of_empty_versions if {
	version.cmp([], []) == 0
	version.cmp([1], []) == 1
}
