package plan

import (
	"encoding/json"
	"fmt"
	"hash/maphash"

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
	keys map[string]hashedKey
	strs map[string]string
	// texts and numbers hold the string and number values read so far,
	// boxed, keyed by their JSON text: a plan repeats most of them
	// (regions, runtimes, protocols, ports, policy documents), and a
	// repeat then costs no allocation. Both are bounded.
	texts, numbers map[string]hashedValue
	// shared holds the objects and arrays read so far by the hash of
	// their content (see sharing.go): a repeated subtree (an
	// after_unknown of a resource type, tags, timeouts, empty lists) is
	// then built once.
	shared map[uint64]sharedValue
	kept   []member // the chunk the table's members are copied into
	seed   maphash.Seed
	// members and items are stacks of the objects and arrays being read:
	// a value's members are gathered here first, so its map or slice is
	// allocated once at its final size instead of growing member by member.
	members []member
	items   []any
	// unquoted is scratch room for a string with escapes (policy
	// documents are JSON inside a string): it is unquoted here and copied
	// out once, instead of into a slice of its own that is copied again.
	unquoted []byte
}

// hashedKey and hashedValue keep an interned name or a boxed value with
// the hash of its JSON text, so a repeat is neither allocated nor hashed
// again.
type hashedKey struct {
	s string
	h uint64
}

type hashedValue struct {
	v any
	h uint64
}

type member struct {
	key string
	val any
}

func newValueReader() *valueReader {
	return &valueReader{
		keys: make(map[string]hashedKey, 1024), strs: make(map[string]string, 1024),
		texts: make(map[string]hashedValue, 1024), numbers: make(map[string]hashedValue, 64),
		shared: make(map[uint64]sharedValue, 1024), seed: maphash.MakeSeed(),
	}
}

// maxShared and maxSharedLen bound texts and numbers: at most 32k values
// of at most 512 bytes each are kept for sharing.
const (
	maxShared    = 1 << 15
	maxSharedLen = 512
)

// text returns the string value of a JSON string literal, boxed, shared
// with earlier equal ones, and the hash of its text.
func (vr *valueReader) text(raw jsontext.Value) (any, uint64, error) {
	body := raw[1 : len(raw)-1]
	if e, ok := vr.texts[string(body)]; ok {
		return e.v, e.h, nil
	}
	s, err := vr.unquote(raw)
	if err != nil {
		return nil, 0, err
	}
	e := hashedValue{v: s, h: mix(kindString, maphash.Bytes(vr.seed, body))}
	if len(body) <= maxSharedLen && len(vr.texts) < maxShared {
		key := s // without escapes the body is the string itself
		if hasEscape(body) {
			key = string(body)
		}
		vr.texts[key] = e
	}
	return e.v, e.h, nil
}

// number returns a JSON number literal as a json.Number (the literal as
// written, so 1e400 loads), boxed, shared with earlier equal ones, and the
// hash of its text.
func (vr *valueReader) number(raw jsontext.Value) (any, uint64) {
	if e, ok := vr.numbers[string(raw)]; ok {
		return e.v, e.h
	}
	n := json.Number(raw)
	e := hashedValue{v: n, h: mix(kindNumber, maphash.String(vr.seed, string(n)))}
	if len(raw) <= maxSharedLen && len(vr.numbers) < maxShared {
		vr.numbers[string(n)] = e
	}
	return e.v, e.h
}

// maxValueDepth matches encoding/json's nesting limit.
const maxValueDepth = 10000

// read reads one value: ReadValue checks it whole, then it is built from
// its bytes (see raw.go).
func (vr *valueReader) read(dec *jsontext.Decoder) (any, error) {
	raw, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	v, _, err := vr.value(&rawReader{b: raw}, 0)
	return v, err
}

// value builds the value at r and returns it with the hash of its content.
func (vr *valueReader) value(r *rawReader, depth int) (any, uint64, error) {
	if depth > maxValueDepth {
		return nil, 0, errDeep
	}
	switch r.peek() {
	case '{':
		r.i++
		base, h := len(vr.members), kindObject
		for r.next() {
			k, err := internRaw(vr, vr.keys, r.str(), vr.newKey)
			if err != nil {
				return nil, 0, err
			}
			r.colon()
			v, vh, err := vr.value(r, depth+1)
			if err != nil {
				return nil, 0, err
			}
			vr.members = append(vr.members, member{k.s, v})
			h = mix(mix(h, k.h), vh)
		}
		return vr.object(base, h), h, nil
	case '[':
		r.i++
		base, h := len(vr.items), kindArray
		for r.next() {
			v, vh, err := vr.value(r, depth+1)
			if err != nil {
				return nil, 0, err
			}
			vr.items = append(vr.items, v)
			h = mix(h, vh)
		}
		return vr.array(base, h), h, nil
	case '"':
		return vr.text(r.str())
	case 't':
		r.i += 4
		return true, kindTrue, nil
	case 'f':
		r.i += 5
		return false, kindFalse, nil
	case 'n':
		r.i += 4
		return nil, kindNull, nil
	}
	num := r.number()
	if len(num) == 0 {
		return nil, 0, errShape // not what ReadValue accepts; never loop on it
	}
	v, h := vr.number(num)
	return v, h, nil
}

// key reads an object name, interned.
func (vr *valueReader) key(dec *jsontext.Decoder) (string, error) {
	k, err := internAs(vr, vr.keys, dec, vr.newKey)
	return k.s, err
}

// newKey makes the interned form of an object name. It is hashed
// unquoted: names spelled with and without escapes are one name.
func (vr *valueReader) newKey(s string) hashedKey {
	return hashedKey{s: s, h: maphash.String(vr.seed, s)}
}

// str reads a string value, interned.
func (vr *valueReader) str(dec *jsontext.Decoder) (string, error) {
	return internAs(vr, vr.strs, dec, func(s string) string { return s })
}

// internAs reads a string, looks its JSON text up in seen and, for a new
// one (up to 1<<16 of them), stores what made makes of the unquoted string.
func internAs[T any](vr *valueReader, seen map[string]T, dec *jsontext.Decoder, made func(string) T) (T, error) {
	var zero T
	raw, err := dec.ReadValue()
	if err != nil {
		return zero, err
	}
	if len(raw) < 2 || raw[0] != '"' {
		return zero, fmt.Errorf("object name is not a string at offset %d", dec.InputOffset())
	}
	return internRaw(vr, seen, raw, made)
}

// internRaw looks the string literal raw up in seen by its JSON text and,
// for a new one (up to 1<<16 of them), stores what made makes of the
// unquoted string.
func internRaw[T any](vr *valueReader, seen map[string]T, raw []byte, made func(string) T) (T, error) {
	var zero T
	if k, ok := seen[string(raw[1:len(raw)-1])]; ok {
		return k, nil
	}
	s, err := vr.unquote(raw)
	if err != nil {
		return zero, err
	}
	k := made(s)
	if len(seen) < 1<<16 {
		seen[string(raw[1:len(raw)-1])] = k
	}
	return k, nil
}

// unquote decodes a JSON string literal, copying it out of the decoder's
// buffer: one allocation, with escapes or without.
func (vr *valueReader) unquote(raw jsontext.Value) (string, error) {
	if len(raw) >= 2 && !hasEscape(raw[1:len(raw)-1]) {
		return string(raw[1 : len(raw)-1]), nil
	}
	b, err := jsontext.AppendUnquote(vr.unquoted[:0], raw)
	s := string(b)
	if cap(b) <= maxUnquoted {
		vr.unquoted = b
	}
	return s, err
}

// maxUnquoted bounds the scratch room kept between strings: a rare huge
// one (an inline file) is not held for the rest of the load.
const maxUnquoted = 64 << 10

func hasEscape(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}
