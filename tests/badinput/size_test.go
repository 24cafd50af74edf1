package badinput

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxChildRSSKB bounds the memory letsleep may take on a 500 MB input.
const maxChildRSSKB = 1536 << 10 // 1.5 GiB

// TestDeepNesting: JSON nested 10,000 levels deep is refused with a clear
// message, wherever the nesting sits; nesting just under the decoder's limit
// inside a resource is analysed or refused, never a crash or a hang.
func TestDeepNesting(t *testing.T) {
	t.Parallel()
	const depth = 10000
	deepObj := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
	deepArr := strings.Repeat("[", depth) + strings.Repeat("]", depth)

	t.Run("object nested 10,000 levels from the root", func(t *testing.T) {
		t.Parallel()
		path := writeFile(t, "deep.json", []byte(deepObj))
		res := run(t, runOpts{}, "check", "--format", "json", path)
		assertInputErr(t, res, path, inputErr{contains: []string{"letsleep: {file}: "}, matches: []string{`not a terraform plan|too deep`}})
	})

	t.Run("10,000 levels inside a resource value", func(t *testing.T) {
		t.Parallel()
		doc := `{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"tags":` + deepArr + `}}]}}}`
		path := writeFile(t, "deep.json", []byte(doc))
		res := run(t, runOpts{}, "check", "--format", "json", path)
		assertInputErr(t, res, path, inputErr{
			contains: []string{"letsleep: {file}: JSON nesting is too deep (over 10000 levels)"}})
	})

	t.Run("10,000 levels under a key letsleep does not read", func(t *testing.T) {
		t.Parallel()
		// A valid plan with an extra key: ignoring the key is right, as long
		// as nothing crashes and the plan itself is still checked.
		plan := string(mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})))
		doc := `{"x":` + deepArr + "," + plan[1:]
		path := writeFile(t, "deep.json", []byte(doc))
		res := run(t, runOpts{}, "check", "--format", "json", path)
		switch {
		case res.code == 0 || res.code == 1:
			if !strings.Contains(res.stdout, `"format_version": "1.2"`) {
				t.Errorf("exit %d but the report does not show the plan was read:\n%s", res.code, tail(res.stdout))
			}
		case res.code == 2:
			assertInputErr(t, res, path, inputErr{contains: []string{"too deep"}})
		default:
			t.Errorf("exit %d\nstderr:\n%s", res.code, tail(res.stderr))
		}
	})

	t.Run("deep but under the limit inside a resource", func(t *testing.T) {
		t.Parallel()
		const inner = 5000
		nested := strings.Repeat(`{"k":`, inner) + `"v"` + strings.Repeat("}", inner)
		r := tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}}
		doc := string(mustJSON(t, planDoc(r)))
		// Splice the nested value in as an attribute of the bucket.
		doc = strings.Replace(doc, `"bucket":"b"`, `"bucket":"b","deep":`+nested, 2)
		path := writeFile(t, "deep-ok.json", []byte(doc))
		res := run(t, runOpts{}, "check", "--format", "json", path)
		if res.code != 0 && res.code != 1 && res.code != 2 {
			t.Fatalf("exit code %d; want 0, 1 or a clean 2\nstderr:\n%s", res.code, tail(res.stderr))
		}
		if res.code == 2 && !advice.MatchString(res.stderr) {
			t.Fatalf("refused without saying what to do:\n%s", tail(res.stderr))
		}
	})
}

// TestHugePlan: a 500 MB file must load within memory or fail cleanly with a
// size message; it may never exhaust memory. The child's peak RSS is measured.
func TestHugePlan(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP LOUDLY: -short skips the 500 MB inputs")
	}
	const size = 500 << 20
	prefix := `{"format_version":"1.2","terraform_version":"1.9.5",`
	cases := []struct {
		name  string
		write func(w *bufio.Writer) error
	}{
		{"valid plan padded with 500 MB of white space", func(w *bufio.Writer) error {
			doc := string(mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})))
			if _, err := w.WriteString(doc[:len(doc)-1] + ","); err != nil {
				return err
			}
			if err := writeRepeated(w, ' ', size); err != nil {
				return err
			}
			_, err := w.WriteString(`"padding":null}`)
			return err
		}},
		{"500 MB string in an unused key", func(w *bufio.Writer) error {
			if _, err := w.WriteString(prefix + `"padding":"`); err != nil {
				return err
			}
			if err := writeRepeated(w, 'x', size); err != nil {
				return err
			}
			_, err := w.WriteString(`","planned_values":{"root_module":{}},"resource_changes":[]}`)
			return err
		}},
		{"500 MB string in a resource attribute", func(w *bufio.Writer) error {
			if _, err := w.WriteString(prefix + `"planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","provider_name":"registry.terraform.io/hashicorp/aws","values":{"bucket":"`); err != nil {
				return err
			}
			if err := writeRepeated(w, 'b', size); err != nil {
				return err
			}
			_, err := w.WriteString(`"}}]}},"resource_changes":[]}`)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "huge.json")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			w := bufio.NewWriterSize(f, 1<<20)
			if err := tc.write(w); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			res := run(t, runOpts{timeout: 180e9}, "check", "--format", "json", path)
			t.Logf("exit %d in %s, peak RSS %d MiB", res.code, res.elapsed.Round(1e6), res.maxRSSKB>>10)
			if res.maxRSSKB > maxChildRSSKB {
				t.Errorf("peak RSS %d MiB exceeds %d MiB on a 500 MB input", res.maxRSSKB>>10, maxChildRSSKB>>10)
			}
			switch res.code {
			case 0, 1:
			case 2:
				msg := strings.TrimSpace(res.stderr)
				if !strings.Contains(msg, path) || !strings.Contains(strings.ToLower(msg), "limit") && !strings.Contains(strings.ToLower(msg), "large") {
					t.Errorf("refused a 500 MB plan without a size/limit message naming the file:\n%s", tail(msg))
				}
			default:
				t.Errorf("exit code %d on a 500 MB input\nstderr:\n%s", res.code, tail(res.stderr))
			}
		})
	}
}

func writeRepeated(w *bufio.Writer, c byte, n int) error {
	chunk := []byte(strings.Repeat(string(c), 1<<20))
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// TestPlanOverTheSizeLimit: a file over the 1 GiB limit is refused from its
// size alone (a sparse file, so the test writes nothing), with a size
// message whose advice the user can act on.
func TestPlanOverTheSizeLimit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	const size = 1<<30 + 1<<20
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := run(t, runOpts{}, "check", path)
	assertInputErr(t, res, path, inputErr{contains: []string{"letsleep: {file}: plan JSON is larger than the 1 GiB limit (1074790400 bytes)"}})
	if res.elapsed > 10e9 {
		t.Errorf("refusing an oversized file took %s: it should not read it", res.elapsed)
	}
	if strings.Contains(res.stderr, "raise the limit") && !strings.Contains(res.stderr, "--") && !strings.Contains(res.stderr, "LETSLEEP_") {
		t.Errorf("the message says to raise the limit but not how (no flag or variable named):\n%s", res.stderr)
	}
}
