// Package awsbackend runs the boundary and sleep suites against real AWS:
// it applies the reference stack and a probe twin per function with
// terratest, drives the twins with lambda.Invoke, asks the IAM policy
// simulator about egress roles, and watches Aurora's sleep through
// CloudWatch and RDS events. Everything that needs an account is gated by
// LETSLEEP_AWS=1 and credentials; the pure parts are unit-tested with fakes.
package awsbackend

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Lambda architecture names and their GOARCH.
var goarchOf = map[string]string{"arm64": "arm64", "x86_64": "amd64"}

// BuildProbeZip builds probes/probe for the Lambda architecture arch (arm64
// or x86_64) and writes a deployment zip holding only `bootstrap` to out.
func BuildProbeZip(ctx context.Context, repoRoot, arch, out string) error {
	return BuildLambdaZip(ctx, repoRoot, "./probes/probe", arch, out)
}

// BuildLambdaZip builds the Go main package pkg (relative to repoRoot) for
// provided.al2023 and writes a zip holding only `bootstrap` to out. The zip
// is deterministic (fixed times), so its hash changes only when the binary
// does.
func BuildLambdaZip(ctx context.Context, repoRoot, pkg, arch, out string) error {
	goarch, ok := goarchOf[arch]
	if !ok {
		return fmt.Errorf("build %s: unknown architecture %q (want arm64 or x86_64)", pkg, arch)
	}
	dir, err := os.MkdirTemp("", "lsl-probe-build-")
	if err != nil {
		return fmt.Errorf("build %s: %w", pkg, err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", "lambda.norpc", "-o", bin, pkg)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if outb, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s for %s: %w: %s", pkg, arch, err, outb)
	}
	body, err := os.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("build %s: %w", pkg, err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("zip %s: %w", pkg, err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("zip %s: %w", pkg, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip %s: %w", pkg, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("zip %s: %w", pkg, err)
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
