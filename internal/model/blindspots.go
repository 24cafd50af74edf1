package model

import "strings"

// blindSpotPrefixes are resource types that can change reachability but
// that the model does not analyse. Each instance becomes a `blind-spot`
// Warning (docs/blind-spots.md lists them with the reason).
var blindSpotPrefixes = []struct{ prefix, why string }{
	{"aws_ec2_transit_gateway", "transit gateways can route a VPC to other VPCs or to an egress VPC"},
	{"aws_vpc_peering_connection", "peering can connect the VPC to another VPC and its NAT"},
	{"aws_networkfirewall_", "network firewalls filter or route traffic; their rules are not analysed"},
	{"aws_vpn_gateway", "VPN gateways connect the VPC to other networks"},
	{"aws_vpn_connection", "VPN connections connect the VPC to other networks"},
	{"aws_customer_gateway", "customer gateways connect the VPC to other networks"},
	{"aws_dx_", "Direct Connect links the VPC to other networks"},
	{"aws_network_acl", "network ACLs can only restrict traffic; letsleep ignores them, so it may report a path that a NACL blocks, never miss one"},
	{"aws_ec2_client_vpn", "client VPN endpoints bring remote users into the VPC"},
	{"aws_globalaccelerator_", "Global Accelerator can front resources from the internet"},
	{"aws_networkmanager_", "Cloud WAN can route the VPC elsewhere"},
	{"aws_vpc_endpoint_service", "endpoint services expose resources to other accounts"},
	{"aws_iam_role_policies_exclusive", "exclusive policy management may remove inline policies the model counts"},
}

func (fx *facts) blindSpots() {
	for t, list := range fx.ix.byType {
		why := ""
		for _, bs := range blindSpotPrefixes {
			if strings.HasPrefix(t, bs.prefix) {
				why = bs.why
				break
			}
		}
		for _, r := range list {
			if r.Data {
				continue
			}
			switch {
			case why != "":
				fx.warn("blind-spot", r.Address, "%s: %s", t, why)
			case t == "aws_instance" && r.Values["source_dest_check"] == false:
				fx.warn("blind-spot", r.Address, "instance with source_dest_check=false may be a NAT instance; routes through it are assumed to reach the internet")
			case t == "aws_lambda_permission":
				fx.lambdaPermission(r)
			case t == "aws_lambda_event_source_mapping":
				fx.eventSourceMapping(r)
			}
		}
	}
}

// lambdaPermission flags invoke permissions for other accounts or anyone:
// callers outside the plan cannot be analysed.
func (fx *facts) lambdaPermission(r *res) {
	p := getStr(r.Values, "principal")
	switch {
	case p == "*" || isServicePrincipal(p):
		// Modelled: a public entry point (entrypoints.go) or a restricted service.
	case p != "" && fx.roleByARN(p) != "":
		// Modelled: a grant of the role it names (hops.go).
	case p != "":
		fx.warn("blind-spot", r.Address, "aws_lambda_permission lets principal %s (another account?) invoke the function; callers outside the plan are not analysed", p)
	}
}

// eventSourceMapping: SQS mappings are followed (hops.go); streams and other
// sources run the function on writes the model does not trace.
func (fx *facts) eventSourceMapping(r *res) {
	src := fx.link(r, r.Values, r.Unknown, "event_source_arn", []string{"event_source_arn"}, "aws_sqs_queue")
	if len(src.Addrs) > 0 {
		return
	}
	fx.warn("blind-spot", r.Address, "aws_lambda_event_source_mapping: event source mappings from streams and other non-SQS sources start functions on writes that are not followed")
}
