// Package benchreport tests scripts/bench-report.sh, the table and the
// PASS/FAIL logic of make bench, on fixed measurements: no plan is
// generated and nothing is timed.
package benchreport

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const meta = "meta\tdate\t2026-11-28T00:00Z\nmeta\tcommit\tabc1234\nmeta\tcpus\t2\nmeta\tgo\tgo1.26\n" +
	"meta\truns\t3\nmeta\tpeer_runs\t3\nmeta\tpeers\tconftest opa\nmeta\tsource\t1\n" +
	"meta\tbudget\t2400\nmeta\telapsed\t900\nmeta\tload_before\t1.00 1.00 1.00\nmeta\tload_after\t2.00 2.00 2.00\n"

// m is one measurement record: tool, row, wall, cpu, MiB, load, note.
func m(tool, row, wall, cpu, mib, load, note string) string {
	return strings.Join([]string{"m", tool, row, wall, cpu, mib, "3", load, note}, "\t") + "\n"
}

// report writes the TSV, runs the script and returns results.md, stdout
// and the exit code.
func report(t *testing.T, tsv string) (string, string, int) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "measurements.tsv"), []byte(tsv), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join("..", "..", "scripts", "bench-report.sh"), dir)
	out, err := cmd.CombinedOutput()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run bench-report.sh: %v", err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "results.md"))
	return string(md), string(out), code
}

func mustContain(t *testing.T, md string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(md, l) {
			t.Errorf("results.md lacks %q\n%s", l, md)
		}
	}
}

func TestVerdicts(t *testing.T) {
	tsv := meta +
		"row\t10000:each\t21\nrow\t50000:each\t101\nrow\t100000:each\t201\nrow\t50000:distinct\t132\n" +
		"row\t10000:community\t33\nrow\t50000:community\t132\nrow\t100000:community\t255\n" +
		m("letsleep", "10000:each", "0.50", "0.60", "90", "1.5", "") +
		m("scan", "10000:each", "0.10", "0.10", "4", "1.5", "") +
		m("letsleep", "50000:each", "2.40", "2.00", "400", "2.5", "") +
		m("scan", "50000:each", "0.60", "0.50", "4", "2.5", "") +
		m("letsleep", "100000:each", "4.50", "4.00", "900", "3.5", "") +
		m("scan", "100000:each", "1.00", "1.00", "4", "3.5", "") +
		m("letsleep", "50000:distinct", "3.50", "3.00", "600", "4.5", "") +
		m("scan", "50000:distinct", "0.60", "0.50", "4", "4.5", "") +
		m("letsleep", "10000:community", "0.50", "0.50", "100", "1.0", "") +
		m("source", "10000:community", "0.60", "0.60", "110", "1.0", "") +
		m("scan", "10000:community", "0.20", "0.20", "4", "1.0", "") +
		m("letsleep", "50000:community", "2.00", "1.00", "500", "1.0", "") +
		m("source", "50000:community", ">120", "", "", "6.0", "timed out after 120s") +
		m("scan", "50000:community", "0.30", "0.25", "4", "1.0", "") +
		m("letsleep", "100000:community", "8.00", "7.00", "950", "1.0", "") +
		m("scan", "100000:community", "0.60", "0.50", "4", "1.0", "") +
		m("opa", "10000:each", "3.00", "2.90", "280", "7.0", "") +
		m("conftest", "10000:each", "0.40", "0.40", "300", "7.0", "") +
		m("opa", "50000:each", "", "", "", "", "skipped: BENCH_BUDGET (2400 s) spent") +
		m("conftest", "50000:each", ">120", "", "", "8.0", "timed out after 120s") +
		"meta\tfindings_row\t10000:each\nmeta\tfindings_conftest\t330\nmeta\tfindings_opa\t\n"
	md, out, code := report(t, tsv)
	if code != 1 {
		t.Errorf("exit %d, want 1 (targets FAIL)\n%s", code, out)
	}
	if !strings.Contains(out, "## Targets") {
		t.Errorf("the report is not printed:\n%s", out)
	}
	mustContain(t, md,
		"| 50000 | each | 101 | 2.40 / 2.00 / 400 (load 2.5) | 0.60 / 0.50 / 4 (load 2.5) | 4.00×, 4.00× | n/a (no sources) | n/a |",
		"- 50000:each: ≤ 5× the token-scan floor (cpu): **PASS** (4.00×",
		"- 50000:each: peak RSS < 512 MiB: **PASS** (400 MiB)",
		"- 50000:distinct: ≤ 5× the token-scan floor (cpu): **FAIL** (6.00×",
		"- 50000:distinct: peak RSS < 512 MiB: **FAIL** (600 MiB)",
		"- 50000:community: ≤ 5× the token-scan floor (cpu): **PASS** (4.00×",
		"- 50000:community with source: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB: **FAIL** (source: timed out after 120s)",
		"- 100000:each: < 5 s wall, peak RSS < 1 GiB: **PASS** (4.50 s (4.00 s cpu, load 3.5), 900 MiB)",
		"- 100000:each: time(100k)/time(10k) ≤ 12: **PASS** (9.00 wall, 6.67 cpu)",
		"- 100000:community: < 5 s wall, peak RSS < 1 GiB: **FAIL** (8.00 s",
		"- 100000:community: time(100k)/time(10k) ≤ 12: **FAIL** (16.00 wall",
		"- 100000:community with source: < 5 s wall, peak RSS < 1 GiB: **UNMEASURED**",
		"- letsleep faster than conftest (wall): **FAIL** (10000:each: 0.50 s vs 0.40 s; 50000:each: conftest timed out)",
		"- letsleep faster than opa (wall): **PASS** (10000:each: 0.50 s vs 3.00 s)",
		"| 10000 | community | 33 | 0.50 / 0.50 / 100 (load 1.0) | 0.20 / 0.20 / 4 (load 1.0) | 2.50×, 2.50× | 0.60 / 0.60 / 110 (load 1.0) | 3.00× |",
		"- opa at 50000:each: skipped: BENCH_BUDGET (2400 s) spent",
		"- conftest and opa eval find the same on 10000:each: **FAIL** (conftest 330, opa eval no output findings)",
	)
}

func TestAllPass(t *testing.T) {
	tsv := meta + "meta\tfindings_row\t50000:each\nmeta\tfindings_conftest\t60\nmeta\tfindings_opa\t60\n" +
		"row\t50000:each\t101\n" +
		m("letsleep", "50000:each", "2.40", "2.00", "400", "2.5", "") +
		m("scan", "50000:each", "0.60", "0.50", "4", "2.5", "") +
		m("opa", "50000:each", "20.00", "19.00", "1300", "2.5", "")
	md, out, code := report(t, tsv)
	if code != 0 {
		t.Errorf("exit %d, want 0: UNMEASURED targets must not fail the bench\n%s", code, out)
	}
	if strings.Contains(md, "**FAIL**") {
		t.Errorf("a FAIL without a failing figure:\n%s", md)
	}
	mustContain(t, md,
		"- 50000:distinct: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB: **UNMEASURED** (not in BENCH_SIZES/BENCH_DISTINCT/BENCH_SOURCE)",
		"- 100000:each: time(100k)/time(10k) ≤ 12: **UNMEASURED** (needs 10000:each and 100000:each)",
		"- letsleep faster than opa (wall): **PASS**",
		"- conftest and opa eval find the same on 50000:each: **PASS** (conftest 60, opa eval 60 findings)",
	)
}

func TestMissingMeasurements(t *testing.T) {
	cmd := exec.Command("bash", filepath.Join("..", "..", "scripts", "bench-report.sh"), t.TempDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "measurements.tsv not found") {
		t.Errorf("want exit 2 naming the missing file, got %v: %s", err, out)
	}
}
