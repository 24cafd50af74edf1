package plan

import (
	json "github.com/go-json-experiment/json"
	tfjson "github.com/hashicorp/terraform-json"
)

// The configuration is read by hand for its bulk (modules, resources,
// module calls, outputs and their expressions): a plan of many distinct
// module calls holds a large configuration, and the reflective decode of
// the same structs cost more than the expressions themselves. Its small,
// rare parts (provider_config, variables, provisioners, depends_on,
// schema_version) still go through the reflective decoder, so they read
// exactly as before. As in resourceChange, a member that matches a read
// one only in another case returns errShape, so the exact path decides.

var (
	configFields     = []string{"provider_config", "root_module"}
	moduleFields     = []string{"outputs", "resources", "module_calls", "variables"}
	resourceFields   = []string{"address", "mode", "type", "name", "provider_config_key", "provisioners", "expressions", "schema_version", "count_expression", "for_each_expression", "depends_on"}
	moduleCallFields = []string{"source", "expressions", "count_expression", "for_each_expression", "module", "version_constraint", "depends_on"}
	outputFields     = []string{"sensitive", "expression", "description", "depends_on"}
)

// config reads the configuration (null reads as nil).
func (s *streamer) config() (*tfjson.Config, error) {
	return newObject(s, func(c *tfjson.Config, k string) error {
		switch k {
		case "provider_config":
			return json.UnmarshalDecode(s.dec, &c.ProviderConfigs, s.opts)
		case "root_module":
			var err error
			c.RootModule, err = s.configModule(0)
			return err
		}
		return s.skipUnread(k, configFields)
	})
}

// configModule reads a module of the configuration (null reads as nil).
func (s *streamer) configModule(depth int) (*tfjson.ConfigModule, error) {
	if depth > 64 {
		return nil, errDeep
	}
	return newObject(s, func(m *tfjson.ConfigModule, k string) error {
		switch k {
		case "outputs":
			return namedObjects(s, &m.Outputs, s.configOutput)
		case "resources":
			return s.array(func() error {
				r, err := s.configResource()
				m.Resources = append(m.Resources, r)
				return err
			})
		case "module_calls":
			return namedObjects(s, &m.ModuleCalls, func() (*tfjson.ModuleCall, error) { return s.moduleCall(depth) })
		case "variables":
			return json.UnmarshalDecode(s.dec, &m.Variables, s.opts)
		}
		return s.skipUnread(k, moduleFields)
	})
}

// newObject reads an object into a new T, member by member (null reads
// as nil).
func newObject[T any](s *streamer, member func(v *T, k string) error) (*T, error) {
	return intoObject(s, new(T), member)
}

// intoObject reads an object into v, member by member; it returns v, or
// nil for null.
func intoObject[T any](s *streamer, v *T, member func(v *T, k string) error) (*T, error) {
	present, err := s.object(func(k string) error { return member(v, k) })
	if err != nil || !present {
		return nil, err
	}
	return v, nil
}

// namedObjects reads an object of named values into *dst (null leaves it
// as it is); each reads one value.
func namedObjects[T any](s *streamer, dst *map[string]*T, each func() (*T, error)) error {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return err
	}
	if *dst == nil {
		*dst = map[string]*T{}
	}
	_, err := s.object(func(k string) error {
		v, err := each()
		(*dst)[k] = v
		return err
	})
	return err
}

func (s *streamer) configResource() (*tfjson.ConfigResource, error) {
	return newObject(s, func(r *tfjson.ConfigResource, k string) error {
		var err error
		switch k {
		case "address":
			r.Address, err = s.str(false)
		case "mode":
			var m string
			m, err = s.str(true)
			r.Mode = tfjson.ResourceMode(m)
		case "type":
			r.Type, err = s.str(true)
		case "name":
			r.Name, err = s.str(true)
		case "provider_config_key":
			r.ProviderConfigKey, err = s.str(true)
		case "expressions":
			err = s.expressions(&r.Expressions)
		case "count_expression":
			r.CountExpression, err = s.expressionPtr()
		case "for_each_expression":
			r.ForEachExpression, err = s.expressionPtr()
		case "provisioners":
			err = json.UnmarshalDecode(s.dec, &r.Provisioners, s.opts)
		case "schema_version":
			err = json.UnmarshalDecode(s.dec, &r.SchemaVersion, s.opts)
		case "depends_on":
			err = json.UnmarshalDecode(s.dec, &r.DependsOn, s.opts)
		default:
			err = s.skipUnread(k, resourceFields)
		}
		return err
	})
}

func (s *streamer) moduleCall(depth int) (*tfjson.ModuleCall, error) {
	return newObject(s, func(c *tfjson.ModuleCall, k string) error {
		var err error
		switch k {
		case "source":
			c.Source, err = s.str(true)
		case "expressions":
			err = s.expressions(&c.Expressions)
		case "count_expression":
			c.CountExpression, err = s.expressionPtr()
		case "for_each_expression":
			c.ForEachExpression, err = s.expressionPtr()
		case "module":
			c.Module, err = s.configModule(depth + 1)
		case "version_constraint":
			c.VersionConstraint, err = s.str(true)
		case "depends_on":
			err = json.UnmarshalDecode(s.dec, &c.DependsOn, s.opts)
		default:
			err = s.skipUnread(k, moduleCallFields)
		}
		return err
	})
}

func (s *streamer) configOutput() (*tfjson.ConfigOutput, error) {
	return newObject(s, func(o *tfjson.ConfigOutput, k string) error {
		var err error
		switch k {
		case "sensitive":
			err = json.UnmarshalDecode(s.dec, &o.Sensitive, s.opts)
		case "expression":
			o.Expression, err = s.expressionPtr()
		case "description":
			o.Description, err = s.str(false)
		case "depends_on":
			err = json.UnmarshalDecode(s.dec, &o.DependsOn, s.opts)
		default:
			err = s.skipUnread(k, outputFields)
		}
		return err
	})
}

// expressions reads an object of expressions into *dst (null leaves it as
// it is; a null expression is a nil entry).
func (s *streamer) expressions(dst *map[string]*tfjson.Expression) error {
	return namedObjects(s, dst, s.expressionPtr)
}

// expressionPtr reads one expression (null reads as nil).
func (s *streamer) expressionPtr() (*tfjson.Expression, error) {
	if s.dec.PeekKind() == 'n' {
		_, err := s.dec.ReadToken()
		return nil, err
	}
	e := newExpression()
	return e, s.expression(s.dec, e, 0)
}
