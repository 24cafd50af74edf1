package iam

import "strings"

// Notable actions: the permissions the boundary checks care about. Each is
// the canonical name a Grant carries.
const (
	ActionSecretRead = "secretsmanager:GetSecretValue"
	ActionDataAPI    = "rds-data:ExecuteStatement" // stands for any rds-data action
	ActionDBConnect  = "rds-db:connect"
	ActionInvoke     = "lambda:InvokeFunction"
	ActionSSMRead    = "ssm:GetParameter" // stands for every action that reads a parameter's value
	ActionS3Read     = "s3:GetObject"
	ActionAdmin      = "*" // every action on every resource
)

// Notable lists the canonical notable actions in a fixed order.
var Notable = []string{ActionAdmin, ActionSecretRead, ActionDataAPI, ActionDBConnect, ActionInvoke, ActionS3Read, ActionSSMRead}

// SSMReadActions read a parameter's value, SecureString decrypted with
// WithDecryption (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html).
var SSMReadActions = []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"}

// DataAPIActions are every rds-data action; any of them counts as Data API
// access (https://docs.aws.amazon.com/service-authorization/latest/reference/list_rds-data.html).
var DataAPIActions = []string{
	"rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction",
	"rds-data:ExecuteSql", "rds-data:ExecuteStatement", "rds-data:RollbackTransaction",
}

// actionsFor expands a canonical notable action into the concrete actions
// that stand for it.
func actionsFor(canonical string) []string {
	switch canonical {
	case ActionDataAPI:
		return DataAPIActions
	case ActionSSMRead:
		return SSMReadActions
	}
	return []string{canonical}
}

// Matches reports whether the statement applies to the canonical notable
// action (for "*": whether it is an admin statement).
func (s *Statement) Matches(canonical string) bool {
	if canonical == ActionAdmin {
		return s.IsAdmin()
	}
	for _, a := range actionsFor(canonical) {
		if s.CoversAction(a) {
			return true
		}
	}
	return false
}

// Allowance is one Allow statement that grants a notable action on a
// resource pattern, after Deny precedence.
type Allowance struct {
	Action    string // canonical action
	Statement int    // index into the statement slice given to Allowances
	Pattern   string // the resource pattern as granted; "*" for NotResource
	// NotResource is true when the grant is "everything except" a list.
	NotResource bool
	// Conditional: the Allow has a Condition, or a conditional Deny may
	// remove it. Either way the grant may or may not apply.
	Conditional bool
	// MaybeDeniedBy is the index of a conditional Deny covering it, or -1.
	MaybeDeniedBy int
}

// Allowances lists the grants of a canonical notable action in stmts. An
// unconditional Deny that covers the action and the whole pattern removes
// the grant; a conditional Deny only marks it.
func Allowances(stmts []Statement, canonical string) []Allowance {
	var out []Allowance
	for i := range stmts {
		s := &stmts[i]
		if s.Effect != "Allow" || !s.Matches(canonical) {
			continue
		}
		patterns := s.Resources
		notRes := false
		if len(s.NotResources) > 0 || len(s.Resources) == 0 {
			patterns = []string{"*"}
			notRes = len(s.NotResources) > 0
		}
		for _, p := range patterns {
			a := Allowance{Action: canonical, Statement: i, Pattern: p, NotResource: notRes, Conditional: s.Conditional, MaybeDeniedBy: -1}
			denied := false
			for j := range stmts {
				d := &stmts[j]
				if d.Effect != "Deny" || !denyCoversAction(d, canonical) || notRes || !d.CoversPattern(p) {
					continue
				}
				if d.Conditional {
					a.Conditional = true
					a.MaybeDeniedBy = j
					continue
				}
				denied = true
				break
			}
			if denied {
				continue
			}
			for _, np := range narrowByNotResource(stmts, canonical, p, notRes) {
				b := a
				b.Pattern = np
				out = append(out, b)
			}
		}
	}
	return out
}

// denyCoversAction: a Deny removes a notable grant only if it covers every
// concrete action that stands for it (for admin, only a Deny on "*").
func denyCoversAction(d *Statement, canonical string) bool {
	if canonical == ActionAdmin {
		return d.Matches(ActionAdmin) || (len(d.NotActions) == 0 && containsStr(d.Actions, "*"))
	}
	for _, a := range actionsFor(canonical) {
		if !d.CoversAction(a) {
			return false
		}
	}
	return true
}

// DeniedFor reports whether an explicit Deny in stmts covers the canonical
// action on a specific ARN: denied (unconditional) or maybe (conditional).
func DeniedFor(stmts []Statement, canonical, arn string) (denied, maybe bool) {
	for i := range stmts {
		d := &stmts[i]
		if d.Effect != "Deny" || !denyCoversAction(d, canonical) || !d.CoversResource(arn) {
			continue
		}
		if d.Conditional {
			maybe = true
			continue
		}
		return true, false
	}
	return false, maybe
}

// Broad reports whether a resource pattern spans many resources: "*", or a
// wildcard anywhere in the resource part of an ARN (but a secret's
// six-character suffix, NAME-??????, names one secret).
func Broad(pattern string) bool {
	if pattern == "*" {
		return true
	}
	// AWS appends six random characters to every secret's ARN; the
	// documented way to name exactly one secret is NAME-?????? (six '?'
	// match those six characters only), so that suffix is not breadth.
	if strings.Contains(pattern, ":secret:") && strings.HasSuffix(pattern, "-??????") {
		pattern = strings.TrimSuffix(pattern, "??????")
	}
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' || pattern[i] == '?' {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// narrowByNotResource applies every unconditional "Deny, NotResource R":
// it denies everything but R, so an Allow on p is left with exactly the
// parts of R that p reaches. The result lists the patterns still allowed
// (p itself when no such Deny applies; none when R and p are disjoint).
func narrowByNotResource(stmts []Statement, canonical, p string, allowNotRes bool) []string {
	patterns := []string{p}
	for j := range stmts {
		d := &stmts[j]
		if d.Effect != "Deny" || d.Conditional || len(d.NotResources) == 0 || len(d.Resources) > 0 || !denyCoversAction(d, canonical) {
			continue
		}
		var next []string
		for _, q := range patterns {
			for _, nr := range d.NotResources {
				switch {
				case allowNotRes:
					// "everything except X" meets "everything except R":
					// R less X; X is not subtracted here, callers exclude
					// it per target.
					next = append(next, nr)
				case Covers(q, nr, false):
					next = append(next, nr)
				case Covers(nr, q, false):
					next = append(next, q)
				case Overlap(q, nr, false):
					next = append(next, q) // partial overlap: keep the Allow's own pattern
				}
			}
		}
		patterns = next
	}
	return dedupe(patterns)
}

func dedupe(l []string) []string {
	seen := map[string]bool{}
	out := l[:0]
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
