package labdiff

import (
	"maps"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

// Every kept fixture is a stack on which the model and the lab once
// disagreed. The model side must give the fixture's matrix in plain go test
// (no root, no terraform: the plan is committed).
func TestFixturesModelSide(t *testing.T) {
	fixtures, err := LoadFixtures("testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	if len(fixtures) == 0 {
		t.Fatal("no fixtures under testdata/fixtures")
	}
	for _, fx := range fixtures {
		t.Run(fx.Name, func(t *testing.T) {
			raw, err := fx.Plan()
			if err != nil {
				t.Fatal(err)
			}
			m, err := BuildModel(raw)
			if err != nil {
				t.Fatal(err)
			}
			for _, mm := range fx.Mismatches(ModelVerdicts(m)) {
				t.Errorf("%s (fixture: %s)", mm, fx.Why)
			}
		})
	}
}

// The lab reader reads every fixture: placements, effective route tables
// and the DB subnet groups, with no error and nothing left unplaced.
func TestFixturesLabReader(t *testing.T) {
	fixtures, err := LoadFixtures("testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fixtures {
		raw, err := fx.Plan()
		if err != nil {
			t.Fatal(err)
		}
		m, err := BuildModel(raw)
		if err != nil {
			t.Fatal(err)
		}
		in, err := ReadLab(raw, m)
		if err != nil {
			t.Fatalf("%s: %v", fx.Name, err)
		}
		if len(in.Model.Functions) == 0 || len(in.Model.Databases) == 0 {
			t.Fatalf("%s: read no function or database", fx.Name)
		}
		for _, d := range in.Model.Databases {
			if len(d.Subnets) == 0 {
				t.Errorf("%s: %s has no subnets from its DB subnet group", fx.Name, d.Address)
			}
		}
		for _, s := range in.Model.Subnets {
			if s.VPC == "" || s.CIDR == "" {
				t.Errorf("%s: subnet %s without VPC or CIDR", fx.Name, s.Address)
			}
		}
	}
}

// Fixture nat-subnet-ipv6-igw-only (seed 1128, stack 126): the NAT
// gateway's subnet routes IPv4 to the NAT itself and only IPv6 to the
// internet gateway, in the default table's inline blocks. Both sides must
// read each route by its family: the model pairs the IPv6 blocks with the
// internet gateway (it read them as NAT routes), and the lab reader
// strands the NAT gateway (it counted the IPv6 internet-gateway route as
// the NAT gateway's way out).
func TestNATGatewayNeedsAnIPv4RouteToTheInternetGateway(t *testing.T) {
	raw, err := Fixture{Dir: "testdata/fixtures/nat-subnet-ipv6-igw-only"}.Plan()
	if err != nil {
		t.Fatal(err)
	}
	m, err := BuildModel(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"0.0.0.0/1": "nat", "128.0.0.0/1": "nat", "::/1": "igw", "8000::/1": "igw"}
	checkRoutes := func(side string, subnets []model.Subnet, want map[string]string) {
		t.Helper()
		for _, s := range subnets {
			if s.Address != "aws_subnet.s126_n1" {
				continue
			}
			got := map[string]string{}
			for _, r := range s.Routes {
				got[r.Destination] = r.TargetKind
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s: routes of %s = %v, want %v", side, s.Address, got, want)
			}
			return
		}
		t.Errorf("%s: subnet aws_subnet.s126_n1 not read", side)
	}
	checkRoutes("model", m.Subnets, want)
	in, err := ReadLab(raw, m)
	if err != nil {
		t.Fatal(err)
	}
	checkRoutes("lab reader", in.Model.Subnets, map[string]string{"0.0.0.0/1": "nat-no-igw", "128.0.0.0/1": "nat-no-igw", "::/1": "igw", "8000::/1": "igw"})
}
