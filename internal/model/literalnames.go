package model

import (
	"regexp"
	"strings"
)

// identAttrs are the attributes AWS names a resource by, beyond "name":
// a literal string in another resource may use them to point at it.
var identAttrs = map[string]string{
	"aws_rds_cluster":        "cluster_identifier",
	"aws_db_instance":        "identifier",
	"aws_lambda_function":    "function_name",
	"aws_rds_global_cluster": "global_cluster_identifier",
}

// arnKinds maps the resource part of an ARN to the Terraform type it names.
var arnKinds = map[string]string{
	"iam:role":        "aws_iam_role",
	"iam:policy":      "aws_iam_policy",
	"iam:user":        "aws_iam_user",
	"iam:group":       "aws_iam_group",
	"lambda:function": "aws_lambda_function",
	"rds:cluster":     "aws_rds_cluster",
	"rds:db":          "aws_db_instance",
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// byLiteral resolves a value written as a literal that names a resource of
// the plan whose id or ARN is not known yet: an ARN whose name (and path)
// match ("arn:aws:iam::123456789012:policy/NAME"), or a bare identifier
// ("my-cluster" for cluster_identifier). The ARN's account must be the
// plan's account when the plan tells it.
func (rx *resolved) byLiteral(v string, types ...string) string {
	if !strings.HasPrefix(v, "arn:") {
		for _, t := range types {
			if a := rx.idents[t][v]; a != "" {
				return a
			}
		}
		return ""
	}
	p := strings.SplitN(v, ":", 6)
	if len(p) < 6 {
		return ""
	}
	service, account, rest := p[2], p[4], p[5]
	if acct := rx.account; acct != "" && account != "" && account != acct {
		return ""
	}
	kind, name, path := rest, "", ""
	if i := strings.IndexAny(rest, "/:"); i >= 0 {
		kind, name = rest[:i], rest[i+1:]
	}
	if service == "iam" {
		if j := strings.LastIndexByte(name, '/'); j >= 0 {
			path, name = "/"+name[:j+1], name[j+1:]
		} else {
			path = "/"
		}
	}
	if service == "lambda" {
		name, _, _ = strings.Cut(name, ":") // an alias or version qualifier
	}
	typ := arnKinds[service+":"+kind]
	if typ == "" || (len(types) > 0 && !contains(types, typ)) || name == "" {
		return ""
	}
	a := rx.byName[typ][name]
	if a == "" {
		a = rx.idents[typ][name]
	}
	if a == "" {
		return ""
	}
	if service == "iam" {
		if rp := getStr(rx.ix.byAddr[a].Values, "path"); rp != "" && rp != path {
			return ""
		}
	}
	return a
}

// identIndex maps type → identifier (cluster_identifier, function_name…)
// → address.
func identIndex(ix *index) map[string]map[string]string {
	idents := map[string]map[string]string{}
	for typ, attr := range identAttrs {
		for _, r := range ix.byType[typ] {
			if r.Data {
				continue
			}
			if v := getStr(r.Values, attr); v != "" {
				if idents[typ] == nil {
					idents[typ] = map[string]string{}
				}
				if _, dup := idents[typ][v]; !dup {
					idents[typ][v] = r.Address
				}
			}
		}
	}
	return idents
}

// planAccount is the AWS account the plan deploys to, when it says:
// aws_caller_identity, or the account of any ARN the plan already knows.
func planAccount(ix *index, byARN map[string]string) string {
	for _, r := range ix.byType["aws_caller_identity"] {
		if v := getStr(r.Values, "account_id"); accountRE.MatchString(v) {
			return v
		}
	}
	for _, arn := range sortedKeysOf(byARN) {
		if p := strings.SplitN(arn, ":", 6); len(p) == 6 && accountRE.MatchString(p[4]) {
			return p[4]
		}
	}
	return ""
}
