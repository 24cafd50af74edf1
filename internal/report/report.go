// Package report holds the result of a check: findings, waived findings and
// the summary. Its JSON form is the stable contract users script against.
package report

import (
	"sort"

	"github.com/letsleep/letsleep/internal/model"
)

// Severities, most severe first.
var Severities = []string{"critical", "high", "medium", "low", "info"}

// Rank orders severities: critical is 5, info is 1, unknown is 0.
func Rank(sev string) int {
	for i, s := range Severities {
		if s == sev {
			return len(Severities) - i
		}
	}
	return 0
}

// Finding is one violated boundary, placed on one resource.
type Finding struct {
	Rule        string       `json:"rule"`
	Category    string       `json:"category"`
	Severity    string       `json:"severity"`
	Resource    string       `json:"resource"`
	Title       string       `json:"title"`
	Message     string       `json:"message"`
	Path        []model.Step `json:"path"`
	Remediation string       `json:"remediation"`
	// Unresolved is true when the finding rests on a reference that could not
	// be resolved at plan time and was assumed conservatively.
	Unresolved bool `json:"unresolved,omitempty"`
	// Assumptions lists what the finding rests on that letsleep could not
	// know, and what it assumed instead; empty (never null) when the finding
	// is a fact. A finding with assumptions is never above MaxAssumedSeverity.
	Assumptions []model.Assumption `json:"assumptions"`
	Source      string             `json:"source,omitempty"` // the plan it came from
	// Location is where the resource is declared in the Terraform sources,
	// when the sources were read (a directory check, or --source). Nil when
	// the sources are not available.
	Location *Location `json:"location,omitempty"`
}

// Location places a finding in the Terraform sources. File is relative to
// the source root (forward slashes), lines are 1-based and inclusive and span
// the whole resource block. For a resource inside a module, Call is the
// module-call block in the root module that instantiates it (outermost call).
type Location struct {
	File      string    `json:"file"`
	StartLine int       `json:"start_line"`
	EndLine   int       `json:"end_line"`
	Call      *Location `json:"module_call,omitempty"`
	// ModuleSource and ModuleFile name a block inside a module by the
	// source argument of its module call and its file in that module, for
	// a File outside the source root (a registry module under .terraform/,
	// a local module above the repository).
	ModuleSource string `json:"module_source,omitempty"`
	ModuleFile   string `json:"module_file,omitempty"`
	// ModuleVersion is the version the module call pins, if it writes one.
	ModuleVersion string `json:"module_version,omitempty"`
}

// KindInSource marks a waiver that is a `letsleep:ignore` comment in the
// Terraform sources (SARIF's suppression kind "inSource"); waivers from the
// waivers file have no kind.
const KindInSource = "inSource"

// Waiver is the waiver that suppressed a finding: an entry of the waivers
// file, or a `letsleep:ignore` comment in the sources (Kind "inSource",
// Source its file:line).
type Waiver struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
	Expires  string `json:"expires"` // YYYY-MM-DD
	Kind     string `json:"kind,omitempty"`
	Source   string `json:"source,omitempty"`
}

// WaivedFinding is a finding kept out of the verdict by a live waiver.
type WaivedFinding struct {
	Finding
	Waiver Waiver `json:"waiver"`
}

// Notice is a warning about the run itself: an expired waiver, a plan format
// read on best effort, something that could not be analysed.
type Notice struct {
	Kind    string `json:"kind"`
	Source  string `json:"source,omitempty"`
	Address string `json:"address,omitempty"`
	Message string `json:"message"`
}

// PlanRef identifies one checked plan.
type PlanRef struct {
	Source           string `json:"source"`
	TerraformVersion string `json:"terraform_version"`
	FormatVersion    string `json:"format_version"`
}

// Summary counts findings and states the verdict.
type Summary struct {
	Total      int            `json:"total"`
	BySeverity map[string]int `json:"by_severity"`
	ByCategory map[string]int `json:"by_category"`
	Waived     int            `json:"waived"`
	// Suppressed counts the waived findings waived by a comment in the
	// sources (they are part of Waived).
	Suppressed int    `json:"suppressed_in_source"`
	FailOn     string `json:"fail_on"`
	Profile    string `json:"profile"`
	Failed     bool   `json:"failed"`
	// Analysed states what the checks looked at, so that "no findings"
	// never hides "nothing was read".
	Analysed Analysed `json:"analysed"`
}

// Analysed counts what the checked plans held, summed over the plans.
type Analysed struct {
	Resources      int `json:"resources"`     // managed resources in the plans
	AWSResources   int `json:"aws_resources"` // of those, of the AWS provider
	Functions      int `json:"functions"`
	Databases      int `json:"databases"`
	SecurityGroups int `json:"security_groups"`
	Roles          int `json:"roles"` // IAM roles, users and groups
	// NotRead counts managed resources per provider letsleep does not read
	// (google, azurerm, null…); empty when every resource is AWS.
	NotRead map[string]int `json:"not_read"`
}

// Report is the whole result of `letsleep check`.
type Report struct {
	Findings []Finding       `json:"findings"`
	Waived   []WaivedFinding `json:"waived"`
	Warnings []Notice        `json:"warnings"`
	Summary  Summary         `json:"summary"`
	Plan     PlanRef         `json:"plan"`  // the first plan checked
	Plans    []PlanRef       `json:"plans"` // every plan checked, in argument order
}

// MaxAssumedSeverity is the highest severity a finding that rests on an
// assumption may have: a worst-case guess fails the run at the default
// threshold, but is never reported as a critical or high fact.
const MaxAssumedSeverity = "medium"

// CategoryUnanalysed is the category of findings about what could not be analysed.
const CategoryUnanalysed = "unanalysed"

// Less orders findings: most severe first, then rule, resource, message, source.
func Less(a, b Finding) bool {
	if ra, rb := Rank(a.Severity), Rank(b.Severity); ra != rb {
		return ra > rb
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	if a.Resource != b.Resource {
		return a.Resource < b.Resource
	}
	if a.Message != b.Message {
		return a.Message < b.Message
	}
	return a.Source < b.Source
}

// Sort orders findings deterministically.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return Less(fs[i], fs[j]) })
}
