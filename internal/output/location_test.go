package output

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// placedReport is the sample report with its findings placed in the sources:
// one in the root module, one in a fetched module (shown at its call).
func placedReport() *report.Report {
	r := sampleReport()
	for i := range r.Findings {
		switch r.Findings[i].Rule {
		case "LSL-001":
			r.Findings[i].Location = &report.Location{File: "stack/lambda.tf", StartLine: 12, EndLine: 30,
				Call: &report.Location{File: "main.tf", StartLine: 3, EndLine: 9}}
		case "LSL-004":
			r.Findings[i].Location = &report.Location{File: ".terraform/modules/net/main.tf", StartLine: 40, EndLine: 44,
				Call:         &report.Location{File: "network.tf", StartLine: 1, EndLine: 8},
				ModuleSource: "terraform-aws-modules/vpc/aws", ModuleFile: "main.tf"}
		}
	}
	return r
}

type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID      string `json:"id"`
					HelpURI string `json:"helpUri"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					Region           struct {
						StartLine int `json:"startLine"`
						EndLine   int `json:"endLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			RelatedLocations []json.RawMessage                      `json:"relatedLocations"`
			Fingerprints     map[string]string                      `json:"partialFingerprints"`
			Suppressions     []struct{ Kind, Justification string } `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, out string) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("sarif: %v", err)
	}
	return log
}

func TestSARIFPlacesFindingsInTheSources(t *testing.T) {
	rules := sampleRules()
	rules[0].HelpURI = RuleDocURL("LSL-001")
	out := render(t, "sarif", placedReport(), Options{Rules: rules})
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err := compileSARIFSchema(t).Validate(inst); err != nil {
		t.Fatalf("SARIF with source locations does not validate: %v", err)
	}
	log := parseSARIF(t, out)
	where := map[string]string{}
	for _, res := range log.Runs[0].Results {
		pl := res.Locations[0].PhysicalLocation
		where[res.RuleID] = pl.ArtifactLocation.URI + ":" + itoa(pl.Region.StartLine) + "-" + itoa(pl.Region.EndLine)
		if res.RuleID == "LSL-001" && len(res.RelatedLocations) != 1 {
			t.Errorf("LSL-001 lacks its module call as related location")
		}
	}
	for rule, want := range map[string]string{
		"LSL-001": "stack/lambda.tf:12-30",
		"LSL-004": "network.tf:1-8", // the module's own file is outside the repository: its call
		"LSL-012": "plan.json:1-1",  // no sources: the plan at line 1, as before
		"LSL-005": "plan.json:1-1",  // waived, no sources
	} {
		if where[rule] != want {
			t.Errorf("%s placed at %q, want %q", rule, where[rule], want)
		}
	}
	for _, ru := range log.Runs[0].Tool.Driver.Rules {
		if ru.ID == "LSL-001" && ru.HelpURI != "https://github.com/letsleep/letsleep/blob/main/docs/rules/LSL-001.md" {
			t.Errorf("helpUri %q", ru.HelpURI)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestGitHubAnnotationsCarryFileAndLines(t *testing.T) {
	out := render(t, "github", placedReport(), Options{})
	for _, want := range []string{
		"::error file=stack/lambda.tf,line=12,endLine=30,title=LSL-001",
		"::warning file=network.tf,line=1,endLine=8,title=LSL-004",
		"::notice title=LSL-012", // not placed: no file=
	} {
		if !strings.Contains(out, want) {
			t.Errorf("github output lacks %q:\n%s", want, out)
		}
	}
}

func TestTableAndMarkdownShowFileLine(t *testing.T) {
	table := render(t, "table", placedReport(), Options{})
	if !strings.Contains(table, "    at:   stack/lambda.tf:12\n") || !strings.Contains(table, "    at:   network.tf:1 (module call; the block is in module source\n") {
		t.Errorf("table lacks file:line:\n%s", table)
	}
	md := render(t, "markdown", placedReport(), Options{})
	if !strings.Contains(md, "`aws_lambda_function.egress` (`stack/lambda.tf:12`)") {
		t.Errorf("markdown lacks file:line:\n%s", md)
	}
}

func TestTableNamesThePlanWhenSeveral(t *testing.T) {
	r := sampleReport()
	r.Findings[1].Source = "other.json"
	r.Plans = append(r.Plans, report.PlanRef{Source: "other.json"})
	table := render(t, "table", r, Options{})
	if !strings.Contains(table, "    plan: other.json\n") || !strings.Contains(table, "    plan: plan.json\n") {
		t.Errorf("table of two plans does not say which plan:\n%s", table)
	}
	if one := render(t, "table", sampleReport(), Options{}); strings.Contains(one, "plan: ") {
		t.Errorf("a one-plan table names the plan on every finding:\n%s", one)
	}
}

func TestFingerprintsTellFindingsApart(t *testing.T) {
	r := sampleReport()
	base := r.Findings[1]
	// The same rule and resource, reaching a second database: another alert.
	other := base
	other.Path = append(append([]model.Step{}, base.Path[:4]...), model.Step{Kind: "database", Address: "aws_rds_cluster.other"})
	// Same everything but the message: still two results, still two fingerprints.
	twin := base
	twin.Message = "another wording"
	r.Findings = append(r.Findings, other, twin)
	fps := fingerprints(normalize(r))
	seen := map[string]bool{}
	for _, fp := range fps {
		if seen[fp] {
			t.Fatalf("fingerprint %s shared: %v", fp, fps)
		}
		seen[fp] = true
	}
	// Stable: the same report gives the same fingerprints, and a line move does not change them.
	moved := placedReport()
	a, b := fingerprints(normalize(sampleReport())), fingerprints(normalize(moved))
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("fingerprints depend on source lines: %v vs %v", a, b)
	}
}

// A block outside the repository (a fetched module, a module folder above
// the source root) is shown at its module call in every format, and named
// by the module's source and its file there: no format points a reader at
// a path that does not open from the repository root.
func TestModuleBlocksOutsideTheRepositoryAreNamedByTheirModule(t *testing.T) {
	r := placedReport()
	for i := range r.Findings {
		if r.Findings[i].Rule == "LSL-001" {
			r.Findings[i].Location = &report.Location{File: "../shared/modules/lambda/main.tf", StartLine: 24, EndLine: 168,
				Call:         &report.Location{File: "stacks/app/main.tf", StartLine: 239, EndLine: 285},
				ModuleSource: "../../../shared/modules/lambda", ModuleFile: "main.tf"}
		}
	}
	in := `in module source "../../../shared/modules/lambda", main.tf:24-168`
	table := render(t, "table", r, Options{})
	if !strings.Contains(strings.Join(strings.Fields(table), " "), "at: stacks/app/main.tf:239 (module call; the block is "+in+")") {
		t.Errorf("table does not place the block at its module call and in its module:\n%s", table)
	}
	md := render(t, "markdown", r, Options{})
	if !strings.Contains(md, "stacks/app/main.tf:239") || !strings.Contains(md, "main.tf:24-168") {
		t.Errorf("markdown lacks the module call or the block in its module:\n%s", md)
	}
	gh := render(t, "github", r, Options{})
	if !strings.Contains(gh, "::error file=stacks/app/main.tf,line=239,endLine=285,title=LSL-001") ||
		!strings.Contains(gh, "Declared "+strings.ReplaceAll(in, ":", "%3A")) && !strings.Contains(gh, "Declared "+in) {
		t.Errorf("github annotation lacks file= at the call or the module line:\n%s", gh)
	}
	for _, out := range []string{table, md, gh} {
		if strings.Contains(out, "../shared/modules/lambda/main.tf") {
			t.Errorf("output points at the machine path of the module file:\n%s", out)
		}
	}
	sarif := render(t, "sarif", r, Options{Rules: sampleRules()})
	if strings.Contains(sarif, `"uri": "../`) || strings.Contains(sarif, `"uri":"../`) {
		t.Errorf("SARIF has a location outside the repository:\n%s", sarif)
	}
	log := parseSARIF(t, sarif)
	for _, res := range log.Runs[0].Results {
		if res.RuleID != "LSL-001" {
			continue
		}
		if uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "stacks/app/main.tf" {
			t.Errorf("LSL-001 placed at %q, want its module call", uri)
		}
	}
	if !strings.Contains(sarif, `Declared in module source \"../../../shared/modules/lambda\", main.tf:24-168`) {
		t.Errorf("SARIF message does not name the block in its module:\n%s", sarif)
	}
}
