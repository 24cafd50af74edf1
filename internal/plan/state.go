package plan

import (
	"bytes"
	"io"

	json "github.com/go-json-experiment/json"
	tfjson "github.com/hashicorp/terraform-json"
)

// stateResource is what a module of planned_values or prior_state says of
// one resource, as far as the streaming decoder reads it.
type stateResource struct {
	address, mode, typ, name string
	index                    any
	values                   map[string]any
	hasValues                bool
}

// module walks a state module ({resources, address, child_modules}).
// keep decides, per resource, whether its values are built; onResource
// sees every resource with where its object starts and ends in the input.
func (s *streamer) module(depth int, keep func(mode string) bool, onResource func(r *stateResource, module string, start, end int64), mod *tfjson.StateModule) error {
	if depth > 64 {
		return errDeep
	}
	if err := s.expect('{'); err != nil {
		return err
	}
	var pending []*stateResource
	var spans [][2]int64
	for s.dec.PeekKind() != '}' {
		k, err := s.vr.key(s.dec)
		if err != nil {
			return err
		}
		switch k {
		case "address":
			mod.Address, err = s.str(true)
		case "resources":
			err = s.array(func() error {
				start := s.dec.InputOffset()
				r, err := s.resource(keep)
				if err != nil {
					return err
				}
				pending = append(pending, r)
				spans = append(spans, [2]int64{start, s.dec.InputOffset()})
				return nil
			})
		case "child_modules":
			err = s.array(func() error {
				child := &tfjson.StateModule{}
				if err := s.module(depth+1, keep, onResource, child); err != nil {
					return err
				}
				if len(child.Resources) > 0 || len(child.ChildModules) > 0 {
					mod.ChildModules = append(mod.ChildModules, child)
				}
				return nil
			})
		default:
			err = s.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	for i, r := range pending {
		onResource(r, mod.Address, spans[i][0], spans[i][1])
		if r.hasValues {
			mod.Resources = append(mod.Resources, &tfjson.StateResource{
				Address: r.address, Mode: tfjson.ResourceMode(r.mode), Type: r.typ, Name: r.name,
				Index: r.index, AttributeValues: r.values,
			})
		}
	}
	return s.expect('}')
}

// array calls each once per element of an array (null counts as empty).
func (s *streamer) array(each func() error) error {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return err
	}
	if err := s.expect('['); err != nil {
		return err
	}
	for s.dec.PeekKind() != ']' {
		if err := each(); err != nil {
			return err
		}
	}
	return s.expect(']')
}

// resource reads one state resource; its values are built only when
// keep(mode) says so (mode comes before values in terraform's output; if it
// does not, the values are built).
func (s *streamer) resource(keep func(string) bool) (*stateResource, error) {
	r := &stateResource{}
	if err := s.expect('{'); err != nil {
		return nil, err
	}
	seenMode := false
	for s.dec.PeekKind() != '}' {
		k, err := s.vr.key(s.dec)
		if err != nil {
			return nil, err
		}
		switch k {
		case "address":
			r.address, err = s.str(false)
		case "mode":
			seenMode = true
			r.mode, err = s.str(true)
		case "type":
			r.typ, err = s.str(true)
		case "name":
			r.name, err = s.str(true)
		case "index":
			r.index, err = s.vr.read(s.dec)
		case "values":
			if seenMode && !keep(r.mode) {
				err = s.dec.SkipValue()
				break
			}
			r.values, err = s.objectValue()
			r.hasValues = true
		default:
			err = s.dec.SkipValue()
		}
		if err != nil {
			return nil, err
		}
	}
	if r.hasValues && !keep(r.mode) {
		r.hasValues, r.values = false, nil
	} else if !r.hasValues && keep(r.mode) {
		r.hasValues = true
	}
	return r, s.expect('}')
}

// objectValue reads an object of generic values (null reads as nil).
func (s *streamer) objectValue() (map[string]any, error) {
	switch s.dec.PeekKind() {
	case 'n':
		_, err := s.dec.ReadToken()
		return nil, err
	case '{':
		v, err := s.vr.read(s.dec)
		m, _ := v.(map[string]any)
		return m, err
	}
	return nil, errShape
}

func isData(mode string) bool { return mode == string(tfjson.DataResourceMode) }
func never(string) bool       { return false }
func always(string) bool      { return true }

// priorState keeps the data sources read during planning (the model reads
// their values, e.g. IAM policy documents) and drops everything else.
func (s *streamer) priorState() (*tfjson.State, error) {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return nil, err
	}
	st := &tfjson.State{}
	if err := s.expect('{'); err != nil {
		return nil, err
	}
	for s.dec.PeekKind() != '}' {
		k, err := s.vr.key(s.dec)
		if err != nil {
			return nil, err
		}
		switch k {
		case "format_version":
			err = json.UnmarshalDecode(s.dec, &st.FormatVersion, s.opts)
		case "terraform_version":
			err = json.UnmarshalDecode(s.dec, &st.TerraformVersion, s.opts)
		case "values":
			st.Values = &tfjson.StateValues{}
			err = s.object(func(k string) error {
				if k != "root_module" {
					return s.dec.SkipValue()
				}
				if s.dec.PeekKind() == 'n' {
					_, err := s.dec.ReadToken()
					return err
				}
				st.Values.RootModule = &tfjson.StateModule{}
				return s.module(0, isData, func(*stateResource, string, int64, int64) {}, st.Values.RootModule)
			})
		default:
			err = s.dec.SkipValue()
		}
		if err != nil {
			return nil, err
		}
	}
	return st, s.expect('}')
}

// plannedValues scans planned_values for resource addresses only.
func (s *streamer) plannedValues() error {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return err
	}
	return s.object(func(k string) error {
		if k != "root_module" {
			return s.dec.SkipValue()
		}
		if s.dec.PeekKind() == 'n' {
			_, err := s.dec.ReadToken()
			return err
		}
		var root tfjson.StateModule
		return s.module(0, never, func(r *stateResource, module string, start, end int64) {
			s.planned = append(s.planned, plannedRef{address: r.address, module: module, start: start, end: end})
		}, &root)
	})
}

// object calls each with every member name of an object; each reads the value.
func (s *streamer) object(each func(k string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	for s.dec.PeekKind() != '}' {
		k, err := s.vr.key(s.dec)
		if err != nil {
			return err
		}
		if err := each(k); err != nil {
			return err
		}
	}
	return s.expect('}')
}

// missingPlanned decodes, from planned_values, the resources that neither
// resource_changes nor prior_state hold (plans of old formats), re-reading
// only their bytes. doc.PlannedValues then holds just those.
func (s *streamer) missingPlanned(doc *tfjson.Plan, src io.ReaderAt, mem []byte, offset int64) error {
	if len(s.planned) == 0 {
		return nil
	}
	have := make(map[string]bool, len(doc.ResourceChanges))
	for _, rc := range doc.ResourceChanges {
		if rc != nil && rc.Change != nil {
			have[rc.Address] = true
		}
	}
	for _, d := range doc.DeferredChanges {
		if d != nil && d.ResourceChange != nil {
			have[d.ResourceChange.Address] = true
		}
	}
	if doc.PriorState != nil && doc.PriorState.Values != nil {
		walkModules(doc.PriorState.Values.RootModule, func(r *tfjson.StateResource) { have[r.Address] = true })
	}
	byModule := map[string]*tfjson.StateModule{}
	root := &tfjson.StateModule{}
	for _, ref := range s.planned {
		if have[ref.address] {
			continue
		}
		var buf []byte
		if mem != nil {
			buf = mem[offset+ref.start : offset+ref.end]
		} else {
			buf = make([]byte, ref.end-ref.start)
			if _, err := src.ReadAt(buf, offset+ref.start); err != nil {
				return err
			}
		}
		buf = bytes.TrimLeft(buf, " \t\r\n,")
		r, err := newStreamer(bytes.NewBuffer(buf)).resource(always)
		if err != nil {
			return err
		}
		sr := tfjson.StateResource{
			Address: r.address, Mode: tfjson.ResourceMode(r.mode), Type: r.typ, Name: r.name,
			Index: r.index, AttributeValues: r.values,
		}
		mod := ref.module
		m := byModule[mod]
		if m == nil {
			m = &tfjson.StateModule{Address: mod}
			byModule[mod] = m
			root.ChildModules = append(root.ChildModules, m)
		}
		m.Resources = append(m.Resources, &sr)
	}
	if len(root.ChildModules) > 0 {
		doc.PlannedValues = &tfjson.StateValues{RootModule: root}
	}
	return nil
}

func walkModules(m *tfjson.StateModule, fn func(*tfjson.StateResource)) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r != nil {
			fn(r)
		}
	}
	for _, c := range m.ChildModules {
		walkModules(c, fn)
	}
}
