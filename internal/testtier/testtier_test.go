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
