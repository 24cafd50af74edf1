package model

import "github.com/letsleep/letsleep/internal/addrset"

var prefixListTypes = []string{"aws_ec2_managed_prefix_list"}

// rulePrefixListTypes are what a security-group rule's prefix list may
// name: a managed list, or a gateway VPC endpoint's prefix_list_id (the
// list of its service, S3 or DynamoDB).
var rulePrefixListTypes = []string{"aws_ec2_managed_prefix_list", "aws_vpc_endpoint"}

// prefixList resolves a managed prefix list (an id, or the address of one
// in the plan) to its addresses. ok is false when the plan does not hold its
// entries: an AWS-managed list read by no data source, or entries unknown
// until apply. Callers then treat it as may-match, never as a fact.
func (fx *facts) prefixList(ref string) (addrset.Set, bool) {
	addr := fx.lookup(ref, rulePrefixListTypes...)
	if addr == "" {
		return addrset.Empty, false
	}
	s, ok := fx.plSets[addr]
	return s, ok
}

// buildPrefixLists gathers entries from the list resources and data
// sources (entry blocks) and from aws_ec2_managed_prefix_list_entry.
func (fx *facts) buildPrefixLists() {
	fx.plSets = map[string]addrset.Set{}
	cidrs := map[string][]string{}
	unknown := map[string]bool{}
	for _, r := range fx.ix.byType["aws_ec2_managed_prefix_list"] {
		cidrs[r.Address] = cidrs[r.Address][:0:0]
		if unknownAt(r.Unknown, "entry") {
			unknown[r.Address] = true
		}
		for _, e := range getBlocks(r.Values, "entry") {
			if c := getStr(e, "cidr"); c != "" {
				cidrs[r.Address] = append(cidrs[r.Address], c)
			}
		}
		if _, has := r.Values["entry"]; !has && r.Data {
			unknown[r.Address] = true // a data source not read at plan time
		}
	}
	for _, r := range fx.ix.byType["aws_ec2_managed_prefix_list_entry"] {
		pl := fx.link(r, r.Values, r.Unknown, "prefix_list_id", []string{"prefix_list_id"}, prefixListTypes...)
		c := getStr(r.Values, "cidr")
		for _, a := range pl.Addrs {
			if c == "" {
				unknown[a] = true
				continue
			}
			cidrs[a] = append(cidrs[a], c)
		}
	}
	// A gateway endpoint's list holds the public ranges of its service (S3,
	// DynamoDB) in the region, which AWS does not put in the plan. They
	// never hold an address inside the VPC (the database), and traffic to
	// them takes the endpoint's route, not a way out, so for reachability
	// the list is read as naming no address at all (docs/blind-spots.md).
	for _, r := range fx.ix.byType["aws_vpc_endpoint"] {
		if t := getStr(r.Values, "vpc_endpoint_type"); !r.Data && (t == "" || t == "Gateway") {
			fx.plSets[r.Address] = addrset.Empty
		}
	}
	for a, cs := range cidrs {
		if unknown[a] {
			continue
		}
		s, _ := addrset.Parse(cs)
		fx.plSets[a] = s
	}
}

// prefixListRefs resolves prefix list ids unknown at plan time through the
// configuration; a reference that leads nowhere leaves the rule unresolved.
func (fx *facts) prefixListRefs(r *res, refs []string, rule *SGRule) []string {
	ts, _ := fx.ix.resolve(r.Module, refs)
	addrs := fx.ix.addrsOf(ts, rulePrefixListTypes...)
	if len(addrs) == 0 && len(refs) > 0 {
		rule.Unresolved = true
	}
	return addrs
}
