package plan

import (
	"encoding/json"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"
)

// valueReader builds the generic Go values of attribute values (after,
// after_unknown, constant values) from a token stream. Numbers stay
// json.Number, the literal as written: an attribute value is never bound to
// a Go number type it may not fit (terraform writes 1e400 as a long
// integer), and the model converts the few numbers it reads itself. Object
// keys are interned: a plan repeats the same attribute names for every
// resource, so one string per name is kept instead of one per occurrence.
type valueReader struct {
	// keys interns object names, strs the string values a plan repeats
	// (types, modes, providers, module addresses): apart, the map every
	// name is looked up in stays small.
	keys map[string]string
	strs map[string]string
	// texts and numbers hold the string and number values read so far,
	// boxed, keyed by their JSON text: a plan repeats most of them
	// (regions, runtimes, protocols, ports, policy documents), and a
	// repeat then costs no allocation. Both are bounded.
	texts, numbers map[string]any
	// members and items are stacks of the objects and arrays being read:
	// a value's members are gathered here first, so its map or slice is
	// allocated once at its final size instead of growing member by member.
	members []member
	items   []any
}

type member struct {
	key string
	val any
}

func newValueReader() *valueReader {
	return &valueReader{
		keys: make(map[string]string, 1024), strs: make(map[string]string, 1024),
		texts: make(map[string]any, 1024), numbers: make(map[string]any, 64),
	}
}

// maxShared and maxSharedLen bound texts and numbers: at most 32k values
// of at most 512 bytes each are kept for sharing.
const (
	maxShared    = 1 << 15
	maxSharedLen = 512
)

// text returns the string value of a JSON string literal, boxed, shared
// with earlier equal ones.
func (vr *valueReader) text(raw jsontext.Value) (any, error) {
	body := raw[1 : len(raw)-1]
	if v, ok := vr.texts[string(body)]; ok {
		return v, nil
	}
	s, err := unquote(raw)
	if err != nil {
		return nil, err
	}
	var v any = s
	if len(body) <= maxSharedLen && len(vr.texts) < maxShared {
		key := s // without escapes the body is the string itself
		if hasEscape(body) {
			key = string(body)
		}
		vr.texts[key] = v
	}
	return v, nil
}

// number returns a JSON number literal as a json.Number (the literal as
// written, so 1e400 loads), boxed, shared with earlier equal ones.
func (vr *valueReader) number(raw jsontext.Value) any {
	if v, ok := vr.numbers[string(raw)]; ok {
		return v
	}
	n := json.Number(raw)
	var v any = n
	if len(raw) <= maxSharedLen && len(vr.numbers) < maxShared {
		vr.numbers[string(n)] = v
	}
	return v
}

// maxValueDepth matches encoding/json's nesting limit.
const maxValueDepth = 10000

func (vr *valueReader) read(dec *jsontext.Decoder) (any, error) {
	return vr.value(dec, 0)
}

// object builds the map of the members stacked from base, and pops them.
func (vr *valueReader) object(base int) map[string]any {
	m := make(map[string]any, len(vr.members)-base)
	for _, kv := range vr.members[base:] {
		m[kv.key] = kv.val // a repeated name: the last one wins
	}
	clear(vr.members[base:]) // drop the references the stack would keep
	vr.members = vr.members[:base]
	return m
}

func (vr *valueReader) value(dec *jsontext.Decoder, depth int) (any, error) {
	if depth > maxValueDepth {
		return nil, errDeep
	}
	switch dec.PeekKind() {
	case '{':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		base := len(vr.members)
		for dec.PeekKind() != '}' {
			k, err := vr.key(dec)
			if err != nil {
				return nil, err
			}
			v, err := vr.value(dec, depth+1)
			if err != nil {
				return nil, err
			}
			vr.members = append(vr.members, member{k, v})
		}
		m := vr.object(base)
		_, err := dec.ReadToken()
		return m, err
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		base := len(vr.items)
		for dec.PeekKind() != ']' {
			v, err := vr.value(dec, depth+1)
			if err != nil {
				return nil, err
			}
			vr.items = append(vr.items, v)
		}
		list := make([]any, len(vr.items)-base)
		copy(list, vr.items[base:])
		clear(vr.items[base:])
		vr.items = vr.items[:base]
		_, err := dec.ReadToken()
		return list, err
	case '"':
		raw, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return vr.text(raw)
	case '0':
		raw, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return vr.number(raw), nil
	case 't', 'f':
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		return tok.Bool(), nil
	case 'n':
		_, err := dec.ReadToken()
		return nil, err
	}
	// An invalid kind: let ReadToken name the syntax error.
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("unexpected JSON at offset %d", dec.InputOffset())
}

// key reads an object name, interned.
func (vr *valueReader) key(dec *jsontext.Decoder) (string, error) { return intern(vr.keys, dec) }

// str reads a string value, interned.
func (vr *valueReader) str(dec *jsontext.Decoder) (string, error) { return intern(vr.strs, dec) }

// intern reads a string and returns the one equal string kept in seen.
func intern(seen map[string]string, dec *jsontext.Decoder) (string, error) {
	raw, err := dec.ReadValue()
	if err != nil {
		return "", err
	}
	if len(raw) < 2 || raw[0] != '"' {
		return "", fmt.Errorf("object name is not a string at offset %d", dec.InputOffset())
	}
	if k, ok := seen[string(raw[1:len(raw)-1])]; ok {
		return k, nil
	}
	k, err := unquote(raw)
	if err != nil {
		return "", err
	}
	if len(seen) < 1<<16 {
		seen[string(raw[1:len(raw)-1])] = k
	}
	return k, nil
}

// unquote decodes a JSON string literal, copying it out of the decoder's
// buffer; the common case without escapes is one allocation.
func unquote(raw jsontext.Value) (string, error) {
	if len(raw) >= 2 && !hasEscape(raw[1:len(raw)-1]) {
		return string(raw[1 : len(raw)-1]), nil
	}
	b, err := jsontext.AppendUnquote(nil, raw)
	return string(b), err
}

func hasEscape(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}
