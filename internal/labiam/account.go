package labiam

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Account is the lab's IAM for one plan: its roles with their policies,
// the resource policies, and the identity the lab's apply gives each
// resource.
type Account struct {
	ID     string // the account id (the plan's literal one, else the lab's)
	Region string
	// Notes lists what the reader could not read and what it assumed.
	Notes []string

	ix        *planIndex
	applied   map[string]map[string]string // address → attribute path → lab value
	roles     map[string]*Role             // by ARN
	byAddress map[string]*Role
	functions map[string]string // function address → execution role ARN
	// resourcePolicies: resource ARN → its policies (secret policies).
	resourcePolicies map[string][]*Policy
}

// Role is one IAM role of the plan.
type Role struct {
	Address  string
	Name     string
	ARN      string
	Trust    *Policy
	Policies []*Policy
	// Unknown lists what about the role the plan does not show.
	Unknown []string
}

// Options tune the reader.
type Options struct {
	Region         string // the lab's region (default eu-west-1)
	DefaultAccount string // the account when the plan names none (default 000000000000)
}

// Resource is a resource the stand-ins serve, by address and lab ARN.
type Resource struct {
	Address string
	ARN     string
	Name    string
}

// Read builds the lab's IAM from a plan (terraform show -json).
func Read(raw []byte, opts Options) (*Account, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return FromPlan(&p, opts)
}

// FromPlan builds the lab's IAM from a decoded plan.
func FromPlan(p *tfjson.Plan, opts Options) (*Account, error) {
	if opts.Region == "" {
		opts.Region = "eu-west-1"
	}
	if opts.DefaultAccount == "" {
		opts.DefaultAccount = "000000000000"
	}
	ix := indexPlan(p)
	a := &Account{Region: opts.Region, ix: ix, roles: map[string]*Role{}, byAddress: map[string]*Role{},
		functions: map[string]string{}, resourcePolicies: map[string][]*Policy{}}
	a.ID = inferAccount(ix, opts.DefaultAccount)
	a.applyValues()
	a.readRoles()
	a.readRolePolicies()
	a.readAttachments()
	a.readFunctions()
	a.readSecretPolicies()
	sort.Strings(a.Notes)
	return a, nil
}

func (a *Account) note(format string, args ...any) {
	a.Notes = append(a.Notes, fmt.Sprintf(format, args...))
}

func (a *Account) readRoles() {
	for _, addr := range a.ix.byType["aws_iam_role"] {
		v := a.ix.values[addr]
		r := &Role{Address: addr, Name: a.applied[addr]["name"], ARN: a.applied[addr]["arn"]}
		if arn := str(v, "arn"); arn != "" {
			r.ARN = arn
		}
		if n := str(v, "name"); n != "" {
			r.Name = n
		}
		r.Trust = a.document(addr, "assume_role_policy", v)
		for i, ip := range maps(v["inline_policy"]) {
			if s := str(ip, "policy"); s != "" {
				if p, err := ParsePolicy(fmt.Sprintf("%s inline_policy %q", addr, str(ip, "name")), s); err == nil {
					r.Policies = append(r.Policies, p)
					continue
				}
			}
			if a.ix.isUnknown(addr, "inline_policy") || ip == nil {
				r.Policies = append(r.Policies, a.assumed(fmt.Sprintf("%s inline_policy #%d", addr, i), "", nil))
			}
		}
		for _, arn := range strList(v["managed_policy_arns"]) {
			r.Policies = append(r.Policies, a.policyByARN(arn, addr+" managed_policy_arns"))
		}
		a.roles[r.ARN] = r
		a.byAddress[addr] = r
	}
}

// roleOf finds the role a role argument (name, id or ARN) of addr names.
func (a *Account) roleOf(addr, key string) *Role {
	v := a.ix.values[addr]
	if s := str(v, key); s != "" {
		return a.roleNamed(s)
	}
	module, _ := splitAddress(addr)
	for _, r := range a.resolve(module, a.ix.expr(addr, key), 0) {
		if role := a.byAddress[r.addr]; role != nil {
			return role
		}
		if r.value != "" {
			if role := a.roleNamed(r.value); role != nil {
				return role
			}
		}
	}
	return nil
}

func (a *Account) roleNamed(s string) *Role {
	if r := a.roles[s]; r != nil {
		return r
	}
	for _, r := range a.roles {
		if r.Name == s {
			return r
		}
	}
	return nil
}

func (a *Account) readRolePolicies() {
	for _, addr := range a.ix.byType["aws_iam_role_policy"] {
		role := a.roleOf(addr, "role")
		if role == nil {
			a.note("%s: its role is not a role of the plan; not attached", addr)
			continue
		}
		role.Policies = append(role.Policies, a.document(addr, "policy", a.ix.values[addr]))
	}
}

func (a *Account) readAttachments() {
	attach := func(addr string, role *Role) {
		v := a.ix.values[addr]
		if role == nil {
			a.note("%s: its role is not a role of the plan; not attached", addr)
			return
		}
		if arn := str(v, "policy_arn"); arn != "" {
			role.Policies = append(role.Policies, a.policyByARN(arn, addr))
			return
		}
		module, _ := splitAddress(addr)
		for _, r := range a.resolve(module, a.ix.expr(addr, "policy_arn"), 0) {
			if strings.HasPrefix(r.addr, module) && a.isPolicy(r.addr) {
				role.Policies = append(role.Policies, a.document(r.addr, "policy", a.ix.values[r.addr]))
				return
			}
			if r.value != "" {
				role.Policies = append(role.Policies, a.policyByARN(r.value, addr))
				return
			}
		}
		role.Policies = append(role.Policies, a.assumed(addr, "its policy_arn is unknown at plan time and leads to no policy of the plan", nil))
	}
	for _, addr := range a.ix.byType["aws_iam_role_policy_attachment"] {
		attach(addr, a.roleOf(addr, "role"))
	}
	for _, addr := range a.ix.byType["aws_iam_policy_attachment"] {
		for _, name := range strList(a.ix.values[addr]["roles"]) {
			attach(addr, a.roleNamed(name))
		}
	}
}

func (a *Account) isPolicy(addr string) bool {
	return contains(a.ix.byType["aws_iam_policy"], addr)
}

// policyByARN is the policy an ARN names: an AWS-managed policy from the
// lab's table, a customer policy of the plan (by its lab ARN), or an
// assumed one when neither.
func (a *Account) policyByARN(arn, via string) *Policy {
	if name, ok := awsManagedName(arn); ok {
		if doc, ok := managedPolicies[name]; ok {
			p, err := ParsePolicy("AWS managed "+name, doc)
			if err == nil {
				return p
			}
		}
		return a.assumed("AWS managed "+name+" (via "+via+")", "an AWS-managed policy the lab does not hold", []Value{{Pattern: "*"}})
	}
	for _, addr := range a.ix.byType["aws_iam_policy"] {
		if a.applied[addr]["arn"] == arn || str(a.ix.values[addr], "arn") == arn {
			return a.document(addr, "policy", a.ix.values[addr])
		}
	}
	return a.assumed(arn+" (via "+via+")", "a customer policy that is not in the plan", []Value{{Pattern: "*"}})
}

// awsManagedName is the name of an AWS-managed policy ARN (any partition,
// with its path: "service-role/AWSLambdaBasicExecutionRole").
func awsManagedName(arn string) (string, bool) {
	for _, part := range []string{"aws", "aws-us-gov", "aws-cn"} {
		if rest, ok := strings.CutPrefix(arn, "arn:"+part+":iam::aws:policy/"); ok {
			return rest, true
		}
	}
	return "", false
}

// assumed stands for a document the plan does not show: one statement that
// may allow any action on resources (unknown when nil).
func (a *Account) assumed(source, why string, resources []Value) *Policy {
	if why == "" {
		why = "its document is unknown at plan time"
	}
	if resources == nil {
		resources = []Value{{Unknown: true, Why: "unknown document"}}
	}
	a.note("%s: %s; taken to allow any action on %s", source, why, describe(resources))
	return &Policy{Source: source, Unknown: why, Statements: []Statement{{Effect: "Allow", AnyAction: true, Resource: resources}}}
}

func describe(vs []Value) string {
	var out []string
	for _, v := range vs {
		if v.Unknown {
			out = append(out, "an unknown resource")
		} else {
			out = append(out, v.Pattern)
		}
	}
	return strings.Join(out, ", ")
}

// document reads the policy document in attribute key of addr: known, or
// followed through the configuration to an aws_iam_policy_document and
// rebuilt from its statements, or else assumed from what it references.
func (a *Account) document(addr, key string, v map[string]any) *Policy {
	source := addr + "." + key
	if s := str(v, key); s != "" {
		p, err := ParsePolicy(source, s)
		if err != nil {
			a.note("%v", err)
			return a.assumed(source, "its document does not parse", nil)
		}
		return p
	}
	module, _ := splitAddress(addr)
	e := a.ix.expr(addr, key)
	rs := a.resolve(module, e, 0)
	if len(rs) == 1 && strings.Contains(rs[0].addr, "data.aws_iam_policy_document.") {
		doc := a.policyDocument(rs[0].addr)
		doc.Source = source + " (" + rs[0].addr + ")"
		return doc
	}
	if len(rs) == 1 && rs[0].value != "" && strings.HasPrefix(strings.TrimSpace(rs[0].value), "{") {
		if p, err := ParsePolicy(source, rs[0].value); err == nil {
			return p
		}
	}
	var res []Value
	for _, r := range rs {
		if r.value != "" {
			res = append(res, Value{Pattern: r.value})
		}
	}
	if len(res) == 0 {
		res = []Value{{Unknown: true, Why: "unknown document that references nothing the lab resolves"}}
	}
	return a.assumed(source, "its document is unknown at plan time (an expression whose text the plan does not record)", res)
}
