package plan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

const sharingPlan = `{"format_version":"1.2","resource_changes":[
 {"address":"aws_iam_role.a","mode":"managed","type":"aws_iam_role","name":"a","change":{"actions":["create"],
  "after":{"name":"a","tags":{"team":"x"},"inline_policy":[]},"after_unknown":{"arn":true,"tags_all":true}}},
 {"address":"aws_iam_role.b","mode":"managed","type":"aws_iam_role","name":"b","change":{"actions":["create"],
  "after":{"name":"b","tags":{"team":"x"},"inline_policy":[]},"after_unknown":{"arn":true,"tags_all":true}}},
 {"address":"aws_iam_role.c","mode":"managed","type":"aws_iam_role","name":"c","change":{"actions":["create"],
  "after":{"name":"c","tags":{"team":"y"},"inline_policy":[{"name":"p"}]},"after_unknown":{"arn":true,"tags_all":false}}},
 {"address":"aws_iam_role.d","mode":"managed","type":"aws_iam_role","name":"d","change":{"actions":["create"],
  "after":{"name":"d","tags":{"team":"x","team":"x"}},"after_unknown":{"tags_all":true,"arn":true}}}
]}`

func mapID(t *testing.T, v any) uintptr {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is not an object", v)
	}
	return reflect.ValueOf(m).Pointer()
}

// Equal subtrees are built once and shared; unequal ones keep their own
// values, and every value still equals what encoding/json reads.
func TestLoadSharesEqualSubtrees(t *testing.T) {
	p, err := FromBytes("sharing.json", []byte(sharingPlan), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rcs := p.Doc.ResourceChanges
	after := func(i int) map[string]any { return rcs[i].Change.After.(map[string]any) }
	if mapID(t, rcs[0].Change.AfterUnknown) != mapID(t, rcs[1].Change.AfterUnknown) {
		t.Error("equal after_unknown objects of a and b are not shared")
	}
	if mapID(t, after(0)["tags"]) != mapID(t, after(1)["tags"]) {
		t.Error("equal tags of a and b are not shared")
	}
	if mapID(t, rcs[0].Change.AfterUnknown) == mapID(t, rcs[2].Change.AfterUnknown) {
		t.Error("c's after_unknown (tags_all false) shares a's")
	}
	if mapID(t, after(0)["tags"]) == mapID(t, after(3)["tags"]) {
		t.Error("d's tags (a repeated name) share a's")
	}

	var want struct {
		ResourceChanges []struct {
			Change struct {
				After        any `json:"after"`
				AfterUnknown any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(sharingPlan)))
	dec.UseNumber()
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	for i, rc := range rcs {
		w := want.ResourceChanges[i].Change
		if !reflect.DeepEqual(rc.Change.After, w.After) || !reflect.DeepEqual(rc.Change.AfterUnknown, w.AfterUnknown) {
			t.Errorf("%s: after %v / %v, encoding/json reads %v / %v", rc.Address, rc.Change.After, rc.Change.AfterUnknown, w.After, w.AfterUnknown)
		}
	}
}

// Values whose hashes collide are compared member by member: a collision
// never hands out another value.
func TestSharingComparesOnCollision(t *testing.T) {
	vr := newValueReader()
	const h = 42 // one hash for all, as if every value collided
	object := func(ms ...member) map[string]any {
		vr.members = append(vr.members, ms...)
		return vr.object(0, h)
	}
	first := object(member{"a", "1"}, member{"b", "2"})
	if got := object(member{"a", "1"}, member{"b", "3"}); !reflect.DeepEqual(got, map[string]any{"a": "1", "b": "3"}) {
		t.Errorf("colliding object read as %v", got)
	}
	if got := object(member{"a", "1"}, member{"a", "1"}); !reflect.DeepEqual(got, map[string]any{"a": "1"}) {
		t.Errorf("object with a repeated name read as %v", got)
	}
	if got := object(member{"a", "1"}, member{"b", "2"}); mapID(t, got) != mapID(t, first) {
		t.Error("an equal object under the same hash is not shared")
	}
	array := func(items ...any) []any {
		vr.items = append(vr.items, items...)
		return vr.array(0, h).([]any)
	}
	if got := array("1", first); !reflect.DeepEqual(got, []any{"1", first}) {
		t.Errorf("array read as %v", got)
	}
	other := map[string]any{"a": "1", "b": "2"} // equal to first, but not first
	if got := array("1", other); !same(got[1], other) || same(got[1], first) {
		t.Error("an array holding another (equal but separate) object shares the first array")
	}
	if len(vr.members) != 0 || len(vr.items) != 0 {
		t.Errorf("stacks not popped: %d members, %d items", len(vr.members), len(vr.items))
	}
}

// A repeated array costs no allocation: the shared list is handed out as
// the table keeps it, boxed, not boxed again per repeat.
func TestSharedArraysAreNotBoxedAgain(t *testing.T) {
	vr := newValueReader()
	allocs := func(repeats int) float64 {
		in := "[" + strings.Repeat(`["a","b"],[],`, repeats) + `"end"]`
		read := func() {
			if _, err := vr.read(jsontext.NewDecoder(strings.NewReader(in))); err != nil {
				t.Fatal(err)
			}
		}
		read() // the first read builds the values and grows the stacks
		return testing.AllocsPerRun(5, read)
	}
	few, many := allocs(10), allocs(1000)
	if many-few > 10 {
		t.Errorf("reading 990 more repeated arrays costs %.0f more allocations, want none", many-few)
	}
}

// Once the table is full, or an object's hash is taken, the object's
// members are not copied for a table that will not keep them.
func TestMembersCopiedOnlyWhenKept(t *testing.T) {
	vr := newValueReader()
	vr.members = append(vr.members, member{"a", "1"})
	vr.object(0, 7)
	kept := len(vr.kept)
	vr.members = append(vr.members, member{"a", "2"}) // hash 7 is taken
	vr.object(0, 7)
	for h := range uint64(maxSharedValues) {
		vr.shared[h+100] = sharedValue{}
	}
	vr.members = append(vr.members, member{"b", "3"})
	vr.object(0, 8) // the table is full
	if len(vr.kept) != kept {
		t.Errorf("%d members copied for objects the table did not keep", len(vr.kept)-kept)
	}
}
