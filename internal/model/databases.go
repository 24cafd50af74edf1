package model

import (
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
)

var clusterTypes = []string{"aws_rds_cluster"}
var dbTypes = []string{"aws_rds_cluster", "aws_db_instance"}

// MasterSecretSuffix names the synthetic secret of a cluster whose master
// password RDS manages (manage_master_user_password): <db>.master_user_secret.
const MasterSecretSuffix = ".master_user_secret"

// MasterSecretPattern is the ARN shape of RDS-managed master secrets.
const MasterSecretPattern = "arn:aws:secretsmanager:*:*:secret:rds!cluster-*"

// masterSecretPatternDB is the same for a standalone instance.
const masterSecretPatternDB = "arn:aws:secretsmanager:*:*:secret:rds!db-*"

func (fx *facts) buildDatabases() {
	params := fx.parameterGroups()
	for _, r := range fx.ix.byType["aws_rds_cluster"] {
		if r.Data {
			continue
		}
		d := fx.newDB(r, "cluster", getStr(r.Values, "cluster_identifier"))
		d.EngineMode = getStr(r.Values, "engine_mode")
		if sc := getBlock(r.Values, "serverlessv2_scaling_configuration"); sc != nil {
			d.Serverless = true
			if v, ok := getNum(sc, "min_capacity"); ok {
				d.MinCapacity = &v
			}
			if v, ok := getNum(sc, "max_capacity"); ok {
				d.MaxCapacity = &v
			}
			if v, ok := getInt(sc, "seconds_until_auto_pause"); ok {
				d.SecondsUntilAutoPause = &v
			}
		}
		d.HTTPEndpoint = getBool(r.Values, "enable_http_endpoint")
		pg := fx.link(r, r.Values, r.Unknown, "db_cluster_parameter_group_name", []string{"db_cluster_parameter_group_name"}, "aws_rds_cluster_parameter_group")
		fx.applyParams(d, pg, params)
		if v := getStr(r.Values, "global_cluster_identifier"); v != "" {
			d.GlobalCluster = v
			if a := fx.lookup(v, "aws_rds_global_cluster"); a != "" {
				d.GlobalCluster = a
			}
		} else if g := fx.link(r, r.Values, r.Unknown, "global_cluster_identifier", []string{"global_cluster_identifier"}, "aws_rds_global_cluster"); len(g.Addrs) > 0 {
			d.GlobalCluster = g.Addrs[0]
		}
		fx.dbs[r.Address] = d
	}
	for _, r := range fx.ix.byType["aws_db_instance"] {
		if r.Data {
			continue
		}
		d := fx.newDB(r, "instance", getStr(r.Values, "identifier"))
		d.PubliclyAccessible = getBool(r.Values, "publicly_accessible")
		pg := fx.link(r, r.Values, r.Unknown, "parameter_group_name", []string{"parameter_group_name"}, "aws_db_parameter_group")
		fx.applyParams(d, pg, params)
		if ic := getStr(r.Values, "instance_class"); ic != "" {
			d.Instances = append(d.Instances, DBInstance{Address: r.Address, InstanceClass: ic, PubliclyAccessible: d.PubliclyAccessible})
		}
		fx.dbs[r.Address] = d
	}
	for _, r := range fx.ix.byType["aws_rds_cluster_instance"] {
		c := fx.link(r, r.Values, r.Unknown, "cluster_identifier", []string{"cluster_identifier"}, clusterTypes...)
		inst := DBInstance{Address: r.Address, InstanceClass: getStr(r.Values, "instance_class"), PubliclyAccessible: getBool(r.Values, "publicly_accessible")}
		if len(c.Addrs) == 0 {
			fx.warn("unresolved-reference", r.Address, "cluster_identifier could not be resolved to a cluster in the plan")
			continue
		}
		for _, a := range c.Addrs {
			d := fx.dbs[a]
			d.Instances = append(d.Instances, inst)
			if inst.PubliclyAccessible {
				d.PubliclyAccessible = true
			}
		}
	}
	fx.dbExtras()
	fx.applyDefaultSGs()
	fx.buildSecrets()
	fx.buildProxies()
}

func (fx *facts) newDB(r *res, kind, ident string) *Database {
	d := &Database{
		Address: r.Address, Kind: kind, Identifier: ident,
		Engine: getStr(r.Values, "engine"), EngineVersion: getStr(r.Values, "engine_version"),
		IAMAuth:             getBool(r.Values, "iam_database_authentication_enabled"),
		ManagedMasterSecret: getBool(r.Values, "manage_master_user_password"),
		Instances:           []DBInstance{}, Secrets: []string{}, ZeroETL: []string{}, Proxies: []string{},
	}
	if p, ok := getInt(r.Values, "port"); ok && p > 0 {
		d.Port = p
	} else {
		d.Port = defaultPort(d.Engine)
	}
	sgs := fx.link(r, r.Values, r.Unknown, "vpc_security_group_ids", []string{"vpc_security_group_ids"}, sgTypes...)
	d.SecurityGroups = append(sgs.Addrs, sgs.Raw...)
	if len(sgs.Lost) > 0 {
		d.Unknown = append(d.Unknown, "vpc_security_group_ids")
		fx.warn("unresolved-reference", r.Address, "vpc_security_group_ids could not be resolved (%s)", strings.Join(sgs.Lost, ", "))
	}
	d.Subnets = fx.dbSubnets(r)
	for _, k := range []string{"engine_version", "port", "arn", "endpoint", "cluster_resource_id"} {
		if unknownAt(r.Unknown, k) {
			d.Unknown = append(d.Unknown, k)
		}
	}
	if d.ManagedMasterSecret {
		addr := r.Address + MasterSecretSuffix
		// RDS names it rds!cluster-… or rds!db-… (for an instance).
		prefix := "rds!cluster-*"
		if kind == "instance" {
			prefix = "rds!db-*"
		}
		fx.secrets[addr] = &Secret{Address: addr, Name: prefix, Database: r.Address}
		d.Secrets = append(d.Secrets, addr)
	}
	return d
}

func defaultPort(engine string) int {
	e := strings.ToLower(engine)
	switch {
	case strings.Contains(e, "postgres"):
		return 5432
	case strings.Contains(e, "mysql"), strings.Contains(e, "mariadb"), e == "aurora":
		return 3306
	case strings.Contains(e, "sqlserver"):
		return 1433
	case strings.Contains(e, "oracle"):
		return 1521
	}
	return 5432
}

// paramGroup records whether a parameter group turns on replication that
// keeps Aurora awake.
type paramGroup struct {
	addr        string
	replication bool
}

func (fx *facts) parameterGroups() map[string]paramGroup {
	out := map[string]paramGroup{}
	for _, t := range []string{"aws_rds_cluster_parameter_group", "aws_db_parameter_group"} {
		for _, r := range fx.ix.byType[t] {
			pg := paramGroup{addr: r.Address}
			for _, p := range getBlocks(r.Values, "parameter") {
				name, val := strings.ToLower(getStr(p, "name")), strings.ToLower(getStr(p, "value"))
				switch {
				case name == "rds.logical_replication" && (val == "1" || val == "on" || val == "true"):
					pg.replication = true
				case name == "binlog_format" && val != "" && val != "off":
					pg.replication = true
				}
			}
			out[r.Address] = pg
		}
	}
	return out
}

func (fx *facts) applyParams(d *Database, link linkResult, params map[string]paramGroup) {
	if len(link.Addrs) > 0 {
		d.ParameterGroup = link.Addrs[0]
		d.LogicalReplication = params[link.Addrs[0]].replication
	} else if len(link.Raw) > 0 {
		d.ParameterGroup = link.Raw[0]
	}
}

// dbExtras attaches activity streams, zero-ETL integrations and global
// clusters that name a cluster.
func (fx *facts) dbExtras() {
	for _, r := range fx.ix.byType["aws_rds_cluster_activity_stream"] {
		for _, a := range fx.link(r, r.Values, r.Unknown, "resource_arn", []string{"resource_arn"}, dbTypes...).Addrs {
			fx.dbs[a].ActivityStream = r.Address
		}
	}
	for _, r := range fx.ix.byType["aws_rds_integration"] {
		for _, a := range fx.link(r, r.Values, r.Unknown, "source_arn", []string{"source_arn"}, dbTypes...).Addrs {
			fx.dbs[a].ZeroETL = append(fx.dbs[a].ZeroETL, r.Address)
		}
	}
	for _, r := range fx.ix.byType["aws_rds_global_cluster"] {
		for _, a := range fx.link(r, r.Values, r.Unknown, "source_db_cluster_identifier", []string{"source_db_cluster_identifier"}, clusterTypes...).Addrs {
			fx.dbs[a].GlobalCluster = r.Address
		}
	}
}

func (fx *facts) buildSecrets() {
	for _, r := range fx.ix.byType["aws_secretsmanager_secret"] {
		if r.Data {
			continue
		}
		s := &Secret{Address: r.Address, Name: getStr(r.Values, "name")}
		if tag := getTags(r.Values)["letsleep:db-secret"]; tag != "" {
			if a := fx.dbByTag(tag); a != "" {
				s.Database = a
			}
		}
		if pol := getStr(r.Values, "policy"); pol != "" {
			fx.secretPolicy(s, r.Address, []byte(pol))
		}
		fx.secrets[r.Address] = s
	}
	// A secret version and a database that share a generated password
	// (random_password) hold the same credentials.
	byPassword := map[string][]string{}
	for _, t := range dbTypes {
		for _, r := range fx.ix.byType[t] {
			ts, _ := fx.ix.resolve(r.Module, refsAt(r, "master_password"))
			if len(ts) == 0 {
				ts, _ = fx.ix.resolve(r.Module, refsAt(r, "password"))
			}
			for _, tg := range ts {
				byPassword[tg.Addr] = append(byPassword[tg.Addr], r.Address)
			}
		}
	}
	for _, r := range fx.ix.byType["aws_secretsmanager_secret_version"] {
		sec := fx.link(r, r.Values, r.Unknown, "secret_id", []string{"secret_id"}, "aws_secretsmanager_secret")
		var dbs []string
		for _, k := range []string{"secret_string", "secret_binary"} {
			ts, _ := fx.ix.resolve(r.Module, refsAt(r, k))
			dbs = append(dbs, fx.ix.addrsOf(ts, dbTypes...)...)
			for _, tg := range ts {
				dbs = append(dbs, byPassword[tg.Addr]...)
			}
		}
		for _, sa := range sec.Addrs {
			if s := fx.secrets[sa]; s != nil && len(dbs) > 0 && s.Database == "" {
				s.Database = sortedUnique(dbs)[0]
			}
		}
	}
	fx.linkCredentials()
	for _, s := range fx.secrets {
		if s.Database != "" && fx.dbs[s.Database] != nil && !strings.HasSuffix(s.Address, MasterSecretSuffix) {
			fx.dbs[s.Database].Secrets = append(fx.dbs[s.Database].Secrets, s.Address)
		}
	}
	for _, r := range fx.ix.byType["aws_secretsmanager_secret_policy"] {
		sec := fx.link(r, r.Values, r.Unknown, "secret_arn", []string{"secret_arn"}, "aws_secretsmanager_secret")
		stmts, known, _ := fx.document(r, r.Values, r.Unknown, "policy", r.Address)
		for _, sa := range sec.Addrs {
			s := fx.secrets[sa]
			if s == nil {
				continue
			}
			if !known {
				s.PolicySteps = append(s.PolicySteps, Step{Kind: "policy", Address: r.Address, Detail: "resource policy unknown at plan time"})
			}
			for _, st := range stmts {
				fx.markPublic(s, r.Address, st)
			}
		}
	}
}

func (fx *facts) secretPolicy(s *Secret, origin string, doc []byte) {
	p, errs := iam.Parse(doc)
	for _, e := range errs {
		fx.warn("invalid-policy", origin, "%v", e)
	}
	if p == nil {
		return
	}
	for _, st := range p.Statements {
		fx.markPublic(s, origin, normStatement(origin, st, false))
	}
}

func (fx *facts) markPublic(s *Secret, origin string, st stmt) {
	if st.Effect != "Allow" || !st.publicPrincipal {
		return
	}
	s.PublicPolicy = true
	detail := "Principal \"*\""
	if st.Sid != "" {
		detail = "statement " + st.Sid + ": " + detail
	}
	if st.Conditional {
		detail += " (with a condition)"
	}
	s.PolicySteps = append(s.PolicySteps, Step{Kind: "policy", Address: origin, Detail: detail})
}

// dbByTag resolves a letsleep:db-secret tag value: a DB address or identifier.
func (fx *facts) dbByTag(v string) string {
	if fx.dbs[v] != nil {
		return v
	}
	for addr, d := range fx.dbs {
		if d.Identifier == v {
			return addr
		}
	}
	return ""
}

func (fx *facts) buildProxies() {
	proxies := map[string]*Proxy{}
	for _, r := range fx.ix.byType["aws_db_proxy"] {
		if r.Data {
			continue
		}
		p := &Proxy{Address: r.Address, Targets: []string{}}
		sgs := fx.link(r, r.Values, r.Unknown, "vpc_security_group_ids", []string{"vpc_security_group_ids"}, sgTypes...)
		subs := fx.link(r, r.Values, r.Unknown, "vpc_subnet_ids", []string{"vpc_subnet_ids"}, "aws_subnet", "aws_default_subnet")
		p.SecurityGroups = append(append([]string{}, sgs.Addrs...), sgs.Raw...)
		p.Subnets = append(append([]string{}, subs.Addrs...), subs.Raw...)
		proxies[r.Address] = p
	}
	for _, t := range []string{"aws_db_proxy_target", "aws_db_proxy_default_target_group"} {
		for _, r := range fx.ix.byType[t] {
			px := fx.link(r, r.Values, r.Unknown, "db_proxy_name", []string{"db_proxy_name"}, "aws_db_proxy")
			var targets []string
			for _, k := range []string{"db_cluster_identifier", "db_instance_identifier"} {
				l := fx.link(r, r.Values, r.Unknown, k, []string{k}, dbTypes...)
				targets = append(targets, l.Addrs...)
				for _, raw := range l.Raw {
					if a := fx.dbByTag(raw); a != "" {
						targets = append(targets, a)
					}
				}
			}
			for _, pa := range px.Addrs {
				p := proxies[pa]
				if p == nil {
					continue
				}
				p.Targets = append(p.Targets, targets...)
				for _, d := range targets {
					fx.dbs[d].Proxies = append(fx.dbs[d].Proxies, pa)
				}
			}
		}
	}
	for _, p := range proxies {
		fx.m.Proxies = append(fx.m.Proxies, *p)
	}
}

// dbSubnets are the subnets of a database's DB subnet group, where RDS
// puts its network interfaces; nil when the group or any of its subnets is
// not in the plan (callers then place it anywhere in its VPC).
func (fx *facts) dbSubnets(r *res) []string {
	g := fx.link(r, r.Values, r.Unknown, "db_subnet_group_name", []string{"db_subnet_group_name"}, "aws_db_subnet_group")
	if len(g.Addrs) != 1 {
		return nil
	}
	gr := fx.ix.byAddr[g.Addrs[0]]
	if gr == nil {
		return nil
	}
	sn := fx.link(gr, gr.Values, gr.Unknown, "subnet_ids", []string{"subnet_ids"}, "aws_subnet", "aws_default_subnet")
	if len(sn.Raw) > 0 || len(sn.Lost) > 0 || sn.Approx {
		return nil
	}
	return sn.Addrs
}
