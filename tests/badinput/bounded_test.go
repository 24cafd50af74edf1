package badinput

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// TestEndlessInputsAreBounded: --waivers, --config, --prices and a policy
// file pointing at /dev/zero (no size, no end) stop at their limit with a
// message naming the path, the limit and the setting that raises it; the
// process stays small and quick.
func TestEndlessInputsAreBounded(t *testing.T) {
	t.Parallel()
	plan := cleanPlan(t)
	policies := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(policies, "zero.rego")); err != nil {
		t.Fatal(err)
	}
	sources := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(sources, "main.tf")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"waivers", []string{"check", "--waivers", "/dev/zero", plan},
			"letsleep: load waivers: /dev/zero: the waivers file is larger than the 4 MiB limit: set LETSLEEP_MAX_WAIVERS_BYTES to a larger byte count"},
		{"config", []string{"check", "--config", "/dev/zero", plan},
			"letsleep: load config: /dev/zero: config error: the config file is larger than the 4 MiB limit: set LETSLEEP_MAX_CONFIG_BYTES to a larger byte count"},
		{"prices", []string{"cost", "--prices", "/dev/zero", plan},
			"letsleep: cost input error: /dev/zero: the price file is larger than the 4 MiB limit: set LETSLEEP_MAX_PRICES_BYTES to a larger byte count"},
		{"policy", []string{"check", "--policy", policies, plan},
			"letsleep: load policies: policy error: " + filepath.Join(policies, "zero.rego") + ": the policy file is larger than the 4 MiB limit: set LETSLEEP_MAX_POLICY_BYTES to a larger byte count"},
		{"source", []string{"check", "--source", sources, plan},
			"letsleep: read sources: source input error: " + filepath.Join(sources, "main.tf") + ": the Terraform source file is larger than the 8 MiB limit: set LETSLEEP_MAX_SOURCE_BYTES to a larger byte count (or check the plan without --source)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, runOpts{timeout: 30 * time.Second}, tc.args...)
			file := "/dev/zero"
			switch tc.name {
			case "policy":
				file = filepath.Join(policies, "zero.rego")
			case "source":
				file = filepath.Join(sources, "main.tf")
			}
			assertInputErr(t, res, file, inputErr{line: tc.want})
			if res.maxRSSKB > 200<<10 {
				t.Errorf("peak RSS %d MiB reading an endless input, want under 200 MiB", res.maxRSSKB>>10)
			}
			// Quick in CPU time: reading on past the limit burns CPU, a stall
			// is the 30 s hang above. Wall time is not judged: on the loaded
			// 2-core machine this run took 15 s of it.
			if res.cpu > 10*time.Second {
				t.Errorf("took %v of CPU time (%v wall)", res.cpu, res.elapsed)
			}
		})
	}
}

// TestLimitIsRaisable: the setting the message names does raise the limit.
func TestLimitIsRaisable(t *testing.T) {
	t.Parallel()
	plan := cleanPlan(t)
	cfg := writeFile(t, "config.yaml", []byte("roles:\n  - {match: \"aws_lambda_function.api\", role: hot}\n"))
	res := run(t, runOpts{env: map[string]string{"LETSLEEP_MAX_CONFIG_BYTES": "16"}}, "check", "--config", cfg, plan)
	assertInputErr(t, res, cfg, inputErr{line: "letsleep: load config: {file}: config error: the config file is larger than the 16-byte limit: set LETSLEEP_MAX_CONFIG_BYTES to a larger byte count"})
	res = run(t, runOpts{env: map[string]string{"LETSLEEP_MAX_CONFIG_BYTES": "1000"}}, "check", "--config", cfg, plan)
	if res.code != 0 {
		t.Fatalf("with the limit raised: exit %d\n%s", res.code, tail(res.stderr))
	}
}

// TestHugeWaiversFile: a 100 MB waivers file is refused from its size, at
// once; a file just under the limit with tens of thousands of unused
// waivers runs in bounded memory and prints a capped list of notices.
func TestHugeWaiversFile(t *testing.T) {
	t.Parallel()
	plan := cleanPlan(t)
	entry := "  - {rule: LSL-004, resource: \"aws_nat_gateway.n%07d\", reason: \"legacy VPC, NAT removed in Q1\", expires: 2099-01-31}\n"
	big := filepath.Join(t.TempDir(), "waivers.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "waivers:\n")
	var line = fmt.Sprintf(entry, 0)
	n := (100 << 20) / len(line)
	for i := 0; i < n; i++ {
		fmt.Fprintf(f, entry, i)
	}
	f.Close()
	res := run(t, runOpts{timeout: 30 * time.Second}, "check", "--waivers", big, plan)
	assertInputErr(t, res, big, inputErr{line: "letsleep: load waivers: {file}: the waivers file is larger than the 4 MiB limit: set LETSLEEP_MAX_WAIVERS_BYTES to a larger byte count"})
	if res.elapsed > 5*time.Second || res.maxRSSKB > 200<<10 {
		t.Errorf("refusing by size took %v and %d MiB", res.elapsed, res.maxRSSKB>>10)
	}

	var b strings.Builder
	b.WriteString("waivers:\n")
	m := (4<<20)/len(line) - 1
	for i := 0; i < m; i++ {
		fmt.Fprintf(&b, entry, i)
	}
	near := writeFile(t, "near.yaml", []byte(b.String()))
	res = run(t, runOpts{timeout: 60 * time.Second}, "check", "--format", "json", "--waivers", near, plan)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, tail(res.stderr))
	}
	if got := strings.Count(res.stdout, `"unused-waiver"`); got != 21 {
		t.Errorf("%d unused-waiver notices for %d unused waivers, want 20 and one summary", got, m)
	}
	if !strings.Contains(res.stdout, fmt.Sprintf("and %d more unused-waiver notices", m-20)) {
		t.Errorf("no summary notice counting the rest")
	}
	if len(res.stdout)+len(res.stderr) > 64<<10 {
		t.Errorf("printed %d bytes for unused waivers, want a short report", len(res.stdout)+len(res.stderr))
	}
	t.Logf("%d waivers (%d bytes): %v, peak RSS %d MiB", m, b.Len(), res.elapsed, res.maxRSSKB>>10)
	if res.maxRSSKB > 1<<20 {
		t.Errorf("peak RSS %d MiB on a 4 MiB waivers file, want under 1 GiB", res.maxRSSKB>>10)
	}
}

// TestUTF16Files: a waivers or config file in UTF-16 (PowerShell's `>`) is
// named for what it is, with the command that converts it; a UTF-8 byte
// order mark is accepted.
func TestUTF16Files(t *testing.T) {
	t.Parallel()
	plan := cleanPlan(t)
	utf16le := func(s string) []byte {
		out := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	w := writeFile(t, "waivers.yaml", utf16le("waivers:\n  - {rule: LSL-004, resource: \"*\", reason: r, expires: 2099-01-31}\n"))
	res := run(t, runOpts{}, "check", "--waivers", w, plan)
	assertInputErr(t, res, w, inputErr{line: "letsleep: load waivers: {file}: the file is UTF-16 little-endian text (as PowerShell's `>` writes it), letsleep reads UTF-8: convert it with `iconv -f UTF-16 -t UTF-8 {file} > {file}.utf8` or, in PowerShell, `Get-Content {file} | Set-Content -Encoding utf8 {file}.utf8`, and pass the new file"})
	c := writeFile(t, "config.yaml", utf16le("roles:\n  - {match: \"*\", role: hot}\n")[2:])
	res = run(t, runOpts{}, "check", "--config", c, plan)
	assertInputErr(t, res, c, inputErr{contains: []string{"{file}: config error: the file is UTF-16 little-endian text", "iconv -f UTF-16 -t UTF-8 {file}"}})
	src := filepath.Dir(writeFile(t, "main.tf", utf16le("locals {\n  a = 1\n}\n")))
	res = run(t, runOpts{}, "check", "--source", src, plan)
	tf := filepath.Join(src, "main.tf")
	assertInputErr(t, res, tf, inputErr{contains: []string{"{file}: the file is UTF-16 little-endian text", "iconv -f UTF-16 -t UTF-8 {file}"}})
	bom := writeFile(t, "bom.yaml", []byte("\xEF\xBB\xBFwaivers:\n  - {rule: LSL-004, resource: \"*\", reason: r, expires: 2099-01-31}\n"))
	if res := run(t, runOpts{}, "check", "--waivers", bom, plan); res.code != 0 {
		t.Fatalf("a UTF-8 BOM waivers file: exit %d\n%s", res.code, tail(res.stderr))
	}
}
