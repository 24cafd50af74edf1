package output

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every format shows what a finding assumed: the reader of a table, a PR
// comment, an annotation or code scanning must see that it is a guess.
func TestEveryFormatShowsAssumptions(t *testing.T) {
	const unknown = "the TTL attribute is unknown at plan time"
	for _, format := range []string{"table", "markdown", "github", "junit", "sarif", "json"} {
		out := strings.Join(strings.Fields(render(t, format, sampleReport(), Options{Rules: sampleRules()})), " ")
		if !strings.Contains(out, unknown) || !strings.Contains(out, "TTL is off") {
			t.Errorf("%s does not show the assumption:\n%s", format, out)
		}
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID     string `json:"ruleId"`
				Properties struct {
					Unresolved  bool `json:"unresolved"`
					Assumptions []struct {
						Unknown, Assumed string
					} `json:"assumptions"`
				} `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(render(t, "sarif", sampleReport(), Options{Rules: sampleRules()})), &log); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range log.Runs[0].Results {
		as := r.Properties.Assumptions
		switch r.RuleID {
		case "LSL-012":
			if !r.Properties.Unresolved || len(as) != 1 || as[0].Unknown != unknown {
				t.Errorf("LSL-012 result properties = %+v", r.Properties)
			}
			seen++
		default:
			if len(as) != 0 {
				t.Errorf("%s is a fact, yet its properties list assumptions %+v", r.RuleID, as)
			}
		}
	}
	if seen != 1 {
		t.Errorf("LSL-012 result seen %d times", seen)
	}
}

// The table and markdown summaries state what was analysed.
func TestSummaryStatesWhatWasAnalysed(t *testing.T) {
	const want = "2 functions, 1 database, 3 security groups, 2 roles (11 of 12 resources are AWS); not read: google (1)"
	for _, format := range []string{"table", "markdown"} {
		out := strings.Join(strings.Fields(render(t, format, sampleReport(), Options{Rules: sampleRules()})), " ")
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", format, want, out)
		}
	}
}
