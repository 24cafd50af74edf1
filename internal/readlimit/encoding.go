package readlimit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrEncoding matches every EncodingError with errors.Is.
var ErrEncoding = errors.New("input is not UTF-8")

// EncodingError names a text encoding letsleep does not read and how to
// convert the file.
type EncodingError struct {
	Path     string
	Encoding string // e.g. "UTF-16 little-endian"
}

func (e *EncodingError) Error() string {
	from := strings.Fields(e.Encoding)[0] // iconv's name: UTF-16 or UTF-32
	return fmt.Sprintf("%s: the file is %s text (as PowerShell's `>` writes it), letsleep reads UTF-8: convert it with `iconv -f %s -t UTF-8 %s > %s.utf8` or, in PowerShell, `Get-Content %s | Set-Content -Encoding utf8 %s.utf8`, and pass the new file",
		e.Path, e.Encoding, from, e.Path, e.Path, e.Path, e.Path)
}

// Is makes errors.Is(err, ErrEncoding) true.
func (e *EncodingError) Is(target error) bool { return target == ErrEncoding }

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// UTF8 returns data without a UTF-8 byte order mark (harmless, and written
// by some Windows editors), or an EncodingError when data is UTF-16 or
// UTF-32, with or without a byte order mark.
func UTF8(path string, data []byte) ([]byte, error) {
	if enc := utf16or32(data); enc != "" {
		return nil, &EncodingError{Path: path, Encoding: enc}
	}
	return bytes.TrimPrefix(data, utf8BOM), nil
}

// utf16or32 names the encoding of data when it is UTF-16 or UTF-32: by its
// byte order mark, or, without one, by the NUL bytes that ASCII text in
// those encodings carries next to every character.
func utf16or32(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		return "UTF-32 little-endian"
	case bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return "UTF-32 big-endian"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "UTF-16 little-endian"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "UTF-16 big-endian"
	}
	if len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[2] != 0 && data[3] == 0 {
		return "UTF-16 little-endian"
	}
	if len(data) >= 4 && data[0] == 0 && data[1] != 0 && data[2] == 0 && data[3] != 0 {
		return "UTF-16 big-endian"
	}
	return ""
}
