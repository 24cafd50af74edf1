// Package graph draws the boundary of a stack: which function can reach the
// internet, a database, a table or a bucket, and which of those paths break
// the sleep-first invariant (drawn in red).
package graph

import (
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// Node kinds.
const (
	KindFunction = "function"
	KindDatabase = "database"
	KindInternet = "internet"
	KindTable    = "table"
	KindBucket   = "bucket"
	KindEntry    = "entry_point"
	KindResource = "resource" // anything else a finding names
	// KindTargetSet: the databases a wildcard grant reaches, drawn once.
	KindTargetSet = "target_set"
)

// Groups a node can belong to. Function groups follow the declared role.
const (
	GroupUnassigned = "unassigned"
	GroupData       = "data"
	GroupOutside    = "outside"
	GroupEntry      = "entry"
	// GroupFlagged holds functions known only from findings (no model).
	GroupFlagged = "functions"
	// GroupResources holds what findings name that is not a function, a
	// data store or an entry point: a proxy, a security group, a NAT gateway.
	GroupResources = "resources"
)

// InternetID is the id of the single internet node.
const InternetID = "internet"

// Node is one box of the picture.
type Node struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Group string `json:"group"`
	// Flagged: a finding names this resource (drawn with a red border).
	Flagged bool `json:"flagged,omitempty"`
}

// Edge is one reach relation, labelled by its path kind (nat, network,
// data-api, secret, invoke, iam, ...).
type Edge struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Label     string `json:"label"`
	Violating bool   `json:"violating"`
}

// Graph is the boundary picture. Nodes and edges are sorted, so every
// rendering is deterministic.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// groupOrder is the order groups are drawn in.
var groupOrder = []string{GroupEntry, model.RoleHot, model.RoleViewer, model.RoleWarmup, model.RoleControl, model.RoleEgress, GroupUnassigned, GroupFlagged, GroupCredentials, GroupData, GroupNetwork, GroupResources, GroupOutside}

// categories whose findings sit on a violating path.
var violatingCategories = map[string]bool{
	"egress-reaches-db":   true,
	"hot-path-reaches-db": true,
	"public-db-waker":     true,
}

type builder struct {
	nodes map[string]Node
	edges map[string]Edge
	// pairs indexes the edge keys by from and to, so marking the edges of
	// one pair stays constant-time on a plan of thousands of findings.
	pairs map[[2]string][]string
	// through indexes, by (function, target), the edges of paths drawn via
	// a secret, gateway or security group, so a finding on the pair marks
	// the whole way red.
	through map[[2]string][]string
}

func (b *builder) node(id, label, kind, group string) {
	if _, ok := b.nodes[id]; !ok {
		b.nodes[id] = Node{ID: id, Label: splitModule(label), Kind: kind, Group: group}
	}
}

// splitModule breaks a long address after its module path, so that
// "module.stack.module.hot.aws_lambda_function.this" draws on two lines.
// Renderers that cannot break lines turn the newline into a space.
func splitModule(label string) string {
	if !strings.HasPrefix(label, "module.") {
		return label
	}
	rest := label
	prefix := ""
	for strings.HasPrefix(rest, "module.") {
		after := strings.TrimPrefix(rest, "module.")
		name, tail, ok := strings.Cut(after, ".")
		if !ok {
			return label
		}
		prefix += "module." + name + "."
		rest = tail
	}
	return strings.TrimSuffix(prefix, ".") + "\n" + rest
}

func (b *builder) edge(from, to, label string, violating bool) string {
	k := from + "\x00" + to + "\x00" + label
	e, seen := b.edges[k]
	if !seen {
		p := [2]string{from, to}
		b.pairs[p] = append(b.pairs[p], k)
	}
	e.From, e.To, e.Label = from, to, label
	e.Violating = e.Violating || violating
	b.edges[k] = e
	return k
}

// Build draws the graph of m. Findings of the reach categories mark their
// function's edges red too, so a path found by a user policy shows up. m may
// be nil: the graph is then drawn from the findings' evidence paths alone.
func Build(m *model.Model, findings []report.Finding) *Graph {
	b := &builder{nodes: map[string]Node{}, edges: map[string]Edge{}, pairs: map[[2]string][]string{}, through: map[[2]string][]string{}}
	flagged := map[string]bool{}
	for _, f := range findings {
		if violatingCategories[f.Category] {
			flagged[f.Resource] = true
		}
	}
	if m != nil {
		b.fromModel(m, flagged)
	}
	b.fromFindings(findings)
	b.findingResources(findings)
	return b.sorted()
}

func (b *builder) fromModel(m *model.Model, flagged map[string]bool) {
	for _, db := range m.Databases {
		b.node(db.Address, db.Address+dbNote(db), KindDatabase, GroupData)
	}
	for _, t := range m.Tables {
		b.node(t.Address, t.Address, KindTable, GroupData)
	}
	x := model.NewExpander(m)
	reachesDB := map[string]bool{}
	for _, fn := range m.Functions {
		reachesDB[fn.Address] = len(fn.DataPaths) > 0
	}
	roles := map[string]model.Role{}
	for _, r := range m.Roles {
		roles[r.Address] = r
	}
	for _, fn := range m.Functions {
		group := fn.Role
		if group == "" {
			group = GroupUnassigned
		}
		b.node(fn.Address, fn.Address, KindFunction, group)
		bothWays := len(fn.Egress) > 0 && len(fn.DataPaths) > 0
		hotToDB := len(fn.DataPaths) > 0 && (fn.Role == model.RoleHot || fn.Role == model.RoleViewer || fn.Role == model.RoleEgress)
		red := bothWays || flagged[fn.Address]
		for _, p := range fn.Egress {
			b.node(InternetID, "internet", KindInternet, GroupOutside)
			b.pathEdges(fn.Address, InternetID, p, red)
		}
		for _, p := range fn.DataPaths {
			target := b.pathTarget(x, p)
			if target == "" {
				continue
			}
			if _, ok := b.nodes[target]; !ok {
				b.node(target, target, KindDatabase, GroupData)
			}
			b.pathEdges(fn.Address, target, p, red || hotToDB)
		}
		for _, st := range roles[fn.ExecutionRole].Statements {
			b.statementEdges(fn.Address, st, m.Tables)
		}
		for _, g := range roles[fn.ExecutionRole].Grants {
			b.grantEdge(fn.Address, g)
		}
	}
	// Schedules that wake a database, and entry points whose callers reach
	// one without a function (a Cognito guest role), point at it directly.
	for _, s := range m.Schedules {
		for _, w := range s.Wakes {
			b.node(s.Address, s.Address+"\n(schedule "+s.Expression+")", KindEntry, GroupEntry)
			b.edge(s.Address, b.pathTarget(x, w), "wakes", flagged[s.Address])
		}
	}
	for _, ep := range m.EntryPoints {
		if ep.Function == "" {
			for _, p := range ep.DataPaths {
				b.node(ep.Address, ep.Address+"\n("+ep.Kind+", auth "+ep.Auth+")", KindEntry, GroupEntry)
				b.edge(ep.Address, b.pathTarget(x, p), p.Kind, ep.Auth == "NONE" || flagged[ep.Address])
			}
			continue
		}
		b.node(ep.Address, ep.Address+"\n("+ep.Kind+", auth "+ep.Auth+")", KindEntry, GroupEntry)
		open := ep.Auth == "NONE"
		label := "invokes"
		if len(ep.Candidates) > 0 {
			label = "may invoke" // one of several candidates the plan does not tell apart
		}
		b.edge(ep.Address, ep.Function, label, (open && reachesDB[ep.Function]) || flagged[ep.Address])
	}
}

// pathTarget is the node a path ends at: its database, or for a path to a
// target set one node for the set, drawn once with an edge to each member,
// so a wildcard over N tenants costs N edges, not N per function.
func (b *builder) pathTarget(x *model.Expander, p model.Path) string {
	if p.TargetSet == "" {
		return p.Target
	}
	ts := x.Set(p.TargetSet)
	if ts == nil {
		return ""
	}
	if _, ok := b.nodes[ts.ID]; !ok {
		b.node(ts.ID, model.DescribeSet(ts)+"\n(target set)", KindTargetSet, GroupData)
		for _, d := range ts.Members {
			if _, ok := b.nodes[d]; !ok {
				b.node(d, d, KindDatabase, GroupData)
			}
			b.edge(ts.ID, d, "member", false)
		}
	}
	return ts.ID
}

// grantEdge draws IAM reach to DynamoDB tables and S3 that the data paths do
// not already cover.
func (b *builder) grantEdge(fn string, g model.Grant) {
	service, _, _ := strings.Cut(g.Action, ":")
	switch service {
	case "dynamodb":
		target := g.Target
		if target == "" {
			target = "dynamodb " + g.Resource
			b.node(target, target, KindTable, GroupData)
		} else if _, ok := b.nodes[target]; !ok {
			b.node(target, target, KindTable, GroupData)
		}
		b.edge(fn, target, "iam dynamodb", false)
	case "s3":
		target := g.Target
		if target == "" {
			target = bucketOf(g.Resource)
		}
		b.node(target, target, KindBucket, GroupData)
		b.edge(fn, target, "iam s3", false)
	}
}

// statementEdges draws IAM reach to DynamoDB tables and S3 buckets from the
// Allow statements of a function's role. Only actions of those services
// count: a bare "*" is drawn by the findings, not here.
func (b *builder) statementEdges(fn string, st model.Statement, tables []model.Table) {
	if !strings.EqualFold(st.Effect, "Allow") {
		return
	}
	services := map[string]bool{}
	for _, a := range st.Actions {
		service, _, _ := strings.Cut(strings.ToLower(a), ":")
		services[service] = true
	}
	for _, res := range st.Resources {
		if services["dynamodb"] {
			for _, t := range tables {
				if res == "*" || res == t.Address || (t.Name != "" && strings.Contains(res, ":table/"+t.Name)) {
					b.node(t.Address, t.Address, KindTable, GroupData)
					b.edge(fn, t.Address, "iam dynamodb", false)
				}
			}
		}
		if services["s3"] {
			id := bucketOf(res)
			b.node(id, id, KindBucket, GroupData)
			b.edge(fn, id, "iam s3", false)
		}
	}
}

// bucketOf names the S3 node of a resource pattern: the bucket of an ARN,
// the address of a bucket resource, or "s3 *".
func bucketOf(res string) string {
	if rest, ok := strings.CutPrefix(res, "arn:aws:s3:::"); ok {
		bucket, _, _ := strings.Cut(rest, "/")
		return "s3 " + bucket
	}
	if res == "*" {
		return "s3 *"
	}
	return strings.TrimSuffix(strings.TrimSuffix(res, ".arn"), "/*")
}

// fromFindings adds what the findings' evidence paths show that the model
// did not give: the entry point in front of the function, the function's
// way out, and the database it reaches, all on a violating path.
func (b *builder) fromFindings(findings []report.Finding) {
	for _, f := range findings {
		if !violatingCategories[f.Category] {
			continue
		}
		var fn, entry, db string
		internet := false
		for _, s := range f.Path {
			switch s.Kind {
			case "function":
				if fn == "" && s.Address != "" {
					fn = s.Address
				}
			case "entry_point":
				if entry == "" && s.Address != "" {
					entry = s.Address
				}
			case "database":
				if s.Address != "" {
					db = s.Address
				}
			case "internet":
				internet = true
			}
		}
		if fn == "" {
			continue
		}
		b.node(fn, fn, KindFunction, GroupFlagged)
		if entry != "" {
			b.node(entry, entry, KindEntry, GroupEntry)
			b.markOrAdd(entry, fn, "invokes")
		}
		if internet {
			b.node(InternetID, "internet", KindInternet, GroupOutside)
			b.markOrAdd(fn, InternetID, "egress")
		}
		if db != "" {
			b.node(db, db, KindDatabase, GroupData)
			b.markOrAdd(fn, db, "data path")
		}
	}
}

// markOrAdd turns the edges from → to red, adding one when there is none.
func (b *builder) markOrAdd(from, to, label string) {
	if !b.hasEdge(from, to) {
		b.edge(from, to, label, true)
		return
	}
	p := [2]string{from, to}
	for _, k := range append(append([]string{}, b.pairs[p]...), b.through[p]...) {
		e := b.edges[k]
		e.Violating = true
		b.edges[k] = e
	}
}

// hasEdge reports whether from reaches to by one edge, or by a path drawn
// through a via node.
func (b *builder) hasEdge(from, to string) bool {
	p := [2]string{from, to}
	return len(b.pairs[p]) > 0 || len(b.through[p]) > 0
}

func (b *builder) sorted() *Graph {
	g := &Graph{Nodes: make([]Node, 0, len(b.nodes)), Edges: make([]Edge, 0, len(b.edges))}
	for _, n := range b.nodes {
		g.Nodes = append(g.Nodes, n)
	}
	for _, e := range b.edges {
		g.Edges = append(g.Edges, e)
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID < g.Nodes[j].ID })
	sort.Slice(g.Edges, func(i, j int) bool {
		a, c := g.Edges[i], g.Edges[j]
		return a.From+"\x00"+a.To+"\x00"+a.Label < c.From+"\x00"+c.To+"\x00"+c.Label
	})
	return g
}

func dbNote(db model.Database) string {
	var notes []string
	if db.Serverless && db.MinCapacity != nil && *db.MinCapacity == 0 {
		notes = append(notes, "min 0")
	} else if db.MinCapacity != nil {
		notes = append(notes, "min "+trimFloat(*db.MinCapacity))
	}
	if db.HTTPEndpoint {
		notes = append(notes, "Data API on")
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

func trimFloat(f float64) string {
	s := strings.TrimRight(strings.TrimRight(strings.TrimSpace(formatFloat(f)), "0"), ".")
	if s == "" {
		return "0"
	}
	return s
}

// groups returns the groups that have nodes, in drawing order, each with its
// node ids.
func (g *Graph) groups() []groupNodes {
	byGroup := map[string][]Node{}
	for _, n := range g.Nodes {
		byGroup[n.Group] = append(byGroup[n.Group], n)
	}
	var out []groupNodes
	for _, name := range groupOrder {
		if ns := byGroup[name]; len(ns) > 0 {
			out = append(out, groupNodes{Name: name, Nodes: ns})
			delete(byGroup, name)
		}
	}
	var rest []string
	for name := range byGroup {
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for _, name := range rest {
		out = append(out, groupNodes{Name: name, Nodes: byGroup[name]})
	}
	return out
}

type groupNodes struct {
	Name  string
	Nodes []Node
}

// ids maps node ids (resource addresses) to short identifiers safe in
// Mermaid and DOT: n0, n1, ... in sorted order.
func (g *Graph) ids() map[string]string {
	out := make(map[string]string, len(g.Nodes))
	for i, n := range g.Nodes {
		out[n.ID] = "n" + itoa(i)
	}
	return out
}
