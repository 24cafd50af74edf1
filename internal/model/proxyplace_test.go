package model

import (
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
)

// The lab places an RDS Proxy's pool like any other node, so the model
// carries where the proxy sits: its security groups and subnets.
func TestProxyCarriesItsSecurityGroupsAndSubnets(t *testing.T) {
	m := buildFixture(t, "stack", Config{})
	if len(m.Proxies) != 1 {
		t.Fatalf("proxies = %+v", m.Proxies)
	}
	p := m.Proxies[0]
	if !equal(p.Subnets, []string{"aws_subnet.isolated", `aws_subnet.private["a"]`}) {
		t.Errorf("proxy subnets = %v", p.Subnets)
	}
	if p.SecurityGroups == nil || len(p.SecurityGroups) != 0 {
		t.Errorf("proxy without vpc_security_group_ids: security groups = %#v, want []", p.SecurityGroups)
	}

	doc := `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_security_group.proxy","mode":"managed","type":"aws_security_group","name":"proxy","values":{"id":"sg-0a11","vpc_id":"vpc-1","ingress":[],"egress":[]}},
{"address":"aws_db_proxy.p","mode":"managed","type":"aws_db_proxy","name":"p","values":{"name":"p","engine_family":"POSTGRESQL","vpc_security_group_ids":["sg-0a11"],"vpc_subnet_ids":["subnet-0b22"]}}]}},
"resource_changes":[
{"address":"aws_security_group.proxy","mode":"managed","type":"aws_security_group","name":"proxy","change":{"actions":["create"],"after":{"id":"sg-0a11","vpc_id":"vpc-1","ingress":[],"egress":[]},"after_unknown":{}}},
{"address":"aws_db_proxy.p","mode":"managed","type":"aws_db_proxy","name":"p","change":{"actions":["create"],"after":{"name":"p","engine_family":"POSTGRESQL","vpc_security_group_ids":["sg-0a11"],"vpc_subnet_ids":["subnet-0b22"]},"after_unknown":{}}}]}`
	pl, err := plan.FromBytes("proxy.json", []byte(doc), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err = Build(pl, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Proxies) != 1 {
		t.Fatalf("proxies = %+v", m.Proxies)
	}
	p = m.Proxies[0]
	if !equal(p.SecurityGroups, []string{"aws_security_group.proxy"}) || !equal(p.Subnets, []string{"subnet-0b22"}) {
		t.Errorf("proxy placement: security groups %v (want the SG's address), subnets %v (want the id kept as written)", p.SecurityGroups, p.Subnets)
	}
}
