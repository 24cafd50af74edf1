package engine

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The deny sets are read from the AST values evaluation produced, not from
// OPA's JSON form of them (result.go). Every shape a check may return, well
// formed or not, gives the findings and the error messages the JSON form
// gave: want was recorded from the engine before the change.
var denyShapes = []struct{ name, deny, want string }{
	{"string", `deny contains "plain message"`, `[{"rule":"letsleep.checks.shape","category":"custom","severity":"medium","resource":"","title":"letsleep.checks.shape","message":"plain message","path":[],"remediation":"","assumptions":[],"source":"reference.json"}]`},
	{"array", `deny := [{"resource": "r", "message": "m"}]`, `[{"rule":"letsleep.checks.shape","category":"custom","severity":"medium","resource":"r","title":"letsleep.checks.shape","message":"m","path":[],"remediation":"","assumptions":[],"source":"reference.json"}]`},
	{"nulls", `deny contains {"resource": null, "message": null, "path": null, "assumptions": null, "severity": null}`, `[{"rule":"letsleep.checks.shape","category":"custom","severity":"medium","resource":"","title":"letsleep.checks.shape","message":"letsleep.checks.shape","path":[],"remediation":"","assumptions":[],"source":"reference.json"}]`},
	{"set path", `deny contains {"resource": "r", "path": {"b note", "a note"}}`, `[{"rule":"letsleep.checks.shape","category":"custom","severity":"medium","resource":"r","title":"letsleep.checks.shape","message":"letsleep.checks.shape","path":[{"kind":"note","detail":"a note"},{"kind":"note","detail":"b note"}],"remediation":"","assumptions":[],"source":"reference.json"}]`},
	{"full step", `deny contains {"resource": "r", "severity": "critical", "path": [{"kind": "k", "address": "a", "detail": "d", "from_unknown": true, "assumption": {"address": "a", "unknown": "u", "assumed": "w"}}], "assumptions": {{"unknown": "u2", "assumed": "w2"}}}`, `[{"rule":"letsleep.checks.shape","category":"custom","severity":"medium","resource":"r","title":"letsleep.checks.shape","message":"letsleep.checks.shape","path":[{"kind":"k","address":"a","detail":"d","from_unknown":true,"assumption":{"address":"a","unknown":"u","assumed":"w"}}],"remediation":"","unresolved":true,"assumptions":[{"unknown":"u2","assumed":"w2"},{"address":"a","unknown":"u","assumed":"w"}],"source":"reference.json"}]`},
	{"unresolved", `deny contains {"resource": "r", "unresolved": true}`, `[{"rule":"letsleep.checks.shape","category":"custom","severity":"medium","resource":"r","title":"letsleep.checks.shape","message":"letsleep.checks.shape","path":[],"remediation":"","unresolved":true,"assumptions":[{"address":"r","unknown":"check letsleep.checks.shape marked this finding unresolved without naming what was unknown","assumed":"the worst case"}],"source":"reference.json"}]`},
	{"from_unknown not bool", `deny contains {"resource": "r", "path": [{"kind": "k", "from_unknown": "yes"}]}`, `[{"rule":"letsleep.checks.shape","category":"custom","severity":"medium","resource":"r","title":"letsleep.checks.shape","message":"letsleep.checks.shape","path":[{"kind":"k","detail":""}],"remediation":"","assumptions":[],"source":"reference.json"}]`},
	{"not a set", `deny := "x"`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): deny must be a set of findings, got a string`},
	{"number", `deny contains 5`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): deny must hold objects {resource, message, path} or strings, got a number`},
	{"resource number", `deny contains {"resource": 1}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): finding field resource must be a string, got a number`},
	{"message object", `deny contains {"message": {"a": 1}}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): finding field message must be a string, got an object`},
	{"severity", `deny contains {"severity": "nope"}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): finding severity "nope" is not one of critical, high, medium, low, info`},
	{"unresolved null", `deny contains {"unresolved": null}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): finding field unresolved must be a boolean, got null`},
	{"path object", `deny contains {"path": {"a": 1}}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): finding field path must be an array of steps, got an object`},
	{"step number", `deny contains {"path": ["ok", 3]}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): path[1] must be a step object or a string, got a number`},
	{"step kind", `deny contains {"path": [{"kind": ["x"]}]}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): path[0]: finding field kind must be a string, got an array`},
	{"step assumption", `deny contains {"path": [{"kind": "k", "assumption": "x"}]}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): path[0]: an assumption must be an object {address, unknown, assumed}, got a string`},
	{"assumptions string", `deny contains {"assumptions": "x"}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): finding field assumptions must be an array of {unknown, assumed}, got a string`},
	{"assumption half", `deny contains {"assumptions": [{"unknown": "u"}]}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): assumptions[0]: an assumption needs both unknown (what could not be resolved) and assumed (what was assumed instead)`},
	{"assumption set field", `deny contains {"assumptions": [{"address": {"x"}, "unknown": "u", "assumed": "a"}]}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): assumptions[0]: finding field address must be a string, got an array`},
	{"assumption bool", `deny contains {"assumptions": [true]}`, `error: policy error: check letsleep.checks.shape (DIR/shape.rego): assumptions[0]: an assumption must be an object {address, unknown, assumed}, got a boolean`},
}

func TestDenyShapes(t *testing.T) {
	for _, c := range denyShapes {
		src := "package letsleep.checks.shape\n\n" + c.deny + "\n"
		dir := writeDir(t, map[string]string{"shape.rego": src})
		e := newEngine(t, Options{PolicyDirs: []string{dir}})
		fs, err := e.Eval(context.Background(), referenceModel(), nil)
		var got string
		if err != nil {
			got = "error: " + strings.ReplaceAll(err.Error(), dir, "DIR")
		} else {
			var mine []any
			for _, f := range fs {
				if f.Rule == "letsleep.checks.shape" {
					mine = append(mine, f)
				}
			}
			b, _ := json.Marshal(mine)
			got = string(b)
		}
		if os.Getenv("LETSLEEP_RECORD") != "" {
			t.Logf("%q: %q", c.name, got)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
