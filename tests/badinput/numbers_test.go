package badinput

import (
	"os"
	"strings"
	"testing"
)

// TestNaNAndInfinityRefused: a numeric flag or a price that is NaN or
// infinite is refused with a clear message, never used in a figure.
func TestNaNAndInfinityRefused(t *testing.T) {
	t.Parallel()
	plan := cleanPlan(t)
	for _, v := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "infinity"} {
		res := run(t, runOpts{}, "cost", "--awake-hours", v, plan)
		assertInputErr(t, res, "", inputErr{matches: []string{`^letsleep: cost input error: --awake-hours [-+]?(NaN|Inf) is not a number of hours: give one between 0 and 730$`}})
	}
	embedded, err := os.ReadFile(repoRoot + "/internal/cost/prices.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{".nan", ".inf", "-.inf"} {
		// Replace the first NAT price of the embedded table.
		body := strings.Replace(string(embedded), "nat_gateway_hour: ", "nat_gateway_hour: "+bad+" #", 1)
		prices := writeFile(t, "prices.yaml", []byte(body))
		res := run(t, runOpts{}, "cost", "--prices", prices, plan)
		assertInputErr(t, res, prices, inputErr{matches: []string{`^letsleep: cost input error: \S+: region \S+: nat_gateway_hour must be a positive hourly USD price \(got [-+]?(NaN|Inf)\)$`}})
	}
}
