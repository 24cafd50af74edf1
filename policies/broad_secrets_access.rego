# METADATA
# title: Broad Secrets Manager read access
# description: >-
#   secretsmanager:GetSecretValue on "*" or on a wildcard secret pattern
#   (directly, through wildcards or NotAction, or through an AWS-managed policy
#   such as SecretsManagerReadWrite) lets a role read every matching secret,
#   including the database credentials. With the RDS Data API those
#   credentials plus rds-data are a data path from outside the VPC
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html).
#   The RDS-managed master secret is named with the prefix rds!cluster-, so
#   "rds*" or "*" patterns reach it. A secret whose resource policy allows
#   Principal "*" is readable by any principal the policy's conditions admit.
# scope: package
# custom:
#   id: LSL-010
#   category: broad-secrets-access
#   severity: high
#   recommended_action: >-
#     Grant secretsmanager:GetSecretValue only on the ARNs of the secrets the
#     function needs (one single-purpose secret per function); replace
#     SecretsManagerReadWrite and similar managed policies with a scoped
#     inline policy; drop Principal "*" from secret resource policies.
package letsleep.checks.broad_secrets_access

import data.letsleep.lib.model

get_secret := "secretsmanager:getsecretvalue"

# One finding per role: the model lists a grant per matched secret.
deny contains f if {
	some role in model.section("roles")
	broad := [g |
		some g in role.grants
		lower(g.action) == get_secret
		g.broad == true
	]
	count(broad) > 0
	patterns := {sprintf("%q", [g.resource]) | some g in broad}
	f := {
		"resource": role.address,
		"message": sprintf("%s may read any secret matching %s (secretsmanager:GetSecretValue%s)%s%s", [model.principal(role.address), model.list(patterns), conditional(broad), reaches(broad), used_by(role)]),
		"path": via(role, broad[0]),
	}
}

deny contains f if {
	some s in model.section("secrets")
	s.public_policy == true
	f := {
		"resource": s.address,
		"message": sprintf("secret %s has a resource policy that allows Principal \"*\"%s", [s.address, holds(s)]),
		"path": array.concat([model.step("secret", s.address, "resource policy allows Principal *")], model.as_array(object.get(s, "policy_steps", []))),
	}
}

conditional(grants) := "" if {
	some g in grants
	object.get(g, "conditional", false) == false
}

conditional(grants) := ", under conditions treated as may-apply" if {
	every g in grants {
		g.conditional == true
	}
}

# reaches names the secrets in the plan that the patterns match; a grant on
# a target set (a wildcard over many secrets) is summarised by its count and
# first members.
reaches(grants) := sprintf(", which reaches %s", [model.list(targets)]) if {
	not any_set(grants)
	targets := named_targets(grants)
	count(targets) > 0
}

# A role whose grants name one set and no secret outside it (each tenant's
# role granted "*") reads the set's summary, made once per set: building the
# union per role listed every member once per role, roles × secrets.
reaches(grants) := sprintf(", which reaches %d secrets (%s%s)", [s.count, concat(", ", s.first), s.more]) if {
	single_set_covers(grants)
	[id] := set_ids(grants)
	s := set_summaries[id]
}

# Otherwise (several sets, or named secrets outside the set) the union is
# built for the role.
reaches(grants) := sprintf(", which reaches %d secrets (%s%s)", [count(targets), concat(", ", array.slice(sorted, 0, 3)), model.ellipsis(sorted)]) if {
	not single_set_covers(grants)
	any_set(grants)
	members := {m | some id in set_ids(grants); some m in model.target_sets_by_id[id].members}
	targets := named_targets(grants) | members
	sorted := sort(targets)
}

reaches(grants) := "" if {
	not any_set(grants)
	every g in grants {
		not model.named(object.get(g, "target", ""))
	}
}

named_targets(grants) := {g.target | some g in grants; model.named(object.get(g, "target", ""))}

# set_ids lists, sorted and once each, the target sets the grants name.
set_ids(grants) := sort({g.target_set | some g in grants; model.has_set(g)})

# single_set_covers holds when the grants name one set and every secret
# they name is in it.
single_set_covers(grants) if {
	[id] := set_ids(grants)
	s := set_summaries[id]
	every t in named_targets(grants) {
		s.members[t]
	}
}

# set_summaries[id]: a set's member count, first three members (sorted as
# the message lists them) and members as an object for lookups.
set_summaries := {id: {"count": count(sorted), "first": array.slice(sorted, 0, 3), "more": model.ellipsis(sorted), "members": {m: true | some m in sorted}} |
	some id, ts in model.target_sets_by_id
	sorted := sort({m | some m in ts.members})
}

any_set(grants) if {
	some g in grants
	model.has_set(g)
}

used_by(role) := sprintf("; used by %s", [model.list(fns)]) if {
	fns := model.functions_by_execution_role[role.address]
	count(fns) > 0
}

used_by(role) := "" if not model.functions_by_execution_role[role.address]

via(_, g) := model.as_array(g.via) if model.non_empty(g.via)

via(role, g) := [model.step("role", role.address, sprintf("grants %s on %s", [g.action, g.resource]))] if {
	not model.non_empty(object.get(g, "via", []))
}

holds(s) := sprintf(" and holds the credentials of %s", [s.database]) if {
	is_string(s.database)
	s.database != ""
}

holds(s) := "" if object.get(s, "database", "") == ""
