package model

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
	"gopkg.in/yaml.v3"

	"github.com/letsleep/letsleep/internal/readlimit"
)

// ErrConfig marks a bad --config file (the CLI exits 2).
var ErrConfig = errors.New("config error")

// Config is the user's --config file: address patterns mapped to roles.
type Config struct {
	Roles []RoleRule `yaml:"roles"`
}

// RoleRule assigns Role to every function whose address matches Match: a
// wildcard over the full address where `*` spans any run (dots and brackets
// included) and `?` one character; `[` and `]` are literal, so
// `aws_lambda_function.api[0]` matches itself.
type RoleRule struct {
	Match string `yaml:"match"`
	Role  string `yaml:"role"`
	Line  int    `yaml:"-"`
}

var validRoles = []string{RoleControl, RoleEgress, RoleHot, RoleViewer, RoleWarmup}

// ValidRole tells whether name is one of the declared function roles.
func ValidRole(name string) bool { return contains(validRoles, name) }

// LoadConfig reads and validates a YAML config file. Errors name the file
// and line and wrap ErrConfig.
func LoadConfig(path string) (*Config, error) {
	data, err := readlimit.ReadFile(path, readlimit.Config)
	if errors.Is(err, readlimit.ErrTooLarge) {
		return nil, fmt.Errorf("%s: %w: %s", path, ErrConfig, strings.TrimPrefix(err.Error(), path+": "))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w: cannot read it (%v); pass an existing YAML file to --config", path, ErrConfig, errors.Unwrap(err))
	}
	if data, err = readlimit.UTF8(path, data); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", path, ErrConfig, strings.TrimPrefix(err.Error(), path+": "))
	}
	cfg, err := ParseConfig(path, data)
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// ParseConfig parses config YAML; name is used in errors.
func ParseConfig(name string, data []byte) (Config, error) {
	var cfg Config
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return cfg, fmt.Errorf("%s: %w: not valid YAML (%s); fix the syntax", name, ErrConfig, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(root.Content) == 0 {
		return cfg, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return cfg, fmt.Errorf("%s:%d: %w: expected a mapping with a `roles` list", name, doc.Line, ErrConfig)
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Value != "roles" {
			return cfg, fmt.Errorf("%s:%d: %w: unknown key %q (want `roles`)", name, k.Line, ErrConfig, k.Value)
		}
		if v.Kind != yaml.SequenceNode {
			return cfg, fmt.Errorf("%s:%d: %w: `roles` must be a list of {match, role}", name, v.Line, ErrConfig)
		}
		for _, item := range v.Content {
			var rule RoleRule
			if item.Kind != yaml.MappingNode {
				return cfg, fmt.Errorf("%s:%d: %w: each role entry must be a mapping {match, role}", name, item.Line, ErrConfig)
			}
			for j := 0; j+1 < len(item.Content); j += 2 {
				fk, fv := item.Content[j], item.Content[j+1]
				switch fk.Value {
				case "match":
					rule.Match = fv.Value
				case "role":
					rule.Role = fv.Value
				default:
					return cfg, fmt.Errorf("%s:%d: %w: unknown key %q in a role entry (want match, role)", name, fk.Line, ErrConfig, fk.Value)
				}
			}
			rule.Line = item.Line
			if rule.Match == "" {
				return cfg, fmt.Errorf("%s:%d: %w: role entry has no `match` pattern; add `match: <address glob>`", name, item.Line, ErrConfig)
			}
			if !ValidRole(rule.Role) {
				return cfg, fmt.Errorf("%s:%d: %w: unknown role %q (want one of %s)", name, item.Line, ErrConfig, rule.Role, strings.Join(validRoles, ", "))
			}
			cfg.Roles = append(cfg.Roles, rule)
		}
	}
	return cfg, nil
}

// roleFor returns the role of the first rule matching addr.
func (c Config) roleFor(addr string) string {
	for _, r := range c.Roles {
		if iam.Match(r.Match, addr) {
			return r.Role
		}
	}
	return ""
}
