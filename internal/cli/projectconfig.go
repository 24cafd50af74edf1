package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/letsleep/letsleep/internal/readlimit"
)

// projectConfigName is the settings file found by walking up from the
// working directory, as .checkov.yaml or trivy.yaml are.
const projectConfigName = ".letsleep.yaml"

// projectConfig is .letsleep.yaml. Paths in it are relative to the file.
// Flags given on the command line win over it.
type projectConfig struct {
	FailOn   string   `yaml:"fail-on"`
	Profile  string   `yaml:"profile"`
	Policies []string `yaml:"policies"`
	Waivers  string   `yaml:"waivers"`
	Config   string   `yaml:"config"` // the boundary config (--config)
	Strict   *bool    `yaml:"strict"`
	Skip     []string `yaml:"skip"`
	Only     []string `yaml:"only"`

	path string
}

// findProjectConfig walks up from dir to the filesystem root and returns
// the first .letsleep.yaml, or "" when there is none.
func findProjectConfig(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, projectConfigName)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// loadProjectConfig reads the .letsleep.yaml that applies to the working
// directory; nil when there is none. Unknown keys are errors (with the
// line), so a misspelt setting is not silently ignored.
func loadProjectConfig() (*projectConfig, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, nil
	}
	path := findProjectConfig(wd)
	if path == "" {
		return nil, nil
	}
	data, err := readlimit.ReadFile(path, readlimit.Config)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	c := &projectConfig{path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %v: the keys are fail-on, profile, policies, waivers, config, strict, skip, only", path, err)
	}
	return c, nil
}

// rel makes a path from the file relative to the file's directory.
func (c *projectConfig) rel(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(c.path), p)
}

// applyProjectConfig fills every flag the user did not give from the file.
// Values go through the flags' own parsing, so a bad value in the file gets
// the same message as on the command line, naming the file.
func applyProjectConfig(cmd *cobra.Command, c *projectConfig) error {
	if c == nil {
		return nil
	}
	set := func(name string, values ...string) error {
		f := cmd.Flags().Lookup(name)
		if f == nil || f.Changed {
			return nil
		}
		for _, v := range values {
			if v == "" {
				continue
			}
			if err := f.Value.Set(v); err != nil {
				return fmt.Errorf("%s: %s %q: %v", c.path, name, v, err)
			}
		}
		return nil
	}
	var policies []string
	for _, p := range c.Policies {
		policies = append(policies, c.rel(p))
	}
	strict := ""
	if c.Strict != nil {
		strict = fmt.Sprint(*c.Strict)
	}
	for _, s := range []struct {
		name   string
		values []string
	}{
		{"fail-on", []string{c.FailOn}},
		{"profile", []string{c.Profile}},
		{"policy", policies},
		{"waivers", []string{c.rel(c.Waivers)}},
		{"config", []string{c.rel(c.Config)}},
		{"strict", []string{strict}},
		{"skip", c.Skip},
		{"only", c.Only},
	} {
		if err := set(s.name, s.values...); err != nil {
			return err
		}
	}
	return nil
}
