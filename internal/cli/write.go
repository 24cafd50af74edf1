package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// writeTo runs write against the file the user named, or stdout for "" and
// "-". What is at the path decides how, so that -o never destroys anything:
//   - nothing: a new file, created with the process umask (0644 usually);
//   - a regular file: replaced atomically (a failed run leaves the old one
//     whole), keeping its mode; a read-only file is refused;
//   - a symlink, device, FIFO or socket: written through, never replaced;
//   - a directory: refused.
//
// Errors name the user's path, never the temporary file.
func writeTo(path string, write func(*os.File) error) error {
	if path == "" || path == "-" {
		return write(os.Stdout)
	}
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return writeAtomic(path, 0o666, false, write)
	case err != nil:
		return fmt.Errorf("write %s: %w", path, pathCause(err))
	case info.IsDir():
		return fmt.Errorf("write %s: it is a directory: pass a file path instead, e.g. letsleep.json inside it", path)
	case info.Mode().IsRegular():
		if err := refuseReadOnly(path, info); err != nil {
			return err
		}
		return writeAtomic(path, info.Mode().Perm(), true, write)
	default:
		return writeThrough(path, write)
	}
}

// refuseReadOnly keeps a file the user protected: replacing it by rename
// would succeed (renaming needs only a writable directory), so it is checked.
func refuseReadOnly(path string, info fs.FileInfo) error {
	if info.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("write %s: the file is read-only: make it writable (chmod u+w) or write the report elsewhere", path)
	}
	return nil
}

// writeAtomic writes into a new file beside path and renames it over path.
// The temporary file is created with perm through the umask; an existing
// file's mode is then restored exactly.
func writeAtomic(path string, perm fs.FileMode, exists bool, write func(*os.File) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := createSibling(dir, base, perm)
	if err != nil {
		if exists && errors.Is(err, fs.ErrPermission) {
			// The directory is read-only but the file is writable: write in
			// place, as a shell redirection would.
			return writeThrough(path, write)
		}
		return fmt.Errorf("write %s: cannot create a file in %s (%v): check that the directory is writable", path, dir, pathCause(err))
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op after the rename
	fail := func(err error) error {
		tmp.Close()
		return renamePathError(err, tmpName, path)
	}
	if exists {
		if err := tmp.Chmod(perm); err != nil {
			return fail(err)
		}
	}
	if err := write(tmp); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(fmt.Errorf("write %s: %w", path, pathCause(err)))
	}
	if err := tmp.Close(); err != nil {
		return renamePathError(fmt.Errorf("write %s: %w", path, pathCause(err)), tmpName, path)
	}
	if err := os.Rename(tmpName, path); err != nil {
		if exists && errors.Is(err, fs.ErrPermission) {
			// A sticky directory (/tmp) refuses to replace another user's
			// file that the caller may still write: write in place, as a
			// shell redirection would.
			return writeThrough(path, write)
		}
		return fmt.Errorf("write %s: %w", path, pathCause(err))
	}
	return nil
}

// createSibling creates a hidden, unused file in dir. os.CreateTemp would
// force mode 0600; O_EXCL with perm lets the umask decide, as for any new file.
func createSibling(dir, base string, perm fs.FileMode) (*os.File, error) {
	var err error
	for range 10 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		// Not filepath.Join: it would clean "missing/.." away, which the
		// kernel resolves and refuses, and the rename would then fail.
		name := strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator) + "." + base + ".letsleep-" + hex.EncodeToString(b[:])
		var f *os.File
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, err
}

// writeThrough opens what is at path for writing without replacing it: a
// FIFO's reader gets the report, a symlink keeps pointing where it did. A
// symlink to a regular file truncates that file, as `>` would.
func writeThrough(path string, write func(*os.File) error) error {
	flags := os.O_WRONLY
	if info, err := os.Stat(path); err != nil {
		return fmt.Errorf("write %s: %w", path, pathCause(err))
	} else if info.IsDir() {
		return fmt.Errorf("write %s: it leads to a directory: pass a file path instead", path)
	} else if info.Mode().IsRegular() {
		if err := refuseReadOnly(path, info); err != nil {
			return err
		}
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0)
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("write %s: permission denied: the file is not yours to write; write the report elsewhere", path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, pathCause(err))
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, pathCause(err))
	}
	return nil
}

// pathCause drops the *PathError wrapper, whose text repeats a path that may
// be resolved or temporary, and keeps the cause (permission denied, ...).
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError // a rename names both files, one of them temporary
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// renamePathError rewrites an error that mentions the temporary file so
// that it names the user's path instead. errors.Is still sees the cause.
func renamePathError(err error, tmpName, path string) error {
	if err == nil || !strings.Contains(err.Error(), tmpName) {
		return err
	}
	return &renamedError{msg: strings.ReplaceAll(err.Error(), tmpName, path), err: err}
}

type renamedError struct {
	msg string
	err error
}

func (e *renamedError) Error() string { return e.msg }
func (e *renamedError) Unwrap() error { return e.err }

// checkOutputPath catches --output mistakes before the analysis starts, with
// a message about the path the user gave: a directory, a missing parent, a
// read-only file, or one of the command's own inputs (writing the report
// over the plan it came from would destroy the plan).
func checkOutputPath(path string, inputs ...string) error {
	if path == "" || path == "-" {
		return nil
	}
	info, statErr := os.Stat(path)
	if statErr == nil && info.IsDir() {
		return fmt.Errorf("--output %s is a directory: pass a file path instead, e.g. letsleep.json inside it", path)
	}
	dir := parentAsGiven(path)
	dinfo, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--output %s: directory %s does not exist: create it first or write elsewhere", path, dir)
	}
	if !dinfo.IsDir() {
		return fmt.Errorf("--output %s: %s is not a directory: give a file path in an existing directory", path, dir)
	}
	if statErr != nil {
		return nil
	}
	if info.Mode().IsRegular() && info.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("--output %s: the file is read-only: make it writable (chmod u+w) or write the report elsewhere", path)
	}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		if iinfo, err := os.Stat(in); err == nil && os.SameFile(info, iinfo) {
			return fmt.Errorf("--output %s is also an input (%s): the report would overwrite it; write the report elsewhere", path, in)
		}
	}
	return nil
}

// parentAsGiven is the directory part of path as the kernel will resolve it:
// filepath.Dir cleans "missing/../r.json" to ".", which exists, though the
// kernel fails on missing/.. when the report is written.
func parentAsGiven(path string) string {
	i := strings.LastIndexByte(path, filepath.Separator)
	switch {
	case i < 0:
		return "."
	case i == 0:
		return path[:1]
	}
	return path[:i]
}
