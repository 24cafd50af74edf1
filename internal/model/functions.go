package model

import (
	"slices"
	"strings"
)

// TagRole is the tag that declares a function's role.
const TagRole = "letsleep:role"

// funcState keeps what reach needs about a function beyond the model type.
type funcExtra struct {
	vpcUnknown bool // vpc_config present but its subnets/SGs unresolvable
	ipv6       bool // ipv6_allowed_for_dual_stack
}

func (fx *facts) buildFunctions() {
	for _, r := range fx.ix.byType["aws_lambda_function"] {
		if r.Data {
			continue
		}
		f := &Function{
			Address: r.Address, Name: getStr(r.Values, "function_name"),
			Subnets: []string{}, SecurityGroups: []string{}, Tags: getTags(r.Values), Unresolved: []string{},
		}
		if v, ok := getInt(r.Values, "reserved_concurrent_executions"); ok && v >= 0 {
			f.Reserved = &v
		}
		if role := f.Tags[TagRole]; role != "" {
			if ValidRole(role) {
				f.Role, f.RoleSource = role, "tag"
			} else {
				fx.warn("invalid-role", r.Address, "tag %s=%q is not a known role (want one of %s)", TagRole, role, strings.Join(validRoles, ", "))
			}
		}
		if f.Role == "" {
			if role := fx.cfg.roleFor(r.Address); role != "" {
				f.Role, f.RoleSource = role, "config"
			}
		}
		role := fx.link(r, r.Values, r.Unknown, "role", []string{"role"}, roleTypes...)
		fx.fnRoles[r.Address] = role.Addrs
		if role.Approx || len(role.Addrs) > 1 {
			f.Unresolved = append(f.Unresolved, "execution_role")
			fx.warn("unresolved-reference", r.Address, "execution role is ambiguous (%s): resolved through a module's for_each/count expression; paths through any of them are reported as unresolved", strings.Join(role.Addrs, ", "))
		}
		switch {
		case len(role.Addrs) > 0:
			f.ExecutionRole = role.Addrs[0]
			if v := getStr(r.Values, "role"); v != "" && len(refsAt(r, "role")) == 0 {
				f.roleLiteral = v // written as a literal ARN, resolved by its name (literalnames.go)
			}
		case len(role.Raw) > 0:
			f.ExecutionRole = role.Raw[0]
			f.Unresolved = append(f.Unresolved, "execution_role")
			fx.warn("unresolved-reference", r.Address, "execution role %s is not in the plan; its grants are not analysed", role.Raw[0])
		default:
			f.Unresolved = append(f.Unresolved, "execution_role")
			fx.warn("unresolved-reference", r.Address, "execution role could not be resolved (%s); its grants are not analysed", strings.Join(role.Lost, ", "))
		}
		vc := getBlock(r.Values, "vpc_config")
		var vu map[string]any
		if ub := unknownBlocks(r.Unknown, "vpc_config"); len(ub) > 0 {
			vu = ub[0]
		}
		if vc == nil && unknownAt(r.Unknown, "vpc_config") {
			vc = map[string]any{}
		}
		if vc != nil {
			sn := fx.link(r, vc, vu, "subnet_ids", []string{"vpc_config", "subnet_ids"}, "aws_subnet", "aws_default_subnet")
			sg := fx.link(r, vc, vu, "security_group_ids", []string{"vpc_config", "security_group_ids"}, sgTypes...)
			f.Subnets = append(sn.Addrs, sn.Raw...)
			f.SecurityGroups = append(sg.Addrs, sg.Raw...)
			if sn.Approx && len(f.Subnets) > 1 {
				f.subnetGuess = "vpc_config.subnet_ids is one of " + strings.Join(f.Subnets, ", ") + ": " + strings.Join(sortedUnique(slices.Clone(sn.Why)), "; ")
			}
			if sg.Approx && len(f.SecurityGroups) > 1 {
				f.sgGuess = "vpc_config.security_group_ids is one of " + strings.Join(f.SecurityGroups, ", ") + ": " + strings.Join(sortedUnique(slices.Clone(sg.Why)), "; ")
			}
			// Subnets and groups are never computed by AWS: unknown ones with
			// nothing found are lost, never read as "no VPC". A dynamic
			// vpc_config is absent from the plan's configuration, so its
			// references cannot be followed.
			wholeUnknown := vu == nil && unknownAt(r.Unknown, "vpc_config")
			for _, l := range []struct {
				key string
				res *linkResult
				ids []string
			}{{"subnet_ids", &sn, f.Subnets}, {"security_group_ids", &sg, f.SecurityGroups}} {
				if (wholeUnknown || unknownAt(vu, l.key)) && len(l.ids) == 0 && len(l.res.Lost) == 0 {
					l.res.Lost = append(l.res.Lost, fx.vpcConfigHint())
				}
			}
			// A block with known empty subnets is no VPC placement in AWS.
			f.InVPC = len(f.Subnets) > 0 || len(sn.Lost) > 0
			f.DualStack = f.InVPC && getBool(vc, "ipv6_allowed_for_dual_stack")
			for _, l := range []struct {
				key string
				res linkResult
			}{{"vpc_config.subnet_ids", sn}, {"vpc_config.security_group_ids", sg}} {
				if l.res.Approx {
					f.Unresolved = append(f.Unresolved, l.key)
					fx.warn("unresolved-reference", r.Address, "%s is one of %s, not all of them (%s); paths through them are reported as assumed", l.key, strings.Join(l.res.Addrs, ", "), strings.Join(sortedUnique(l.res.Why), "; "))
				}
				if len(l.res.Lost) > 0 {
					f.Unresolved = append(f.Unresolved, l.key)
					fx.warn("unresolved-reference", r.Address, "%s could not be resolved (%s)", l.key, strings.Join(l.res.Lost, ", "))
				}
			}
		}
		fx.functions[r.Address] = f
	}
}

// vpcConfigHint says why a vpc_config left unknown could not be followed
// and, without sources, what to pass.
func (fx *facts) vpcConfigHint() string {
	if fx.ix.src == nil {
		return "unknown at plan time; a dynamic vpc_config block is not in the plan's configuration: pass the Terraform sources with --source DIR"
	}
	return "unknown at plan time and not resolvable through the sources"
}

func (fx *facts) functionIPv6(addr string) bool {
	r := fx.ix.byAddr[addr]
	if r == nil {
		return false
	}
	return getBool(getBlock(r.Values, "vpc_config"), "ipv6_allowed_for_dual_stack")
}
