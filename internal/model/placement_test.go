package model

import (
	"strings"
	"testing"
)

// The placement fixture is a real offline plan: functions whose vpc_config
// is a dynamic block (absent from the plan's configuration), an empty
// vpc_config, twins whose role comes through a module input, and a
// database group admitting a for_each map of client groups.

func TestPlacementDynamicVPCConfig(t *testing.T) {
	m := buildFixture(t, "placement", Config{})
	unresolved := []string{"vpc_config.security_group_ids", "vpc_config.subnet_ids"}
	for _, addr := range []string{
		"module.control.aws_lambda_function.this",
		"module.warmup.aws_lambda_function.this",
		// Whole vpc_config unknown: the dynamic for_each depends on the
		// target's unknown subnets.
		"module.twin.aws_lambda_function.this",
		"module.twin_control.aws_lambda_function.this",
	} {
		f := fn(t, m, addr)
		if !f.InVPC {
			t.Errorf("%s: in_vpc = false, want true (vpc_config present with unknown subnets)", addr)
		}
		if !equal(f.Unresolved, unresolved) {
			t.Errorf("%s: unresolved = %v, want %v", addr, f.Unresolved, unresolved)
		}
		if len(f.Subnets) != 0 || len(f.SecurityGroups) != 0 {
			t.Errorf("%s: subnets %v, groups %v: nothing can name them", addr, f.Subnets, f.SecurityGroups)
		}
		// Routes unknown: internet egress is assumed, never "outside VPC".
		if got := pathKinds(f.Egress); !equal(got, []string{"nat→internet (unresolved)"}) {
			t.Errorf("%s: egress = %v", addr, got)
		}
		for _, key := range unresolved {
			if !hasWarning(m, "unresolved-reference", addr, key+" could not be resolved (unknown at plan time; a dynamic vpc_config block") {
				t.Errorf("%s: no unresolved-reference warning for %s in %+v", addr, key, m.Warnings)
			}
		}
	}
	// A dynamic block with no instance is no vpc_config at all.
	eg := fn(t, m, "module.egress.aws_lambda_function.this")
	if eg.InVPC || len(eg.Unresolved) != 0 {
		t.Errorf("egress: in_vpc %v unresolved %v, want outside with nothing unresolved", eg.InVPC, eg.Unresolved)
	}
	// A static block still resolves through configuration.
	tg := fn(t, m, "aws_lambda_function.target")
	if !tg.InVPC || !equal(tg.Subnets, []string{"aws_subnet.private[0]", "aws_subnet.private[1]"}) ||
		!equal(tg.SecurityGroups, []string{"aws_security_group.target"}) || len(tg.Unresolved) != 0 {
		t.Errorf("target = in_vpc %v subnets %v groups %v unresolved %v", tg.InVPC, tg.Subnets, tg.SecurityGroups, tg.Unresolved)
	}
}

func TestPlacementEmptyVPCConfig(t *testing.T) {
	m := buildFixture(t, "placement", Config{})
	f := fn(t, m, "aws_lambda_function.empty")
	if f.InVPC || len(f.Subnets) != 0 || len(f.Unresolved) != 0 {
		t.Errorf("empty vpc_config: in_vpc %v subnets %v unresolved %v, want outside any VPC", f.InVPC, f.Subnets, f.Unresolved)
	}
	if got := pathKinds(f.Egress); !equal(got, []string{"declared→internet", "outside-vpc→internet"}) {
		t.Errorf("empty vpc_config egress = %v", got)
	}
}

func TestPlacementRoleThroughModuleInput(t *testing.T) {
	m := buildFixture(t, "placement", Config{})
	cases := map[string]string{
		// role_arn = aws_lambda_function.target.role → that function's role.
		"module.twin.aws_lambda_function.this": "aws_iam_role.target",
		// role_arn = module.control.role_arn → the module's aws_iam_role.this.
		"module.twin_control.aws_lambda_function.this": "module.control.aws_iam_role.this",
		// for_each = { control = module.control.role_arn, ... }, role_arn = each.value.
		`module.twins["control"].aws_lambda_function.this`: "module.control.aws_iam_role.this",
		`module.twins["warmup"].aws_lambda_function.this`:  "module.warmup.aws_iam_role.this",
	}
	for addr, want := range cases {
		f := fn(t, m, addr)
		if f.ExecutionRole != want || contains(f.Unresolved, "execution_role") {
			t.Errorf("%s: role %q unresolved %v, want %s resolved", addr, f.ExecutionRole, f.Unresolved, want)
		}
		for _, w := range m.Warnings {
			if w.Address == addr && strings.Contains(w.Message, "execution role") {
				t.Errorf("%s: unexpected warning %q", addr, w.Message)
			}
		}
	}
}

func TestPlacementForEachPeerGroups(t *testing.T) {
	m := buildFixture(t, "placement", Config{})
	want := map[string]string{
		`module.db.aws_vpc_security_group_ingress_rule.client["control"]`: "module.control.aws_security_group.this[0]",
		`module.db.aws_vpc_security_group_ingress_rule.client["warmup"]`:  "module.warmup.aws_security_group.this[0]",
	}
	got := map[string]SGRule{}
	for _, sg := range m.SecurityGroups {
		if sg.Address != "module.db.aws_security_group.this" {
			continue
		}
		for _, r := range sg.Ingress {
			got[r.Address] = r
		}
	}
	for addr, peer := range want {
		r, ok := got[addr]
		if !ok {
			t.Errorf("rule %s not on the db group: %+v", addr, got)
			continue
		}
		if !equal(r.PeerGroups, []string{peer}) || r.Unresolved {
			t.Errorf("%s: peers %v unresolved %v, want only %s", addr, r.PeerGroups, r.Unresolved, peer)
		}
	}
}

func TestPlacementForEachPeerGuessIsUnresolved(t *testing.T) {
	m := buildFixture(t, "placement", Config{})
	both := []string{"module.control.aws_security_group.this[0]", "module.warmup.aws_security_group.this[0]"}
	n := 0
	for _, sg := range m.SecurityGroups {
		if sg.Address != "module.db_opaque.aws_security_group.this" {
			continue
		}
		for _, r := range sg.Ingress {
			n++
			if !r.Unresolved || !equal(r.PeerGroups, both) {
				t.Errorf("%s: peers %v unresolved %v, want both candidates and unresolved", r.Address, r.PeerGroups, r.Unresolved)
			}
			if !hasWarning(m, "unresolved-reference", r.Address, "referenced_security_group_id comes from a for_each/count value") {
				t.Errorf("%s: no warning for the guessed peer", r.Address)
			}
		}
	}
	if n != 2 {
		t.Errorf("db_opaque ingress rules = %d, want 2", n)
	}
}

func TestTargetsNamed(t *testing.T) {
	ts := []target{
		{Addr: "module.stack.module.control.aws_security_group.this", Attr: "id"},
		{Addr: "module.stack.module.warmup.aws_security_group.this", Attr: "id"},
		{Addr: `aws_security_group.client["hot"]`, Attr: "id"},
	}
	cases := []struct {
		key  string
		want string
	}{
		{"control", "module.stack.module.control.aws_security_group.this"},
		{"hot", `aws_security_group.client["hot"]`},
		{"stack", ""}, // names every target: no guess
		{"viewer", ""},
	}
	for _, c := range cases {
		got := targetsNamed(ts, c.key)
		addr := ""
		if len(got) == 1 {
			addr = got[0].Addr
		}
		if addr != c.want || (c.want == "" && len(got) != 0) {
			t.Errorf("targetsNamed(%q) = %+v, want %q", c.key, got, c.want)
		}
	}
}

func hasWarning(m *Model, kind, addr, msgPart string) bool {
	for _, w := range m.Warnings {
		if w.Kind == kind && w.Address == addr && strings.Contains(w.Message, msgPart) {
			return true
		}
	}
	return false
}
