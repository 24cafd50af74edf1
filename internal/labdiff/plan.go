package labdiff

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// PlanOptions say where terraform finds its provider.
type PlanOptions struct {
	// CLIConfig is the terraformrc (build/terraformrc from make deps) that
	// points terraform at the offline provider mirror.
	CLIConfig string
	// Timeout bounds init, plan and show together; default 20 minutes.
	Timeout time.Duration
}

// WriteRoot writes the generated Terraform and the placeholder function
// package into dir (created when missing).
func WriteRoot(dir, tf string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
		return err
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, err := zw.Create("bootstrap")
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte("#!/bin/sh\n")); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "fn.zip"), zb.Bytes(), 0o644)
}

// PlanJSON runs terraform init, plan and show -json offline in dir and
// returns the plan JSON. Terraform's own data stays in dir/.terraform.
func PlanJSON(ctx context.Context, dir string, o PlanOptions) ([]byte, error) {
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	env := append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"AWS_ACCESS_KEY_ID=offline-fake", "AWS_SECRET_ACCESS_KEY=offline-fake", "AWS_REGION=eu-west-1")
	if o.CLIConfig != "" {
		env = append(env, "TF_CLI_CONFIG_FILE="+o.CLIConfig)
	}
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "terraform", append([]string{"-chdir=" + dir}, args...)...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("terraform %s: %w\n%s", args[0], err, tailLines(out.String()+errb.String(), 30))
		}
		return out.Bytes(), nil
	}
	if _, err := run("init", "-input=false", "-no-color"); err != nil {
		return nil, err
	}
	if _, err := run("plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-out=labdiff.tfplan"); err != nil {
		return nil, err
	}
	return run("show", "-json", "labdiff.tfplan")
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
