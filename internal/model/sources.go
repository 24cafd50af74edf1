package model

import (
	"errors"
	"strings"

	"github.com/letsleep/letsleep/internal/plan"
)

// Sources is the output of the source stage (internal/source reading the
// .tf files): the references a plan's configuration leaves out. The plan
// JSON carries neither locals nor dynamic blocks; the resolver asks these
// only where the plan has no expression, so plan values and plan
// references stay the truth wherever they exist.
type Sources interface {
	// Local lists the references of local.name in the module at a call
	// path ("" root, "a.b" for module.a.module.b).
	Local(modulePath, name string) ([]string, bool)
	// Block lists the references of an attribute in a resource's blocks,
	// static or dynamic: Block("vpc", "aws_lambda_function.this",
	// "vpc_config", "subnet_ids").
	Block(modulePath, resourceKey string, attrPath ...string) ([]string, bool)
	// Attribute is Block narrowed to one instance: instance is its index
	// as the address writes it ("[0]", `["k"]`), binding each and count;
	// a block name may carry its expanded position ("statement[1]"),
	// binding a dynamic block's iterator to one element.
	Attribute(modulePath, resourceKey, instance string, attrPath ...string) ([]string, bool)
	// Argument lists the references of what the caller passes for var.name
	// to the module instance at a call path (instance: that call's own
	// index), narrowed by sel (keys, attributes, list indices); they are
	// read in the caller.
	Argument(modulePath, instance, name string, sel ...string) ([]string, bool)
	// LocalAt is Local narrowed by sel.
	LocalAt(modulePath, name string, sel ...string) ([]string, bool)
}

// HintSource is appended to what could not be resolved when no sources
// were given, so the message says what to pass.
const HintSource = "the plan does not carry locals or dynamic blocks: pass the Terraform sources with --source DIR"

// BuildWithSources assembles the boundary model of a plan, resolving what
// the plan leaves unknown through the sources (nil: the plan alone).
func BuildWithSources(p *plan.Plan, cfg Config, src Sources) (*Model, error) {
	if p == nil || p.Doc == nil {
		return nil, errors.New("build model: no plan")
	}
	return build(p, cfg, src)
}

// sourceRefs is the source's answer for an attribute of r that the plan's
// configuration does not hold (a dynamic block).
func (ix *index) sourceRefs(r *res, path ...string) []string {
	if ix.src == nil || r == nil {
		return nil
	}
	refs, _ := ix.src.Block(ix.configPath(r.Module), r.key(), path...)
	return refs
}

// lostNote is " (what could not be followed)" or "".
func lostNote(lost []string) string {
	if len(lost) == 0 {
		return ""
	}
	return " (" + strings.Join(lost, ", ") + ")"
}

// localHint names the likely cause of an unresolvable value: without
// sources, a local or dynamic block the plan does not carry.
func (rx *resolved) localHint() string {
	if rx.ix.src == nil {
		return "a local or a dynamic block? " + HintSource
	}
	return "not found through the sources either"
}
