package plan

import (
	"math/bits"
	"reflect"
	"slices"
)

// Repeated subtrees of attribute values are built once. Most objects and
// arrays of a plan's after and after_unknown values repeat byte for byte
// (the after_unknown of one resource type, tags, timeouts, empty blocks):
// in a generated 50k for_each plan 352k of 385k are repeats. Each object
// or array is hashed from its members as it is read; when an earlier one
// with the same hash has exactly the same members, that one is returned
// and no map or slice is allocated. The members are compared, never only
// the hash, so two values are shared only when they are equal.
//
// Sharing is safe because nothing changes a plan's values after loading
// (the model, engine, cost and lab code only read them; a reader that must
// change one copies it first).

// sharedValue is an object or array read earlier; for an object, members
// keeps its members in the order they were read, to compare with.
type sharedValue struct {
	val     any
	members []member
}

// maxSharedValues bounds vr.shared: the repeats of a plan come early (the
// first instance of each module), and the table lives only while loading.
const maxSharedValues = 1 << 17

// Hash seeds per kind, so that values of different kinds rarely share a
// hash (a hash collision only costs a comparison).
const (
	kindObject uint64 = 0x8a5cd789635d2dff + iota
	kindArray
	kindString
	kindNumber
	kindTrue
	kindFalse
	kindNull
)

// mix folds x into the running hash h (order matters).
func mix(h, x uint64) uint64 {
	return bits.RotateLeft64((h^x)*0x9e3779b97f4a7c15, 29)
}

// object returns the map of the members stacked from base, an equal
// earlier one when there is one, and pops the members.
func (vr *valueReader) object(base int, h uint64) map[string]any {
	ms := vr.members[base:]
	m := vr.sharedObject(h, ms)
	if m == nil {
		m = make(map[string]any, len(ms))
		for _, kv := range ms {
			m[kv.key] = kv.val // a repeated name: the last one wins
		}
		// An object with a repeated name is not kept: its map has fewer
		// members than were read, and comparing by members would mislead.
		// The members are copied only when the table takes them: once
		// it is full, copying them for nothing was 5 % of a 50k load.
		if len(m) == len(ms) && vr.room(h) {
			vr.shared[h] = sharedValue{val: m, members: vr.copyMembers(ms)}
		}
	}
	clear(ms) // drop the references the stack would keep
	vr.members = vr.members[:base]
	return m
}

func (vr *valueReader) sharedObject(h uint64, ms []member) map[string]any {
	if e, ok := vr.shared[h]; ok {
		if m, ok := e.val.(map[string]any); ok && sameMembers(e.members, ms) {
			return m
		}
	}
	return nil
}

// array returns the list of the items stacked from base, an equal earlier
// one when there is one, and pops the items. The list comes boxed as the
// table keeps it: boxing a slice allocates its header, so a shared list
// boxed again on every repeat would cost an allocation after all.
func (vr *valueReader) array(base int, h uint64) any {
	items := vr.items[base:]
	list, ok := vr.sharedArray(h, items)
	if !ok {
		l := make([]any, len(items))
		copy(l, items)
		list = l
		vr.keep(h, sharedValue{val: list})
	}
	clear(items)
	vr.items = vr.items[:base]
	return list
}

func (vr *valueReader) sharedArray(h uint64, items []any) (any, bool) {
	if e, ok := vr.shared[h]; ok {
		if l, ok := e.val.([]any); ok && slices.EqualFunc(l, items, same) {
			return e.val, true
		}
	}
	return nil, false
}

// keep records a new value under its hash unless the table is full or the
// hash is taken (a collision: the first value keeps the place).
func (vr *valueReader) keep(h uint64, e sharedValue) {
	if vr.room(h) {
		vr.shared[h] = e
	}
}

// room tells whether keep would record a value under h.
func (vr *valueReader) room(h uint64) bool {
	if len(vr.shared) >= maxSharedValues {
		return false
	}
	_, taken := vr.shared[h]
	return !taken
}

// memberChunk is the size of the chunks kept members are copied into.
const memberChunk = 4096

// copyMembers copies an object's members for the table into the current
// chunk of vr.kept: one allocation per few thousand members, never copied
// again.
func (vr *valueReader) copyMembers(ms []member) []member {
	if len(vr.kept)+len(ms) > cap(vr.kept) {
		vr.kept = make([]member, 0, max(memberChunk, len(ms)))
	}
	start := len(vr.kept)
	vr.kept = append(vr.kept, ms...)
	return vr.kept[start:len(vr.kept):len(vr.kept)]
}

func sameMembers(a, b []member) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key || !same(a[i].val, b[i].val) {
			return false
		}
	}
	return true
}

// same tells whether two values read by vr are equal. Objects and arrays
// are compared by identity: equal ones were shared when they were read,
// so an equal but separate one (the table was full) only misses a share.
func same(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return a == b // strings, json.Number, bool, nil: comparable
}
