package model

import "testing"

// R[each.key] and R[count.index] name the instance of R with the referring
// resource's own key (plan testdata/foreach). Read as the plan lists them,
// "R" plus "each.key", they named every instance: each subnet was associated
// with every route table, one of which won, and the tier routed to a transit
// gateway silently lost its way out.
func TestOwnKeyPicksOneInstance(t *testing.T) {
	m := buildFixture(t, "foreach", Config{})
	tgw := fn(t, m, `aws_lambda_function.tier["tgw"]`)
	if !equal(tgw.Subnets, []string{`aws_subnet.tier["tgw"]`}) {
		t.Errorf("tgw subnets = %v, want its own", tgw.Subnets)
	}
	if got := pathKinds(tgw.Egress); !equal(got, []string{"route→internet"}) {
		t.Errorf("tgw egress = %v, want the transit gateway route", got)
	}
	private := fn(t, m, `aws_lambda_function.tier["private"]`)
	if len(private.Egress) != 0 {
		t.Errorf("private tier has no route out, got %v", pathKinds(private.Egress))
	}
	for _, c := range []struct{ fn, role string }{
		{`aws_lambda_function.tier["tgw"]`, `aws_iam_role.tier["tgw"]`},
		{`aws_lambda_function.tier["private"]`, `aws_iam_role.tier["private"]`},
		{`aws_lambda_function.worker[1]`, `aws_iam_role.worker[1]`},
	} {
		f := fn(t, m, c.fn)
		if f.ExecutionRole != c.role || len(f.Unresolved) != 0 {
			t.Errorf("%s role = %s (unresolved %v), want %s", c.fn, f.ExecutionRole, f.Unresolved, c.role)
		}
	}
}
