package labdiff

import (
	"regexp"
	"strings"
	"testing"
)

func TestGenerateIsReproducible(t *testing.T) {
	a, b := Generate(42, 5), Generate(42, 5)
	if a != b {
		t.Fatal("the same seed gave two different roots")
	}
	if Generate(43, 5) == a {
		t.Fatal("two seeds gave the same root")
	}
}

// One stack replayed alone is the same text as in the whole run, so a
// disagreement found among 200 stacks can be kept as a one-stack fixture.
func TestGenerateStacksReplaysOneStack(t *testing.T) {
	all := Generate(9, 6)
	one := strings.TrimPrefix(GenerateStacks(9, []int{4}), header)
	if !strings.Contains(all, one) {
		t.Fatal("stack 4 replayed alone differs from stack 4 of the run")
	}
	if strings.Contains(one, "s003") || strings.Contains(one, "s005") {
		t.Fatal("the replay holds other stacks")
	}
}

// Over a modest run every form the issue lists appears: the four spellings
// of a security-group rule, every peer kind, routes inline and separate,
// the main table both ways, every gateway, functions in and out of VPCs,
// clusters and instances behind a DB subnet group.
func TestGenerateCoversEveryForm(t *testing.T) {
	tf := Generate(1, 60)
	for _, want := range []string{
		`resource "aws_security_group_rule"`, `resource "aws_vpc_security_group_ingress_rule"`,
		`resource "aws_vpc_security_group_egress_rule"`, "  ingress {", "  egress {",
		"cidr_blocks = [", "ipv6_cidr_blocks = [", "prefix_list_ids = [", "self = true", "security_groups = [",
		"source_security_group_id =", "referenced_security_group_id =", "cidr_ipv4 =", "cidr_ipv6 =", "prefix_list_id =",
		`protocol  = "-1"`, `ip_protocol = "-1"`, "from_port = 5000",
		`resource "aws_route"`, "  route {", `resource "aws_route_table_association"`,
		`resource "aws_main_route_table_association"`, `resource "aws_default_route_table"`,
		`resource "aws_nat_gateway"`, `connectivity_type = "private"`, `resource "aws_internet_gateway"`,
		`resource "aws_egress_only_internet_gateway"`, "egress_only_gateway_id", "::/0",
		"vpc_config {", `resource "aws_db_subnet_group"`, `resource "aws_rds_cluster"`, `resource "aws_db_instance"`,
		// protocols and their spellings
		`protocol  = "udp"`, `protocol  = "icmp"`, `protocol  = "6"`, `protocol  = "17"`, `protocol  = "1"`, `protocol  = "all"`,
		`ip_protocol = "udp"`, `ip_protocol = "icmp"`, "from_port = 8\n", "from_port = -1",
		// the VPC's default group, managed and not, as a peer and attached
		`resource "aws_default_security_group"`, "referenced_security_group_id = aws_vpc.", "security_group_ids = [aws_vpc.",
		"aws_default_security_group.s0", "source_security_group_id = aws_vpc.",
		// IPv6: dual-stack subnets and functions, both gateways for ::/0
		"ipv6_cidr_block   = cidrsubnet(", "ipv6_allowed_for_dual_stack = true", "destination_ipv6_cidr_block",
		`gateway_id = aws_internet_gateway.`,
		// the internet in halves, and IPv6 blocks with and without internet addresses
		`"0.0.0.0/1", "128.0.0.0/1"`, `"::/1", "8000::/1"`, `"2600::/12"`, `"2001:db8::/32"`,
	} {
		if !strings.Contains(tf, want) {
			t.Errorf("60 stacks never write %q", want)
		}
	}
	outside := regexp.MustCompile(`filename      = "fn.zip"\n}`)
	if !outside.MatchString(tf) {
		t.Error("no function outside a VPC")
	}
	// A database without vpc_security_group_ids gets its VPC's default group.
	noGroups := regexp.MustCompile(`db_subnet_group_name   = aws_db_subnet_group.s\d+.name\n(}|  serverlessv2)`)
	if !noGroups.MatchString(tf) {
		t.Error("no database left to its VPC's default group")
	}
	for _, half := range []string{"128.0.0.0/1", "8000::/1"} {
		split := regexp.MustCompile(`\n\s+(cidr_block|ipv6_cidr_block|destination_cidr_block|destination_ipv6_cidr_block) = "` + regexp.QuoteMeta(half) + `"\n`)
		if !split.MatchString(tf) {
			t.Errorf("no default route split in halves (%s)", half)
		}
	}
	v6igw := regexp.MustCompile(`(ipv6_cidr_block|destination_ipv6_cidr_block) = "::/0"\n\s+gateway_id = aws_internet_gateway`)
	if !v6igw.MatchString(tf) {
		t.Error("no ::/0 route to an internet gateway")
	}
}

// The CI run (TestRandomStacksAgree, lab tier) judges ciStacks stacks of
// ciSeed: few enough to plan and probe in a minute or two, and chosen so
// that they write the forms lab-diff exists to check.
const (
	ciSeed   uint64 = 2
	ciStacks        = 6
)

func TestCISeedCoversEveryForm(t *testing.T) {
	tf := Generate(ciSeed, ciStacks)
	for _, want := range []string{
		"ipv6_allowed_for_dual_stack = true", "egress_only_gateway_id", "nat_gateway_id", `"::/0"`,
		`resource "aws_default_security_group"`, "_security_group_id = aws_vpc.",
		`"udp"`, `"icmp"`, `"17"`, `"all"`, `"0.0.0.0/1", "128.0.0.0/1"`, "self = true",
		`cidr_block = "128.0.0.0/1"`, `cidr_block = "8000::/1"`, // default routes in halves
		`resource "aws_security_group_rule"`, `resource "aws_vpc_security_group_egress_rule"`, "referenced_security_group_id", "prefix_list_id",
	} {
		if !strings.Contains(tf, want) {
			t.Errorf("the CI run (seed %d, %d stacks) never writes %q: pick another seed", ciSeed, ciStacks, want)
		}
	}
}

func TestStackOf(t *testing.T) {
	for addr, want := range map[string]string{
		"aws_lambda_function.s007_f1": "s007", "aws_rds_cluster.s120_d0": "s120", "aws_iam_role.fn": "",
	} {
		if got := StackOf(addr); got != want {
			t.Errorf("StackOf(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestCompareListsEveryDifferenceAndMissingCell(t *testing.T) {
	a := Cell{Stack: "s000", Function: "aws_lambda_function.s000_f0", Target: Internet}
	b := Cell{Stack: "s000", Function: "aws_lambda_function.s000_f0", Target: "aws_rds_cluster.s000_d0"}
	c := Cell{Stack: "s000", Function: "aws_lambda_function.s000_f1", Target: Internet}
	got := Compare(map[Cell]Verdict{a: {Reach: true}, b: {}, c: {}}, map[Cell]Verdict{a: {Reach: true}, b: {Reach: true}})
	if len(got) != 2 || got[0].Cell != b || got[1].Cell != c || !strings.Contains(got[1].Lab.Why, "missing") {
		t.Fatalf("Compare = %+v", got)
	}
}
