package badinput

import (
	"path/filepath"
	"testing"
)

// TestConfigFileErrors: a bad --config file exits 2 with file:line.
func TestConfigFileErrors(t *testing.T) {
	t.Parallel()
	plan := cleanPlan(t)
	cases := []struct {
		name, body string
		want       inputErr
	}{
		{"unknown role", "roles:\n  - match: \"aws_lambda_function.*\"\n    role: hot\n  - match: \"module.admin.*\"\n    role: superuser\n",
			inputErr{matches: []string{`^letsleep: load config: \S+:4: .*unknown role "superuser" \(want one of control, egress, hot, viewer, warmup\)`}}},
		{"unknown key", "roles:\n  - match: \"*\"\n    rol: hot\n",
			inputErr{matches: []string{`^letsleep: load config: \S+:3: .*unknown key "rol"`}}},
		{"not YAML", "roles: [\n",
			inputErr{matches: []string{`^letsleep: load config: \S+config\.yaml: `}}},
		{"entry without match", "roles:\n  - role: hot\n",
			inputErr{matches: []string{`^letsleep: load config: \S+:2: .*no .match. pattern`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := writeFile(t, "config.yaml", []byte(tc.body))
			res := run(t, runOpts{}, "check", "--config", file, plan)
			assertInputErr(t, res, file, tc.want)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		file := filepath.Join(t.TempDir(), "letsleep.yaml")
		res := run(t, runOpts{}, "check", "--config", file, plan)
		assertInputErr(t, res, file, inputErr{})
	})
}
