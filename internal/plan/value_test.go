package plan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// Strings with escapes are unquoted in one scratch buffer that the next
// one reuses: each string must still keep its own text, whether it is a
// value, an object name or a long one that outgrows the buffer.
func TestEscapedStringsKeepTheirText(t *testing.T) {
	long := strings.Repeat(`{\"Action\":\"s3:GetObject\"}`, 4000) // over maxUnquoted once unquoted
	in := `{"p\u0031":"{\"Version\":\"2012-10-17\"}","p2":"tab\there","p3":"` + long + `",` +
		`"list":["a\"b","c\\d","\u00e9t\u00e9","a\"b"],"after":"x\/y"}`
	vr := newValueReader()
	got, err := vr.read(jsontext.NewDecoder(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	var want any
	dec := json.NewDecoder(bytes.NewReader([]byte(in)))
	dec.UseNumber()
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %v\nencoding/json reads %v", got, want)
	}
	if cap(vr.unquoted) > maxUnquoted {
		t.Errorf("scratch buffer of %d bytes kept after a long string", cap(vr.unquoted))
	}
}
