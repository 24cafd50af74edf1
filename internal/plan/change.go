package plan

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// changeFields are the members of a resource change the streaming decoder
// reads; every other member (before, before_sensitive, after_sensitive,
// replace_paths, importing…) is skipped by the tokenizer without building
// anything.
var changeFields = []string{
	"address", "previous_address", "module_address", "mode", "type", "name", "index",
	"provider_name", "deposed", "action_reason", "change",
}

// resourceChange reads one element of resource_changes (or the
// resource_change of a deferred change; null reads as nil): ReadValue
// checks it whole, and fromRaw builds it from its bytes.
func (s *streamer) resourceChange() (*tfjson.ResourceChange, error) {
	raw, err := s.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return s.vr.resourceChange(raw)
}

// resourceChange builds a resource change from its JSON, as ReadValue
// returned it, member by member: a reflective decode of the same fields
// costs more than the values themselves. A shape the exact decoder might
// read differently (a member spelled in another case, a string field that
// is not a string) returns errShape, so the exact path decides.
func (vr *valueReader) resourceChange(raw []byte) (*tfjson.ResourceChange, error) {
	r := &rawReader{b: raw}
	if ok, err := r.open('{'); !ok {
		return nil, err
	}
	b := &changeBlock{}
	rc := &b.rc
	for r.next() {
		k, err := vr.rawName(r)
		if err != nil {
			return nil, err
		}
		switch k {
		case "address":
			rc.Address, err = vr.rawStr(r, false)
		case "previous_address":
			rc.PreviousAddress, err = vr.rawStr(r, false)
		case "module_address":
			rc.ModuleAddress, err = vr.rawStr(r, true)
		case "mode":
			var m string
			m, err = vr.rawStr(r, true)
			rc.Mode = tfjson.ResourceMode(m)
		case "type":
			rc.Type, err = vr.rawStr(r, true)
		case "name":
			rc.Name, err = vr.rawStr(r, true)
		case "index":
			rc.Index, _, err = vr.value(r, 0)
		case "provider_name":
			rc.ProviderName, err = vr.rawStr(r, true)
		case "deposed":
			rc.DeposedKey, err = vr.rawStr(r, false)
		case "action_reason":
			var a string
			a, err = vr.rawStr(r, true)
			rc.ActionReason = tfjson.ActionReason(a)
		case "change":
			rc.Change, err = vr.change(r, &b.c, b.actions[:0])
		default:
			err = skipUnreadRaw(r, k, changeFields)
		}
		if err != nil {
			return nil, err
		}
	}
	return rc, nil
}

var changeValueFields = []string{"actions", "after", "after_unknown"}

// changeBlock holds a resource change, its change and room for its
// actions (one or two) in one allocation.
type changeBlock struct {
	rc      tfjson.ResourceChange
	c       tfjson.Change
	actions [2]tfjson.Action
}

// change reads the change of a resource change into c (null reads as
// nil): its actions (appended to actions), after and after_unknown.
func (vr *valueReader) change(r *rawReader, c *tfjson.Change, actions tfjson.Actions) (*tfjson.Change, error) {
	if ok, err := r.open('{'); !ok {
		return nil, err
	}
	for r.next() {
		k, err := vr.rawName(r)
		if err != nil {
			return nil, err
		}
		switch k {
		case "actions":
			c.Actions, err = vr.actions(r, actions)
		case "after":
			c.After, _, err = vr.value(r, 0)
		case "after_unknown":
			c.AfterUnknown, _, err = vr.value(r, 0)
		default:
			err = skipUnreadRaw(r, k, changeValueFields)
		}
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (vr *valueReader) actions(r *rawReader, out tfjson.Actions) (tfjson.Actions, error) {
	if ok, err := r.open('['); !ok {
		return nil, err
	}
	out = out[:0]
	if out == nil {
		out = tfjson.Actions{}
	}
	for r.next() {
		if r.peek() != '"' {
			return nil, errShape
		}
		a, err := vr.rawStr(r, true)
		if err != nil {
			return nil, err
		}
		out = append(out, tfjson.Action(a))
	}
	return out, nil
}

// rawName reads an object name, interned, and passes the colon after it.
func (vr *valueReader) rawName(r *rawReader) (string, error) {
	k, err := internRaw(vr, vr.keys, r.str(), vr.newKey)
	r.colon()
	return k.s, err
}

// rawStr reads a string member (null reads as ""); intern shares the
// string with earlier equal ones, for values a plan repeats (types, modes,
// providers, module addresses).
func (vr *valueReader) rawStr(r *rawReader, intern bool) (string, error) {
	switch r.peek() {
	case 'n':
		r.i += 4
		return "", nil
	case '"':
		if intern {
			return internRaw(vr, vr.strs, r.str(), func(s string) string { return s })
		}
		return vr.unquote(r.str())
	}
	return "", errShape
}

// skipUnreadRaw is skipUnread over bytes.
func skipUnreadRaw(r *rawReader, name string, read []string) error {
	if misspelt(name, read) {
		return errShape
	}
	r.skip()
	return nil
}

// str reads a string member (null reads as ""); intern shares the string
// with earlier equal ones, for values a plan repeats (types, modes,
// providers, module addresses).
func (s *streamer) str(intern bool) (string, error) {
	switch s.dec.PeekKind() {
	case 'n':
		_, err := s.dec.ReadToken()
		return "", err
	case '"':
		if intern {
			return s.vr.str(s.dec)
		}
		raw, err := s.dec.ReadValue()
		if err != nil {
			return "", err
		}
		return s.vr.unquote(raw)
	}
	return "", errShape
}

// skipUnread skips the value of a member nothing reads. A name that
// matches a read one in another case is left to the exact decoder, which
// matches names without regard to case.
func (s *streamer) skipUnread(name string, read []string) error {
	if misspelt(name, read) {
		return errShape
	}
	return s.skip()
}

// misspelt reports whether name is one of read in another case.
func misspelt(name string, read []string) bool {
	for _, f := range read {
		if strings.EqualFold(name, f) {
			return true
		}
	}
	return false
}
