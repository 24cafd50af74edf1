package labiam

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The lab's apply: the identities AWS gives resources when they are created
// (ARNs, generated names, the RDS-managed master secret), which the plan
// knows only after apply. Each is made from the planned name when known,
// else from the name prefix, else from the address, in the lab's account
// and region, and stays the same for the same plan.

// labName is the resource's name as the lab creates it.
func labName(addr string, v map[string]any, key string) string {
	if s := str(v, key); s != "" {
		return s
	}
	if p := str(v, "name_prefix"); p != "" {
		return p + "lab" + shortHash(addr, 8)
	}
	r := strings.NewReplacer(".", "-", "[", "-", "]", "", "\"", "")
	return "lab-" + r.Replace(addr)
}

func shortHash(s string, n int) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:n]
}

// secretSuffix is the six characters AWS appends to a secret's name in
// its ARN.
func secretSuffix(addr string) string { return "-" + shortHash(addr, 6) }

// applyValues gives every resource of the types below the attributes an
// apply would: arn, id, name and the like.
func (a *Account) applyValues() {
	a.applied = map[string]map[string]string{}
	set := func(addr string, kv ...string) {
		m := a.applied[addr]
		if m == nil {
			m = map[string]string{}
			a.applied[addr] = m
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
	}
	region, acct := a.Region, a.ID
	for _, addr := range a.ix.byType["aws_iam_role"] {
		v := a.ix.values[addr]
		name := labName(addr, v, "name")
		path := str(v, "path")
		if path == "" {
			path = "/"
		}
		set(addr, "name", name, "id", name, "arn", "arn:aws:iam::"+acct+":role"+path+name, "unique_id", "AROALAB"+strings.ToUpper(shortHash(addr, 12)))
	}
	for _, addr := range a.ix.byType["aws_iam_policy"] {
		v := a.ix.values[addr]
		name := labName(addr, v, "name")
		path := str(v, "path")
		if path == "" {
			path = "/"
		}
		arn := "arn:aws:iam::" + acct + ":policy" + path + name
		set(addr, "name", name, "id", arn, "arn", arn, "policy_id", "ANPALAB"+strings.ToUpper(shortHash(addr, 12)))
	}
	for _, addr := range a.ix.byType["aws_secretsmanager_secret"] {
		name := labName(addr, a.ix.values[addr], "name")
		arn := fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s%s", region, acct, name, secretSuffix(addr))
		set(addr, "name", name, "id", arn, "arn", arn)
	}
	for _, typ := range []string{"aws_rds_cluster", "aws_db_instance"} {
		kind, key, secretKind := "cluster", "cluster_identifier", "rds!cluster-"
		if typ == "aws_db_instance" {
			kind, key, secretKind = "db", "identifier", "rds!db-"
		}
		for _, addr := range a.ix.byType[typ] {
			v := a.ix.values[addr]
			name := labName(addr, v, key)
			set(addr, key, name, "id", name, "arn", fmt.Sprintf("arn:aws:rds:%s:%s:%s:%s", region, acct, kind, name),
				"cluster_resource_id", "cluster-LAB"+strings.ToUpper(shortHash(addr, 20)),
				"resource_id", "db-LAB"+strings.ToUpper(shortHash(addr, 20)))
			if b, _ := v["manage_master_user_password"].(bool); b {
				secret := fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s%s%s", region, acct, secretKind, labUUID(addr), secretSuffix(addr+"/master"))
				set(addr, "master_user_secret.0.secret_arn", secret)
			}
		}
	}
	for _, addr := range a.ix.byType["aws_lambda_function"] {
		name := labName(addr, a.ix.values[addr], "function_name")
		arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, acct, name)
		set(addr, "function_name", name, "id", name, "arn", arn, "qualified_arn", arn+":$LATEST",
			"invoke_arn", fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", region, arn))
	}
	for _, addr := range a.ix.byType["aws_ssm_parameter"] {
		name := labName(addr, a.ix.values[addr], "name")
		set(addr, "name", name, "id", name, "arn", fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s", region, acct, strings.TrimPrefix(name, "/")))
	}
	for _, addr := range a.ix.byType["aws_dynamodb_table"] {
		name := labName(addr, a.ix.values[addr], "name")
		set(addr, "name", name, "id", name, "arn", fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, acct, name))
	}
	for _, addr := range a.ix.byType["data.aws_caller_identity"] {
		set(addr, "account_id", acct, "id", acct, "arn", rootARN(acct))
	}
	for _, addr := range a.ix.byType["data.aws_region"] {
		set(addr, "name", region, "id", region, "region", region)
	}
	for _, addr := range a.ix.byType["data.aws_partition"] {
		set(addr, "partition", "aws", "id", "aws")
	}
}

func labUUID(addr string) string {
	h := shortHash(addr, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

var accountInARN = regexp.MustCompile(`arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):`)

// inferAccount is the account the plan's literal ARNs name most often (a
// stack that writes its account into ARNs must find its resources there
// in the lab too); the lab's default account when none does.
func inferAccount(ix *planIndex, fallback string) string {
	count := map[string]int{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			for _, m := range accountInARN.FindAllStringSubmatch(x, -1) {
				count[m[1]]++
			}
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, v := range ix.values {
		walk(v)
	}
	best, n := fallback, 0
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if count[k] > n {
			best, n = k, count[k]
		}
	}
	return best
}
