package model

import (
	"fmt"
	"strings"
)

// maxSameNameWarnings bounds the named warnings; a generated plan with
// thousands of replicas would otherwise drown the report in them.
const maxSameNameWarnings = 20

// sameNames collects managed resources of one type that carry the same
// name in one account and region (providerscope.go: joins by name stay in
// the scope of the resource that names, so the same name in two accounts
// or regions is two resources, joined apart, and not noted). Joins by name (a role_policy's `role = "x"`, literal names in
// policies) link the first of them only, so a finding that rests on such a
// join may name the wrong resource or miss the right one; the model says so
// instead of choosing silently.
type sameNames struct {
	pairs []sameName
}

type sameName struct {
	typ, name     string
	first, second *res
}

// uniqueNameTypes are the types whose name AWS keeps unique per account
// (IAM), per account and region, or per VPC (security groups): two of them
// with one name are two accounts, regions or VPCs, or a plan that cannot
// apply. Names of other types (role policies, API stages, log groups per
// API) are scoped to a parent and repeat legitimately.
var uniqueNameTypes = map[string]bool{
	"aws_iam_role": true, "aws_iam_policy": true, "aws_iam_user": true, "aws_iam_group": true,
	"aws_iam_instance_profile": true, "aws_secretsmanager_secret": true, "aws_dynamodb_table": true,
	"aws_sqs_queue": true, "aws_sns_topic": true, "aws_security_group": true,
}

func (s *sameNames) note(first, second *res) {
	if first == nil || first.Data || !uniqueNameTypes[second.Type] {
		return
	}
	s.pairs = append(s.pairs, sameName{typ: second.Type, name: getStr(second.Values, "name"), first: first, second: second})
}

func (s *sameNames) warn(n *notes) {
	seen := map[string]bool{}
	shown, more := 0, 0
	for _, p := range s.pairs {
		k := p.typ + "\x00" + p.name
		if seen[k] {
			continue
		}
		seen[k] = true
		if shown == maxSameNameWarnings {
			more++
			continue
		}
		shown++
		n.warn("same-name", p.second.Address, "%s", sameNameMessage(p))
	}
	if more > 0 {
		n.warn("same-name", "", "%d more %s share a name with another resource of their type; joins by those names link the first only", more, plural(more, "name", "names"))
	}
}

func sameNameMessage(p sameName) string {
	where := "in the same provider configuration; joins by this name link %s only"
	if strings.HasPrefix(p.typ, "aws_iam_") {
		// IAM names are unique per account: the second would fail to apply.
		where = "in the same provider configuration: AWS would refuse the second (EntityAlreadyExists); joins by this name link %s only"
	}
	if k1, k2 := providerKey(p.first), providerKey(p.second); k1 != k2 {
		where = fmt.Sprintf("under provider configurations %q and %q, which the plan shows in one account and region (no credentials of their own, the same region); joins by this name link %%s only", k1, k2)
	}
	return fmt.Sprintf("%s and %s both have name %q %s", p.first.Address, p.second.Address, p.name, fmt.Sprintf(where, p.first.Address))
}

// providerKey is the resource's provider configuration as the plan's
// configuration section names it ("" when the plan has no configuration).
func providerKey(r *res) string {
	if r.Config == nil {
		return ""
	}
	return r.Config.ProviderConfigKey
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
