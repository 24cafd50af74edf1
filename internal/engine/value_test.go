package engine

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/letsleep/letsleep/internal/model"
)

// fullModel sets every field of every model type, including zero values
// under omitempty and empty-but-not-nil slices, so the direct converter is
// compared with encoding/json on every field.
func fullModel() *model.Model {
	m := referenceModel()
	m.Functions = append(m.Functions, model.Function{
		Address: "f", Name: "n", Role: "hot", RoleSource: "tag", InVPC: true, Subnets: []string{}, SecurityGroups: []string{"sg"},
		ExecutionRole: "r", Reserved: ptr(0), Tags: map[string]string{}, Egress: []model.Path{{Kind: "nat", Target: "internet", Steps: []model.Step{{Kind: "k", FromUnknown: true}}, Unresolved: true}},
		DataPaths: []model.Path{}, Unresolved: []string{"x"},
	})
	m.Roles = append(m.Roles, model.Role{Address: "r", Name: "n", Policies: []model.PolicyRef{{Address: "p", Source: "inline", Managed: true, Known: true}},
		Statements: []model.Statement{{Origin: "o", Sid: "s", Effect: "Allow", Actions: []string{"a"}, NotActions: []string{}, Resources: []string{"*"}, NotResources: nil, Conditional: true, FromUnknown: true}},
		Grants:     []model.Grant{{Action: "a", Resource: "*", Target: "t", Broad: true, Conditional: true, Via: nil}}})
	m.Databases = append(m.Databases, model.Database{Address: "d", Kind: "instance", MinCapacity: ptr(0.5), MaxCapacity: ptr(1e21), SecondsUntilAutoPause: ptr(86400), ZeroETL: []string{}, Unknown: []string{"engine_version"}})
	m.Proxies = []model.Proxy{{Address: "p", Targets: nil}}
	m.NATGateways = []model.Gateway{{Address: "n", Subnet: "s", VPC: "v"}}
	m.InternetGateway = []model.Gateway{}
	m.SecurityGroups = append(m.SecurityGroups, model.SecurityGroup{Address: "sg", ID: "sg-1", Name: "n", VPC: "v", Egress: []model.SGRule{{Address: "r", Form: "inline", Protocol: "-1", FromPort: -1, ToPort: 65535, Self: true, Unresolved: true}}})
	m.Subnets = []model.Subnet{{Address: "s", ID: "i", VPC: "v", CIDR: "10.0.0.0/24", RouteTable: "rt", Routes: []model.Route{{Address: "r", Destination: "0.0.0.0/0", TargetKind: "nat", Target: "n"}}}}
	m.Secrets = []model.Secret{{Address: "s", Name: "n", Database: "d", PublicPolicy: true, PolicySteps: []model.Step{}}}
	m.Endpoints = []model.VPCEndpoint{{Address: "e", Service: "s3", Type: "Gateway", Subnets: nil}}
	m.Warnings = []model.Warning{{Kind: "blind-spot", Address: "a", Message: "m"}}
	return m
}

func TestToTermMatchesJSON(t *testing.T) {
	for name, m := range map[string]*model.Model{
		"empty":     {},
		"reference": referenceModel(),
		"full":      fullModel(),
		"synthetic": syntheticModel(50),
	} {
		t.Run(name, func(t *testing.T) {
			direct, err := toTerm(reflect.ValueOf(m))
			if err != nil {
				t.Fatalf("toTerm: %v", err)
			}
			viaJSON, err := modelValueJSON(m)
			if err != nil {
				t.Fatal(err)
			}
			if direct.Value.Compare(viaJSON) != 0 {
				a, _ := json.Marshal(direct)
				b, _ := json.Marshal(viaJSON)
				t.Fatalf("direct conversion differs from JSON:\n%s\n%s", a, b)
			}
		})
	}
}

func TestToTermRefusesUnsupportedShapes(t *testing.T) {
	type embedded struct{ A string }
	type withEmbedded struct{ embedded }
	for name, v := range map[string]any{
		"embedded struct": withEmbedded{},
		"int map keys":    map[int]string{1: "a"},
		"channel":         make(chan int),
	} {
		if _, err := toTerm(reflect.ValueOf(v)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Built by reflection: vet rightly refuses the tags in a literal type.
	str := reflect.TypeFor[string]()
	twice := reflect.New(reflect.StructOf([]reflect.StructField{
		{Name: "A", Type: str, Tag: `json:"x"`},
		{Name: "B", Type: str, Tag: `json:"x"`},
	})).Elem()
	if _, err := toTerm(twice); err == nil {
		t.Error("one name twice: no error")
	}
	var nan = struct{ F float64 }{F: nanValue()}
	if _, err := toTerm(reflect.ValueOf(nan)); err == nil {
		t.Error("NaN: no error")
	}
	_ = ast.NullTerm()
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}

// The split conversion must build the value one converter builds, whatever
// the number of workers, on lists cut into many chunks and on a model with
// every field set (empty and nil lists among them).
func TestSplitConversionMatchesOneConverter(t *testing.T) {
	big := syntheticModel(3 * splitFrom)
	full := fullModel()
	full.Functions = append(full.Functions, big.Functions...)
	full.Roles = append(full.Roles, big.Roles...)
	for name, m := range map[string]*model.Model{"synthetic": big, "full": full} {
		want, err := toTerm(reflect.ValueOf(m))
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{2, 3, 8} {
			got, split, err := structTermSplit(reflect.ValueOf(m).Elem(), workers)
			if err != nil {
				t.Fatalf("%s, %d workers: %v", name, workers, err)
			}
			if !split {
				t.Fatalf("%s, %d workers: not split although its lists hold over %d elements", name, workers, splitFrom)
			}
			if got.Value.Compare(want.Value) != 0 {
				t.Fatalf("%s, %d workers: split conversion differs from one converter", name, workers)
			}
		}
	}
}

func TestSplitConversionLeavesSmallModelsToOneCore(t *testing.T) {
	if _, split, err := structTermSplit(reflect.ValueOf(referenceModel()).Elem(), 4); err != nil || split {
		t.Fatalf("reference model: split=%v err=%v, want one core", split, err)
	}
	if _, split, err := structTermSplit(reflect.ValueOf(syntheticModel(3*splitFrom)).Elem(), 1); err != nil || split {
		t.Fatalf("one worker: split=%v err=%v, want one core", split, err)
	}
}

// A shape the converter refuses inside a list fails the split conversion
// too, naming the field, so that modelValue falls back to JSON.
func TestSplitConversionReportsRefusedShapes(t *testing.T) {
	type item struct{ F float64 }
	type doc struct{ Items []item }
	d := doc{Items: make([]item, 2*splitFrom)}
	d.Items[splitFrom+7].F = nanValue()
	_, _, err := structTermSplit(reflect.ValueOf(d), 2)
	if err == nil || !strings.Contains(err.Error(), "doc.Items") {
		t.Fatalf("err = %v, want one naming doc.Items", err)
	}
}

// Empty lists are written as one shared empty array term per conversion
// (a model has tens of thousands), and that term is still an empty array.
func TestToTermSharesTheEmptyArray(t *testing.T) {
	m := fullModel()
	term, err := toTerm(reflect.ValueOf(m))
	if err != nil {
		t.Fatal(err)
	}
	fn := len(m.Functions) - 1
	get := func(path ...any) *ast.Term {
		t.Helper()
		ref := ast.Ref{}
		for _, p := range path {
			ref = append(ref, ast.NewTerm(ast.MustInterfaceToValue(p)))
		}
		v, err := term.Value.Find(ref)
		if err != nil {
			t.Fatalf("%v: %v", path, err)
		}
		return ast.NewTerm(v)
	}
	subnets := get("functions", fn, "subnets")
	dataPaths := get("functions", fn, "data_paths")
	gateways := get("internet_gateways")
	if subnets.Value != dataPaths.Value || subnets.Value != gateways.Value {
		t.Error("the empty lists of one conversion are separate arrays")
	}
	if !subnets.Equal(ast.ArrayTerm()) {
		t.Errorf("the shared empty list is %v", subnets)
	}
}
