package model

import "github.com/letsleep/letsleep/internal/addrset"

// facts is the output of the normalise stage: the network, IAM, data and
// entry-point objects of the plan, joined, with the resolve stage's output
// (read-only, embedded). reach reads it and never writes into it.
type facts struct {
	*resolved
	cfg Config
	// m holds the model objects normalise makes (proxies, gateways,
	// endpoints, tables, entry points); reach copies it.
	m *Model

	sgs       map[string]*SecurityGroup
	subnets   map[string]*Subnet
	dbs       map[string]*Database
	secrets   map[string]*Secret
	functions map[string]*Function
	roles     map[string]*roleState
	natByAddr map[string]*Gateway
	// routesLost: an aws_route whose table could not be resolved, so a
	// table may hold routes the model does not have.
	routesLost bool
	// fnRoles: every execution role candidate of a function (more than one
	// when the reference was approximated).
	fnRoles map[string][]string
	// fnByName: function name → address.
	fnByName map[string]string
	// targetCache: grant targets per canonical action, computed once.
	targetCache map[string]*targetIndex
	// hitCache: the hits of an allowance, shared by the roles without a
	// Deny (granthits.go).
	hitCache map[hitKey]hitSets
	// docs: parsed policy documents by text (parseDoc).
	docs map[string]parsedDoc
	// sets: target sets of wildcard grants (targetsets.go).
	sets *targetSets
	// Hops (hops.go): triggers by called resource, trust policies, public
	// topic and queue policies, API of each route.
	triggers     map[string][]trigger
	trust        map[string][]rpStatement
	trustKnown   map[string]bool
	publicPolicy map[string][]Step
	entryAPI     map[string][]string
	// pws: the databases' password sources, read once by linkCredentials
	// (normalise) and again by every function's environment (reach).
	pws passwords
	// plSets: managed prefix list address → its entries, when the plan
	// knows them.
	plSets map[string]addrset.Set

	notes
}

// normalise turns the resolved instances into model objects: security
// groups, subnets, routes, gateways, prefix lists; roles, grants, trust and
// resource policies; databases, secrets, credentials; entry points and
// triggers. The order is the order of their dependencies (databases need
// security groups, grants need databases, secrets and functions).
func normalise(rx *resolved, cfg Config) *facts {
	fx := &facts{
		resolved:    rx,
		cfg:         cfg,
		m:           &Model{Schema: SchemaVersion, Plan: rx.plan},
		sgs:         map[string]*SecurityGroup{},
		subnets:     map[string]*Subnet{},
		dbs:         map[string]*Database{},
		secrets:     map[string]*Secret{},
		functions:   map[string]*Function{},
		roles:       map[string]*roleState{},
		natByAddr:   map[string]*Gateway{},
		fnRoles:     map[string][]string{},
		targetCache: map[string]*targetIndex{},
		sets:        newTargetSets(),
	}
	fx.buildPrefixLists()
	// The roles and their policies read neither the network nor the
	// databases and functions; their grants, which target those, come after.
	if len(rx.ix.byAddr) >= splitMinResources {
		fx.networkBesideRoles()
	} else {
		fx.buildNetwork()
		fx.collectRoles()
	}
	fx.buildDatabases()
	fx.buildFunctions()
	fx.fnByName = functionNames(fx.functions)
	fx.grantRoles()
	fx.buildEntryPoints()
	fx.resourceGrants()
	fx.buildTables()
	fx.blindSpots()
	fx.buildTriggers()
	fx.publicEntryPoints()
	return fx
}
