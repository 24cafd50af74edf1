// Package plan loads a Terraform plan from a plan JSON file, a binary plan
// file or a configuration directory, and validates it with errors that say
// what to do.
package plan

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/tfexec"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// DefaultMaxBytes is the largest plan JSON Load reads unless told otherwise.
const DefaultMaxBytes int64 = 1 << 30

// Options tune Load.
type Options struct {
	// MaxBytes caps the plan JSON size; 0 means $LETSLEEP_MAX_PLAN_BYTES or
	// DefaultMaxBytes.
	MaxBytes int64
	// Progress receives "init… done (3.2s)" lines in directory mode; nil is quiet.
	Progress io.Writer
}

// Plan is a loaded, validated plan.
type Plan struct {
	Source string       // the path the user passed
	Doc    *tfjson.Plan // the typed document, decoded once
	// Warnings are things read on best effort, e.g. an unknown format_version.
	Warnings []string

	// raw holds the JSON when it came from terraform's stdout; for files it
	// is nil and Generic re-reads the file, so a big plan is never held twice.
	raw     []byte
	rawFile string

	genericOnce sync.Once
	generic     map[string]any
	genericErr  error
}

// Generic decodes the raw plan JSON into generic Go values (for policies
// that read input.plan). It decodes on first call and caches the result.
func (p *Plan) Generic() (map[string]any, error) {
	p.genericOnce.Do(func() {
		var r io.Reader
		switch {
		case p.raw != nil:
			r = bytes.NewReader(bytes.TrimPrefix(p.raw, utf8BOM))
		case p.rawFile != "":
			f, err := os.Open(p.rawFile)
			if err != nil {
				p.genericErr = fmt.Errorf("reopen plan: %w", err)
				return
			}
			defer f.Close()
			br := bufio.NewReaderSize(f, 1<<20)
			if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
				_, _ = br.Discard(3)
			}
			r = br
		default:
			p.genericErr = errors.New("plan has no raw JSON")
			return
		}
		var m map[string]any
		if err := json.NewDecoder(r).Decode(&m); err != nil {
			p.genericErr = fmt.Errorf("decode plan: %w", err)
			return
		}
		p.generic = m
	})
	return p.generic, p.genericErr
}

// Load reads the plan at path: a directory (terraform init/plan/show), a
// binary plan file (terraform show -json) or a plan JSON file. Errors caused
// by the input wrap ErrInput.
func Load(ctx context.Context, path string, opts Options) (*Plan, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMax()
	}
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, inputErr(path, err, "no such file or directory: pass a plan JSON file, a binary plan or a terraform directory")
		}
		return nil, inputErr(path, err, "cannot read: %v; check the path and its permissions", err)
	}
	if info.IsDir() {
		out, err := tfexec.PlanDir(ctx, path, opts.Progress)
		if err != nil {
			return nil, terraformErr(path, err)
		}
		return fromBytes(path, out, opts)
	}
	return fromFile(ctx, path, info, opts)
}

// FromBytes validates and decodes plan JSON held in memory (e.g. from
// stdin); source names it in errors.
func FromBytes(source string, data []byte, opts Options) (*Plan, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMax()
	}
	return fromBytes(source, data, opts)
}

func fromBytes(source string, data []byte, opts Options) (*Plan, error) {
	if int64(len(data)) > opts.MaxBytes {
		return nil, tooLarge(source, int64(len(data)), opts.MaxBytes)
	}
	p, err := decode(source, data)
	if err != nil {
		return nil, err
	}
	p.raw = data
	return p, nil
}

func fromFile(ctx context.Context, path string, info os.FileInfo, opts Options) (*Plan, error) {
	if info.Mode().IsRegular() && info.Size() == 0 {
		return nil, inputErr(path, nil, "empty file: pass the output of `terraform show -json tfplan`")
	}
	if info.Mode().IsRegular() && info.Size() > opts.MaxBytes {
		return nil, tooLarge(path, info.Size(), opts.MaxBytes)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErr(path, err, "cannot read: %v; check the file's permissions", err)
	}
	defer f.Close()
	var head [2]byte
	if n, _ := io.ReadFull(f, head[:]); n == 2 && head == [2]byte{'P', 'K'} {
		// A binary plan is a zip archive; terraform itself must read it.
		out, err := tfexec.Show(ctx, path)
		if err != nil {
			return nil, terraformErr(path, err)
		}
		return fromBytes(path, out, opts)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, inputErr(path, err, "cannot read: %v; pass a regular file", err)
	}
	data, err := readAll(f, info, opts.MaxBytes)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, tooLarge(path, opts.MaxBytes+1, opts.MaxBytes)
		}
		return nil, inputErr(path, err, "cannot read: %v; check the file", err)
	}
	p, err := decode(path, data)
	if err != nil {
		return nil, err
	}
	// The bytes are dropped here: Generic re-reads the file when a policy
	// needs the raw plan, so a big plan is not held twice while it is used.
	p.rawFile = path
	return p, nil
}

var errTooLarge = errors.New("plan too large")

// readAll reads a file into one buffer sized from its length (no growth
// copies), and a stream (a pipe) up to limit.
func readAll(f *os.File, info os.FileInfo, limit int64) ([]byte, error) {
	if info.Mode().IsRegular() {
		data := make([]byte, info.Size())
		n, err := io.ReadFull(f, data)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, err
		}
		return data[:n], nil
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

func terraformErr(path string, err error) error {
	var tfErr *tfexec.Error
	switch {
	case errors.Is(err, tfexec.ErrNotFound):
		return inputErr(path, err, "%v", err)
	case errors.As(err, &tfErr):
		return inputErr(path, err, "%v", err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// MaxBytesEnv overrides DefaultMaxBytes (a byte count) when Options.MaxBytes
// is not set.
const MaxBytesEnv = "LETSLEEP_MAX_PLAN_BYTES"

func defaultMax() int64 {
	if v := os.Getenv(MaxBytesEnv); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return DefaultMaxBytes
}

func tooLarge(source string, size, limit int64) error {
	return inputErr(source, nil, "plan JSON is larger than the %s limit (%d bytes): set %s to a larger byte count, or split the stack", humanBytes(limit), size, MaxBytesEnv)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d-byte", n)
}
