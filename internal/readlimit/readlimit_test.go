package readlimit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
)

var testLimit = Limit{What: "test file", Env: "LETSLEEP_TEST_MAX_BYTES", Default: 16}

func TestReadFileRegular(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	os.WriteFile(ok, []byte("0123456789abcdef"), 0o600) // exactly the cap
	if b, err := ReadFile(ok, testLimit); err != nil || string(b) != "0123456789abcdef" {
		t.Fatalf("at the cap: %q, %v", b, err)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, []byte("0123456789abcdefX"), 0o600)
	_, err := ReadFile(big, testLimit)
	want := big + ": the test file is larger than the 16-byte limit: set LETSLEEP_TEST_MAX_BYTES to a larger byte count"
	if !errors.Is(err, ErrTooLarge) || err.Error() != want {
		t.Fatalf("over the cap: got %v\nwant %s", err, want)
	}
	t.Setenv("LETSLEEP_TEST_MAX_BYTES", "17")
	if _, err := ReadFile(big, testLimit); err != nil {
		t.Fatalf("the setting must raise the cap: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), testLimit); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing file keeps the os error: %v", err)
	}
}

// TestReadFileDevZero: a device reports no size; reading must stop one byte
// past the cap, not at the end of memory.
func TestReadFileDevZero(t *testing.T) {
	l := Limit{What: "test file", Env: "LETSLEEP_TEST_MAX_BYTES", Default: 1 << 20}
	start := time.Now()
	_, err := ReadFile("/dev/zero", l)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "/dev/zero: the test file is larger than the 1 MiB limit") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestReadFileFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("SKIP: no FIFO on this system: %v", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		f.Write([]byte("hello\n"))
	}()
	b, err := ReadFile(fifo, testLimit)
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("FIFO: %q, %v", b, err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		for i := 0; i < 100; i++ {
			if _, err := f.Write([]byte("0123456789")); err != nil {
				return
			}
		}
	}()
	if _, err := ReadFile(fifo, testLimit); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("an endless FIFO must stop at the cap: %v", err)
	}
}

func TestUTF8(t *testing.T) {
	le := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune("waivers: []\n")) {
		le = append(le, byte(u), byte(u>>8))
	}
	cases := []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf16le-bom", le, "UTF-16 little-endian"},
		{"utf16le-nobom", le[2:], "UTF-16 little-endian"},
		{"utf16be-bom", []byte{0xFE, 0xFF, 0, 'a', 0, ':'}, "UTF-16 big-endian"},
		{"utf16be-nobom", []byte{0, 'a', 0, ':'}, "UTF-16 big-endian"},
		{"utf32le", []byte{0xFF, 0xFE, 0, 0, 'a', 0, 0, 0}, "UTF-32 little-endian"},
	}
	for _, c := range cases {
		_, err := UTF8("F", c.data)
		var ee *EncodingError
		if !errors.As(err, &ee) || ee.Encoding != c.enc || !errors.Is(err, ErrEncoding) {
			t.Errorf("%s: got %v, want %s", c.name, err, c.enc)
			continue
		}
		if !strings.Contains(err.Error(), "iconv -f "+strings.Fields(c.enc)[0]+" -t UTF-8 F > F.utf8") {
			t.Errorf("%s: no fix command in %q", c.name, err)
		}
	}
	if b, err := UTF8("F", []byte("\xEF\xBB\xBFwaivers: []\n")); err != nil || string(b) != "waivers: []\n" {
		t.Fatalf("a UTF-8 BOM is dropped: %q, %v", b, err)
	}
	if b, err := UTF8("F", []byte("a: é\n")); err != nil || string(b) != "a: é\n" {
		t.Fatalf("plain UTF-8 passes: %q, %v", b, err)
	}
}
