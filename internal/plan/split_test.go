package plan

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestSplitTopMatchesEncodingJSON(t *testing.T) {
	valid := []string{
		`{}`,
		` { "a" : 1 , "b":"x\"}{]" ,"c":{"d":["}",{"e":"\\"}]},"e\"k":null, "f": true, "g": -1.5e3 } `,
		`{"a":[[[]]],"b":{"c":{}}}`,
		"{\n\t\"format_version\": \"1.2\"\n}\n",
	}
	for _, in := range valid {
		got, err := splitTop([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: keys %v, want %v", in, got, want)
		}
		for k, v := range want {
			if !reflect.DeepEqual([]byte(got[k]), []byte(v)) {
				t.Errorf("%s: key %q = %s, want %s", in, k, got[k], v)
			}
		}
	}
	for _, in := range []string{`{"a":1} x`, `{"a" 1}`, `{"a":1,}`, `{"a":`, `{"a":"x`, `{a:1}`, `["a"]`, `{"a":[1,2}`} {
		top, err := splitTop([]byte(in))
		if err == nil {
			// Only a value-internal mismatch may pass the light scanner; the
			// value's own decode must then reject it.
			for _, v := range top {
				if json.Valid(v) {
					t.Errorf("%s: split accepted it and every value is valid JSON", in)
				}
			}
		}
	}
}
