package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseOutputs(t *testing.T) {
	got, err := parseOutputs("table", []string{"SARIF=a.sarif", "report.txt", "github=-"})
	if err != nil {
		t.Fatal(err)
	}
	want := []outputTarget{{"sarif", "a.sarif"}, {"table", "report.txt"}, {"github", "-"}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("target %d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range [][]string{
		{"a.json", "b.json"},        // two plain paths share --format
		{"json=out", "sarif=./out"}, // one file for two formats
		{"sarif="},                  // no path
	} {
		if _, err := parseOutputs("table", bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	// No --output: --format on stdout.
	if got, _ := parseOutputs("json", nil); len(got) != 1 || got[0] != (outputTarget{format: "json"}) {
		t.Errorf("default: %v", got)
	}
}

func TestCheckWritesSeveralFormatsFromOneRun(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	cmd := NewCheckCommand()
	cmd.SetArgs([]string{referencePlan, "-o", "json=" + p("r.json"), "-o", "sarif=" + p("r.sarif"),
		"-o", "markdown=" + p("r.md"), "-o", "junit=" + p("r.xml"), "-o", p("r.txt")})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(p(name))
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v (%d bytes)", name, err, len(b))
		}
		return b
	}
	var rep struct{ Summary struct{ Profile string } }
	if err := json.Unmarshal(read("r.json"), &rep); err != nil || rep.Summary.Profile == "" {
		t.Errorf("json: %v %+v", err, rep)
	}
	var sarif struct{ Version string }
	if err := json.Unmarshal(read("r.sarif"), &sarif); err != nil || sarif.Version != "2.1.0" {
		t.Errorf("sarif: %v %q", err, sarif.Version)
	}
	var junit struct{ XMLName xml.Name }
	if err := xml.Unmarshal(read("r.xml"), &junit); err != nil || junit.XMLName.Local != "testsuites" {
		t.Errorf("junit: %v %v", err, junit.XMLName)
	}
	if md := string(read("r.md")); !strings.Contains(md, "letsleep") {
		t.Errorf("markdown: %s", md)
	}
	if txt := string(read("r.txt")); !strings.Contains(txt, "fail-on medium") {
		t.Errorf("plain -o did not get the table (--format default): %s", txt)
	}
}
