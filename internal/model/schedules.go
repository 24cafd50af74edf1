package model

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// buildSchedules models EventBridge rules with a schedule expression and
// EventBridge Scheduler schedules, with the databases each run can wake:
// through a function (or a topic, queue or state machine that runs one)
// with a data path, or a Scheduler universal target that calls rds-data or
// an RDS API that wakes a paused cluster. AWS facts:
// docs/facts/keep-warm-schedules.md. Runs after reach.
func (rh *reacher) buildSchedules() {
	rules := map[string]*Schedule{}
	for _, r := range rh.ix.byType["aws_cloudwatch_event_rule"] {
		expr := getStr(r.Values, "schedule_expression")
		if r.Data || (expr == "" && !unknownAt(r.Unknown, "schedule_expression")) {
			continue
		}
		state := getStr(r.Values, "state")
		enabled := state != "DISABLED"
		if v, ok := r.Values["is_enabled"].(bool); ok && state == "" {
			enabled = v
		}
		rules[r.Address] = &Schedule{Address: r.Address, Kind: "eventbridge_rule", Expression: expr, PeriodSeconds: schedulePeriod(expr), Enabled: enabled, Targets: []string{}}
	}
	for _, r := range rh.ix.byType["aws_cloudwatch_event_target"] {
		rule := rh.link(r, r.Values, r.Unknown, "rule", []string{"rule"}, "aws_cloudwatch_event_rule")
		for _, ra := range rule.Addrs {
			s := rules[ra]
			if s == nil {
				continue
			}
			tstep := Step{Kind: "schedule_target", Address: r.Address, Detail: "rule target"}
			s.Targets = append(s.Targets, rh.scheduleTargets(r, r.Values, r.Unknown, "arn", []string{"arn"})...)
			s.Wakes = append(s.Wakes, rh.targetWakes(r, r.Values, r.Unknown, "arn", []string{"arn"}, tstep)...)
		}
	}
	for _, s := range rules {
		rh.addSchedule(s)
	}
	for _, r := range rh.ix.byType["aws_scheduler_schedule"] {
		if r.Data {
			continue
		}
		expr := getStr(r.Values, "schedule_expression")
		s := &Schedule{Address: r.Address, Kind: "scheduler_schedule", Expression: expr, PeriodSeconds: schedulePeriod(expr), Enabled: getStr(r.Values, "state") != "DISABLED", Targets: []string{}}
		t := getBlock(r.Values, "target")
		var tu map[string]any
		if ub := unknownBlocks(r.Unknown, "target"); len(ub) > 0 {
			tu = ub[0]
		}
		if t == nil {
			t = map[string]any{}
		}
		arn := getStr(t, "arn")
		if svc, api, ok := universalTarget(arn); ok {
			s.Targets = append(s.Targets, arn)
			s.Wakes = append(s.Wakes, rh.universalWakes(r, t, svc, api)...)
		} else {
			tstep := Step{Kind: "schedule_target", Address: r.Address, Detail: "schedule target"}
			s.Targets = append(s.Targets, rh.scheduleTargets(r, t, tu, "arn", []string{"target", "arn"})...)
			s.Wakes = append(s.Wakes, rh.targetWakes(r, t, tu, "arn", []string{"target", "arn"}, tstep)...)
		}
		rh.addSchedule(s)
	}
}

// addSchedule keeps one wake per database (the first in a stable order),
// and one per set of databases.
func (rh *reacher) addSchedule(s *Schedule) {
	s.Targets = sortedUnique(s.Targets)
	sortPaths(s.Wakes)
	seen := map[string]bool{}
	wakes := []Path{}
	for _, w := range s.Wakes {
		if k := w.Target + "\x00" + w.TargetSet; !seen[k] {
			seen[k] = true
			wakes = append(wakes, w)
		}
	}
	s.Wakes = wakes
	rh.m.Schedules = append(rh.m.Schedules, *s)
}

// scheduleTargets names what a target ARN runs: the functions it links to
// (by reference or by name), else the ARN as written when known.
func (fx *facts) scheduleTargets(r *res, values, unknown map[string]any, key string, cfgPath []string) []string {
	l := fx.link(r, values, unknown, key, cfgPath, functionTypes...)
	out := append([]string{}, l.Addrs...)
	if v := getStr(values, key); v != "" && len(out) == 0 {
		if a := fx.functionByName(v); a != "" {
			out = append(out, a)
		} else {
			out = append(out, v)
		}
	}
	return out
}

// targetWakes: the target ARN names a function, or a topic, queue or state
// machine that runs functions; each function's data paths become wakes.
func (rh *reacher) targetWakes(r *res, values, unknown map[string]any, key string, cfgPath []string, tstep Step) []Path {
	var out []Path
	l := rh.link(r, values, unknown, key, cfgPath, append(append([]string{}, functionTypes...), "aws_sns_topic", "aws_sqs_queue", "aws_sfn_state_machine")...)
	targets := l.Addrs
	if v := getStr(values, key); v != "" && len(targets) == 0 {
		if a := rh.functionByName(v); a != "" {
			targets = append(targets, a)
		}
	}
	for _, t := range targets {
		var runs []trigger
		if rh.functions[t] != nil {
			runs = []trigger{{fn: t, steps: []Step{fnStep(rh.functions[t])}}}
		} else {
			runs = rh.triggers[t]
		}
		for _, tr := range runs {
			f := rh.functions[tr.fn]
			for _, p := range f.DataPaths {
				steps := append([]Step{tstep}, tr.steps...)
				if len(p.Steps) > 0 && p.Steps[0].Kind == "function" && p.Steps[0].Address == f.Address {
					steps = append(steps, p.Steps[1:]...)
				} else {
					steps = append(steps, p.Steps...)
				}
				out = append(out, Path{Kind: PathInvoke, Target: p.Target, TargetSet: p.TargetSet, Unresolved: p.Unresolved || len(tr.candidates) > 0, Steps: steps})
			}
		}
	}
	return out
}

// universalTarget splits a Scheduler universal target ARN
// arn:aws:scheduler:::aws-sdk:SERVICE:ApiAction.
func universalTarget(arn string) (service, api string, ok bool) {
	const marker = ":scheduler:::aws-sdk:"
	i := strings.Index(arn, marker)
	if i < 0 {
		return "", "", false
	}
	rest := arn[i+len(marker):]
	j := strings.IndexByte(rest, ':')
	if j < 0 {
		return "", "", false
	}
	return strings.ToLower(rest[:j]), rest[j+1:], true
}

// wakingRDSAPIs are RDS API calls that resume a paused Aurora Serverless v2
// instance (log files described or downloaded, parameter and scaling
// changes, failover, reboot, start). Read-only describes otherwise do not;
// snapshots do not.
var wakingRDSAPIs = map[string]bool{
	"describedblogfiles": true, "downloaddblogfileportion": true, "downloadcompletedblogfile": true,
	"modifydbcluster": true, "modifydbinstance": true, "modifydbclusterparametergroup": true, "modifydbparametergroup": true,
	"resetdbclusterparametergroup": true, "failoverdbcluster": true, "rebootdbinstance": true, "rebootdbcluster": true, "startdbcluster": true,
}

// universalWakes: a universal target calling rds-data (any action) or a
// waking RDS API wakes the database its input names; an input that names
// no database of the plan may name any (unresolved).
func (rh *reacher) universalWakes(r *res, t map[string]any, svc, api string) []Path {
	if svc != "rdsdata" && !(svc == "rds" && wakingRDSAPIs[strings.ToLower(api)]) {
		return nil
	}
	why := "calls the Data API (" + api + "), which resumes a paused writer"
	if svc == "rds" {
		why = "calls RDS " + api + ", which resumes a paused instance"
	}
	var dbs []string
	fromInput := false
	if in := getStr(t, "input"); in != "" {
		var doc any
		if json.Unmarshal([]byte(in), &doc) == nil {
			walkJSONStrings(doc, func(_, v string) {
				if a := rh.lookup(v, dbTypes...); a != "" {
					dbs = append(dbs, a)
				} else if a := rh.dbByIdentifier(v); a != "" {
					dbs = append(dbs, a)
				}
			})
			fromInput = len(dbs) > 0
		}
	}
	if len(dbs) == 0 {
		ts, _ := rh.ix.resolve(r.Module, refsAt(r, "target", "input"))
		dbs = rh.ix.addrsOf(ts, dbTypes...)
		fromInput = len(dbs) > 0
	}
	unresolved := false
	if len(dbs) == 0 {
		dbs = sortedKeysOf(rh.dbs)
		unresolved = true
	}
	var out []Path
	for _, a := range sortedUnique(dbs) {
		d := rh.dbs[a]
		// The Data API reaches only a cluster with the HTTP endpoint on.
		if d == nil || (svc == "rdsdata" && !d.HTTPEndpoint) {
			continue
		}
		detail := "universal target " + getStr(t, "arn") + " " + why
		if !fromInput {
			detail += "; its input names no database of the plan, so any may be the one"
		}
		step := Step{Kind: "schedule_target", Address: r.Address, Detail: detail}
		if unresolved {
			step = assume(step, r.Address, "the universal target's input names no database of the plan", "it may wake any of them")
		}
		out = append(out, Path{Kind: PathUniversal, Target: a, Unresolved: unresolved, Steps: []Step{
			step,
			dbStep(d),
		}})
	}
	return out
}

// dbByIdentifier finds a database by its cluster or instance identifier.
func (fx *facts) dbByIdentifier(v string) string {
	for _, a := range sortedKeysOf(fx.dbs) {
		if fx.dbs[a].Identifier == v {
			return a
		}
	}
	return ""
}

// schedulePeriod is the shortest time in seconds between two runs of a
// schedule expression: rate(N unit) or cron(min hour dom month dow year).
// 0 for at(), unknown or unparsable expressions.
func schedulePeriod(expr string) int {
	expr = strings.TrimSpace(expr)
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		f := strings.Fields(expr[len("rate(") : len(expr)-1])
		if len(f) != 2 {
			return 0
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 {
			return 0
		}
		switch strings.TrimSuffix(f[1], "s") {
		case "minute":
			return n * 60
		case "hour":
			return n * 3600
		case "day":
			return n * 86400
		}
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		f := strings.Fields(expr[len("cron(") : len(expr)-1])
		if len(f) != 6 {
			return 0
		}
		if g := cronGap(f[0], 60); g > 0 {
			return g * 60
		}
		// One run per hour at most: the hours field sets the gap.
		if g := cronGap(f[1], 24); g > 0 {
			return g * 3600
		}
		return 86400
	}
	return 0
}

// cronGap is the smallest gap between two values a cron field selects in a
// cycle of size n, or 0 when it selects a single value (or cannot be read).
func cronGap(field string, n int) int {
	var vals []int
	for _, part := range strings.Split(field, ",") {
		step := 1
		if i := strings.IndexByte(part, '/'); i >= 0 {
			s, err := strconv.Atoi(part[i+1:])
			if err != nil || s <= 0 {
				return 0
			}
			step, part = s, part[:i]
			if part == "" || part == "*" {
				part = "0-" + strconv.Itoa(n-1)
			} else if !strings.Contains(part, "-") {
				part = part + "-" + strconv.Itoa(n-1)
			}
		}
		lo, hi := 0, n-1
		switch {
		case part == "*" || part == "?":
		case strings.Contains(part, "-"):
			ends := strings.SplitN(part, "-", 2)
			a, err1 := strconv.Atoi(ends[0])
			c, err2 := strconv.Atoi(ends[1])
			if err1 != nil || err2 != nil {
				return 0
			}
			lo, hi = a, c
		default:
			a, err := strconv.Atoi(part)
			if err != nil {
				return 0
			}
			lo, hi = a, a
		}
		for v := lo; v <= hi && v < n; v += step {
			vals = append(vals, v)
		}
	}
	sort.Ints(vals)
	if len(vals) < 2 {
		return 0
	}
	gap := vals[0] + n - vals[len(vals)-1] // wrap around the cycle
	for i := 1; i < len(vals); i++ {
		if d := vals[i] - vals[i-1]; d > 0 && d < gap {
			gap = d
		}
	}
	return gap
}
