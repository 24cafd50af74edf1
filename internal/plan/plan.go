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

	"github.com/letsleep/letsleep/internal/readlimit"
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
		dec := json.NewDecoder(r)
		dec.UseNumber() // numbers as written: 1e400 is a valid plan value
		if err := dec.Decode(&m); err != nil {
			p.genericErr = fmt.Errorf("decode plan: %w", err)
			return
		}
		p.generic = m
	})
	return p.generic, p.genericErr
}

// Stdin is the path that reads the plan JSON from standard input;
// StdinName names it in messages.
const (
	Stdin     = "-"
	StdinName = "stdin"
)

// Load reads the plan at path: a directory (terraform init/plan/show), a
// binary plan file (terraform show -json) or a plan JSON file. Errors caused
// by the input wrap ErrInput.
func Load(ctx context.Context, path string, opts Options) (*Plan, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMax()
	}
	if path == Stdin {
		data, err := readStream(StdinName, os.Stdin, opts.MaxBytes)
		if err != nil {
			return nil, err
		}
		return fromBytes(StdinName, data, opts)
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
	p, err := decodeAny(source, bytes.NewReader(data), int64(len(data)), data, func() ([]byte, error) { return data, nil })
	if err != nil {
		return nil, err
	}
	p.raw = data
	return p, nil
}

// decodeAny runs the streaming decoder over src and, when it fails, the
// exact decoder over the whole input (whole returns it), which names the
// error precisely. A valid plan is read once; an invalid one twice.
func decodeAny(source string, src io.ReaderAt, size int64, mem []byte, whole func() ([]byte, error)) (*Plan, error) {
	p, err := streamDecode(source, src, size, mem)
	if err == nil {
		return p, nil
	} else if errors.Is(err, ErrInput) {
		return nil, err // validate's verdict on a well-formed document
	}
	huge := mem == nil && errors.Is(err, errHugeToken)
	data, err := whole()
	if err != nil {
		return nil, err
	}
	if huge {
		// A token too big to stream: tokenize the bytes in place.
		if p, err := streamDecode(source, src, size, data); err == nil {
			return p, nil
		} else if errors.Is(err, ErrInput) {
			return nil, err
		}
	}
	return decode(source, data)
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
	if !info.Mode().IsRegular() {
		// A pipe, FIFO or device cannot be read twice: read it whole, up
		// to the limit, then decode it from memory.
		data, err := readStream(path, f, opts.MaxBytes)
		if err != nil {
			return nil, err
		}
		return fromBytes(path, data, opts)
	}
	var head [2]byte
	if n, _ := f.ReadAt(head[:], 0); n == 2 && head == [2]byte{'P', 'K'} {
		// A binary plan is a zip archive; terraform itself must read it.
		out, err := tfexec.Show(ctx, path)
		if err != nil {
			return nil, binaryPlanErr(path, err)
		}
		return fromBytes(path, out, opts)
	}
	// A regular file is streamed, whatever its size: its bytes are never
	// held whole, and Generic re-reads it when a policy needs the raw plan.
	// A token too big to stream (see maxStreamedToken) makes decodeAny read
	// the file whole instead.
	whole := func() ([]byte, error) {
		data := make([]byte, info.Size())
		n, err := f.ReadAt(data, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, inputErr(path, err, "cannot read: %v; check the file", err)
		}
		return data[:n], nil
	}
	p, err := decodeAny(path, f, info.Size(), nil, whole)
	if err != nil {
		return nil, err
	}
	p.rawFile = path
	return p, nil
}

// streamHead is how much of a stream is read before the rest: enough to
// tell a plan from something else (/dev/zero, UTF-16, HCL) without reading
// up to the size limit first.
const streamHead = 64 << 10

// readStream reads a pipe, FIFO, device or stdin whole, up to limit bytes.
// It looks at the head first, so an endless stream of something that is not
// plan JSON is refused at once.
func readStream(source string, r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, r, min(streamHead, limit+1))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, inputErr(source, err, "cannot read: %v", err)
	}
	if bytes.HasPrefix(buf.Bytes(), zipMagic) {
		return nil, inputErr(source, nil, "this is a binary plan (a zip archive) on a stream; terraform reads binary plans from files only: run `terraform show -json tfplan > plan.json` where the plan was made, and pass plan.json")
	}
	if head := bytes.TrimPrefix(buf.Bytes(), utf8BOM); len(bytes.TrimLeft(head, " \t\r\n")) > 0 {
		if err := sniff(source, head); err != nil {
			return nil, err
		}
	}
	if n == min(streamHead, limit+1) {
		if _, err := io.Copy(&buf, io.LimitReader(r, limit+1-n)); err != nil {
			return nil, inputErr(source, err, "cannot read: %v", err)
		}
	}
	if int64(buf.Len()) > limit {
		return nil, tooLargeStream(source, limit)
	}
	return buf.Bytes(), nil
}

var zipMagic = []byte("PK\x03\x04")

// binaryPlanErr explains a binary plan terraform could not read: it needs
// the configuration and the .terraform directory the plan was made with,
// so a plan copied elsewhere cannot be read.
func binaryPlanErr(path string, err error) error {
	how := fmt.Sprintf("a binary plan can only be read where it was made (its configuration and initialised .terraform directory): run `terraform show -json %s > plan.json` in that directory and pass plan.json, or pass the configuration directory", shellQuote(path))
	if errors.Is(err, tfexec.ErrNotFound) {
		return inputErr(path, err, "%v", err)
	}
	var tfErr *tfexec.Error
	if errors.As(err, &tfErr) {
		return inputErr(path, err, "terraform could not read this binary plan: %v; %s", err, how)
	}
	return fmt.Errorf("%s: %w", path, err)
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

func tooLargeStream(source string, limit int64) error {
	return inputErr(source, nil, "plan JSON is larger than the %s limit: set %s to a larger byte count, or split the stack", readlimit.Human(limit), MaxBytesEnv)
}

func tooLarge(source string, size, limit int64) error {
	return inputErr(source, nil, "plan JSON is larger than the %s limit (%d bytes): set %s to a larger byte count, or split the stack", readlimit.Human(limit), size, MaxBytesEnv)
}
