// Package cost estimates the monthly idle floor of a plan: what the stack
// bills with zero traffic (NAT gateways, RDS Proxy, interface endpoints,
// Aurora minimum capacity, provisioned instances), and compares it with the
// sleep-first and always-on shapes.
package cost

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
)

// HoursPerMonth is the billing month every figure assumes (AWS's own
// convention: 24 × 365 / 12).
const HoursPerMonth = 730.0

// RDS Proxy minimum charges as stated on https://aws.amazon.com/rds/proxy/pricing/
// (recalled; the page was not in the stored corpus): a provisioned target
// is billed for at least 2 vCPUs; an Aurora Serverless v2 target is billed
// per ACU with a minimum of 8 ACUs. The 8-ACU minimum agrees with a
// third-party write-up (blog.serverworks.co.jp, 2024-06); both minimums are
// reported as unconfirmed in every estimate that prices a proxy.
const (
	ProxyMinVCPU = 2
	ProxyMinACU  = 8.0
)

// Decision-rule thresholds in awake hours per month.
const (
	WakeAheadBelow = 100.0
	AlwaysOnAbove  = 250.0
)

// AlwaysOnMinACU is the minimum capacity of the always-on shape.
const AlwaysOnMinACU = 0.5

// Options choose the region, prices and the decision-rule input.
type Options struct {
	Region string
	// RegionFrom says where Region came from ("--region", the plan's
	// provider configuration…); empty means the default was assumed.
	RegionFrom string
	Prices     *PriceTable // nil: the embedded table
	AwakeHours *float64    // nil: no decision rule
}

// Item is one billed line of the idle floor.
type Item struct {
	Resource   string  `json:"resource"`
	What       string  `json:"what"`
	Quantity   float64 `json:"quantity"`
	Unit       string  `json:"unit"`
	UnitPrice  float64 `json:"unit_price"`
	Monthly    float64 `json:"monthly"`
	Assumption string  `json:"assumption"`
}

// Shape is a priced variant of the stack.
type Shape struct {
	Name    string  `json:"name"`
	Monthly float64 `json:"monthly"`
	Items   []Item  `json:"items"`
	Note    string  `json:"note"`
}

// Decision is the outcome of the awake-hours rule.
type Decision struct {
	AwakeHours        float64 `json:"awake_hours"`
	SleepFirstMonthly float64 `json:"sleep_first_monthly"`
	AlwaysOnMonthly   float64 `json:"always_on_monthly"`
	SmallRDSMonthly   float64 `json:"small_rds_monthly"`
	SmallRDSClass     string  `json:"small_rds_class"`
	Recommendation    string  `json:"recommendation"`
	SleepFirstAssumes string  `json:"sleep_first_assumes"`
}

// Estimate is the result of `letsleep cost`.
type Estimate struct {
	Region        string    `json:"region"`
	RegionFrom    string    `json:"region_from"`
	Currency      string    `json:"currency"`
	HoursPerMonth float64   `json:"hours_per_month"`
	PriceSource   string    `json:"price_source"`
	PricesTaken   string    `json:"prices_taken"`
	Unconfirmed   []string  `json:"unconfirmed_prices"`
	IdleFloor     Shape     `json:"idle_floor"`
	SleepFirst    Shape     `json:"sleep_first"`
	AlwaysOn      Shape     `json:"always_on"`
	Decision      *Decision `json:"decision,omitempty"`
	Unpriced      []string  `json:"unpriced"`
	Assumptions   []string  `json:"assumptions"`
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

func item(resource, what string, qty float64, unit string, price float64, assumption string) Item {
	return Item{Resource: resource, What: what, Quantity: qty, Unit: unit, UnitPrice: price,
		Monthly: cents(qty * HoursPerMonth * price), Assumption: assumption}
}

func (s *Shape) add(it Item) {
	s.Items = append(s.Items, it)
	s.Monthly = cents(s.Monthly + it.Monthly)
}

// Compute prices the idle floor of m.
func Compute(m *model.Model, opts Options) (*Estimate, error) {
	table := opts.Prices
	if table == nil {
		var err error
		if table, err = DefaultPrices(); err != nil {
			return nil, err
		}
	}
	region, from := opts.Region, opts.RegionFrom
	var notes []string
	if region == "" {
		region, from = DefaultRegion, "assumed: the plan names no region; pass --region"
	}
	p, err := table.Region(region)
	if err != nil && opts.RegionFrom != "" && opts.RegionFrom != "--region" {
		// The plan's own region has no prices: say so and price the default.
		notes = append(notes, fmt.Sprintf("the plan deploys to %s (from %s), which the price table lacks: priced at %s rates; give --prices with %s for real figures", region, opts.RegionFrom, DefaultRegion, region))
		region, from = DefaultRegion, "assumed: no prices for the plan's region "+opts.Region
		p, err = table.Region(region)
	}
	if err != nil {
		return nil, err
	}
	if opts.AwakeHours != nil && (math.IsNaN(*opts.AwakeHours) || math.IsInf(*opts.AwakeHours, 0)) {
		return nil, inputErrorf("--awake-hours %v is not a number of hours: give one between 0 and %v", *opts.AwakeHours, HoursPerMonth)
	}
	if opts.AwakeHours != nil && (*opts.AwakeHours < 0 || *opts.AwakeHours > HoursPerMonth) {
		return nil, inputErrorf("--awake-hours %v is outside 0..%v (hours in a month)", *opts.AwakeHours, HoursPerMonth)
	}
	e := &Estimate{
		Region: region, RegionFrom: from, Currency: "USD", HoursPerMonth: HoursPerMonth,
		PriceSource: table.Source, PricesTaken: table.Taken,
		Unconfirmed: append([]string{}, p.Unconfirmed...),
		IdleFloor:   Shape{Name: "as planned", Items: []Item{}, Note: "what the plan bills with zero traffic"},
		SleepFirst:  Shape{Name: "sleep-first", Items: []Item{}, Note: "Aurora min 0 with auto-pause, no NAT gateway, no RDS Proxy; interface endpoints kept as planned"},
		AlwaysOn:    Shape{Name: "always-on", Items: []Item{}, Note: fmt.Sprintf("each Aurora writer held at min %v ACU, no NAT gateway, no RDS Proxy; interface endpoints kept as planned", AlwaysOnMinACU)},
		Unpriced:    []string{},
		Assumptions: []string{
			fmt.Sprintf("%v hours per month; on-demand prices in USD for %s; storage, I/O, backups and data transfer are not part of the idle floor", HoursPerMonth, region),
			"zero traffic: nothing wakes a paused Aurora cluster",
			fmt.Sprintf("region %s, from %s", region, from),
		},
	}
	e.Assumptions = append(e.Assumptions, notes...)
	c := calc{p: p, e: e, proxied: map[string]bool{}}
	for _, px := range m.Proxies {
		for _, t := range px.Targets {
			c.proxied[t] = true
		}
	}
	for _, g := range m.NATGateways {
		e.IdleFloor.add(item(g.Address, "NAT gateway hours", 1, "gateway-hour", p.NATGatewayHour, "billed every hour it exists, traffic or not"))
	}
	dbs := map[string]model.Database{}
	for _, db := range m.Databases {
		dbs[db.Address] = db
	}
	for _, px := range m.Proxies {
		c.proxy(px, dbs)
	}
	if len(m.Proxies) > 0 {
		e.Assumptions = append(e.Assumptions, fmt.Sprintf("RDS Proxy minimums (%d vCPUs for a provisioned target, %v ACUs for a serverless one) are not confirmed against a stored copy of the AWS price page", ProxyMinVCPU, ProxyMinACU))
	}
	for _, ep := range m.Endpoints {
		if !strings.EqualFold(ep.Type, "Interface") {
			continue
		}
		azs := float64(len(ep.Subnets))
		assume := fmt.Sprintf("one AZ per subnet (%d subnet(s))", len(ep.Subnets))
		if azs == 0 {
			azs = 1
			assume = "subnets unknown at plan time: assumed 1 AZ"
		}
		it := item(ep.Address, "interface endpoint "+ep.Service, azs, "endpoint-AZ-hour", p.InterfaceEndpointAZHour, assume)
		e.IdleFloor.add(it)
		e.SleepFirst.add(it)
		e.AlwaysOn.add(it)
	}
	for _, db := range m.Databases {
		c.database(db)
	}
	if opts.AwakeHours != nil {
		e.Decision = c.decide(*opts.AwakeHours, m)
	}
	sort.Strings(e.Unpriced)
	return e, nil
}

type calc struct {
	p       RegionPrices
	e       *Estimate
	proxied map[string]bool
}

func serverlessInstances(db model.Database) (n int, assumed bool) {
	for _, in := range db.Instances {
		if in.InstanceClass == "db.serverless" {
			n++
		}
	}
	if n == 0 && db.Serverless && len(db.Instances) == 0 {
		return 1, true
	}
	return n, false
}

func (c *calc) proxy(px model.Proxy, dbs map[string]model.Database) {
	if len(px.Targets) == 0 {
		c.e.IdleFloor.add(item(px.Address, "RDS Proxy (target unknown)", ProxyMinVCPU, "vCPU-hour", c.p.ProxyVCPUHour,
			fmt.Sprintf("target not resolved: billed at the %d-vCPU minimum", ProxyMinVCPU)))
		return
	}
	for _, t := range px.Targets {
		db, ok := dbs[t]
		if !ok {
			c.e.IdleFloor.add(item(px.Address, "RDS Proxy → "+t, ProxyMinVCPU, "vCPU-hour", c.p.ProxyVCPUHour,
				fmt.Sprintf("target not in the plan: billed at the %d-vCPU minimum", ProxyMinVCPU)))
			continue
		}
		if db.Serverless {
			acu := ProxyMinACU
			if db.MinCapacity != nil && *db.MinCapacity > acu {
				acu = *db.MinCapacity
			}
			c.e.IdleFloor.add(item(px.Address, "RDS Proxy → "+t, acu, "ACU-hour", c.p.ProxyACUHour,
				fmt.Sprintf("Aurora Serverless v2 target: billed per ACU of the target, minimum %v ACUs", ProxyMinACU)))
			continue
		}
		vcpu, unknown := 0, []string{}
		for _, in := range db.Instances {
			ip, ok := c.p.Instances[in.InstanceClass]
			if !ok {
				unknown = append(unknown, in.InstanceClass)
				continue
			}
			vcpu += ip.VCPU
		}
		assume := fmt.Sprintf("billed per vCPU of the target's instances, minimum %d", ProxyMinVCPU)
		if len(unknown) > 0 {
			assume += fmt.Sprintf("; vCPUs of %s unknown to the price table, not counted", strings.Join(unknown, ", "))
		}
		if vcpu < ProxyMinVCPU {
			vcpu = ProxyMinVCPU
		}
		c.e.IdleFloor.add(item(px.Address, "RDS Proxy → "+t, float64(vcpu), "vCPU-hour", c.p.ProxyVCPUHour, assume))
	}
}

func (c *calc) database(db model.Database) {
	// Provisioned instances bill every hour, in every shape we keep them.
	for _, in := range db.Instances {
		if in.InstanceClass == "db.serverless" {
			continue
		}
		ip, ok := c.p.Instances[in.InstanceClass]
		if !ok {
			c.e.Unpriced = append(c.e.Unpriced, fmt.Sprintf("%s: instance class %q has no price in the table for %s (add it with --prices)", in.Address, in.InstanceClass, c.e.Region))
			continue
		}
		c.e.IdleFloor.add(item(in.Address, "provisioned instance "+in.InstanceClass, 1, "instance-hour", ip.Hour,
			"a provisioned instance never pauses and bills every hour"))
	}
	if db.Kind == "instance" && len(db.Instances) == 0 {
		c.e.Unpriced = append(c.e.Unpriced, db.Address+": instance class unknown, not priced")
	}
	n, assumed := serverlessInstances(db)
	if n == 0 {
		return
	}
	who := fmt.Sprintf("%d db.serverless instance(s)", n)
	if assumed {
		who = "1 writer assumed (no instance in the plan)"
	}
	// Sleep-first: min 0 pauses, nothing to bill. Always-on: min 0.5.
	c.e.AlwaysOn.add(item(db.Address, "Aurora Serverless v2 minimum capacity", AlwaysOnMinACU*float64(n), "ACU-hour", c.p.AuroraACUHour,
		fmt.Sprintf("min %v ACU on %s", AlwaysOnMinACU, who)))
	switch {
	case db.MinCapacity == nil:
		c.e.Unpriced = append(c.e.Unpriced, db.Address+": min capacity unknown at plan time, its ACU floor is not priced")
	case *db.MinCapacity > 0:
		c.e.IdleFloor.add(item(db.Address, "Aurora Serverless v2 minimum capacity", *db.MinCapacity*float64(n), "ACU-hour", c.p.AuroraACUHour,
			fmt.Sprintf("min %v ACU never pauses (auto-pause needs min 0), on %s", *db.MinCapacity, who)))
	default:
		if why := pauseBlockers(db, c.proxied[db.Address]); len(why) > 0 {
			c.e.IdleFloor.add(item(db.Address, "Aurora Serverless v2 kept awake", AlwaysOnMinACU*float64(n), "ACU-hour", c.p.AuroraACUHour,
				fmt.Sprintf("min 0, but %s blocks auto-pause; assumed to idle at %v ACU on %s", strings.Join(why, ", "), AlwaysOnMinACU, who)))
		}
	}
}

// pauseBlockers lists what keeps a min-0 cluster from pausing (see the
// auto-pause page of the Aurora user guide).
func pauseBlockers(db model.Database, proxied bool) []string {
	var why []string
	if proxied {
		why = append(why, "an RDS Proxy (it holds connections open)")
	}
	for _, in := range db.Instances {
		if in.InstanceClass != "db.serverless" {
			why = append(why, "the provisioned instance "+in.Address)
		}
	}
	if db.LogicalReplication {
		why = append(why, "logical replication")
	}
	if len(db.ZeroETL) > 0 {
		why = append(why, "a zero-ETL integration")
	}
	if db.ActivityStream != "" {
		why = append(why, "an activity stream")
	}
	if db.GlobalCluster != "" {
		why = append(why, "global database membership")
	}
	return why
}

func (c *calc) decide(hours float64, m *model.Model) *Decision {
	writers := 0
	for _, db := range m.Databases {
		n, _ := serverlessInstances(db)
		if n > 0 || db.Kind == "cluster" {
			writers++
		}
	}
	if writers == 0 {
		writers = 1
	}
	w := float64(writers)
	d := &Decision{
		AwakeHours:        hours,
		SleepFirstMonthly: cents(hours * AlwaysOnMinACU * w * c.p.AuroraACUHour),
		AlwaysOnMonthly:   cents(HoursPerMonth * AlwaysOnMinACU * w * c.p.AuroraACUHour),
		SmallRDSMonthly:   cents(HoursPerMonth * w * c.p.SmallRDS.Hour),
		SmallRDSClass:     c.p.SmallRDS.Class,
		SleepFirstAssumes: fmt.Sprintf("%d writer(s) awake %v h/month at %v ACU, paused the rest; resume takes ~15 s (30 s+ after 24 h paused)", writers, hours, AlwaysOnMinACU),
	}
	switch {
	case hours < WakeAheadBelow:
		d.Recommendation = fmt.Sprintf("under %v awake hours: keep min 0 with auto-pause and wake the cluster ahead of known use (wake-ahead) to hide the resume latency", WakeAheadBelow)
	case hours <= AlwaysOnAbove:
		d.Recommendation = fmt.Sprintf("%v–%v awake hours: compare sleep-first ($%.2f) with a small always-on %s ($%.2f); pick the cheaper one unless resume latency matters", WakeAheadBelow, AlwaysOnAbove, d.SleepFirstMonthly, c.p.SmallRDS.Class, d.SmallRDSMonthly)
	default:
		d.Recommendation = fmt.Sprintf("over %v awake hours: the database is mostly awake; run it always-on (min %v ACU, $%.2f) or a small always-on instance ($%.2f), with --profile always-on", AlwaysOnAbove, AlwaysOnMinACU, d.AlwaysOnMonthly, d.SmallRDSMonthly)
	}
	return d
}
