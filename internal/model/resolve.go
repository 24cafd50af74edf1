package model

import (
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/plan"
)

// The model is built in three stages, each a function of the one before:
//
//	resolve   (resolve.go):   plan + sources → resolved: the instances, their
//	                          configuration references and the identifiers
//	                          (ids, ARNs, names, literal names) that join them
//	normalise (normalise.go): resolved → facts: network, IAM, data and entry
//	                          points as model objects
//	reach     (reach.go):     facts → the Model, with evidence paths
//
// A stage never writes into the output of the stage before it.

// resolved is the output of the resolve stage: read-only once built.
type resolved struct {
	ix   *index
	plan PlanInfo
	// Known identifiers (ids, ARNs, names) → resource address, for joins
	// on values that are known at plan time.
	byID   map[string]string
	byARN  map[string]string
	byName map[string]map[string]string // type → name → address
	// idents: type → identifier (cluster_identifier, function_name…) →
	// address; account: the plan's AWS account ("" when unknown). Both
	// serve literal names (literalnames.go).
	idents  map[string]map[string]string
	account string
	// scopes: provider configuration key → account and region;
	// scopedName: type → scope + "\x00" + name → address, for joins by
	// name that stay in one account and region (providerscope.go).
	scopes     map[string]string
	scopedName map[string]map[string]string
	notes
}

// resolve indexes a plan's instances with their configuration (and, through
// src, what the plan's configuration leaves out) and the identifiers that
// name them.
func resolve(p *plan.Plan, src Sources) *resolved {
	doc := p.Doc
	rx := &resolved{
		ix:         newIndex(src, len(doc.ResourceChanges)),
		plan:       PlanInfo{Source: p.Source, TerraformVersion: doc.TerraformVersion, FormatVersion: doc.FormatVersion},
		byID:       map[string]string{},
		byARN:      map[string]string{},
		byName:     map[string]map[string]string{},
		scopedName: map[string]map[string]string{},
	}
	for _, w := range p.Warnings {
		rx.warn("format-version", "", "%s", w)
	}
	rx.load(doc)
	rx.ix.indexConfig(doc.Config)
	rx.ix.attachConfigs()
	rx.scopes = providerScopes(doc.Config)
	rx.ix.sortTypes()
	rx.indexIdentifiers()
	rx.idents = identIndex(rx.ix)
	rx.account = planAccount(rx.ix, rx.byARN)
	return rx
}

// load gathers resource instances: resource_changes first (after values and
// after_unknown), then data sources read during plan (prior_state), then
// anything only in planned_values (old formats).
func (rx *resolved) load(doc *tfjson.Plan) {
	managed := 0
	changes := doc.ResourceChanges
	if doc.Complete != nil && !*doc.Complete {
		rx.warn("deferred", "", "terraform marked this plan incomplete: some changes are deferred to a later plan; their unknown values are not analysed")
	}
	// Deferred changes (Terraform 1.10+) are not in planned_values; model
	// them from their partial values and say so, never drop them.
	for _, d := range doc.DeferredChanges {
		if d == nil || d.ResourceChange == nil {
			continue
		}
		changes = append(changes, d.ResourceChange)
		rx.warn("deferred", d.ResourceChange.Address, "terraform deferred this change to a later plan (%s); it is modelled from its partial values", d.Reason)
	}
	// One allocation for every instance, not one each: a 50k plan's
	// instances are as many small objects as the rest of the index.
	slab := make([]res, len(changes))
	for i, rc := range changes {
		if rc == nil || rc.Change == nil {
			continue
		}
		after, _ := rc.Change.After.(map[string]any)
		if after == nil && rc.Change.Actions.Delete() {
			continue // being destroyed: not part of the planned boundary
		}
		if after == nil {
			after = map[string]any{}
		}
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		r := &slab[i]
		*r = res{
			Address: rc.Address, Module: rc.ModuleAddress, Type: rc.Type, Name: rc.Name,
			Data: rc.Mode == tfjson.DataResourceMode, Index: rc.Index,
			Values: after, Unknown: unknown,
			Read: rc.Mode == tfjson.DataResourceMode && rc.Change.Actions.Read(),
		}
		if !r.Data {
			managed++
		}
		rx.ix.add(r)
	}
	if doc.PriorState != nil && doc.PriorState.Values != nil {
		walkState(doc.PriorState.Values.RootModule, 0, func(sr *tfjson.StateResource, mod string) {
			if sr.Mode != tfjson.DataResourceMode {
				return
			}
			rx.ix.add(&res{Address: sr.Address, Module: mod, Type: sr.Type, Name: sr.Name, Data: true, Index: sr.Index, Values: orEmpty(sr.AttributeValues)})
		})
	}
	if doc.PlannedValues != nil {
		walkState(doc.PlannedValues.RootModule, 0, func(sr *tfjson.StateResource, mod string) {
			if _, ok := rx.ix.byAddr[sr.Address]; ok {
				return
			}
			if sr.Mode != tfjson.DataResourceMode {
				managed++
			}
			rx.ix.add(&res{Address: sr.Address, Module: mod, Type: sr.Type, Name: sr.Name, Data: sr.Mode == tfjson.DataResourceMode, Index: sr.Index, Values: orEmpty(sr.AttributeValues)})
		})
	}
	rx.plan.ResourceCount = managed
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func walkState(m *tfjson.StateModule, depth int, fn func(*tfjson.StateResource, string)) {
	if m == nil || depth > 64 {
		return
	}
	for _, r := range m.Resources {
		if r != nil {
			fn(r, m.Address)
		}
	}
	for _, c := range m.ChildModules {
		walkState(c, depth+1, fn)
	}
}

// indexIdentifiers maps every known id, ARN and name to its address.
func (rx *resolved) indexIdentifiers() {
	var dups sameNames
	// Types in a fixed order: the first of an id, ARN or name wins, and the
	// same-name warnings are capped, so map order would make both vary
	// from run to run.
	for _, t := range sortedKeysOf(rx.ix.byType) {
		for _, r := range rx.ix.byType[t] {
			if id := getStr(r.Values, "id"); id != "" && !r.Data {
				if _, dup := rx.byID[id]; !dup {
					rx.byID[id] = r.Address
				}
			}
			if arn := getStr(r.Values, "arn"); arn != "" {
				if _, dup := rx.byARN[arn]; !dup {
					rx.byARN[arn] = r.Address
				}
			}
			if name := getStr(r.Values, "name"); name != "" {
				if rx.byName[r.Type] == nil {
					rx.byName[r.Type] = map[string]string{}
				}
				if !r.Data {
					rx.noteScopedName(r, name)
				}
				if first, dup := rx.byName[r.Type][name]; !dup {
					rx.byName[r.Type][name] = r.Address
				} else if f := rx.ix.byAddr[first]; !r.Data && rx.scopeOf(f, r.Type) == rx.scopeOf(r, r.Type) {
					dups.note(f, r)
				}
			}
		}
	}
	dups.warn(&rx.notes)
}

// lookup finds the address of a known id, ARN or name among types.
func (rx *resolved) lookup(v string, types ...string) string {
	return rx.lookupBy(v, func(t string) (string, bool) {
		a, ok := rx.byName[t][v]
		return a, ok
	}, types...)
}

// lookupBy is lookup with the name index given: byName, or one scope's.
func (rx *resolved) lookupBy(v string, byName func(typ string) (string, bool), types ...string) string {
	for _, m := range []map[string]string{rx.byID, rx.byARN} {
		if a, ok := m[v]; ok {
			if len(types) == 0 || contains(types, rx.ix.byAddr[a].Type) {
				return a
			}
		}
	}
	for _, t := range types {
		if a, ok := byName(t); ok {
			return a
		}
	}
	if a, ok := rx.ix.byAddr[v]; ok && (len(types) == 0 || contains(types, a.Type)) {
		return v
	}
	return rx.byLiteral(v, types...)
}
