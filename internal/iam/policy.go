// Package iam parses IAM policy documents in every legal shape and answers
// which notable actions they allow on which resources, with NotAction,
// NotResource, wildcards and Deny precedence.
package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Policy is a parsed policy document.
type Policy struct {
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one statement with every string-or-list field as a list.
type Statement struct {
	Index        int // position in the document's Statement list
	Sid          string
	Effect       string // Allow or Deny
	Principal    *Principal
	NotPrincipal *Principal
	Actions      []string
	NotActions   []string
	Resources    []string
	NotResources []string
	// Conditional is true when a Condition block is present: letsleep treats
	// conditions as "may apply".
	Conditional bool
}

// Principal is the Principal (or NotPrincipal) element.
type Principal struct {
	Wildcard      bool // "Principal": "*"
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Public reports whether the principal is anyone: "*" or {"AWS": "*"}.
func (p *Principal) Public() bool {
	if p == nil {
		return false
	}
	if p.Wildcard {
		return true
	}
	for _, a := range p.AWS {
		if a == "*" {
			return true
		}
	}
	return false
}

// ParseError is a problem in a policy document. Index is the statement
// index, or -1 for the document itself.
type ParseError struct {
	Index int
	Sid   string
	Msg   string
}

func (e *ParseError) Error() string {
	if e.Index < 0 {
		return "policy document: " + e.Msg
	}
	if e.Sid != "" {
		return fmt.Sprintf("statement %d (%s): %s", e.Index, e.Sid, e.Msg)
	}
	return fmt.Sprintf("statement %d: %s", e.Index, e.Msg)
}

var docKeys = map[string]bool{"Version": true, "Id": true, "Statement": true}
var stmtKeys = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true, "Condition": true,
}

// Parse parses a policy document. A statement with an error is skipped and
// reported; the rest of the document is still returned. The policy is nil
// only when the document as a whole cannot be read.
func Parse(data []byte) (*Policy, []error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, []error{&ParseError{Index: -1, Msg: "empty document"}}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, []error{&ParseError{Index: -1, Msg: "invalid JSON: " + err.Error()}}
	}
	var errs []error
	p := &Policy{}
	for _, k := range sortedKeys(raw) {
		if !docKeys[k] {
			errs = append(errs, &ParseError{Index: -1, Msg: fmt.Sprintf("unknown top-level key %q (want Version, Id, Statement)", k)})
		}
	}
	_ = json.Unmarshal(raw["Version"], &p.Version)
	_ = json.Unmarshal(raw["Id"], &p.ID)
	stmts, err := statementList(raw["Statement"])
	if err != nil {
		return nil, append(errs, &ParseError{Index: -1, Msg: err.Error()})
	}
	for i, rs := range stmts {
		st, serr := parseStatement(i, rs)
		if serr != nil {
			errs = append(errs, serr)
			continue
		}
		p.Statements = append(p.Statements, st)
	}
	return p, errs
}

// statementList accepts Statement as one object or a list of objects.
func statementList(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, fmt.Errorf("no Statement")
	}
	if raw[0] == '{' {
		return []json.RawMessage{raw}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("Statement must be an object or a list of objects")
	}
	return list, nil
}

func parseStatement(i int, raw json.RawMessage) (Statement, error) {
	st := Statement{Index: i}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return st, &ParseError{Index: i, Msg: "statement is not an object"}
	}
	_ = json.Unmarshal(m["Sid"], &st.Sid)
	fail := func(format string, args ...any) (Statement, error) {
		return st, &ParseError{Index: i, Sid: st.Sid, Msg: fmt.Sprintf(format, args...)}
	}
	for _, k := range sortedKeys(m) {
		if !stmtKeys[k] {
			return fail("unknown key %q", k)
		}
	}
	if err := json.Unmarshal(m["Effect"], &st.Effect); err != nil || (st.Effect != "Allow" && st.Effect != "Deny") {
		return fail("Effect must be \"Allow\" or \"Deny\"")
	}
	var err error
	fields := []struct {
		key string
		dst *[]string
	}{{"Action", &st.Actions}, {"NotAction", &st.NotActions}, {"Resource", &st.Resources}, {"NotResource", &st.NotResources}}
	for _, f := range fields {
		if *f.dst, err = stringOrList(m[f.key]); err != nil {
			return fail("%s: %v", f.key, err)
		}
	}
	_, hasA := m["Action"]
	_, hasNA := m["NotAction"]
	switch {
	case hasA && hasNA:
		return fail("has both Action and NotAction")
	case !hasA && !hasNA:
		return fail("has neither Action nor NotAction")
	}
	_, hasR := m["Resource"]
	_, hasNR := m["NotResource"]
	if hasR && hasNR {
		return fail("has both Resource and NotResource")
	}
	if st.Principal, err = parsePrincipal(m["Principal"]); err != nil {
		return fail("Principal: %v", err)
	}
	if st.NotPrincipal, err = parsePrincipal(m["NotPrincipal"]); err != nil {
		return fail("NotPrincipal: %v", err)
	}
	if c := bytes.TrimSpace(m["Condition"]); len(c) > 0 && !bytes.Equal(c, []byte("null")) && !bytes.Equal(c, []byte("{}")) {
		st.Conditional = true
	}
	return st, nil
}

func stringOrList(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("must be a string or a list of strings")
	}
	return list, nil
}

func parsePrincipal(raw json.RawMessage) (*Principal, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		if s != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\"")
		}
		return &Principal{Wildcard: true}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("must be \"*\" or an object")
	}
	p := &Principal{}
	for _, k := range sortedKeys(m) {
		vals, err := stringOrList(m[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		switch k {
		case "AWS":
			p.AWS = vals
		case "Service":
			p.Service = vals
		case "Federated":
			p.Federated = vals
		case "CanonicalUser":
			p.CanonicalUser = vals
		default:
			return nil, fmt.Errorf("unknown principal type %q", k)
		}
	}
	return p, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CoversAction reports whether the statement applies to action (Action
// patterns match it, or NotAction patterns do not).
func (s *Statement) CoversAction(action string) bool {
	if len(s.NotActions) > 0 {
		for _, p := range s.NotActions {
			if MatchFold(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Actions {
		if MatchFold(p, action) {
			return true
		}
	}
	return false
}

// CoversResource reports whether the statement applies to the ARN.
func (s *Statement) CoversResource(arn string) bool {
	if len(s.NotResources) > 0 {
		for _, p := range s.NotResources {
			if Match(p, arn) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Resources {
		if Match(p, arn) {
			return true
		}
	}
	return false
}

// CoversPattern reports whether the statement applies to every resource a
// pattern names (used for Deny over an Allow's pattern). With NotResource it
// does so only when no exempted resource can fall inside the pattern: `*0`
// and `0*` share "0", so a Deny exempting `0*` leaves `*0` partly allowed.
func (s *Statement) CoversPattern(pattern string) bool {
	if len(s.NotResources) > 0 {
		for _, p := range s.NotResources {
			if Overlap(p, pattern, false) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Resources {
		if Covers(p, pattern, false) {
			return true
		}
	}
	return false
}

// IsAdmin reports whether an Allow statement grants every action on every
// resource ("*" or "*:*" on "*").
func (s *Statement) IsAdmin() bool {
	if s.Effect != "Allow" || len(s.NotActions) > 0 {
		return false
	}
	all := false
	for _, a := range s.Actions {
		if a == "*" || a == "*:*" {
			all = true
		}
	}
	if !all {
		return false
	}
	if len(s.NotResources) > 0 {
		return false
	}
	for _, r := range s.Resources {
		if r == "*" {
			return true
		}
	}
	return false
}

// Service returns the service prefix of an action ("rds-data" of
// "rds-data:ExecuteStatement"), lower-cased.
func Service(action string) string {
	svc, _, _ := strings.Cut(action, ":")
	return strings.ToLower(svc)
}
