//go:build unix

package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func umask(t *testing.T) os.FileMode {
	t.Helper()
	// Read the umask by creating a file with 0666 and looking at the result:
	// syscall.Umask would change it for the whole test process.
	p := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	info, _ := os.Stat(p)
	return 0o666 &^ info.Mode().Perm()
}

func TestWriteToFIFOWritesThrough(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
		got <- string(b)
	}()
	done := make(chan error, 1)
	go func() { done <- writeTo(fifo, writeString("through the pipe")) }()
	select {
	case s := <-got:
		if s != "through the pipe" {
			t.Errorf("reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the FIFO's reader got nothing within 10s")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Lstat(fifo); info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: mode %v", info.Mode())
	}
}

func TestWriteToDevStdoutStaysADevice(t *testing.T) {
	before, err := os.Lstat("/dev/stdout")
	if err != nil {
		t.Skip("SKIP: no /dev/stdout here")
	}
	// Point stdout at a pipe so the test output stays clean and the bytes can be read back.
	r, w, _ := os.Pipe()
	saved := os.Stdout
	os.Stdout = w
	fd, _ := syscall.Dup(1)
	syscall.Dup2(int(w.Fd()), 1)
	err = writeTo("/dev/stdout", writeString("to stdout\n"))
	syscall.Dup2(fd, 1)
	syscall.Close(fd)
	os.Stdout = saved
	w.Close()
	b, _ := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "to stdout\n" {
		t.Errorf("stdout got %q", b)
	}
	after, _ := os.Lstat("/dev/stdout")
	if after.Mode().Type() != before.Mode().Type() {
		t.Errorf("/dev/stdout changed from %v to %v", before.Mode(), after.Mode())
	}
}

func TestWriteToReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("SKIP: root writes into read-only directories")
	}
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.json")
	os.WriteFile(existing, []byte("old content"), 0o644)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	path := filepath.Join(dir, "new.json")
	err := writeTo(path, writeString("x"))
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".letsleep-") {
		t.Errorf("new file in a read-only directory: %v", err)
	}
	// A writable file in a read-only directory is written in place.
	if err := writeTo(existing, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(existing); string(got) != "new" {
		t.Errorf("existing file holds %q", got)
	}
}
