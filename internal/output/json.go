package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/letsleep/letsleep/internal/report"
)

// writeJSON writes the stable contract: two-space indent, trailing newline,
// sorted findings, [] for empty arrays. Map keys are sorted, so the bytes
// depend on the report only.
//
// The contract is encoding/json's Encoder with SetIndent("", "  ") and
// SetEscapeHTML(false). That encoder builds the whole compact text in one
// buffer, then re-scans it byte by byte into an indented copy: two buffers
// grown to the size of the output (5.8 MB at 50k resources), whose copying
// and page faults cost more than the encoding. The v2 encoder with v1
// semantics indents as it writes and streams through a small buffer, with
// the same bytes (TestJSONMatchesEncodingJSON) except for invalid UTF-8,
// which v1 writes as the escape \ufffd and v2 as the raw character: a
// report holding invalid UTF-8 is written by the v1 encoder.
func writeJSON(w io.Writer, r *report.Report, _ Options) error {
	if hasInvalidUTF8(reflect.ValueOf(r)) {
		return writeJSONv1(w, r)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := jsonv2.MarshalWrite(bw, r, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false), jsontext.WithIndent("  ")); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	if err := bw.WriteByte('\n'); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// writeJSONv1 is the contract's own encoder.
func writeJSONv1(w io.Writer, r *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// hasInvalidUTF8 reports whether any string reachable from v (fields,
// elements, map keys and values) is not valid UTF-8. It walks every kind
// the report types use, so a field added later is covered without a change
// here.
func hasInvalidUTF8(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return !utf8.ValidString(v.String())
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && hasInvalidUTF8(v.Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if hasInvalidUTF8(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if hasInvalidUTF8(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if hasInvalidUTF8(it.Key()) || hasInvalidUTF8(it.Value()) {
				return true
			}
		}
	}
	return false
}
