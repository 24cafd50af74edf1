package plan

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
)

// The streaming decoder and the exact decoder must agree on every plan
// the streaming one accepts: same resource changes, same configuration.
func TestStreamMatchesExact(t *testing.T) {
	for _, path := range fixturePlans(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := streamDecode(path, nil, 0, data)
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			exact, err := decode(path, data)
			if err != nil {
				t.Fatalf("exact: %v", err)
			}
			if len(fast.Doc.ResourceChanges) != len(exact.Doc.ResourceChanges) {
				t.Fatalf("%d resource changes, exact path %d", len(fast.Doc.ResourceChanges), len(exact.Doc.ResourceChanges))
			}
			for i, rc := range fast.Doc.ResourceChanges {
				want := exact.Doc.ResourceChanges[i]
				if rc.Address != want.Address || rc.ModuleAddress != want.ModuleAddress || rc.Type != want.Type || rc.Mode != want.Mode {
					t.Fatalf("change %d: %s, exact path %s", i, rc.Address, want.Address)
				}
				if !reflect.DeepEqual(rc.Change.Actions, want.Change.Actions) || !sameJSON(rc.Change.After, want.Change.After) || !sameJSON(rc.Change.AfterUnknown, want.Change.AfterUnknown) {
					t.Fatalf("change %s differs from the exact path", rc.Address)
				}
			}
			if !sameJSON(fast.Doc.Config, exact.Doc.Config) {
				t.Error("configuration differs from the exact path")
			}
		})
	}
}

func fixturePlans(t *testing.T) []string {
	var out []string
	for _, glob := range []string{"../../build/plans/*.json", "../../../shared/realworld-plans/*.json", "../plangen/templates/*.json"} {
		m, _ := filepath.Glob(glob)
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Skip("SKIPPED: no plan fixtures found (run make plans)")
	}
	return out
}

// sameJSON compares values by their JSON encoding, so json.Number 1 and
// float64 1 are equal.
func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func TestLoadBigNumbers(t *testing.T) {
	// terraform writes a variable default of 1e400 as a long integer.
	huge := "1" + strings.Repeat("0", 400)
	doc := `{"format_version":"1.2","variables":{"n":{"value":` + huge + `}},
	"resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q",
	"change":{"actions":["create"],"after":{"delay_seconds":` + huge + `,"max_message_size":1e400,"visibility_timeout_seconds":30},"after_unknown":{}}}],
	"configuration":{"root_module":{"variables":{"n":{"default":` + huge + `}},"resources":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q","expressions":{"delay_seconds":{"references":["var.n"]},"max_message_size":{"constant_value":1e400}}}]}}}`
	p, err := Load(context.Background(), writeFile(t, "plan.json", doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	after := p.Doc.ResourceChanges[0].Change.After.(map[string]any)
	if after["delay_seconds"] != json.Number(huge) || after["max_message_size"] != json.Number("1e400") {
		t.Errorf("numbers not kept as written: %v", after)
	}
	if after["visibility_timeout_seconds"] != json.Number("30") {
		t.Errorf("visibility_timeout_seconds = %#v", after["visibility_timeout_seconds"])
	}
	if _, err := p.Generic(); err != nil {
		t.Errorf("Generic: %v", err)
	}
}

func TestLoadUnicodeEncodings(t *testing.T) {
	utf16le := func(s string, bom bool) string {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
		}
		for _, c := range []byte(s) {
			b = append(b, c, 0)
		}
		return string(b)
	}
	cases := []struct{ name, content, want string }{
		{"utf16le-bom", utf16le(minimalPlan, true), "the file is UTF-16 little-endian text"},
		{"utf16le", utf16le(minimalPlan, false), "the file is UTF-16 little-endian text"},
		{"utf16be-bom", "\xFE\xFF\x00{", "the file is UTF-16 big-endian text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "plan.json", c.content)
			_, err := Load(context.Background(), path, Options{})
			if err == nil || !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want an input error", err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "iconv -f UTF-16") || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the encoding, the file and the fix", err)
			}
		})
	}
	// A UTF-8 byte order mark is read as UTF-8.
	if _, err := Load(context.Background(), writeFile(t, "bom.json", "\xEF\xBB\xBF"+minimalPlan), Options{}); err != nil {
		t.Errorf("UTF-8 with BOM: %v", err)
	}
}

// A resource only planned_values holds (old plan formats) is decoded from
// it; one resource_changes holds is not decoded twice.
func TestLoadPlannedValuesOnlyWhenMissing(t *testing.T) {
	doc := `{"format_version":"0.1","planned_values":{"root_module":{"resources":[
	{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"cidr_block":"10.0.0.0/16"}}],
	"child_modules":[{"resources":[{"address":"module.m.aws_vpc.b","mode":"managed","type":"aws_vpc","name":"b","values":{"cidr_block":"10.1.0.0/16"}}],"address":"module.m"}]}},
	"resource_changes":[{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","change":{"actions":["create"],"after":{"cidr_block":"10.0.0.0/16"}}}]}`
	for _, name := range []string{"file", "bytes"} {
		t.Run(name, func(t *testing.T) {
			var p *Plan
			var err error
			if name == "file" {
				p, err = Load(context.Background(), writeFile(t, "plan.json", doc), Options{})
			} else {
				p, err = FromBytes("mem", []byte(doc), Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			walkModules(p.Doc.PlannedValues.RootModule, func(r *tfjson.StateResource) {
				got = append(got, r.Address+"="+r.AttributeValues["cidr_block"].(string))
			})
			if len(got) != 1 || got[0] != "module.m.aws_vpc.b=10.1.0.0/16" {
				t.Errorf("planned_values kept %v, want only module.m.aws_vpc.b", got)
			}
			if m := p.Doc.PlannedValues.RootModule.ChildModules[0].Address; m != "module.m" {
				t.Errorf("module address %q", m)
			}
		})
	}
}

// planned_values addresses are compared as written, escapes undone: a
// resource whose address holds quotes (for_each keys) and that
// resource_changes holds is not decoded again, whichever escape spells it.
func TestLoadPlannedValuesEscapedAddresses(t *testing.T) {
	doc := `{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[{"address":"module.m[\"a\"]","resources":[
	{"address":"module.m[\"a\"].aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"cidr_block":"10.0.0.0/16"}},
	{"address":"module.m[\u0022a\u0022].aws_vpc.b","mode":"managed","type":"aws_vpc","name":"b","values":{"cidr_block":"10.1.0.0/16"}},
	{"address":"module.m[\"a\\\/\"].aws_vpc.c","mode":"managed","type":"aws_vpc","name":"c","values":{"cidr_block":"10.2.0.0/16"}},
	null]}]}},
	"resource_changes":[
	{"address":"module.m[\"a\"].aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","change":{"actions":["create"],"after":{}}},
	{"address":"module.m[\"a\"].aws_vpc.b","mode":"managed","type":"aws_vpc","name":"b","change":{"actions":["create"],"after":{}}}]}`
	p, err := FromBytes("mem", []byte(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	walkModules(p.Doc.PlannedValues.RootModule, func(r *tfjson.StateResource) { got = append(got, r.Address) })
	if want := `module.m["a\/"].aws_vpc.c`; len(got) != 1 || got[0] != want {
		t.Errorf("planned_values kept %q, want only %s", got, want)
	}
	if m := p.Doc.PlannedValues.RootModule.ChildModules[0].Address; m != `module.m["a"]` {
		t.Errorf("module address %q", m)
	}
}

func TestUnquoteInto(t *testing.T) {
	for body, want := range map[string]string{
		`plain`:            `plain`,
		`m[\"a\"]`:         `m["a"]`,
		`a\\b\/c`:          `a\b/c`,
		`m[\u0022a\u0022]`: `m["a"]`,
		`tab\there \"x\"`:  "tab\there \"x\"",
	} {
		got, err := unquoteInto([]byte("leftover"), []byte(body))
		if err != nil || string(got) != want {
			t.Errorf("unquoteInto(%s) = %q, %v; want %q", body, got, err, want)
		}
	}
}

// A device or FIFO is read up to the limit, and something that is not a
// plan is refused from its first bytes, not after reading the limit.
func TestLoadDevicesAndFIFOs(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("SKIPPED: no /dev/zero")
	}
	start := time.Now()
	_, err := Load(context.Background(), "/dev/zero", Options{MaxBytes: 1 << 30})
	if err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("/dev/zero: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("/dev/zero took %s", d)
	}

	fifo := filepath.Join(t.TempDir(), "plan.fifo")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("SKIPPED: mkfifo: %v", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(`{"format_version":"1.2","resource_changes":[` + strings.Repeat(`{"address":"a.b","change":{"actions":["no-op"],"after":{}}},`, 3000))
		f.WriteString(`{"address":"a.c"}]}`)
		f.Close()
	}()
	p, err := Load(context.Background(), fifo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Doc.ResourceChanges); n != 3001 {
		t.Errorf("%d resource changes from the FIFO, want 3001", n)
	}

	// A stream over the limit is refused, naming the setting that raises it.
	big := filepath.Join(t.TempDir(), "big.fifo")
	if err := mkfifo(big); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(big, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(`{"format_version":"1.2","x":"` + strings.Repeat("x", 1<<20) + `"}`)
		f.Close()
	}()
	_, err = Load(context.Background(), big, Options{MaxBytes: 1 << 19})
	if err == nil || !strings.Contains(err.Error(), MaxBytesEnv) {
		t.Errorf("over the limit: %v", err)
	}
}

// The configuration, read by hand, matches the exact decoder on every part
// tfjson has, nulls included; a member named in another case is left to
// the exact path.
func TestStreamConfigMatchesExact(t *testing.T) {
	config := `{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws","expressions":{"region":{"constant_value":"eu-west-1"}}}},
	"root_module":{"outputs":{"o":{"expression":{"references":["module.m.x","module.m"]},"description":"d","sensitive":true,"depends_on":["aws_vpc.a"]},"n":null,"e":{"expression":null}},
	"variables":{"v":{"default":{"k":[1,2]},"description":"x","sensitive":false}},
	"resources":[{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","provider_config_key":"aws","schema_version":1,
	"expressions":{"cidr_block":{"constant_value":"10.0.0.0/16"},"tags":null,"ingress":[{"from_port":{"constant_value":443},"x":null}]},
	"count_expression":{"references":["var.n"]},"provisioners":[{"type":"local-exec","expressions":{"command":{"constant_value":"true"}}}],"depends_on":["aws_vpc.b"]},null],
	"module_calls":{"m":{"source":"./m","version_constraint":"1.0","expressions":{"x":{"references":["each.value"]}},"for_each_expression":{"references":["var.v"]},"depends_on":["aws_vpc.a"],
	"module":{"resources":[{"address":"aws_subnet.s","mode":"managed","type":"aws_subnet","name":"s","expressions":{"vpc_id":{"references":["var.x"]}},"for_each_expression":null}],"module_calls":{"z":null}}}}}}`
	doc := `{"format_version":"1.2","resource_changes":[],"configuration":` + config + `}`
	fast, err := streamDecode("mem", nil, 0, []byte(doc))
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	exact, err := decode("mem", []byte(doc))
	if err != nil {
		t.Fatalf("exact: %v", err)
	}
	if !sameJSON(fast.Doc.Config, exact.Doc.Config) {
		a, _ := json.Marshal(fast.Doc.Config)
		b, _ := json.Marshal(exact.Doc.Config)
		t.Errorf("configuration differs from the exact path:\nstream %s\nexact  %s", a, b)
	}
	if fast.Doc.Config.RootModule.Outputs["n"] != nil || fast.Doc.Config.RootModule.Resources[1] != nil {
		t.Error("a null output or resource should read as nil")
	}
	other := strings.Replace(doc, `"module_calls"`, `"Module_Calls"`, 1)
	if _, err := streamDecode("mem", nil, 0, []byte(other)); !errors.Is(err, errShape) {
		t.Errorf("a member in another case: %v, want errShape (the exact path decides)", err)
	}
	if p, err := FromBytes("mem", []byte(other), Options{}); err != nil || p.Doc.Config.RootModule.ModuleCalls["m"] == nil {
		t.Errorf("a member in another case still loads through the exact path: %v", err)
	}
}
