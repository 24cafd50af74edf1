package plan

import (
	"bytes"
	"io"

	json "github.com/go-json-experiment/json"
	tfjson "github.com/hashicorp/terraform-json"
)

// stateResource is what a module of prior_state (or, for a resource
// resource_changes lacks, of planned_values) says of one resource, as far
// as the streaming decoder reads it.
type stateResource struct {
	address, mode, typ, name string
	index                    any
	values                   map[string]any
	hasValues                bool
}

// stateModule reads a state module ({address, resources, child_modules}):
// resource reads one element of resources, child one of child_modules. It
// returns the module's address, which may come after its resources.
func (s *streamer) stateModule(depth int, resource, child func() error) (string, error) {
	if depth > 64 {
		return "", errDeep
	}
	var address string
	_, err := s.object(func(k string) error {
		var err error
		switch k {
		case "address":
			address, err = s.str(true)
		case "resources":
			err = s.array(resource)
		case "child_modules":
			err = s.array(child)
		default:
			err = s.skip()
		}
		return err
	})
	return address, err
}

// dataModule reads a module of prior_state into mod, keeping its data
// sources with their values and dropping the rest.
func (s *streamer) dataModule(depth int, mod *tfjson.StateModule) error {
	var err error
	mod.Address, err = s.stateModule(depth, func() error {
		r, err := s.resource(isData)
		if err != nil || r == nil || !r.hasValues {
			return err
		}
		mod.Resources = append(mod.Resources, &tfjson.StateResource{
			Address: r.address, Mode: tfjson.ResourceMode(r.mode), Type: r.typ, Name: r.name,
			Index: r.index, AttributeValues: r.values,
		})
		return nil
	}, func() error {
		child := &tfjson.StateModule{}
		if err := s.dataModule(depth+1, child); err != nil {
			return err
		}
		if len(child.Resources) > 0 || len(child.ChildModules) > 0 {
			mod.ChildModules = append(mod.ChildModules, child)
		}
		return nil
	})
	return err
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
// does not, the values are built). A null resource reads as nil.
func (s *streamer) resource(keep func(string) bool) (*stateResource, error) {
	r := &stateResource{}
	seenMode := false
	present, err := s.object(func(k string) error {
		var err error
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
				return s.skip()
			}
			r.values, err = s.objectValue()
			r.hasValues = true
		default:
			err = s.skip()
		}
		return err
	})
	if err != nil || !present {
		return nil, err
	}
	if r.hasValues && !keep(r.mode) {
		r.hasValues, r.values = false, nil
	} else if !r.hasValues && keep(r.mode) {
		r.hasValues = true
	}
	return r, nil
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
func always(string) bool      { return true }

// priorState keeps the data sources read during planning (the model reads
// their values, e.g. IAM policy documents) and drops everything else.
func (s *streamer) priorState() (*tfjson.State, error) {
	st := &tfjson.State{}
	present, err := s.object(func(k string) error {
		switch k {
		case "format_version":
			return json.UnmarshalDecode(s.dec, &st.FormatVersion, s.opts)
		case "terraform_version":
			return json.UnmarshalDecode(s.dec, &st.TerraformVersion, s.opts)
		case "values":
			if s.dec.PeekKind() == 'n' {
				_, err := s.dec.ReadToken()
				return err
			}
			st.Values = &tfjson.StateValues{}
			_, err := s.object(func(k string) error {
				if k != "root_module" {
					return s.dec.SkipValue() // outputs: may be big, see skip
				}
				if s.dec.PeekKind() == 'n' {
					_, err := s.dec.ReadToken()
					return err
				}
				st.Values.RootModule = &tfjson.StateModule{}
				return s.dataModule(0, st.Values.RootModule)
			})
			return err
		}
		return s.dec.SkipValue()
	})
	if err != nil || !present {
		return nil, err
	}
	return st, nil
}

// plannedValues scans planned_values for resource addresses only: the
// values of a planned resource are the after values of its change, so
// they are decoded (by missingPlanned) only for a resource no change holds.
func (s *streamer) plannedValues() error {
	_, err := s.object(func(k string) error {
		if k != "root_module" {
			return s.dec.SkipValue() // outputs: may be big, see skip
		}
		if s.dec.PeekKind() == 'n' {
			_, err := s.dec.ReadToken()
			return err
		}
		return s.plannedModule(0)
	})
	return err
}

// plannedModule records where each resource of a planned_values module
// sits in the input, and its address, in s.planned.
func (s *streamer) plannedModule(depth int) error {
	first := s.planned.len()
	address, err := s.stateModule(depth, func() error {
		start := s.dec.InputOffset()
		ref, err := s.plannedResource()
		if err != nil || ref == nil {
			return err
		}
		ref.start, ref.end = start, s.dec.InputOffset()
		return nil
	}, func() error { return s.plannedModule(depth + 1) })
	if err != nil {
		return err
	}
	// The refs after first that no child module claimed are this module's.
	for i := first; i < s.planned.len(); i++ {
		if ref := s.planned.at(i); !ref.placed {
			ref.module, ref.placed = address, true
		}
	}
	return nil
}

// plannedResource reads one resource of planned_values and appends a ref
// for it with its address as written: nothing is allocated per resource. The members the exact decoder types are checked for their
// kind, so a plan the exact path refuses is never accepted here.
func (s *streamer) plannedResource() (*plannedRef, error) {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return nil, err // a null resource holds nothing to miss
	}
	ref := s.planned.add()
	_, err := s.object(func(k string) error {
		switch k {
		case "address":
			if s.dec.PeekKind() == 'n' {
				_, err := s.dec.ReadToken()
				ref.addr = nil
				return err
			}
			var err error
			ref.addr, err = s.rawAddress()
			return err
		case "mode", "type", "name":
			if k := s.dec.PeekKind(); k != '"' && k != 'n' {
				return errShape
			}
		case "values":
			if k := s.dec.PeekKind(); k != '{' && k != 'n' {
				return errShape
			}
		}
		return s.skip()
	})
	return ref, err
}

// missingPlanned decodes, from planned_values, the resources that neither
// resource_changes nor prior_state hold (plans of old formats), re-reading
// only their bytes. doc.PlannedValues then holds just those.
func (s *streamer) missingPlanned(doc *tfjson.Plan, src io.ReaderAt, mem []byte, offset int64) error {
	if s.planned.len() == 0 {
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
	var scratch []byte
	for i := range s.planned.len() {
		ref := s.planned.at(i)
		addr := ref.addr
		if hasEscape(addr) {
			var err error
			if scratch, err = unquoteInto(scratch, addr); err != nil {
				return err
			}
			addr = scratch
		}
		if have[string(addr)] {
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

// refChunk is the number of refs per chunk of a refList.
const refChunk = 1024

// refList holds the planned refs in fixed chunks: a 50k plan's refs
// grown as one slice were copied at every growth, five times their size
// allocated in all; chunks are never copied, and a ref stays where it is.
type refList struct {
	chunks [][]plannedRef
	n      int
}

func (l *refList) len() int { return l.n }

func (l *refList) at(i int) *plannedRef { return &l.chunks[i/refChunk][i%refChunk] }

// add appends a zero ref and returns it.
func (l *refList) add() *plannedRef {
	if l.n%refChunk == 0 {
		l.chunks = append(l.chunks, make([]plannedRef, refChunk))
	}
	l.n++
	return l.at(l.n - 1)
}
