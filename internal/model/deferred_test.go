package model

import (
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
)

func TestDeferredChangesAreModelled(t *testing.T) {
	doc := `{"format_version":"1.2","complete":false,"planned_values":{"root_module":{}},"resource_changes":[],
"deferred_changes":[{"reason":"resource_config_unknown","resource_change":{"address":"aws_nat_gateway.this[\"a\"]","mode":"managed","type":"aws_nat_gateway","name":"this","index":"a",
"change":{"actions":["create"],"after":{"subnet_id":"subnet-0123"},"after_unknown":{"id":true}}}}]}`
	p, err := plan.FromBytes("deferred.json", []byte(doc), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.NATGateways) != 1 || m.NATGateways[0].Address != `aws_nat_gateway.this["a"]` || m.NATGateways[0].Subnet != "subnet-0123" {
		t.Errorf("deferred NAT gateway = %+v", m.NATGateways)
	}
	kinds := map[string]string{}
	for _, w := range m.Warnings {
		kinds[w.Address] = w.Kind
	}
	if kinds[""] != "deferred" || kinds[`aws_nat_gateway.this["a"]`] != "deferred" {
		t.Errorf("warnings = %+v", m.Warnings)
	}
}
