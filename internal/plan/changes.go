package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// skipped is a value nothing reads: encoding/json still checks it is valid
// JSON, but builds nothing for it.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// changeWire is tfjson.Change without the parts no check reads. The outer
// fields shadow the embedded ones of the same JSON name, so before,
// before_sensitive and after_sensitive (as big as after, for every
// resource) are never turned into Go maps.
type changeWire struct {
	tfjson.Change
	Before          skipped `json:"before"`
	BeforeSensitive skipped `json:"before_sensitive"`
	AfterSensitive  skipped `json:"after_sensitive"`
}

type resourceChangeWire struct {
	tfjson.ResourceChange
	Change *changeWire `json:"change,omitempty"`
}

// elemErr is an error in one element of an array decoded element by
// element; start is where that element begins in the array's value.
type elemErr struct {
	err   error
	start int
}

func (e *elemErr) Error() string { return e.err.Error() }
func (e *elemErr) Unwrap() error { return e.err }

// decodeChanges decodes resource_changes one element at a time, so no
// decode holds more than one resource's values in flight besides the
// result. A json.Decoder scans each element once while decoding it; on
// any error the slower element walk below names the exact JSON path and
// position.
func decodeChanges(raw []byte, dst *[]*tfjson.ResourceChange) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err == nil && tok == json.Delim('[') {
		out := make([]*tfjson.ResourceChange, 0, countHint(raw))
		ok := true
		for ok && dec.More() {
			var w *resourceChangeWire
			if err := dec.Decode(&w); err != nil {
				ok = false
				break
			}
			out = append(out, w.toTF())
		}
		if ok {
			if tok, err := dec.Token(); err == nil && tok == json.Delim(']') {
				*dst = out
				return nil
			}
		}
	}
	return walkChanges(raw, dst)
}

// walkChanges decodes element by element over the raw bytes, so an error
// carries where its element starts. Anything but an array goes to
// encoding/json for its error.
func walkChanges(raw []byte, dst *[]*tfjson.ResourceChange) error {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		var whole []*resourceChangeWire
		return json.Unmarshal(raw, &whole)
	}
	out := make([]*tfjson.ResourceChange, 0, countHint(raw))
	i = skipWS(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		*dst = out
		return nil
	}
	for {
		end, err := skipValue(raw, i)
		if err != nil {
			// Malformed: let encoding/json report the whole array.
			var whole []*resourceChangeWire
			if jerr := json.Unmarshal(raw, &whole); jerr != nil {
				return jerr
			}
			return err
		}
		var w *resourceChangeWire
		if err := json.Unmarshal(raw[i:end], &w); err != nil {
			return &elemErr{err: hideEmbedded(err), start: i}
		}
		out = append(out, w.toTF())
		i = skipWS(raw, end)
		if i >= len(raw) {
			return json.Unmarshal(raw, new([]skipped))
		}
		switch raw[i] {
		case ',':
			i = skipWS(raw, i+1)
		case ']':
			// splitTop delimited the value, so this bracket closes it.
			*dst = out
			return nil
		default:
			return json.Unmarshal(raw, new([]skipped))
		}
	}
}

func (w *resourceChangeWire) toTF() *tfjson.ResourceChange {
	if w == nil {
		return nil
	}
	rc := w.ResourceChange
	if w.Change != nil {
		c := w.Change.Change
		rc.Change = &c
	}
	return &rc
}

// countHint guesses the element count from the array's size, so the result
// slice grows at most a few times (a resource change is rarely under 1 KiB).
func countHint(raw []byte) int {
	return min(len(raw)/1024+1, 1<<20)
}

// hideEmbedded drops the Go names of the embedded structs from a type
// error's field path (change.Change.actions → change.actions), so the
// message names the JSON path only.
func hideEmbedded(err error) error {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return err
	}
	parts := strings.Split(typ.Field, ".")
	kept := parts[:0]
	for _, p := range parts {
		if p != "ResourceChange" && p != "Change" {
			kept = append(kept, p)
		}
	}
	typ.Field = strings.Join(kept, ".")
	return err
}
