package plan

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// skip reads a value whole where jsontext's SkipValue walks it token by
// token: both must accept the same inputs and stop at the same place, or
// the streaming path would accept a plan the exact path refuses (or the
// other way round). Checked on a resource value and on thousands of random
// mutations of it, and at the nesting limit.
func TestSkipMatchesSkipValue(t *testing.T) {
	base := `{"address":"aws_s3_bucket.b[\"x\"]","values":{"tags":{"Name":"a\u00e9","k":null},` +
		`"list":[1,-2.5e3,true,false,[],{},"q\"\\"],"policy":"{\"Version\":\"2012-10-17\"}"},` +
		`"sensitive_values":{"tags":{}},"dup":1,"dup":2} {"next":[]}`
	inputs := []string{
		base, `[]`, `{}`, `"s"`, `12`, `null`, `[1,]`, `{"a":}`, `{"a" 1}`, `[1 2]`, `{]`, `[}`,
		"\"\xff\"", `{"a":1,"a":2}`, `[` + `"\u12"` + `]`, `[01]`, `{"a":tru}`,
		strings.Repeat(`[`, 9999) + strings.Repeat(`]`, 9999),
		strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001),
		strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10001),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "{}[]\",:\\ 0a-.eu\xff"
	for range 2000 {
		inputs = append(inputs, string(mutate(rng, []byte(base), alphabet)))
	}
	for _, in := range inputs {
		// The value sits inside an object, as the skipped values of a
		// plan do.
		doc := `{"k":` + in + `}`
		want, wantErr := skipEnd(doc, false)
		got, gotErr := skipEnd(doc, true)
		if (gotErr == nil) != (wantErr == nil) || got != want {
			t.Fatalf("skipping %.80q: skip ends at %d (error %v), SkipValue at %d (error %v)", in, got, gotErr, want, wantErr)
		}
	}
}

// skipEnd reads the name of doc's first member, skips its value with skip
// (or SkipValue) and returns where the decoder stands then.
func skipEnd(doc string, useSkip bool) (int64, error) {
	s := newStreamer(bytes.NewBufferString(doc))
	if _, err := s.dec.ReadToken(); err != nil {
		return -1, err
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return -1, err
	}
	var err error
	if useSkip {
		err = s.skip()
	} else {
		err = s.dec.SkipValue()
	}
	if err != nil {
		return -1, err
	}
	return s.dec.InputOffset(), nil
}
