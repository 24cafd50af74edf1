package integrity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/report"
)

// TestJSONByteIdentical: the JSON report is byte-identical across three
// runs under each of GOMAXPROCS=1, 2 and 8, for every real-world plan and a
// multi-plan run; --output writes the same bytes; findings are in the
// contract's order.
func TestJSONByteIdentical(t *testing.T) {
	for _, in := range inputs(t) {
		t.Run(in.name, func(t *testing.T) {
			args := append([]string{"check", "--format", "json"}, in.paths...)
			var first []byte
			for _, procs := range []int{1, 2, 8} {
				for i := 0; i < 3; i++ {
					out, _ := run(t, []string{fmt.Sprintf("GOMAXPROCS=%d", procs)}, args...)
					if first == nil {
						first = out
						continue
					}
					if !bytes.Equal(out, first) {
						t.Fatalf("run %d with GOMAXPROCS=%d differs from the first run:\n%s", i+1, procs, firstDiff(first, out))
					}
				}
			}
			file := filepath.Join(t.TempDir(), "report.json")
			run(t, nil, append([]string{"check", "--format", "json", "--output", file}, in.paths...)...)
			written, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(written, first) {
				t.Errorf("--output wrote different bytes than stdout:\n%s", firstDiff(first, written))
			}
			var rep report.Report
			if err := json.Unmarshal(first, &rep); err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(rep.Findings); i++ {
				if report.Less(rep.Findings[i], rep.Findings[i-1]) {
					t.Errorf("findings out of order at %d: %+v before %+v", i, rep.Findings[i-1], rep.Findings[i])
				}
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return fmt.Sprintf("first difference at byte %d:\n--- first\n%s\n--- this\n%s", i, a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
}
