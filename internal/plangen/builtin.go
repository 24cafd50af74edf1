package plangen

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
)

// Snapshots of real offline plans (terraform 1.11.4, AWS provider 5.100.0):
// reference.json is the reference stack (terraform/stacks/reference) and
// devstack.json is bench/devstack, which adds the security group rule forms
// the reference does not use (inline blocks, aws_security_group_rule) and
// count/for_each on modules. scripts/bench.sh replans the live reference.
//
//go:embed templates/*.json
var embedded embed.FS

// Builtin returns the embedded templates, sorted by name.
func Builtin() ([]*Template, error) {
	entries, err := embedded.ReadDir("templates")
	if err != nil {
		return nil, fmt.Errorf("read embedded templates: %w", err)
	}
	var out []*Template
	for _, e := range entries {
		data, err := embedded.ReadFile("templates/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read embedded template %s: %w", e.Name(), err)
		}
		t, err := LoadTemplate(strings.TrimSuffix(e.Name(), ".json"), bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return sortedTemplates(out), nil
}
