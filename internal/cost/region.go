package cost

import (
	"fmt"
	"regexp"
	"sort"

	tfjson "github.com/hashicorp/terraform-json"
)

// DefaultRegion is priced when neither --region nor the plan names one.
const DefaultRegion = "us-east-1"

var (
	arnRegion = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-[0-9]):`)
	azRegion  = regexp.MustCompile(`^([a-z]{2}(?:-gov)?-[a-z]+-[0-9])[a-z]$`)
	regionRe  = regexp.MustCompile(`^[a-z]{2}(?:-gov)?-[a-z]+-[0-9]$`)
)

// RegionOf reads the AWS region a plan deploys to, and says from where:
// the default aws provider's `region` (a constant, or a variable whose
// value the plan records), else the region most ARNs and availability
// zones in the planned values name. It returns "" when the plan names none.
func RegionOf(doc *tfjson.Plan) (region, from string) {
	if doc == nil {
		return "", ""
	}
	if doc.Config != nil {
		if pc := doc.Config.ProviderConfigs["aws"]; pc != nil {
			if e := pc.Expressions["region"]; e != nil {
				if s, ok := e.ConstantValue.(string); ok && regionRe.MatchString(s) {
					return s, "the aws provider's region"
				}
				for _, ref := range e.References {
					name, ok := varName(ref)
					if !ok {
						continue
					}
					if v := doc.Variables[name]; v != nil {
						if s, ok := v.Value.(string); ok && regionRe.MatchString(s) {
							return s, fmt.Sprintf("the aws provider's region (var.%s)", name)
						}
					}
				}
			}
		}
	}
	votes := map[string]int{}
	if doc.PlannedValues != nil {
		countRegions(doc.PlannedValues.RootModule, votes)
	}
	if len(votes) == 0 {
		return "", ""
	}
	names := make([]string, 0, len(votes))
	for r := range votes {
		names = append(names, r)
	}
	sort.Slice(names, func(i, j int) bool {
		if votes[names[i]] != votes[names[j]] {
			return votes[names[i]] > votes[names[j]]
		}
		return names[i] < names[j]
	})
	from = fmt.Sprintf("the ARNs and availability zones in the plan (%d of %d)", votes[names[0]], total(votes))
	return names[0], from
}

func varName(ref string) (string, bool) {
	const p = "var."
	if len(ref) <= len(p) || ref[:len(p)] != p {
		return "", false
	}
	return ref[len(p):], true
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// countRegions counts the regions named by ARNs and availability zones in
// the attribute values of every resource of the module and its children.
func countRegions(m *tfjson.StateModule, votes map[string]int) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r == nil {
			continue
		}
		for _, v := range r.AttributeValues {
			walkStrings(v, 0, func(s string) {
				if g := arnRegion.FindStringSubmatch(s); g != nil {
					votes[g[1]]++
				} else if g := azRegion.FindStringSubmatch(s); g != nil {
					votes[g[1]]++
				}
			})
		}
	}
	for _, c := range m.ChildModules {
		countRegions(c, votes)
	}
}

// walkStrings visits the strings of a decoded JSON value, to a bounded depth.
func walkStrings(v any, depth int, visit func(string)) {
	if depth > 16 {
		return
	}
	switch x := v.(type) {
	case string:
		visit(x)
	case []any:
		for _, e := range x {
			walkStrings(e, depth+1, visit)
		}
	case map[string]any:
		for _, e := range x {
			walkStrings(e, depth+1, visit)
		}
	}
}
