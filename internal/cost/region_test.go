package cost

import (
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

func planWithRegion(expr *tfjson.Expression, vars map[string]*tfjson.PlanVariable, attrs map[string]any) *tfjson.Plan {
	p := &tfjson.Plan{Variables: vars, PlannedValues: &tfjson.StateValues{RootModule: &tfjson.StateModule{}}}
	if expr != nil {
		p.Config = &tfjson.Config{ProviderConfigs: map[string]*tfjson.ProviderConfig{"aws": {Name: "aws", Expressions: map[string]*tfjson.Expression{"region": expr}}}}
	}
	if attrs != nil {
		p.PlannedValues.RootModule.ChildModules = []*tfjson.StateModule{{Resources: []*tfjson.StateResource{{Address: "module.a.aws_x.y", AttributeValues: attrs}}}}
	}
	return p
}

func TestRegionOf(t *testing.T) {
	constant := &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{ConstantValue: "eu-west-1"}}
	variable := &tfjson.Expression{ExpressionData: &tfjson.ExpressionData{References: []string{"var.region"}}}
	cases := []struct {
		name       string
		plan       *tfjson.Plan
		want, from string
	}{
		{"provider constant", planWithRegion(constant, nil, nil), "eu-west-1", "the aws provider's region"},
		{"provider variable", planWithRegion(variable, map[string]*tfjson.PlanVariable{"region": {Value: "eu-central-1"}}, nil), "eu-central-1", "(var.region)"},
		{"ARNs and AZs, most named wins", planWithRegion(nil, nil, map[string]any{
			"arn":               "arn:aws:lambda:eu-west-1:123456789012:function:f",
			"availability_zone": "eu-west-1b",
			"nested":            []any{map[string]any{"role": "arn:aws:iam::123456789012:role/r", "queue": "arn:aws:sqs:us-east-1:1:q"}},
		}), "eu-west-1", "ARNs and availability zones in the plan (2 of 3)"},
		{"nothing", planWithRegion(variable, nil, map[string]any{"name": "x"}), "", ""},
	}
	for _, c := range cases {
		got, from := RegionOf(c.plan)
		if got != c.want || !strings.Contains(from, c.from) {
			t.Errorf("%s: RegionOf = %q from %q, want %q from …%q…", c.name, got, from, c.want, c.from)
		}
	}
}
