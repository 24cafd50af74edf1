package plangen

import (
	"bytes"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
)

type modelCounts struct{ functions, roles, databases, securityGroups, secrets, subnets int }

// generatedModel generates replicas of the templates and builds the model.
func generatedModel(t *testing.T, ts []*Template, opts Options) *model.Model {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Generate(&buf, ts, opts); err != nil {
		t.Fatal(err)
	}
	return modelOf(t, buf.Bytes())
}

func modelOf(t *testing.T, data []byte) *model.Model {
	t.Helper()
	p, err := plan.FromBytes("generated.json", data, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func countModel(t *testing.T, data []byte) modelCounts {
	t.Helper()
	m := modelOf(t, data)
	return modelCounts{len(m.Functions), len(m.Roles), len(m.Databases), len(m.SecurityGroups), len(m.Secrets), len(m.Subnets)}
}

// The model of a generated plan holds each replica's objects: its counts are
// replicas × the counts of one replica of each template.
func TestGeneratedModelCounts(t *testing.T) {
	ts := builtin(t)
	var one modelCounts
	for _, tm := range ts {
		var buf bytes.Buffer
		if _, err := Generate(&buf, []*Template{tm}, Options{Replicas: 1}); err != nil {
			t.Fatal(err)
		}
		c := countModel(t, buf.Bytes())
		if c.functions == 0 || c.databases == 0 || c.securityGroups == 0 {
			t.Fatalf("template %s: model has %+v; the template lost its functions, databases or SGs", tm.Name, c)
		}
		one.functions += c.functions
		one.roles += c.roles
		one.databases += c.databases
		one.securityGroups += c.securityGroups
		one.secrets += c.secrets
		one.subnets += c.subnets
	}
	var buf bytes.Buffer
	stats, err := Generate(&buf, ts, Options{Resources: 1000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := countModel(t, buf.Bytes())
	r := stats.Replicas
	want := modelCounts{one.functions * r, one.roles * r, one.databases * r, one.securityGroups * r, one.secrets * r, one.subnets * r}
	if got != want {
		t.Fatalf("model of %d replicas: %+v, want %+v", r, got, want)
	}
}

// A replica's functions reach only its own databases through resolved
// references: resolution stays inside the tenant instance.
func TestGeneratedReferencesStayInTenant(t *testing.T) {
	ref := builtin(t)[1]
	if ref.Name != "reference" {
		t.Fatalf("templates out of order: %s", ref.Name)
	}
	m := generatedModel(t, []*Template{ref}, Options{Replicas: 3, Seed: 4})
	checked := 0
	for _, f := range m.Functions {
		tenant := f.Address[:len(`module.tenant["t00000-xxxxxx"]`)]
		for _, sg := range f.SecurityGroups {
			if sg[:len(tenant)] != tenant {
				t.Errorf("%s: security group %s is another tenant's", f.Address, sg)
			}
			checked++
		}
		for _, sn := range f.Subnets {
			if sn[:len(tenant)] != tenant {
				t.Errorf("%s: subnet %s is another tenant's", f.Address, sn)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no function has a resolved subnet or security group")
	}
}
