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
// resource_change of a deferred change; null reads as nil) token by
// token: a reflective decode of the same fields costs more than the
// values themselves. A
// shape the exact decoder might read differently (a member spelled in
// another case, a string field that is not a string) returns errShape, so
// the exact path decides.
func (s *streamer) resourceChange() (*tfjson.ResourceChange, error) {
	b := &changeBlock{}
	return intoObject(s, &b.rc, func(rc *tfjson.ResourceChange, k string) error {
		var err error
		switch k {
		case "address":
			rc.Address, err = s.str(false)
		case "previous_address":
			rc.PreviousAddress, err = s.str(false)
		case "module_address":
			rc.ModuleAddress, err = s.str(true)
		case "mode":
			var m string
			m, err = s.str(true)
			rc.Mode = tfjson.ResourceMode(m)
		case "type":
			rc.Type, err = s.str(true)
		case "name":
			rc.Name, err = s.str(true)
		case "index":
			rc.Index, err = s.vr.read(s.dec)
		case "provider_name":
			rc.ProviderName, err = s.str(true)
		case "deposed":
			rc.DeposedKey, err = s.str(false)
		case "action_reason":
			var r string
			r, err = s.str(true)
			rc.ActionReason = tfjson.ActionReason(r)
		case "change":
			rc.Change, err = s.change(&b.c, b.actions[:0])
		default:
			err = s.skipUnread(k, changeFields)
		}
		return err
	})
}

var changeValueFields = []string{"actions", "after", "after_unknown"}

// changeBlock holds a resource change, its change and room for its
// actions (one or two) in one allocation.
type changeBlock struct {
	rc      tfjson.ResourceChange
	c       tfjson.Change
	actions [2]tfjson.Action
}

// change reads the change of a resource change into c: its actions
// (appended to actions), after and after_unknown.
func (s *streamer) change(c *tfjson.Change, actions tfjson.Actions) (*tfjson.Change, error) {
	return intoObject(s, c, func(c *tfjson.Change, k string) error {
		var err error
		switch k {
		case "actions":
			c.Actions, err = s.actions(actions)
		case "after":
			c.After, err = s.vr.read(s.dec)
		case "after_unknown":
			c.AfterUnknown, err = s.vr.read(s.dec)
		default:
			err = s.skipUnread(k, changeValueFields)
		}
		return err
	})
}

func (s *streamer) actions(out tfjson.Actions) (tfjson.Actions, error) {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return nil, err
	}
	if err := s.expect('['); err != nil {
		return nil, err
	}
	out = out[:0]
	if out == nil {
		out = tfjson.Actions{}
	}
	for s.dec.PeekKind() != ']' {
		if s.dec.PeekKind() != '"' {
			return nil, errShape
		}
		a, err := s.str(true)
		if err != nil {
			return nil, err
		}
		out = append(out, tfjson.Action(a))
	}
	return out, s.expect(']')
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
	for _, f := range read {
		if strings.EqualFold(name, f) {
			return errShape
		}
	}
	return s.skip()
}
