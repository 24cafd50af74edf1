package testtier

import "testing"

func TestEnabled(t *testing.T) {
	cases := []struct {
		env  string
		tier Tier
		want bool
	}{
		{"", Terraform, false},
		{"terraform", Terraform, true},
		{"terraform", Lab, false},
		{"lab, terraform", Terraform, true},
		{"all", Long, true},
		{"terraformx", Terraform, false},
	}
	for _, c := range cases {
		t.Setenv(Env, c.env)
		if got := Enabled(c.tier); got != c.want {
			t.Errorf("Enabled(%q) with %s=%q = %v, want %v", c.tier, Env, c.env, got, c.want)
		}
	}
}

func TestOffFailsUnderCI(t *testing.T) {
	cases := []struct {
		ci, tiers string
		tier      Tier
		off, fail bool
	}{
		{"", "", Lab, true, false},
		{"true", "", Lab, true, true},
		{"true", "", Terraform, true, true},
		{"true", "", Long, true, false},
		{"true", "lab", Lab, false, false},
		{"false", "", Terraform, true, false},
	}
	for _, c := range cases {
		t.Setenv("CI", c.ci)
		t.Setenv(Env, c.tiers)
		msg, fail := Off(c.tier)
		if (msg != "") != c.off || fail != c.fail {
			t.Errorf("Off(%s) with CI=%q %s=%q = (%q, %v), want off=%v fail=%v", c.tier, c.ci, Env, c.tiers, msg, fail, c.off, c.fail)
		}
	}
}
