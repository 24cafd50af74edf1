//go:build linux

package lab

import (
	"strings"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

var _ backend.IAMProber = (*Lab)(nil)

// iamCheckMS bounds one IAM check: a Data API call may wait for the
// database to resume. The checks run at once, under the probe's 12 s
// function timeout (functionTimeout).
const iamCheckMS = 8000

// IAMCells lists the IAM paths the probe tries from function's context,
// from the lab's own IAM: each database master secret, the Data API on
// each cluster with its secret, every other control function (a dry-run
// invoke), each SSM parameter holding a database password, and each other
// role of the plan assumed, then the master secret read with the session.
// Without the lab's IAM there are none.
func (l *Lab) IAMCells(function string) []backend.IAMCell {
	acct := l.opts.IAM
	if acct == nil || l.aws == nil {
		return nil
	}
	aws := func(column, target string, c probe.Check) backend.IAMCell {
		c.Kind, c.TimeoutMS = probe.KindAWS, iamCheckMS
		c.Name = column + " " + target
		return backend.IAMCell{Column: column, Target: target, Check: c}
	}
	var cells []backend.IAMCell
	secrets := map[string]string{} // cluster address → master secret ARN
	for _, s := range acct.Secrets() {
		if db, ok := strings.CutSuffix(s.Address, ".master_user_secret"); ok {
			secrets[db] = s.ARN
			cells = append(cells, aws(backend.ColumnDBSecret, s.Address, probe.Check{Action: probe.ActionGetSecretValue, Target: s.ARN}))
		}
	}
	for _, c := range acct.Clusters() {
		if secrets[c.Address] != "" {
			cells = append(cells, aws(backend.ColumnDataAPI, c.Address, probe.Check{Action: probe.ActionExecuteStatement, Target: c.ARN, Secret: secrets[c.Address]}))
		}
	}
	for _, f := range l.Model.Functions {
		if f.Role == model.RoleControl && f.Address != function {
			cells = append(cells, aws(backend.ColumnInvokeControl, f.Address, probe.Check{Action: probe.ActionInvoke, Target: l.aws.names[f.Address]}))
		}
	}
	for _, p := range acct.DBPasswordParameters() {
		cells = append(cells, aws(backend.ColumnDBPassword, p.Address, probe.Check{Action: probe.ActionGetParameter, Target: p.Name}))
	}
	own := acct.FunctionRole(function)
	for _, r := range acct.Roles() {
		if r.ARN == own || r.Address == "(not in the plan)" {
			continue
		}
		for db, secret := range secrets {
			cells = append(cells, aws(backend.ColumnAssumeRole, r.Address+" → "+db+".master_user_secret",
				probe.Check{Action: probe.ActionGetSecretValue, Target: secret, AssumeRole: r.ARN}))
		}
	}
	return cells
}

// IAMAssumptions lists what the lab's IAM assumed in answering function's
// calls on cell's target (and, for an assumed role, its AssumeRole).
func (l *Lab) IAMAssumptions(function string, cell backend.IAMCell) []string {
	if l.opts.IAM == nil {
		return nil
	}
	// The calls of this cell are signed as the function's role, or, after
	// an assume, as the assumed role.
	principal := l.opts.IAM.FunctionRole(function)
	if cell.Check.AssumeRole != "" {
		principal = cell.Check.AssumeRole
	}
	var out []string
	for _, c := range l.AWSCalls() {
		if c.Caller != function && !strings.HasPrefix(c.Caller, function+" via ") {
			continue
		}
		assume := cell.Check.AssumeRole != "" && c.Target == cell.Check.AssumeRole
		target := c.Target == cell.Check.Target || (cell.Check.Action == probe.ActionInvoke && c.Target == cell.Target)
		if !assume && !(target && c.Principal == principal) {
			continue
		}
		for _, a := range c.Assumed {
			if !contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
