package model

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Provider scopes. AWS keeps most names unique per account and region (IAM
// names per account only), so a join by name (a role policy's `role =
// "app"`) must stay among the resources of the same account and region as
// the resource that names it: a plan with providers for two accounts or
// regions may hold a role "app" in each. A resource's provider
// configuration is its configuration block's provider_config_key, which
// terraform writes as the root configuration a module was passed ("aws",
// "aws.other") or as a module's own block ("module.vpc:aws").

// accountKeys are the provider arguments that can change the account:
// a configuration with any of them is an account of its own.
var accountKeys = []string{"assume_role", "assume_role_with_web_identity", "profile", "access_key",
	"shared_credentials_files", "shared_config_files", "token"}

// providerScopes maps each provider configuration key of the plan to its
// account and region: "acct=…|region=…". Two configurations share a scope
// only when neither names its own credentials and their regions are the
// same literal (or both unset).
func providerScopes(cfg *tfjson.Config) map[string]string {
	out := map[string]string{}
	if cfg == nil {
		return out
	}
	for key, pc := range cfg.ProviderConfigs {
		if pc == nil || (pc.Name != "aws" && !strings.HasSuffix(pc.FullName, "/aws")) {
			continue
		}
		account := "default"
		for _, k := range accountKeys {
			if _, ok := pc.Expressions[k]; ok {
				account = key
				break
			}
		}
		region := "unset"
		if e := pc.Expressions["region"]; e != nil {
			region = "?" + key // set, but not to a literal
			if s, ok := e.ConstantValue.(string); ok && s != "" {
				region = s
			}
		}
		out[key] = "acct=" + account + "|region=" + region
	}
	return out
}

// regionOf is the region of the resource at addr: its own `region`
// argument (AWS provider 6 takes one per resource) when known, else the
// region literal of its provider configuration; "" when the plan does not
// tell (unset, unknown, or not a literal), and the ARN is then unscoped.
func (rx *resolved) regionOf(addr string) string {
	r := rx.ix.byAddr[addr]
	if r == nil {
		return ""
	}
	if own, ok := r.Values["region"].(string); ok && own != "" {
		return own
	}
	if _, unknown := r.Unknown["region"]; unknown {
		return ""
	}
	_, region, _ := strings.Cut(rx.scopeOf(r, r.Type), "|region=")
	if region == "unset" || strings.HasPrefix(region, "?") {
		return ""
	}
	return region
}

// inRegion fills the region of ARN shapes with the region of the target's
// provider configuration, when the plan tells it: a literal ARN of another
// region in a policy document (`arn:aws:secretsmanager:us-east-1:…`) then
// no longer meets a resource planned in eu-west-1. IAM ARNs have no
// region and are left as they are; so is a shape whose region is written.
func inRegion(shapes []string, region string) []string {
	if region == "" || len(shapes) == 0 {
		return shapes
	}
	out := make([]string, len(shapes))
	for i, s := range shapes {
		sp := strings.SplitN(s, ":", 6)
		if len(sp) == 6 && sp[3] == "*" {
			sp[3] = region
			s = strings.Join(sp, ":")
		}
		out[i] = s
	}
	return out
}

// scopeOf is the scope a resource's joins by name to resources of type typ
// stay in ("" when the plan does not tell: the join is not scoped).
func (rx *resolved) scopeOf(r *res, typ string) string {
	key := providerKey(r)
	if key == "" || r == nil {
		return ""
	}
	s, ok := rx.scopes[key]
	if !ok {
		// A module's provider key whose block is not listed: the root's.
		if i := strings.LastIndexByte(key, ':'); i >= 0 {
			s, ok = rx.scopes[key[i+1:]]
		}
	}
	if !ok {
		s = "acct=" + key + "|region=?" + key
	}
	if strings.HasPrefix(typ, "aws_iam_") {
		s, _, _ = strings.Cut(s, "|") // IAM names are per account
	}
	return s
}

// noteScopedName indexes a resource's name within its scope.
func (rx *resolved) noteScopedName(r *res, name string) {
	s := rx.scopeOf(r, r.Type)
	if s == "" {
		return
	}
	if rx.scopedName[r.Type] == nil {
		rx.scopedName[r.Type] = map[string]string{}
	}
	k := s + "\x00" + name
	if _, dup := rx.scopedName[r.Type][k]; !dup {
		rx.scopedName[r.Type][k] = r.Address
	}
}

// lookupFrom is lookup for a value that resource from holds: a name is
// matched only among the resources of from's account and region, so a
// name of another provider configuration is never joined. Ids and ARNs
// are unique and matched as lookup does.
func (rx *resolved) lookupFrom(from *res, v string, types ...string) string {
	if from == nil || rx.scopeOf(from, "") == "" || len(types) == 0 {
		return rx.lookup(v, types...)
	}
	return rx.lookupBy(v, func(t string) (string, bool) {
		a, ok := rx.scopedName[t][rx.scopeOf(from, t)+"\x00"+v]
		return a, ok
	}, types...)
}
