// Package labiam is the lab's own IAM: an evaluator that reads a plan's
// roles, policies and resource policies straight from `terraform show
// -json` (not from the checker's boundary model, and with none of the
// checker's grant code), gives every resource the identity an apply would
// give it in the lab's account, and decides each call the way AWS's policy
// evaluation logic does (explicit deny wins, then an allow from an identity
// or a same-account resource policy, else an implicit deny).
//
// The lab's AWS stand-ins authenticate each caller by its access key (one
// per function runtime, mapped to the function's execution role) and ask
// this package whether the call is allowed, so an IAM path in a plan shows
// up as a call the lab really answered.
//
// What the plan leaves unknown (a policy that references something created
// at apply, a condition this package does not evaluate, a managed policy it
// does not know) is never guessed silently: each decision carries the
// assumptions it rests on, and an unknown errs open for an allow and closed
// for a deny (it can only reveal a path, never hide one), as the lab does
// for unresolved security-group peers.
package labiam

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Policy is a parsed IAM policy document.
type Policy struct {
	Source     string // where it came from: a resource address, an ARN
	Statements []Statement
	// Unknown is set when the document is not known at plan time and was
	// rebuilt or assumed; it says how.
	Unknown string
}

// Statement is one statement of a policy.
type Statement struct {
	Sid         string
	Effect      string // Allow | Deny
	Action      []string
	NotAction   []string
	Resource    []Value
	NotResource []Value
	// Principal and NotPrincipal: type ("AWS", "Service", "*", ...) → values.
	Principal    map[string][]string
	NotPrincipal map[string][]string
	// Conditions lists the condition keys the statement tests, as
	// "Operator key"; this package evaluates none of them.
	Conditions []string
	// AnyAction is set on an assumed statement that stands for a document
	// the plan does not show: it may name any action.
	AnyAction bool
}

// Value is a resource (or principal) pattern; Unknown when the plan does not
// know it, with Why saying what it was taken to be.
type Value struct {
	Pattern string
	Unknown bool
	Why     string
}

// ParsePolicy reads a policy document (JSON) as AWS does: Statement may be
// one object or a list, and Action, Resource and the principal values may
// each be a string or a list of strings.
func ParsePolicy(source, doc string) (*Policy, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("%s: policy is not JSON: %w", source, err)
	}
	var list []map[string]json.RawMessage
	if len(raw.Statement) > 0 && raw.Statement[0] == '{' {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("%s: Statement: %w", source, err)
		}
		list = append(list, one)
	} else if len(raw.Statement) > 0 {
		if err := json.Unmarshal(raw.Statement, &list); err != nil {
			return nil, fmt.Errorf("%s: Statement: %w", source, err)
		}
	}
	p := &Policy{Source: source}
	for i, s := range list {
		st, err := parseStatement(s)
		if err != nil {
			return nil, fmt.Errorf("%s: statement %d: %w", source, i, err)
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(s map[string]json.RawMessage) (Statement, error) {
	var st Statement
	for key, raw := range s {
		var err error
		switch key {
		case "Sid":
			err = json.Unmarshal(raw, &st.Sid)
		case "Effect":
			err = json.Unmarshal(raw, &st.Effect)
		case "Action":
			st.Action, err = strings1(raw)
		case "NotAction":
			st.NotAction, err = strings1(raw)
		case "Resource":
			st.Resource, err = values(raw)
		case "NotResource":
			st.NotResource, err = values(raw)
		case "Principal":
			st.Principal, err = principals(raw)
		case "NotPrincipal":
			st.NotPrincipal, err = principals(raw)
		case "Condition":
			st.Conditions, err = conditions(raw)
		}
		if err != nil {
			return st, fmt.Errorf("%s: %w", key, err)
		}
	}
	if st.Effect != "Allow" && st.Effect != "Deny" {
		return st, fmt.Errorf("Effect %q: want Allow or Deny", st.Effect)
	}
	return st, nil
}

// strings1 reads a string or a list of strings.
func strings1(raw json.RawMessage) ([]string, error) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings")
	}
	return many, nil
}

func values(raw json.RawMessage) ([]Value, error) {
	ss, err := strings1(raw)
	var out []Value
	for _, s := range ss {
		out = append(out, Value{Pattern: s})
	}
	return out, err
}

// principals reads "*" (everyone) or {"AWS": ..., "Service": ...}.
func principals(raw json.RawMessage) (map[string][]string, error) {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf("%q: want \"*\" or an object", star)
		}
		return map[string][]string{"*": {"*"}}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("want \"*\" or an object")
	}
	out := map[string][]string{}
	for typ, v := range m {
		ss, err := strings1(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
		out[typ] = ss
	}
	return out, nil
}

// conditions lists "Operator key" for every test of a Condition block.
func conditions(raw json.RawMessage) ([]string, error) {
	var m map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("want {operator: {key: value}}")
	}
	var out []string
	for op, keys := range m {
		for k := range keys {
			out = append(out, op+" "+k)
		}
	}
	sort.Strings(out)
	return out, nil
}
