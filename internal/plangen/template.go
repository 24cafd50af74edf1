// Package plangen writes synthetic Terraform plan JSON (the `terraform show
// -json` format) of any size by replicating real template plans under
// for_each module instances: module.tenant["<key>"].module.<template>.…
//
// Every replica keeps the template's shape (nested modules, count and
// for_each instances, values unknown at plan time, IAM policy documents,
// security group rules), so the boundary model has the same work to do per
// replica as on the template. The configuration is shared by all replicas,
// as it is for a real for_each module, so its references stay valid.
package plangen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Template is one parsed template plan.
type Template struct {
	// Name is the module call the template's root becomes inside each
	// tenant, e.g. "reference" → module.tenant["t00001"].module.reference.
	Name string
	doc  map[string]any
}

var validName = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// LoadTemplate decodes a plan JSON document to be replicated. name must be a
// valid module call name.
func LoadTemplate(name string, r io.Reader) (*Template, error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("template name %q: use lowercase letters, digits, - and _", name)
	}
	dec := json.NewDecoder(r)
	dec.UseNumber() // keep numbers exactly as terraform wrote them
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("template %s: decode plan JSON: %w", name, err)
	}
	if _, ok := doc["resource_changes"].([]any); !ok {
		return nil, fmt.Errorf("template %s: no resource_changes: pass the output of `terraform show -json tfplan`", name)
	}
	cfg, _ := doc["configuration"].(map[string]any)
	if _, ok := cfg["root_module"].(map[string]any); !ok {
		return nil, fmt.Errorf("template %s: no configuration.root_module: pass a plan, not a state file", name)
	}
	return &Template{Name: name, doc: doc}, nil
}

// ResourceChanges is how many resource_changes one replica of t adds.
func (t *Template) ResourceChanges() int {
	rc, _ := t.doc["resource_changes"].([]any)
	return len(rc)
}

// TypeCounts counts the template's resource_changes by resource type, so a
// caller can predict the counts of a generated plan (replicas × count).
func (t *Template) TypeCounts() map[string]int {
	out := map[string]int{}
	rc, _ := t.doc["resource_changes"].([]any)
	for _, c := range rc {
		if m, ok := c.(map[string]any); ok {
			if typ, ok := m["type"].(string); ok {
				out[typ]++
			}
		}
	}
	return out
}

// variables returns the template's root variable values, by name.
func (t *Template) variables() map[string]any {
	v, _ := t.doc["variables"].(map[string]any)
	return v
}

// NameToken guesses the string the template's resource names are built
// from: the value of a root variable called "name", else the word most
// names AWS keeps unique begin with (namePrefix), or "" when there is
// none. Without it every replica would carry the same role, secret and
// queue names, which AWS refuses in one account and region, and joins by
// name would link every replica's policies to the first replica's role.
func (t *Template) NameToken() string {
	if v, ok := t.variables()["name"].(map[string]any); ok {
		if s, ok := v["value"].(string); ok {
			return s
		}
	}
	return t.namePrefix()
}

// uniqueNames: resource types whose name AWS keeps unique per account (and
// region), with the attributes that hold the name.
var uniqueNames = map[string][]string{
	"aws_iam_role": {"name"}, "aws_iam_policy": {"name"}, "aws_iam_user": {"name"},
	"aws_secretsmanager_secret": {"name"}, "aws_sqs_queue": {"name"}, "aws_sns_topic": {"name"},
	"aws_dynamodb_table": {"name"}, "aws_lambda_function": {"function_name"},
	"aws_rds_cluster": {"cluster_identifier"}, "aws_db_instance": {"identifier"},
	"aws_db_proxy": {"name"}, "aws_sfn_state_machine": {"name"}, "aws_ssm_parameter": {"name"},
}

// namePrefix is the leading word (up to - _ . /) that most names of
// uniqueNames resources share, when at least two share it.
func (t *Template) namePrefix() string {
	counts := map[string]int{}
	rc, _ := t.doc["resource_changes"].([]any)
	for _, c := range rc {
		m, _ := c.(map[string]any)
		typ, _ := m["type"].(string)
		change, _ := m["change"].(map[string]any)
		after, _ := change["after"].(map[string]any)
		for _, attr := range uniqueNames[typ] {
			name, _ := after[attr].(string)
			if i := strings.IndexAny(name, "-_./"); i >= 0 {
				name = name[:i]
			}
			if len(name) >= 3 {
				counts[name]++
			}
		}
	}
	best, n := "", 1
	for w, c := range counts {
		if c > n || (c == n && c > 1 && w < best) {
			best, n = w, c
		}
	}
	return best
}

func (t *Template) str(key string) string {
	s, _ := t.doc[key].(string)
	return s
}

// marshal encodes v the way terraform does (encoding/json, sorted keys).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
