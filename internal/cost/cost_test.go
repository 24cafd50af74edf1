package cost

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

func f64(v float64) *float64 { return &v }

// wrongStack has everything that bills at idle: two NAT gateways, a proxy in
// front of a min-0.5 serverless cluster, an interface endpoint in 3
// subnets, a gateway endpoint (free) and a provisioned reader.
func wrongStack() *model.Model {
	return &model.Model{
		NATGateways: []model.Gateway{{Address: "aws_nat_gateway.a"}, {Address: "aws_nat_gateway.b"}},
		Databases: []model.Database{{
			Address: "aws_rds_cluster.main", Kind: "cluster", Serverless: true, MinCapacity: f64(0.5),
			Instances: []model.DBInstance{
				{Address: "aws_rds_cluster_instance.writer", InstanceClass: "db.serverless"},
				{Address: "aws_rds_cluster_instance.reader", InstanceClass: "db.r6g.large"},
			},
		}},
		Proxies: []model.Proxy{{Address: "aws_db_proxy.p", Targets: []string{"aws_rds_cluster.main"}}},
		Endpoints: []model.VPCEndpoint{
			{Address: "aws_vpc_endpoint.sm", Service: "com.amazonaws.us-east-1.secretsmanager", Type: "Interface", Subnets: []string{"a", "b", "c"}},
			{Address: "aws_vpc_endpoint.s3", Service: "com.amazonaws.us-east-1.s3", Type: "Gateway"},
		},
	}
}

func near(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }

func TestIdleFloorUSEast1(t *testing.T) {
	e, err := Compute(wrongStack(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"aws_nat_gateway.a":               32.85,  // 730 × 0.045
		"aws_nat_gateway.b":               32.85,  // 730 × 0.045
		"aws_db_proxy.p":                  87.60,  // 8 ACU (minimum) × 730 × 0.015
		"aws_vpc_endpoint.sm":             21.90,  // 3 AZ × 730 × 0.01
		"aws_rds_cluster_instance.reader": 189.80, // 730 × 0.26
		"aws_rds_cluster.main":            43.80,  // 0.5 ACU × 1 instance × 730 × 0.12
	}
	got := map[string]float64{}
	for _, it := range e.IdleFloor.Items {
		got[it.Resource] += it.Monthly
	}
	if len(got) != len(want) {
		t.Errorf("items = %+v", e.IdleFloor.Items)
	}
	for r, w := range want {
		if !near(got[r], w) {
			t.Errorf("%s = %v, want %v", r, got[r], w)
		}
	}
	if !near(e.IdleFloor.Monthly, 408.80) {
		t.Errorf("total = %v, want 408.80", e.IdleFloor.Monthly)
	}
	// Sleep-first keeps only the endpoint; always-on adds min 0.5 ACU.
	if !near(e.SleepFirst.Monthly, 21.90) || !near(e.AlwaysOn.Monthly, 21.90+43.80) {
		t.Errorf("sleep-first %v, always-on %v", e.SleepFirst.Monthly, e.AlwaysOn.Monthly)
	}
	if e.HoursPerMonth != 730 || len(e.Assumptions) == 0 {
		t.Error("assumptions missing")
	}
}

func TestProvisionedProxyAndMinimums(t *testing.T) {
	m := &model.Model{
		Databases: []model.Database{{Address: "aws_rds_cluster.prov", Kind: "cluster", Instances: []model.DBInstance{
			{Address: "aws_rds_cluster_instance.a", InstanceClass: "db.r6g.xlarge"},
			{Address: "aws_rds_cluster_instance.b", InstanceClass: "db.r6g.xlarge"},
		}}, {Address: "aws_rds_cluster.tiny", Kind: "cluster", Instances: []model.DBInstance{
			{Address: "aws_rds_cluster_instance.c", InstanceClass: "db.x99.huge"},
		}}},
		Proxies: []model.Proxy{
			{Address: "aws_db_proxy.big", Targets: []string{"aws_rds_cluster.prov"}},
			{Address: "aws_db_proxy.tiny", Targets: []string{"aws_rds_cluster.tiny"}},
		},
	}
	e, err := Compute(m, Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Item{}
	for _, it := range e.IdleFloor.Items {
		got[it.Resource+" "+it.What] = it
	}
	big := got["aws_db_proxy.big RDS Proxy → aws_rds_cluster.prov"]
	if big.Quantity != 8 || !near(big.Monthly, 96.36) { // 8 vCPU × 730 × 0.0165 = 96.36
		t.Errorf("big proxy = %+v", big)
	}
	tiny := got["aws_db_proxy.tiny RDS Proxy → aws_rds_cluster.tiny"]
	if tiny.Quantity != 2 || !near(tiny.Monthly, 24.09) { // minimum 2 vCPU × 730 × 0.0165 = 24.09
		t.Errorf("tiny proxy = %+v", tiny)
	}
	if !near(got["aws_rds_cluster_instance.a provisioned instance db.r6g.xlarge"].Monthly, 416.10) { // 730 × 0.57
		t.Errorf("instance a = %+v", got)
	}
	if len(e.Unpriced) != 1 || !strings.Contains(e.Unpriced[0], `"db.x99.huge" has no price`) {
		t.Errorf("unpriced = %v", e.Unpriced)
	}
}

func TestSleepFirstStackIsFree(t *testing.T) {
	m := &model.Model{Databases: []model.Database{{Address: "aws_rds_cluster.vault", Kind: "cluster", Serverless: true, MinCapacity: f64(0),
		Instances: []model.DBInstance{{Address: "aws_rds_cluster_instance.w", InstanceClass: "db.serverless"}}}}}
	e, err := Compute(m, Options{Region: "eu-central-1"})
	if err != nil {
		t.Fatal(err)
	}
	if e.IdleFloor.Monthly != 0 || len(e.IdleFloor.Items) != 0 {
		t.Errorf("min-0 stack bills at idle: %+v", e.IdleFloor)
	}
	if !near(e.AlwaysOn.Monthly, 51.10) { // 0.5 × 730 × 0.14
		t.Errorf("always-on = %v", e.AlwaysOn.Monthly)
	}
	// A proxy in front of the same cluster keeps it awake.
	m.Proxies = []model.Proxy{{Address: "aws_db_proxy.p", Targets: []string{"aws_rds_cluster.vault"}}}
	e, _ = Compute(m, Options{Region: "eu-central-1"})
	if !near(e.IdleFloor.Monthly, 105.12+51.10) { // proxy 8 × 730 × 0.018 + 0.5 ACU awake
		t.Errorf("proxy stack = %+v", e.IdleFloor)
	}
	// Logical replication keeps it awake too, without a proxy.
	m.Proxies = nil
	m.Databases[0].LogicalReplication = true
	e, _ = Compute(m, Options{Region: "eu-central-1"})
	if !near(e.IdleFloor.Monthly, 51.10) || !strings.Contains(e.IdleFloor.Items[0].Assumption, "logical replication blocks auto-pause") {
		t.Errorf("logical replication = %+v", e.IdleFloor)
	}
}

func TestDecisionRule(t *testing.T) {
	m := &model.Model{Databases: []model.Database{{Address: "aws_rds_cluster.v", Kind: "cluster", Serverless: true, MinCapacity: f64(0)}}}
	cases := []struct {
		hours      float64
		sleep      float64
		wantPrefix string
	}{
		{40, 2.40, "under 100 awake hours: keep min 0"},    // 40 × 0.5 × 0.12
		{180, 10.80, "100–250 awake hours: compare"},       // 180 × 0.5 × 0.12
		{400, 24.00, "over 250 awake hours: the database"}, // 400 × 0.5 × 0.12
	}
	for _, c := range cases {
		h := c.hours
		e, err := Compute(m, Options{Region: "us-east-1", AwakeHours: &h})
		if err != nil {
			t.Fatal(err)
		}
		d := e.Decision
		if !near(d.SleepFirstMonthly, c.sleep) || !near(d.AlwaysOnMonthly, 43.80) || !near(d.SmallRDSMonthly, 11.68) { // 730 × 0.016
			t.Errorf("%v h: %+v", c.hours, d)
		}
		if !strings.HasPrefix(d.Recommendation, c.wantPrefix) {
			t.Errorf("%v h: recommendation %q", c.hours, d.Recommendation)
		}
	}
	if !strings.Contains(mustDecision(t, m, 180).Recommendation, "$10.80") || !strings.Contains(mustDecision(t, m, 180).Recommendation, "$11.68") {
		t.Error("100–250 band must show both figures")
	}
	bad := 1000.0
	if _, err := Compute(m, Options{AwakeHours: &bad}); !errors.Is(err, ErrInput) {
		t.Errorf("awake hours > 730 accepted: %v", err)
	}
}

func mustDecision(t *testing.T, m *model.Model, h float64) *Decision {
	e, err := Compute(m, Options{Region: "us-east-1", AwakeHours: &h})
	if err != nil {
		t.Fatal(err)
	}
	return e.Decision
}

func TestRegionsAndOverride(t *testing.T) {
	table, err := DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"us-east-1", "eu-west-1", "eu-central-1", "ap-northeast-1"} {
		if _, err := table.Region(r); err != nil {
			t.Errorf("region %s: %v", r, err)
		}
	}
	if _, err := Compute(&model.Model{}, Options{Region: "mars-1"}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "ap-northeast-1, eu-central-1") {
		t.Errorf("unknown region: %v", err)
	}

	dir := t.TempDir()
	good := filepath.Join(dir, "prices.yaml")
	os.WriteFile(good, []byte(`taken: "2026-12-01"
regions:
  us-east-1:
    nat_gateway_hour: 0.1
    interface_endpoint_az_hour: 0.01
    aurora_acu_hour: 0.12
    proxy_vcpu_hour: 0.015
    proxy_acu_hour: 0.015
    small_rds: {class: db.t4g.micro, hour: 0.016}
`), 0o644)
	tbl, err := LoadPrices(good)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compute(&model.Model{NATGateways: []model.Gateway{{Address: "n"}}}, Options{Region: "us-east-1", Prices: tbl})
	if err != nil || !near(e.IdleFloor.Monthly, 73.00) || e.PricesTaken != "2026-12-01" {
		t.Errorf("override: %v %+v", err, e)
	}
	if _, err := tbl.Region("eu-west-1"); err != nil {
		t.Error("override dropped the embedded regions")
	}

	for name, body := range map[string]string{
		"negative": "regions:\n  us-east-1:\n    nat_gateway_hour: -1\n",
		"unknown":  "regions:\n  us-east-1:\n    nat_gateway: 0.1\n",
		"empty":    "taken: x\n",
		"text":     "regions: [1, 2\n",
	} {
		p := filepath.Join(dir, name+".yaml")
		os.WriteFile(p, []byte(body), 0o644)
		_, err := LoadPrices(p)
		if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = LoadPrices(filepath.Join(dir, "unknown.yaml"))
	if !strings.Contains(err.Error(), "line 3: field nat_gateway not found") {
		t.Errorf("unknown field error lacks line: %v", err)
	}
	_, err = LoadPrices(filepath.Join(dir, "negative.yaml"))
	if !strings.Contains(err.Error(), "region us-east-1: nat_gateway_hour must be a positive hourly USD price (got -1)") {
		t.Errorf("negative: %v", err)
	}
}

func TestWrite(t *testing.T) {
	h := 180.0
	e, err := Compute(wrongStack(), Options{Region: "us-east-1", AwakeHours: &h})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, "table", e); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"$    32.85  NAT gateway hours  aws_nat_gateway.a",
		"1 gateway-hour × 730 h × $0.045",
		"$   408.80  total",
		"sleep-first $    21.90/month",
		"730 hours per month",
		"not confirmed against a stored AWS page for us-east-1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := Write(&buf, "json", e); err != nil {
		t.Fatal(err)
	}
	var back Estimate
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || !near(back.IdleFloor.Monthly, 408.80) || back.Decision == nil {
		t.Errorf("json round trip: %v %+v", err, back)
	}
	if err := Write(&buf, "xml", e); err == nil {
		t.Error("unknown format accepted")
	}
}
