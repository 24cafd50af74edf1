package labiam

import "sort"

// FunctionRole is the ARN of the execution role of the function at
// address; "" when the plan has no such function.
func (a *Account) FunctionRole(address string) string { return a.functions[address] }

// Role returns the role with this ARN, or nil.
func (a *Account) Role(arn string) *Role { return a.roles[arn] }

// ARN is the ARN the lab gives the resource at address (planned when the
// plan knows it); "" when the lab gives it none.
func (a *Account) ARN(address string) string {
	if s := str(a.ix.values[address], "arn"); s != "" {
		return s
	}
	return a.applied[address]["arn"]
}

// Attribute is attribute path (dotted, list indexes as numbers) of the
// resource at address: planned, or the lab's apply value.
func (a *Account) Attribute(address, path string) string {
	r := a.attribute(address, splitPath(path))
	return r.value
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

// Secrets lists the secrets the Secrets Manager stand-in serves: every
// aws_secretsmanager_secret and every RDS-managed master secret, by ARN.
func (a *Account) Secrets() []Resource {
	var out []Resource
	for _, addr := range a.ix.byType["aws_secretsmanager_secret"] {
		out = append(out, Resource{Address: addr, ARN: a.ARN(addr), Name: a.applied[addr]["name"]})
	}
	for _, typ := range []string{"aws_rds_cluster", "aws_db_instance"} {
		for _, addr := range a.ix.byType[typ] {
			if arn := a.applied[addr]["master_user_secret.0.secret_arn"]; arn != "" {
				out = append(out, Resource{Address: addr + ".master_user_secret", ARN: arn})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// Parameters lists the SSM parameters of the plan.
func (a *Account) Parameters() []Resource {
	var out []Resource
	for _, addr := range a.ix.byType["aws_ssm_parameter"] {
		out = append(out, Resource{Address: addr, ARN: a.ARN(addr), Name: a.applied[addr]["name"]})
	}
	return out
}

// Clusters lists the Aurora clusters (Data API targets) of the plan.
func (a *Account) Clusters() []Resource {
	var out []Resource
	for _, addr := range a.ix.byType["aws_rds_cluster"] {
		out = append(out, Resource{Address: addr, ARN: a.ARN(addr), Name: a.applied[addr]["cluster_identifier"]})
	}
	return out
}

// Roles lists the roles, sorted by ARN.
func (a *Account) Roles() []*Role {
	var out []*Role
	for _, r := range a.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// DBPasswordParameters lists the SSM parameters that hold a database's
// password: those whose value is written from the same references as a
// cluster's or instance's master_password in the same module (the plan
// hides both values as sensitive; the references say they are one).
func (a *Account) DBPasswordParameters() []Resource {
	var out []Resource
	for _, p := range a.Parameters() {
		pm, _ := splitAddress(p.Address)
		pe := a.ix.expr(p.Address, "value")
		if pe == nil || len(pe.References) == 0 {
			continue
		}
		refs := innermost(pe.References)
		for _, typ := range []string{"aws_rds_cluster", "aws_db_instance"} {
			for _, db := range a.ix.byType[typ] {
				dm, _ := splitAddress(db)
				de := a.ix.expr(db, "master_password")
				if dm == pm && de != nil && sameList(innermost(de.References), refs) && !containsResource(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func containsResource(list []Resource, r Resource) bool {
	for _, x := range list {
		if x.Address == r.Address {
			return true
		}
	}
	return false
}
