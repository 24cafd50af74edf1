package graph

import (
	"strings"

	"github.com/letsleep/letsleep/internal/report"
)

// findingResources draws every resource a finding names, so the picture
// shows what the report talks about: a public database, an open security
// group, an RDS proxy. Each is flagged (red border). Consecutive resources
// of the finding's evidence path that are both drawn get an edge, labelled
// by the finding's category, when none joins them yet.
func (b *builder) findingResources(findings []report.Finding) {
	for _, f := range findings {
		if f.Resource == "" {
			continue
		}
		if _, ok := b.nodes[f.Resource]; !ok {
			kind, group := kindOf(f.Resource)
			b.node(f.Resource, f.Resource, kind, group)
		}
		n := b.nodes[f.Resource]
		n.Flagged = true
		b.nodes[f.Resource] = n
		prev := ""
		for _, s := range f.Path {
			n, drawn := b.nodes[s.Address]
			if !drawn || s.Address == prev {
				continue
			}
			// A gateway, secret or group the path passes through is already
			// joined by the path's own edges: chaining from it would join
			// the NAT to the database's group.
			if isVia(n.Kind) && s.Address != f.Resource {
				continue
			}
			if prev != "" && !b.hasEdge(prev, s.Address) && !b.hasEdge(s.Address, prev) {
				b.edge(prev, s.Address, f.Category, violatingCategories[f.Category])
			}
			prev = s.Address
		}
	}
}

// kindOf places a resource known only from a finding by its type.
func kindOf(address string) (kind, group string) {
	switch t := resourceType(address); {
	case t == "aws_rds_cluster" || t == "aws_db_instance" || t == "aws_rds_cluster_instance":
		return KindDatabase, GroupData
	case t == "aws_dynamodb_table":
		return KindTable, GroupData
	case t == "aws_s3_bucket":
		return KindBucket, GroupData
	case t == "aws_lambda_function":
		return KindFunction, GroupFlagged
	case t == "aws_lambda_function_url" || strings.HasPrefix(t, "aws_api_gateway") || strings.HasPrefix(t, "aws_apigatewayv2") || t == "aws_lb" || t == "aws_alb":
		return KindEntry, GroupEntry
	}
	return KindResource, GroupResources
}

// resourceType is the type part of an address: aws_db_proxy for
// module.a.module.b.aws_db_proxy.this["x"].
func resourceType(address string) string {
	rest := address
	for {
		after, ok := strings.CutPrefix(rest, "module.")
		if !ok {
			break
		}
		_, tail, ok := strings.Cut(after, ".")
		if !ok {
			return ""
		}
		rest = tail
	}
	rest = strings.TrimPrefix(rest, "data.")
	t, _, _ := strings.Cut(rest, ".")
	return t
}
