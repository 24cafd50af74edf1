package integrity

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// hostileKey is a for_each key a plan may legally carry: quotes, markup,
// a CDATA end, a newline followed by a GitHub workflow command, an escaped
// percent sign, a terminal escape sequence and a Unicode line separator.
const hostileKey = "a\"b<c>&]]>\n::error::injected%0A\x1b[2J\r\u2028z|y`"

// hostilePlan holds a NAT gateway and a VPC peering connection (a blind
// spot) under the hostile key, so both a nat-gateway and an unanalysed
// finding carry it in their resource address.
func hostilePlan(t *testing.T) (path string, addrs []string) {
	t.Helper()
	var planned, changes []any
	for _, r := range []struct{ typ string }{{"aws_nat_gateway"}, {"aws_vpc_peering_connection"}} {
		// Terraform would escape the key in the address; a hand-made plan
		// need not, so the raw characters go in.
		addr := r.typ + `.this["` + hostileKey + `"]`
		addrs = append(addrs, addr)
		values := map[string]any{"subnet_id": "subnet-0123", "allocation_id": "eipalloc-0123", "tags": map[string]any{}}
		planned = append(planned, map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": "this", "index": hostileKey,
			"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values, "sensitive_values": map[string]any{}})
		changes = append(changes, map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": "this", "index": hostileKey,
			"provider_name": "registry.terraform.io/hashicorp/aws",
			"change":        map[string]any{"actions": []any{"create"}, "before": nil, "after": values, "after_unknown": map[string]any{"id": true}}})
	}
	doc := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.5",
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes": changes,
		"configuration":    map[string]any{"root_module": map[string]any{}},
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, addrs
}

// TestHostileResourceNames: a resource address full of markup and control
// characters cannot break or inject into any output format.
func TestHostileResourceNames(t *testing.T) {
	path, addrs := hostilePlan(t)

	out, _ := run(t, nil, "check", "--format", "json", path)
	var rep struct {
		Findings []struct{ Category, Resource string } `json:"findings"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	for _, want := range []struct{ category, addr string }{{"nat-gateway", addrs[0]}, {"unanalysed", addrs[1]}} {
		found := false
		for _, f := range rep.Findings {
			found = found || (f.Category == want.category && f.Resource == want.addr)
		}
		if !found {
			t.Fatalf("JSON has no %s finding on the exact hostile address %q: %+v", want.category, want.addr, rep.Findings)
		}
	}
	findings := len(rep.Findings)

	t.Run("sarif", func(t *testing.T) {
		out, _ := run(t, nil, "check", "--format", "sarif", path)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("SARIF is not JSON: %v", err)
		}
		if err := sarifSchema(t).Validate(inst); err != nil {
			t.Fatalf("SARIF does not validate: %v", err)
		}
	})

	t.Run("junit", func(t *testing.T) {
		out, _ := run(t, nil, "check", "--format", "junit", path)
		if err := wellFormed(out); err != nil {
			t.Fatalf("JUnit is not well-formed: %v\n%s", err, out)
		}
		var suites struct {
			Suites []struct {
				Cases []struct {
					Name string `xml:"name,attr"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(out, &suites); err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, s := range suites.Suites {
			for _, c := range s.Cases {
				names[c.Name] = true
			}
		}
		// XML cannot carry ESC or CR raw; the name must still identify the
		// resource, so compare with those characters removed.
		strip := strings.NewReplacer("\x1b", "", "\r", "").Replace
		ok := false
		for n := range names {
			ok = ok || strip(n) == strip(addrs[0]) || strings.Contains(n, "injected")
		}
		if !ok {
			t.Errorf("no JUnit test case names the hostile NAT gateway; names: %v", names)
		}
	})

	t.Run("github", func(t *testing.T) {
		out, _ := run(t, nil, "check", "--format", "github", path)
		sc := bufio.NewScanner(bytes.NewReader(out))
		lines := 0
		for sc.Scan() {
			line := sc.Text()
			lines++
			if !strings.HasPrefix(line, "::") {
				t.Errorf("line %d is not a workflow command (an injected line?): %q", lines, line)
			}
		}
		if lines < findings {
			t.Errorf("%d workflow commands for %d findings", lines, findings)
		}
	})

	for _, format := range []string{"table", "markdown", "github"} {
		t.Run(format+" has no control characters", func(t *testing.T) {
			out, _ := run(t, nil, "check", "--format", format, path)
			if i := bytes.IndexByte(out, 0x1b); i >= 0 {
				t.Errorf("%s output carries a raw terminal escape (ESC) from the plan at byte %d: %q", format, i, out[max(0, i-40):min(len(out), i+20)])
			}
			if i := bytes.IndexByte(out, '\r'); i >= 0 {
				t.Errorf("%s output carries a raw carriage return from the plan at byte %d (it can hide text on a terminal)", format, i)
			}
		})
	}

	t.Run("markdown keeps the address on one line", func(t *testing.T) {
		out, _ := run(t, nil, "check", "--format", "markdown", path)
		if bytes.Contains(out, []byte("\n::error::injected")) {
			t.Errorf("a newline in the address broke out of its line (a heading, summary or table row) in the markdown:\n%s", out)
		}
	})
}
