package plan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	tfjson "github.com/hashicorp/terraform-json"
)

// The streaming decoder reads a plan once, front to back, through a small
// buffer, and builds only what the model reads: resource_changes (address,
// mode, type, name, index, actions, after, after_unknown), deferred
// changes, the data sources of prior_state and the configuration. Every
// other value is validated by the tokenizer and dropped; planned_values is
// only scanned for resource addresses, and a resource is decoded from it
// only when resource_changes lacks it (old formats). Nothing holds the
// whole file.
//
// It is the fast path. On any error the caller runs decode, the exact path
// over the whole input, which names the problem with its JSON path, line
// and column: an error costs a second read, a valid plan never does.

// streamer holds the state of one streaming decode.
type streamer struct {
	dec  *jsontext.Decoder
	vr   *valueReader
	opts json.Options
	// planned resources seen in planned_values: where each sits in the
	// input, so a missing one can be decoded afterwards. Their addresses
	// are copied, as written, one after another into chunks of addrs.
	planned refList
	addrs   []byte
	// pool decodes the rest of resource_changes on other cores while the
	// reader goes on (see parallel.go); nil when not started.
	pool *changePool
}

type plannedRef struct {
	addr       []byte // as written in JSON, escapes and all
	module     string
	placed     bool // module is set
	start, end int64
}

func newStreamer(r io.Reader) *streamer {
	s := &streamer{vr: newValueReader()}
	s.opts = json.JoinOptions(
		// Lenient where encoding/json is lenient, so the exact path is
		// only ever run for a real error.
		jsontext.AllowDuplicateNames(true),
		jsontext.AllowInvalidUTF8(true),
		json.MatchCaseInsensitiveNames(true),
		json.WithUnmarshalers(json.JoinUnmarshalers(
			json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *any) error {
				x, err := s.vr.read(dec)
				*v = x
				return err
			}),
			json.UnmarshalFromFunc(func(dec *jsontext.Decoder, e *tfjson.Expression) error {
				return s.expression(dec, e, 0)
			}),
		)),
	)
	s.dec = jsontext.NewDecoder(r, s.opts)
	return s
}

// errShape: a value has a shape the exact path rejects or names better.
var errShape = errors.New("unexpected shape")

// streamDecode decodes the plan in src (size bytes). It returns an error
// for anything but a well-formed plan; the caller then runs decode. When
// the bytes are already in memory (mem), the tokenizer reads them in place.
func streamDecode(source string, src io.ReaderAt, size int64, mem []byte) (*Plan, error) {
	var r io.Reader
	var bom int64
	if mem != nil {
		if bytes.HasPrefix(mem, utf8BOM) {
			bom = 3
		}
		r = bytes.NewBuffer(mem[bom:]) // jsontext parses a bytes.Buffer without a copy
	} else {
		br := bufio.NewReaderSize(io.NewSectionReader(src, 0, size), 256<<10)
		if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
			_, _ = br.Discard(3)
			bom = 3
		}
		r = br
	}
	var guard *tokenGuard
	if mem == nil {
		guard = &tokenGuard{r: r}
		r = guard
	}
	s := newStreamer(r)
	if guard != nil {
		guard.dec = s.dec
	}
	defer s.join() // no worker outlives the decode, whatever it returns
	doc := &tfjson.Plan{}
	var keys topKeys
	present, err := s.object(func(name string) error {
		if err := s.field(name, doc, &keys); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, errShape // null: the exact path names it
	}
	if _, err := s.dec.ReadToken(); err != io.EOF {
		return nil, errShape // trailing data
	}
	if err := s.join(); err != nil {
		return nil, fmt.Errorf("resource_changes: %w", err)
	}
	if err := s.missingPlanned(doc, src, mem, bom); err != nil {
		return nil, err
	}
	p := &Plan{Source: source, Doc: doc}
	if err := validate(p, keys); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *streamer) expect(kind jsontext.Kind) error { return s.expectOn(s.dec, kind) }

func (s *streamer) field(name string, doc *tfjson.Plan, keys *topKeys) error {
	switch name {
	case "format_version":
		return json.UnmarshalDecode(s.dec, &doc.FormatVersion, s.opts)
	case "terraform_version":
		return json.UnmarshalDecode(s.dec, &doc.TerraformVersion, s.opts)
	case "planned_values":
		keys.plannedValues = true
		return s.plannedValues()
	case "resource_changes":
		keys.resourceChanges = true
		return s.changes(&doc.ResourceChanges)
	case "deferred_changes":
		return s.deferred(&doc.DeferredChanges)
	case "complete":
		return json.UnmarshalDecode(s.dec, &doc.Complete, s.opts)
	case "errored":
		return json.UnmarshalDecode(s.dec, &keys.errored, s.opts)
	case "prior_state":
		st, err := s.priorState()
		doc.PriorState = st
		return err
	case "configuration":
		keys.configuration = true
		c, err := s.config()
		doc.Config = c
		return err
	case "variables":
		// Small (one value per root variable); cost reads the region from
		// it. A value Go cannot hold (1e400) leaves that variable out
		// instead of refusing a valid plan.
		var raw map[string]jsontext.Value
		if err := json.UnmarshalDecode(s.dec, &raw, s.opts); err != nil {
			return err
		}
		for name, v := range raw {
			var pv tfjson.PlanVariable
			if json.Unmarshal(v, &pv, s.opts) == nil {
				if doc.Variables == nil {
					doc.Variables = map[string]*tfjson.PlanVariable{}
				}
				doc.Variables[name] = &pv
			}
		}
		return nil
	case "values":
		keys.values = true
	case "lineage":
		keys.lineage = true
	case "resources":
		keys.resources = true
	case "serial":
		keys.serial = true
	}
	// Everything else (output_changes, resource_drift,
	// relevant_attributes, checks, timestamp, newer additions) is read by
	// nothing: the tokenizer checks it is JSON and builds nothing.
	return s.dec.SkipValue()
}

// changes decodes resource_changes one element at a time: the first
// parallelAfter in order, the rest on workers when there are several
// cores (join collects them).
func (s *streamer) changes(dst *[]*tfjson.ResourceChange) error {
	if err := s.join(); err != nil { // a repeated resource_changes member
		return err
	}
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return err
	}
	if err := s.expect('['); err != nil {
		return err
	}
	var out []*tfjson.ResourceChange
	for s.dec.PeekKind() != ']' {
		if s.pool == nil && len(out) >= parallelAfter && workerCount() > 0 {
			s.pool = newChangePool(dst, out, workerCount())
		}
		if s.pool != nil {
			raw, err := s.dec.ReadValue()
			if err != nil {
				return err
			}
			s.pool.add(raw)
			if s.pool.failed.Load() {
				return s.join()
			}
			continue
		}
		rc, err := s.resourceChange()
		if err != nil {
			return err
		}
		out = append(out, rc)
	}
	if s.pool != nil {
		s.pool.close() // the workers finish while the reader goes on
	} else {
		*dst = out
	}
	return s.expect(']')
}

// join waits for the workers of resource_changes, if any, and stores
// what they decoded.
func (s *streamer) join() error {
	if s.pool == nil {
		return nil
	}
	err := s.pool.join()
	s.pool = nil
	return err
}

// deferred decodes deferred_changes: a reason and a resource change each.
func (s *streamer) deferred(dst *[]*tfjson.DeferredResourceChange) error {
	return s.array(func() error {
		if s.dec.PeekKind() == 'n' {
			_, err := s.dec.ReadToken()
			*dst = append(*dst, nil)
			return err
		}
		d := &tfjson.DeferredResourceChange{}
		_, err := s.object(func(k string) error {
			var err error
			switch k {
			case "reason":
				d.Reason, err = s.str(true)
			case "resource_change":
				d.ResourceChange, err = s.resourceChange()
			default:
				err = s.skipUnread(k, []string{"reason", "resource_change"})
			}
			return err
		})
		*dst = append(*dst, d)
		return err
	})
}

// expression decodes a configuration expression the way tfjson does: an
// array is a list of nested blocks, an object holds constant_value and
// references (references make the constant unknown).
func (s *streamer) expression(dec *jsontext.Decoder, e *tfjson.Expression, depth int) error {
	if depth > 64 {
		return errDeep
	}
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		e.ExpressionData = nil
		return err
	case '[':
		dec.ReadToken()
		data := dataFor(e)
		for dec.PeekKind() != ']' {
			if err := s.expectOn(dec, '{'); err != nil {
				return err
			}
			block := map[string]*tfjson.Expression{}
			for dec.PeekKind() != '}' {
				k, err := s.vr.key(dec)
				if err != nil {
					return err
				}
				if dec.PeekKind() == 'n' {
					dec.ReadToken()
					block[k] = nil
					continue
				}
				sub := newExpression()
				if err := s.expression(dec, sub, depth+1); err != nil {
					return err
				}
				block[k] = sub
			}
			dec.ReadToken()
			data.NestedBlocks = append(data.NestedBlocks, block)
		}
		_, err := dec.ReadToken()
		e.ExpressionData = data
		return err
	case '{':
		dec.ReadToken()
		data := dataFor(e)
		for dec.PeekKind() != '}' {
			k, err := s.vr.key(dec)
			if err != nil {
				return err
			}
			switch k {
			case "constant_value":
				data.ConstantValue, err = s.vr.read(dec)
			case "references":
				data.References, err = s.references(dec)
			default:
				_, err = dec.ReadValue() // see skip
			}
			if err != nil {
				return err
			}
		}
		if len(data.References) > 0 {
			data.ConstantValue = tfjson.UnknownConstantValue
		}
		_, err := dec.ReadToken()
		e.ExpressionData = data
		return err
	}
	return errShape
}

// exprBlock holds an expression and its data in one allocation.
type exprBlock struct {
	e tfjson.Expression
	d tfjson.ExpressionData
}

// newExpression returns an expression whose data is allocated with it.
func newExpression() *tfjson.Expression {
	b := &exprBlock{}
	b.e.ExpressionData = &b.d
	return &b.e
}

// dataFor returns the data e is to hold: its own when it is still empty
// (newExpression's), else a new one, so a value decoded twice into the
// same expression never mixes with the first.
func dataFor(e *tfjson.Expression) *tfjson.ExpressionData {
	if d := e.ExpressionData; d != nil && d.ConstantValue == nil && d.References == nil && d.NestedBlocks == nil {
		return d
	}
	return &tfjson.ExpressionData{}
}

// references reads an expression's reference list; references repeat
// across a configuration (var.name, each.value), so they are interned.
func (s *streamer) references(dec *jsontext.Decoder) ([]string, error) {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return nil, err
	}
	if err := s.expectOn(dec, '['); err != nil {
		return nil, err
	}
	out := []string{}
	for dec.PeekKind() != ']' {
		if dec.PeekKind() != '"' {
			return nil, errShape
		}
		ref, err := s.vr.str(dec)
		if err != nil {
			return nil, err
		}
		out = append(out, ref)
	}
	_, err := dec.ReadToken()
	return out, err
}

// object reads an object, calling each with every member name; each reads
// the member's value. A null reads as no object (present is false).
func (s *streamer) object(each func(k string) error) (present bool, err error) {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return false, err
	}
	if err := s.expect('{'); err != nil {
		return false, err
	}
	for s.dec.PeekKind() != '}' {
		k, err := s.vr.key(s.dec)
		if err != nil {
			return false, err
		}
		if err := each(k); err != nil {
			return false, err
		}
	}
	return true, s.expect('}')
}

// addrChunk is the size of the chunks planned addresses are copied into:
// one allocation per few thousand addresses, and none is ever copied again.
const addrChunk = 256 << 10

// rawAddress reads the string value next in the input and returns its body
// as written (escapes and all), copied into the current chunk of s.addrs.
func (s *streamer) rawAddress() ([]byte, error) {
	if s.dec.PeekKind() != '"' {
		return nil, errShape
	}
	raw, err := s.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	body := raw[1 : len(raw)-1]
	if len(s.addrs)+len(body) > cap(s.addrs) {
		s.addrs = make([]byte, 0, max(addrChunk, len(body)))
	}
	start := len(s.addrs)
	s.addrs = append(s.addrs, body...)
	return s.addrs[start:len(s.addrs):len(s.addrs)], nil
}

// unquoteInto unquotes a string body as written in JSON into buf (reused
// from its start) and returns it. The escapes addresses hold (\" and \\)
// are undone here; any other goes through jsontext.
func unquoteInto(buf, body []byte) ([]byte, error) {
	dst := buf[:0]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		if i+1 < len(body) && (body[i+1] == '"' || body[i+1] == '\\' || body[i+1] == '/') {
			i++
			dst = append(dst, body[i])
			continue
		}
		return jsontext.AppendUnquote(dst[:0], append(append([]byte{'"'}, body...), '"'))
	}
	return dst, nil
}

func (s *streamer) expectOn(dec *jsontext.Decoder, kind jsontext.Kind) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != kind {
		return errShape
	}
	return nil
}
