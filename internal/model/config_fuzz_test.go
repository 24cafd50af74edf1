package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

// FuzzParseConfig: the --config parser never panics, every error wraps
// ErrConfig and names the file first, and an accepted rule is complete.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("roles:\n  - match: \"module.api.aws_lambda_function.*\"\n    role: hot\n"))
	f.Add([]byte("roles:\n  - {match: \"aws_lambda_function.x[0]\", role: control}\n  - match: \"*\"\n    role: viewer\n"))
	f.Add([]byte("roles: {}\n"))
	f.Add([]byte("roles:\n  - match: x\n    role: admin\n"))
	f.Add([]byte("- a\n"))
	f.Add([]byte("roles: [&a {match: *a}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := model.ParseConfig("letsleep.yaml", data)
		if err != nil {
			if !errors.Is(err, model.ErrConfig) {
				t.Fatalf("error does not wrap ErrConfig: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "letsleep.yaml") {
				t.Fatalf("error does not name the file first: %v", err)
			}
			return
		}
		for _, r := range cfg.Roles {
			if r.Match == "" || !model.ValidRole(r.Role) || r.Line < 1 {
				t.Fatalf("incomplete rule accepted: %+v", r)
			}
		}
	})
}
