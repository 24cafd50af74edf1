package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/plangen"
)

// NewGenerateCommand writes a plan of replicas of one or more templates.
func NewGenerateCommand() *cobra.Command {
	var (
		templates []string
		builtin   bool
		tokens    []string
		opts      plangen.Options
		out       string
		stacks    []string
		sourceOut string
	)
	cmd := &cobra.Command{
		Use:   "generate --template [NAME=]PLAN.json... --resources N -o OUT.json",
		Short: "Write a synthetic plan by replicating template plans under for_each module instances",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(templates) == 0 && len(stacks) == 0 && !builtin {
				return fmt.Errorf("no --template: pass a plan JSON (terraform show -json), --stack or --builtin")
			}
			if out == "" {
				return fmt.Errorf("no --out: name the file to write")
			}
			ts, err := loadTemplates(templates)
			if err != nil {
				return err
			}
			sources, err := parsePairs(stacks, "--stack")
			if err != nil {
				return err
			}
			for _, name := range sortedNames(sources) {
				sts, err := loadTemplates([]string{name + "=" + filepath.Join(sources[name], "plan.json")})
				if err != nil {
					return err
				}
				ts = append(ts, sts...)
			}
			if len(sources) > 0 && sourceOut == "" {
				return fmt.Errorf("--stack needs --source-out: name the folder for the generated configuration")
			}
			if builtin {
				bts, err := plangen.Builtin()
				if err != nil {
					return err
				}
				ts = append(ts, bts...)
			}
			if opts.Tokens, err = parsePairs(tokens, "--token"); err != nil {
				return err
			}
			stats, err := writeAtomic(out, ts, opts)
			if err != nil {
				return err
			}
			if sourceOut != "" {
				if err := plangen.WriteSource(sourceOut, ts, sources, opts); err != nil {
					return fmt.Errorf("write sources: %w", err)
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d replicas, %d resource changes, %d bytes\n", out, stats.Replicas, stats.ResourceChanges, stats.Bytes)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&templates, "template", "t", nil, "template plan JSON, as NAME=FILE or FILE (NAME is the file's base name)")
	f.BoolVar(&builtin, "builtin", false, "add the embedded template snapshots (reference and devstack)")
	f.StringArrayVar(&tokens, "token", nil, "NAME=TOKEN: the name token made unique per replica (default: the template's var.name; empty turns it off)")
	f.IntVarP(&opts.Resources, "resources", "n", 1000, "minimum number of resource changes (rounded up to whole replicas)")
	f.IntVar(&opts.Replicas, "replicas", 0, "exact replica count (overrides --resources)")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed of the tenant keys")
	f.StringVar(&opts.Module, "module", plangen.DefaultModule, "name of the for_each module call holding the replicas")
	f.BoolVar(&opts.Distinct, "distinct", false, "write every replica of every template as its own module call (module.TEMPLATE_KEY) with its own configuration, instead of instances of one for_each call")
	f.StringVarP(&out, "out", "o", "", "output file")
	f.StringArrayVar(&stacks, "stack", nil, "NAME=DIR: a template with its Terraform sources (DIR/plan.json and DIR/*.tf, e.g. terraform/community/sleep-first)")
	f.StringVar(&sourceOut, "source-out", "", "with --stack: write the generated plan's configuration (root main.tf and one copy of each stack) to this folder, for letsleep check --source")
	return cmd
}

func loadTemplates(specs []string) ([]*plangen.Template, error) {
	var out []*plangen.Template
	for _, spec := range specs {
		name, path, ok := strings.Cut(spec, "=")
		if !ok {
			path = spec
			name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open template: %w", err)
		}
		t, err := plangen.LoadTemplate(name, f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, t)
	}
	return out, nil
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func parsePairs(pairs []string, flag string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("%s %q: use NAME=VALUE", flag, p)
		}
		out[k] = v
	}
	return out, nil
}

// writeAtomic writes to a temporary file and renames it, so an interrupted
// run never leaves a truncated plan in the bench cache.
func writeAtomic(path string, ts []*plangen.Template, opts plangen.Options) (plangen.Stats, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".plangen-*.json")
	if err != nil {
		return plangen.Stats{}, fmt.Errorf("create output: %w", err)
	}
	defer os.Remove(tmp.Name())
	stats, err := plangen.Generate(tmp, ts, opts)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return plangen.Stats{}, fmt.Errorf("generate %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return plangen.Stats{}, fmt.Errorf("chmod output: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return plangen.Stats{}, fmt.Errorf("rename output: %w", err)
	}
	return stats, nil
}
