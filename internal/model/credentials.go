package model

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
)

// Credential kinds of Secret.Kind.
const (
	SecretKindSSM = "ssm_parameter" // an SSM parameter holding the password
	// PathCredential: the function's own environment carries the password.
	PathCredential = "credential"
)

// minPasswordLen: RDS master passwords have at least 8 characters
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html);
// shorter strings are not compared by value, so a stray "postgres" in an
// unrelated secret does not count.
const minPasswordLen = 8

// passwordSource is what a database's master password is made of: its
// value when the plan knows it (a literal or a variable), and the
// configuration sources it comes from (random_password, a variable).
type passwordSource struct {
	db    string
	value string
	// escaped: value as it reads inside a JSON string, made once because
	// every environment variable of every function is compared with it.
	escaped string
	keys    map[string]bool
}

// passwords are the databases' password sources in database order, with
// each source key's first database, so that a value's references are
// looked up once instead of once per database (functions × databases).
type passwords struct {
	list  []passwordSource
	byKey map[string]int
}

// dbPasswords lists, per database, its master password's value and sources.
func (fx *facts) dbPasswords() passwords {
	var out []passwordSource
	for _, t := range dbTypes {
		for _, r := range fx.ix.byType[t] {
			if r.Data {
				continue
			}
			ps := passwordSource{db: r.Address, keys: map[string]bool{}}
			for _, k := range []string{"master_password", "password", "master_password_wo", "password_wo"} {
				if v := getStr(r.Values, k); len(v) >= minPasswordLen && ps.value == "" {
					ps.value = v
				}
				for _, key := range fx.sourceKeys(r, refsAt(r, k)) {
					ps.keys[key] = true
				}
			}
			if ps.value != "" || len(ps.keys) > 0 {
				out = append(out, ps)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].db < out[j].db })
	return passwordsOf(out)
}

// passwordsOf indexes password sources, in database order, by source key.
func passwordsOf(list []passwordSource) passwords {
	pws := passwords{list: list, byKey: map[string]int{}}
	for i := range list {
		p := &list[i]
		if p.value != "" {
			esc, _ := json.Marshal(p.value)
			p.escaped = strings.Trim(string(esc), `"`)
		}
		for k := range p.keys {
			if _, ok := pws.byKey[k]; !ok {
				pws.byKey[k] = i
			}
		}
	}
	return pws
}

// sourceKeys names where a value comes from: the resources its references
// resolve to (random_password.db), and the variables it reads in its own
// module (a root variable resolves to no resource).
func (fx *facts) sourceKeys(r *res, refs []string) []string {
	ts, _ := fx.ix.resolve(r.Module, refs)
	var out []string
	for _, t := range ts {
		out = append(out, t.Addr)
	}
	for _, ref := range refs {
		if strings.HasPrefix(ref, "var.") {
			out = append(out, r.Module+"|"+strings.SplitN(ref, ".", 3)[0]+"."+strings.SplitN(ref, ".", 3)[1])
		}
	}
	return out
}

// holds reports which database's password a value (with its references)
// carries: the same source, or the same known value inside it (as is, or
// JSON-escaped inside a jsonencode'd document). The first database in
// order wins; at the same database a shared source wins over the value.
func holds(pws passwords, value string, keys []string) (string, string) {
	bySource := len(pws.list)
	for _, k := range keys {
		if i, ok := pws.byKey[k]; ok && i < bySource {
			bySource = i
		}
	}
	if value != "" {
		for _, p := range pws.list[:bySource] {
			if p.value != "" && (strings.Contains(value, p.value) || strings.Contains(value, p.escaped)) {
				return p.db, "holds the same value as the master password"
			}
		}
	}
	if bySource == len(pws.list) {
		return "", ""
	}
	p := pws.list[bySource]
	for _, k := range keys {
		if p.keys[k] {
			return p.db, "takes its value from " + strings.TrimPrefix(k[strings.LastIndex(k, "|")+1:], "|") + ", as the master password does"
		}
	}
	return "", ""
}

// linkCredentials ties secrets and SSM parameters to the database whose
// master password they hold.
func (fx *facts) linkCredentials() {
	fx.pws = fx.dbPasswords()
	pws := fx.pws
	if len(pws.list) == 0 {
		return
	}
	for _, r := range fx.ix.byType["aws_secretsmanager_secret_version"] {
		sec := fx.link(r, r.Values, r.Unknown, "secret_id", []string{"secret_id"}, "aws_secretsmanager_secret")
		val := getStr(r.Values, "secret_string") + getStr(r.Values, "secret_string_wo")
		db, why := holds(pws, val, fx.sourceKeys(r, append(refsAt(r, "secret_string"), refsAt(r, "secret_string_wo")...)))
		if db == "" {
			continue
		}
		for _, sa := range sec.Addrs {
			if s := fx.secrets[sa]; s != nil && s.Database == "" {
				s.Database, s.Why = db, "version "+r.Address+" "+why
			}
		}
	}
	for _, r := range fx.ix.byType["aws_ssm_parameter"] {
		if r.Data {
			continue
		}
		val := getStr(r.Values, "value") + getStr(r.Values, "insecure_value") + getStr(r.Values, "value_wo")
		db, why := holds(pws, val, fx.sourceKeys(r, append(append(refsAt(r, "value"), refsAt(r, "insecure_value")...), refsAt(r, "value_wo")...)))
		if db == "" {
			continue
		}
		name := getStr(r.Values, "name")
		fx.secrets[r.Address] = &Secret{Address: r.Address, Kind: SecretKindSSM, Name: name, Database: db, Why: getStr(r.Values, "type") + " parameter " + why}
	}
}

// ssmTargets are the SSM parameters that hold a database password, as
// grant targets (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME, the name
// without its leading slash).
func (fx *facts) ssmTargets() []grantTarget {
	var out []grantTarget
	for _, s := range fx.secrets {
		if s.Kind != SecretKindSSM {
			continue
		}
		t := grantTarget{addr: s.Address}
		if r := fx.ix.byAddr[s.Address]; r != nil {
			t.arn = getStr(r.Values, "arn")
		}
		if t.arn == "" && s.Name != "" {
			n := strings.TrimPrefix(s.Name, "/")
			t.shape = []string{"arn:aws:ssm:*:*:parameter/" + n}
			t.name = n
		} else if t.arn == "" {
			t.shape = []string{"arn:aws:ssm:*:*:parameter/*"}
		}
		out = append(out, t)
	}
	return out
}

// envCredentialPaths: a function whose environment carries a database's
// master password holds the key to it, whatever its role says.
func (rh *reacher) envCredentialPaths(f *Function, pws passwords) []Path {
	r := rh.ix.byAddr[f.Address]
	if r == nil || len(pws.list) == 0 {
		return nil
	}
	var out []Path
	env := getBlock(r.Values, "environment")
	vars, _ := env["variables"].(map[string]any)
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	seen := map[string]bool{}
	check := func(name, val string, refs []string) {
		db, why := holds(pws, val, rh.sourceKeys(r, refs))
		if db == "" || seen[db] {
			return
		}
		seen[db] = true
		d := rh.dbs[db]
		out = append(out, Path{Kind: PathCredential, Target: db, Steps: []Step{
			fnStep(f),
			{Kind: "credential", Address: f.Address, Detail: "environment variable " + name + " " + why},
			dbStep(d),
		}})
	}
	for _, n := range names {
		v, _ := vars[n].(string)
		check(n, v, nil)
	}
	// The plan's configuration does not split a map's references per key:
	// the whole map's references are used.
	if refs := refsAt(r, "environment", "variables"); len(refs) > 0 {
		check("(one of "+strings.Join(names, ", ")+")", "", refs)
	}
	return out
}

// queryEditorPaths: Secrets Manager secrets named rds-db-credentials/...
// are where the RDS console and query editor keep database credentials
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/query-editor.html).
// A grant aimed at that name reads database credentials even though the
// secret is not in the plan. The query editor needs the cluster's Data API
// (same page), so only clusters with the HTTP endpoint on can have such a
// secret; which one it opens is unknown, so the path is an assumption
// (medium at most), never a fact.
func (rh *reacher) queryEditorPaths(g Grant, via []Step) []Path {
	if g.Action != iam.ActionSecretRead || g.Target != "" || !strings.Contains(g.Resource, ":secret:rds-db-credentials/") {
		return nil
	}
	var out []Path
	for _, d := range rh.allDBs {
		if d.Kind != "cluster" || !d.HTTPEndpoint {
			continue
		}
		steps := append(append([]Step{}, via...), assumedStep("secret", d.Address, "secrets named rds-db-credentials/ hold the query editor's database credentials; none is in the plan, so which cluster they open is unknown", "one opens this cluster (its Data API is on, which the query editor needs)"), dbStep(d))
		out = append(out, Path{Kind: PathSecret, Target: d.Address, Unresolved: true, Steps: steps})
	}
	return out
}
