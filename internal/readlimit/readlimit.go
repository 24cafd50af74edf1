// Package readlimit reads user files with a size cap. A cap checked on the
// file's size alone is not enough: /dev/zero, a FIFO or stdin report no
// size, so the cap is enforced on the bytes actually read. Every limit is
// raisable by an environment variable that the error names.
package readlimit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Limit describes one kind of input: what it is (for messages), the
// environment variable that raises the cap, and the default cap in bytes.
type Limit struct {
	What    string // e.g. "waivers file"
	Env     string // e.g. "LETSLEEP_MAX_WAIVERS_BYTES"
	Default int64
}

// Bytes is the cap in force: $Env when it holds a positive byte count,
// Default otherwise.
func (l Limit) Bytes() int64 {
	if v := os.Getenv(l.Env); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return l.Default
}

// TooLargeError says that an input passed its cap.
type TooLargeError struct {
	Path  string
	Limit Limit
	Cap   int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: the %s is larger than the %s limit: set %s to a larger byte count",
		e.Path, e.Limit.What, Human(e.Cap), e.Limit.Env)
}

// ErrTooLarge matches every TooLargeError with errors.Is.
var ErrTooLarge = errors.New("input larger than its limit")

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// ReadFile reads path whole, up to l.Bytes(). It works on regular files,
// devices, FIFOs and "-" (stdin). A regular file over the cap is refused
// from its size before any byte is read. Errors other than the cap are the
// os errors, so callers keep their own wording for a missing file.
func ReadFile(path string, l Limit) ([]byte, error) {
	limit := l.Bytes()
	if path == "-" {
		return read(os.Stdin, path, l, limit, -1)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		size = info.Size()
		if size > limit {
			return nil, &TooLargeError{Path: path, Limit: l, Cap: limit}
		}
	}
	return read(f, path, l, limit, size)
}

// Read reads r whole, up to l.Bytes(); name is used in the error.
func Read(r io.Reader, name string, l Limit) ([]byte, error) {
	return read(r, name, l, l.Bytes(), -1)
}

func read(r io.Reader, name string, l Limit, limit, size int64) ([]byte, error) {
	// One byte past the cap tells "exactly at the cap" from "over it".
	lr := io.LimitReader(r, limit+1)
	var data []byte
	var err error
	if size >= 0 {
		// A regular file may still grow while it is read; the LimitReader
		// holds the cap, and the buffer starts at the known size.
		buf := make([]byte, 0, size+1)
		w := byteWriter{buf}
		_, err = io.Copy(&w, lr)
		data = w.b
	} else {
		data, err = io.ReadAll(lr)
	}
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: name, Limit: l, Cap: limit}
	}
	return data, nil
}

type byteWriter struct{ b []byte }

func (w *byteWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// Human prints a byte count the way the limits are documented.
func Human(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}
