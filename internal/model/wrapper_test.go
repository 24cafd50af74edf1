package model

import (
	"path/filepath"
	"slices"
	"testing"
)

// buildStack builds the model of a committed stack under
// terraform/community.
func buildStack(t *testing.T, name string, withSource bool) *Model {
	t.Helper()
	return buildCommunityDir(t, filepath.Join("..", "..", "terraform", "community", name), withSource)
}

func roleSids(t *testing.T, m *Model, addr string) []string {
	t.Helper()
	for _, r := range m.Roles {
		if r.Address == addr {
			var out []string
			for _, s := range r.Statements {
				out = append(out, s.Sid)
			}
			slices.Sort(out)
			return slices.Compact(out)
		}
	}
	t.Fatalf("no role %s", addr)
	return nil
}

// module "fn" { for_each = local.functions; policy_json =
// data.aws_iam_policy_document.fn[each.key].json }: each instance gets its
// own document. The plan lists the argument as "data...fn" plus
// "each.key", and the sources wrote the key as an attribute (fn.api.json);
// both gave every function every document, so the hot and egress
// functions of the clean stack read the DB secret (two false criticals).
func TestWrapperForEachGetsItsOwnPolicyDocument(t *testing.T) {
	want := map[string][]string{
		"api":    {"ReadCache", "XRay"},
		"enrich": {"PartnerKey", "WriteCache", "XRay"},
		"ledger": {"ReadDbSecret", "XRay"},
	}
	for _, withSource := range []bool{true, false} {
		m := buildStack(t, "foreach-wrapper-clean", withSource)
		for key, sids := range want {
			role := `module.fn["` + key + `"].module.lambda.aws_iam_role.lambda[0]`
			got := slices.DeleteFunc(roleSids(t, m, role), func(s string) bool { return s == "" })
			if !slices.Equal(got, sids) {
				t.Errorf("source=%v %s statements = %v, want %v", withSource, key, got, sids)
			}
		}
	}
}

// egress_prefix_list_ids = [for k in local.gateway_endpoints :
// aws_vpc_endpoint.gateway[k].prefix_list_id]: the rule names the gateway
// endpoints' lists (S3, DynamoDB) and is resolved, not a worst-case guess.
func TestRulePrefixListOfGatewayEndpoint(t *testing.T) {
	m := buildStack(t, "foreach-wrapper-clean", true)
	for _, sg := range m.SecurityGroups {
		if sg.Address != "module.ledger_sg.aws_security_group.this_name_prefix[0]" {
			continue
		}
		for _, r := range sg.Egress {
			want := []string{`aws_vpc_endpoint.gateway["dynamodb"]`, `aws_vpc_endpoint.gateway["s3"]`}
			if r.Unresolved || !slices.Equal(r.PrefixLists, want) {
				t.Errorf("%s: unresolved=%v prefix lists %v, want %v", r.Address, r.Unresolved, r.PrefixLists, want)
			}
		}
		return
	}
	t.Fatal("no ledger security group")
}

func TestWithOwnKey(t *testing.T) {
	for in, want := range map[string]string{
		"data.aws_iam_policy_document.fn":      `data.aws_iam_policy_document.fn["k"]`,
		"data.aws_iam_policy_document.fn.json": `data.aws_iam_policy_document.fn["k"].json`,
		"aws_subnet.x":                         `aws_subnet.x["k"]`,
		"module.sg.security_group_id":          `module.sg["k"].security_group_id`,
		`aws_subnet.x["a"]`:                    `aws_subnet.x["a"]`,
		"each.key":                             "each.key",
		"var.x":                                "var.x",
		"local.y":                              "local.y",
	} {
		if got := withOwnKey(in, `["k"]`); got != want {
			t.Errorf("withOwnKey(%s) = %s, want %s", in, got, want)
		}
	}
}

// allowed_triggers = { events = { principal = "events.amazonaws.com" } }:
// the lambda module writes source_arn = try(each.value.source_arn, null),
// which the plan knows to be null. The configuration's references to
// each.value must not count as a source_arn: any EventBridge rule in any
// account may invoke the control function (the stack passed with exit 0).
func TestPermissionKnownWithoutSourceArnIsPublic(t *testing.T) {
	for _, c := range []struct {
		stack string
		want  []string
	}{
		{"trigger-without-source-arn", []string{
			`module.reports[0].aws_lambda_permission.current_version_triggers["events"]`,
			`module.reports[0].aws_lambda_permission.unqualified_alias_triggers["events"]`,
		}},
		{"count-toggles-clean", nil},
	} {
		m := buildStack(t, c.stack, true)
		var got []string
		for _, e := range m.EntryPoints {
			if e.Kind == "lambda_permission" {
				got = append(got, e.Address)
				if e.Function != "module.reports[0].aws_lambda_function.this[0]" {
					t.Errorf("%s: %s fronts %q, want the reports function", c.stack, e.Address, e.Function)
				}
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: public permissions %v, want %v", c.stack, got, c.want)
		}
	}
}

// A hand-written group's dynamic "ingress" block (for_each over a locals
// map, security_groups = [ingress.value]) is not in the plan's
// configuration: the sources give its peers, so the rule is resolved.
func TestDynamicIngressPeersThroughSources(t *testing.T) {
	m := buildStack(t, "count-toggles-clean", true)
	for _, sg := range m.SecurityGroups {
		if sg.Address != "aws_security_group.db" {
			continue
		}
		if len(sg.Ingress) != 1 {
			t.Fatalf("ingress = %s", dump(t, sg.Ingress))
		}
		r := sg.Ingress[0]
		if r.Unresolved || !slices.Equal(r.PeerGroups, []string{"module.reports_sg.aws_security_group.this[0]"}) {
			t.Errorf("unresolved=%v peers %v, want the reports group", r.Unresolved, r.PeerGroups)
		}
		return
	}
	t.Fatal("no aws_security_group.db")
}
