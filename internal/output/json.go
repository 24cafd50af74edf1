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
func writeJSON(w io.Writer, r *report.Report, _ Options) error {
	if err := writeIndented(w, r); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// writeIndented writes v as encoding/json's Encoder with SetIndent("", "  ")
// and SetEscapeHTML(false) does, the contract of the JSON and SARIF files.
// That encoder builds the whole compact text in one buffer, then re-scans
// it byte by byte into an indented copy: two buffers grown to the size of
// the output (5.8 MB of JSON, 11 MB of SARIF at 50k resources), whose
// copying and page faults cost more than the encoding. The v2 encoder with
// v1 semantics indents as it writes and streams through a small buffer,
// with the same bytes (TestJSONMatchesEncodingJSON,
// TestSARIFMatchesEncodingJSON) except for invalid UTF-8, which v1 writes
// as the escape \ufffd and v2 as the raw character: a value holding
// invalid UTF-8 is written by the v1 encoder.
func writeIndented(w io.Writer, v any) error {
	if hasInvalidUTF8(reflect.ValueOf(v)) {
		return writeIndentedV1(w, v)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := jsonv2.MarshalWrite(bw, v, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false), jsontext.WithIndent("  ")); err != nil {
		return err
	}
	if err := bw.WriteByte('\n'); err != nil {
		return err
	}
	return bw.Flush()
}

// writeIndentedV1 is the contract's own encoder.
func writeIndentedV1(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// hasInvalidUTF8 reports whether any string reachable from v (fields,
// elements, map keys and values) is not valid UTF-8. It walks every kind,
// so a field added later is covered without a change here.
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
