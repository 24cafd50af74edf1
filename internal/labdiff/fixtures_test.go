package labdiff

import (
	"testing"
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
