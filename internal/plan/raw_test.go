package plan

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"
)

// A resource change built from its bytes (raw.go) must be what
// encoding/json reads from the same element, numbers as json.Number, and
// an element encoding/json finds malformed must never be accepted: on
// every element of generated plans, hand-made ones (escapes, white space,
// nulls, repeats, big numbers, deep values) and 3000 random mutations of
// them. One streamer reads them all, so repeated values come from its
// intern and sharing tables as they do in a plan.
func TestResourceChangeMatchesEncodingJSON(t *testing.T) {
	var elems []string
	for _, distinct := range []bool{false, true} {
		var top struct {
			RC []json.RawMessage `json:"resource_changes"`
		}
		if err := json.Unmarshal(generated(t, 400, distinct), &top); err != nil {
			t.Fatal(err)
		}
		for _, rc := range top.RC {
			elems = append(elems, string(rc))
		}
	}
	hand := []string{
		`null`, `{}`, `{"change":null}`, `{"change":{"actions":null,"after":null}}`,
		` { "address" : "a.b[\"k\"]" , "index" : "k" , "change" : { "actions" : [ "delete" , "create" ] ,` +
			` "after" : { "x" : [ 1 , -2.5e3 , true , false , null , [ ] , { } ] } , "after_unknown" : { } } } `,
		"{\"addr\\u0065ss\":\"x\\ty\\u00e9\\/\",\"type\":\"t\\\"q\\\\\",\"change\":{\"after\":{\"p\\u0031\":\"{\\\"V\\\":1}\"}}}",
		`{"index":1e400,"change":{"after":{"n":123456789012345678901234567890,"m":-0.5E-7,"p":[1E+2,0e+0]}}}`,
		`{"change":{"after":{"a":1,"a":2},"actions":["create"],"actions":["update"]},"change":{"after_unknown":true}}`,
		"{\n\t\"address\" :\r\n\"x\",\n\"change\":{\n\"after\":[\n1\n,\t{ }\r]\n}\n}\n",
		`{"name":null,"mode":null,"deposed":null,"action_reason":null,"previous_address":"p","provider_name":"x"}`,
		`{"before":{"x":[{"y":"}"}]},"after_sensitive":"]","change":{"before":"{","replace_paths":[["a"]]}}`,
		`{"change":{"after":` + strings.Repeat(`[`, 500) + strings.Repeat(`]`, 500) + `}}`,
	}
	// Shapes the exact path may read otherwise: refused, so it decides.
	refused := []string{`{"Address":"x"}`, `{"address":1}`, `{"change":{"Actions":[]}}`, `{"change":{"actions":[1]}}`, `[]`, `"s"`}
	elems = append(elems, hand...)
	valid := len(elems)
	elems = append(elems, refused...)
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "{}[]\",:\\ 0a-.eun"
	for range 3000 {
		b := mutate(rng, []byte(elems[rng.IntN(len(elems))]), alphabet)
		elems = append(elems, string(b))
	}
	s := newStreamer(bytes.NewBuffer(nil))
	accepted := 0
	for i, elem := range elems {
		s.dec.Reset(strings.NewReader(elem), s.opts)
		got, err := s.resourceChange()
		if err != nil && i < valid {
			t.Fatalf("%.200q refused: %v", elem, err)
		}
		if err == nil && i >= valid && i < valid+len(refused) {
			t.Fatalf("%.200q accepted", elem)
		}
		if err != nil {
			continue // the exact path decides
		}
		if _, err := s.dec.ReadToken(); err != io.EOF {
			continue // not one element: the array around it would refuse it
		}
		accepted++
		var w *resourceChangeWire
		dec := json.NewDecoder(strings.NewReader(elem))
		dec.UseNumber()
		if werr := dec.Decode(&w); werr != nil || dec.More() {
			t.Fatalf("accepted %.200q, which encoding/json refuses: %v", elem, werr)
		}
		if !utf8.ValidString(elem) {
			continue // encoding/json replaces invalid UTF-8; the loader keeps it
		}
		if got, want := readFields(got), readFields(w.toTF()); !reflect.DeepEqual(got, want) {
			t.Fatalf("%.200q read as %+v, encoding/json reads %+v", elem, got, want)
		}
	}
	if accepted < len(elems)/3 {
		t.Errorf("only %d of %d elements accepted: the test checks too little", accepted, len(elems))
	}
}

// readFields keeps what the streaming decoder reads of a resource change
// (the model reads nothing else), its change by value.
func readFields(rc *tfjson.ResourceChange) any {
	if rc == nil {
		return nil
	}
	type change struct {
		Actions             tfjson.Actions
		After, AfterUnknown any
	}
	var c *change
	if rc.Change != nil {
		c = &change{rc.Change.Actions, rc.Change.After, rc.Change.AfterUnknown}
	}
	return struct {
		Address, PreviousAddress, ModuleAddress, Type, Name, ProviderName, DeposedKey string
		Mode                                                                          tfjson.ResourceMode
		ActionReason                                                                  tfjson.ActionReason
		Index                                                                         any
		Change                                                                        *change
	}{rc.Address, rc.PreviousAddress, rc.ModuleAddress, rc.Type, rc.Name, rc.ProviderName, rc.DeposedKey, rc.Mode, rc.ActionReason, rc.Index, c}
}
