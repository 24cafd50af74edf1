package engine

import (
	"cmp"
	"slices"
)

// checkCost is the relative evaluation cost of the built-in checks: the mean
// of the milliseconds of CPU each package took, prepared and evaluated
// alone (the minimum of five evaluations), on the 50k for_each and the 50k
// community models (without --source: the community stacks' many
// unresolved references make unanalysed dearer there). Only the split of
// the checks into concurrent groups uses it; a wrong figure costs wall
// time, never a finding.
var checkCost = map[string]int{
	"letsleep.checks.unanalysed":           297,
	"letsleep.checks.db_never_sleeps":      47,
	"letsleep.checks.db_public":            46,
	"letsleep.checks.open_ingress":         43,
	"letsleep.checks.egress_broad_s3":      43,
	"letsleep.checks.open_ingress_web":     42,
	"letsleep.checks.broad_secrets_access": 42,
	"letsleep.checks.data_api_grant":       36,
	"letsleep.checks.egress_reaches_db":    35,
	"letsleep.checks.public_db_waker":      30,
	"letsleep.checks.hot_path_reaches_db":  17,
	"letsleep.checks.warmup_unthrottled":   13,
	"letsleep.checks.nat_gateway":          11,
	"letsleep.checks.dynamodb_ttl":         1,
	"letsleep.checks.rds_proxy":            1,
}

// unknownCheckCost stands for a user check or a cheap built-in: about a
// middling built-in.
const unknownCheckCost = 20

// splitChecks deals the enabled packages into at most n groups of about equal
// measured cost (longest first onto the lightest group), so that the groups'
// queries finish together when they run on separate cores. The result does
// not depend on map order: packages are taken in cost then name order.
func splitChecks(enabled map[string]check, n int) []map[string]check {
	keys := make([]string, 0, len(enabled))
	for k := range enabled {
		keys = append(keys, k)
	}
	cost := func(k string) int {
		if c, ok := checkCost[k]; ok {
			return c
		}
		return unknownCheckCost
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(cost(b), cost(a)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	n = max(1, min(n, len(keys)))
	groups := make([]map[string]check, n)
	load := make([]int, n)
	for i := range groups {
		groups[i] = map[string]check{}
	}
	for _, k := range keys {
		g := slices.Index(load, slices.Min(load))
		groups[g][k] = enabled[k]
		load[g] += cost(k)
	}
	return groups
}
