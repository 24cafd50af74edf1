// Package action runs the GitHub Action's script (scripts/action.sh) locally
// on a bundled plan, with the inputs of the README's workflow resolved the
// way GitHub resolves them from action.yml, a fake GITHUB_* environment and
// a fake `gh` that serves and records the API calls. No network, no terraform.
package action

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

var repoRoot = filepath.Join("..", "..")

// bundledPlan has findings from critical down (see internal/model/testdata).
var bundledPlan = filepath.Join(repoRoot, "internal", "model", "testdata", "stack", "plan.json")

const ownMarker = "<!-- letsleep-action: plan.json -->"

// readmeWorkflow is the workflow between the action-example markers of the README.
func readmeWorkflow(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- action-example:start -->\n```yaml\n(.*?)```\n<!-- action-example:end -->").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no action example between the action-example markers")
	}
	var wf map[string]any
	if err := yaml.Unmarshal(m[1], &wf); err != nil {
		t.Fatalf("README workflow is not YAML: %v", err)
	}
	return wf
}

// letsleepStep returns the README step that uses the action, and its ref.
func letsleepStep(t *testing.T, wf map[string]any) (with map[string]string, ref string) {
	t.Helper()
	jobs, _ := wf["jobs"].(map[string]any)
	for _, j := range jobs {
		steps, _ := j.(map[string]any)["steps"].([]any)
		for _, s := range steps {
			step, _ := s.(map[string]any)
			uses, _ := step["uses"].(string)
			if name, r, ok := strings.Cut(uses, "@"); ok && name == "letsleep/letsleep" {
				with = map[string]string{}
				w, _ := step["with"].(map[string]any)
				for k, v := range w {
					with[k] = strings.TrimSpace(yamlString(v))
				}
				return with, r
			}
		}
	}
	t.Fatal("the README workflow has no step with uses: letsleep/letsleep@REF")
	return nil, ""
}

func yamlString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

type actionYAML struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Steps []struct {
			ID  string            `yaml:"id"`
			Env map[string]string `yaml:"env"`
			Run string            `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// scriptEnv resolves the check step's env from action.yml: each
// ${{ inputs.X }} becomes the workflow's with: X, or the input's default.
func scriptEnv(t *testing.T, with map[string]string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionYAML
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	for k := range with {
		if _, ok := a.Inputs[k]; !ok {
			t.Errorf("the README passes %q, which action.yml does not declare", k)
		}
	}
	ref := regexp.MustCompile(`^\$\{\{ inputs\.([a-z-]+) \}\}$`)
	for _, s := range a.Runs.Steps {
		if s.ID != "check" {
			continue
		}
		if !strings.Contains(s.Run, "scripts/action.sh") {
			t.Fatalf("the check step does not run scripts/action.sh: %q", s.Run)
		}
		var env []string
		for k, v := range s.Env {
			m := ref.FindStringSubmatch(v)
			if m == nil {
				continue
			}
			in, ok := a.Inputs[m[1]]
			if !ok {
				t.Errorf("action.yml step check uses undeclared input %s", m[1])
			}
			val := in.Default
			if w, ok := with[m[1]]; ok {
				val = w
			}
			env = append(env, k+"="+val)
		}
		return env
	}
	t.Fatal("action.yml has no step with id check")
	return nil
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildLetsleep builds the binary once for all tests of the package.
func buildLetsleep(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "letsleep-action-test-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "letsleep")
		build := exec.Command("go", "build", "-o", builtBin, "./cmd/letsleep")
		build.Dir = repoRoot
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

type fixture struct {
	dir, fakeBin, ghLog, calls, ghOutput, summary string
}

// setup builds letsleep, puts a counting shim and a fake gh on the PATH, and
// copies the bundled plan to plan.json in the workspace.
func setup(t *testing.T, comments string) fixture {
	t.Helper()
	var bash string
	for _, tool := range []string{"bash", "jq"} {
		path, err := exec.LookPath(tool)
		if tool == "bash" {
			bash = path
		}
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to run the action's script", tool)
			}
			t.Skipf("SKIP LOUDLY: %s not found; the action's script cannot run here", tool)
		}
	}
	dir := t.TempDir()
	f := fixture{
		dir: filepath.Join(dir, "ws"), fakeBin: filepath.Join(dir, "bin"),
		ghLog: filepath.Join(dir, "gh.log"), calls: filepath.Join(dir, "calls.log"),
		ghOutput: filepath.Join(dir, "github_output"), summary: filepath.Join(dir, "summary.md"),
	}
	os.MkdirAll(f.dir, 0o755)
	os.MkdirAll(f.fakeBin, 0o755)
	real := buildLetsleep(t)
	plan, err := os.ReadFile(bundledPlan)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(f.dir, "plan.json"), plan, 0o644)
	os.WriteFile(filepath.Join(dir, "comments.json"), []byte(comments), 0o644)
	shim := "#!" + bash + "\necho \"$1\" >> " + f.calls + "\nexec " + real + " \"$@\"\n"
	os.WriteFile(filepath.Join(f.fakeBin, "letsleep"), []byte(shim), 0o755)
	// The fake gh records every call; a list of comments gets comments.json,
	// a PATCH or POST keeps the body it was given.
	gh := "#!" + bash + `
echo "gh $*" >> ` + f.ghLog + `
for a in "$@"; do
  case "$a" in body=@*) cp "${a#body=@}" ` + filepath.Join(dir, "posted.md") + ` ;; esac
done
case "$*" in *"--method"*) echo '{}' ;; *) cat ` + filepath.Join(dir, "comments.json") + ` ;; esac
`
	os.WriteFile(filepath.Join(f.fakeBin, "gh"), []byte(gh), 0o755)
	return f
}

// run runs the script as the check step would, with the README's inputs.
func (f fixture) run(t *testing.T, event map[string]any, repo string) string {
	t.Helper()
	with, _ := letsleepStep(t, readmeWorkflow(t))
	eventPath := filepath.Join(filepath.Dir(f.dir), "event.json")
	b, _ := json.Marshal(event)
	os.WriteFile(eventPath, b, 0o644)
	script, _ := filepath.Abs(filepath.Join(repoRoot, "scripts", "action.sh"))
	cmd := exec.Command("bash", script)
	cmd.Dir = f.dir
	cmd.Env = append([]string{
		"PATH=" + f.fakeBin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"GITHUB_EVENT_NAME=pull_request",
		"GITHUB_EVENT_PATH=" + eventPath,
		"GITHUB_REPOSITORY=" + repo,
		"GITHUB_OUTPUT=" + f.ghOutput,
		"GITHUB_STEP_SUMMARY=" + f.summary,
		"RUNNER_TEMP=" + filepath.Dir(f.dir),
		"GH_TOKEN=fake",
	}, scriptEnv(t, with)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("action.sh failed: %v\n%s", err, out)
	}
	return string(out)
}

func (f fixture) outputs(t *testing.T) map[string]string {
	t.Helper()
	b, _ := os.ReadFile(f.ghOutput)
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

func prEvent(headRepo string) map[string]any {
	return map[string]any{"pull_request": map[string]any{
		"number": 7,
		"head":   map[string]any{"repo": map[string]any{"full_name": headRepo}},
	}}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The README workflow on a same-repository PR: letsleep runs once, the SARIF
// is valid and handed to the upload step, annotations are printed, the job
// summary gets the Markdown, and letsleep's own comment is updated while
// another bot's comment is left alone.
func TestActionOnPullRequestUpdatesItsOwnComment(t *testing.T) {
	comments := `[{"id": 11, "user": {"login": "github-actions[bot]"}, "body": "coverage report"},
	              {"id": 42, "user": {"login": "github-actions[bot]"}, "body": "` + strings.ReplaceAll(ownMarker, `"`, `\"`) + `\nold report"}]`
	f := setup(t, comments)
	out := f.run(t, prEvent("acme/infra"), "acme/infra")

	if calls := strings.Fields(read(t, f.calls)); strings.Count(strings.Join(calls, " "), "check") != 1 {
		t.Errorf("letsleep check ran %d times, want once: %v", strings.Count(strings.Join(calls, " "), "check"), calls)
	}
	o := f.outputs(t)
	if o["exit-code"] != "1" {
		t.Errorf("exit-code %q, want 1 (the plan has critical findings, fail-on high)", o["exit-code"])
	}
	if o["upload-sarif"] != "true" {
		t.Errorf("upload-sarif %q, want true", o["upload-sarif"])
	}
	var sarif struct {
		Version string
		Runs    []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal([]byte(read(t, o["sarif-file"])), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) == 0 {
		t.Errorf("sarif-file: %v, version %q", err, sarif.Version)
	}
	if !strings.Contains(out, "::error title=LSL-") {
		t.Errorf("no error annotation on the run:\n%s", out)
	}
	if !strings.Contains(read(t, f.summary), "letsleep: FAILED") {
		t.Error("the job summary lacks the Markdown report")
	}
	gh := read(t, f.ghLog)
	if !strings.Contains(gh, "--method PATCH repos/acme/infra/issues/comments/42 ") {
		t.Errorf("own comment 42 not updated:\n%s", gh)
	}
	if strings.Contains(gh, "comments/11") || strings.Contains(gh, "--method POST") {
		t.Errorf("another comment touched or a new one posted:\n%s", gh)
	}
	if posted := read(t, filepath.Join(filepath.Dir(f.dir), "posted.md")); !strings.HasPrefix(posted, ownMarker+"\n") || !strings.Contains(posted, "letsleep: FAILED") {
		t.Errorf("comment body lacks the marker or the report:\n%.300s", posted)
	}
}

func TestActionPostsANewCommentWhenItHasNone(t *testing.T) {
	f := setup(t, `[{"id": 11, "body": "<!-- letsleep-action: other/stack -->\nanother stack's report"}]`)
	f.run(t, prEvent("acme/infra"), "acme/infra")
	gh := read(t, f.ghLog)
	if !strings.Contains(gh, "--method POST repos/acme/infra/issues/7/comments ") || strings.Contains(gh, "PATCH") {
		t.Errorf("want one new comment on PR 7 and no edit:\n%s", gh)
	}
}

// A fork's token is read-only: no upload, no comment, a notice for each,
// and the check itself still runs and sets its exit code.
func TestActionOnForkSkipsUploadAndComment(t *testing.T) {
	f := setup(t, `[]`)
	out := f.run(t, prEvent("stranger/infra"), "acme/infra")
	if _, err := os.Stat(f.ghLog); err == nil {
		t.Errorf("gh was called on a fork PR:\n%s", read(t, f.ghLog))
	}
	o := f.outputs(t)
	if o["upload-sarif"] != "false" || o["exit-code"] != "1" {
		t.Errorf("outputs %v, want upload-sarif=false and exit-code=1", o)
	}
	for _, want := range []string{"the SARIF upload is skipped", "the comment is skipped"} {
		if !strings.Contains(out, "::notice title=letsleep::pull request from a fork (stranger/infra): "+want) {
			t.Errorf("no notice %q:\n%s", want, out)
		}
	}
}

// The plan hook of .pre-commit-hooks.yaml checks a plan offline: its entry
// and args, run as pre-commit would, work on the bundled plan without
// terraform or network. The directory hook is named letsleep-dir.
func TestPreCommitHooks(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID, Entry string
		Args      []string
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	byID := map[string][]string{}
	for _, h := range hooks {
		byID[h.ID] = append(strings.Fields(h.Entry), h.Args...)
	}
	if dir := byID["letsleep-dir"]; len(dir) == 0 || dir[len(dir)-1] != "." {
		t.Errorf("letsleep-dir hook: %v, want it to plan a directory", dir)
	}
	argv := byID["letsleep"]
	if len(argv) < 3 || argv[0] != "letsleep" || argv[1] != "check" {
		t.Fatalf("letsleep hook: %v", argv)
	}
	f := setup(t, `[]`)
	cmd := exec.Command(filepath.Join(f.fakeBin, "letsleep"), argv[1:]...)
	cmd.Dir = f.dir
	// No terraform on the PATH: the plan hook must not need it.
	cmd.Env = []string{"PATH=/nonexistent", "HOME=" + f.dir}
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "FAILED") {
		t.Errorf("plan hook on the bundled plan: exit %d (%v), want 1 with the findings:\n%s", code, err, out)
	}
}

// On a laptop with normal internet there is no mirror: make check must
// still work, so terraformrc.sh writes a config that uses the registry.
func TestTerraformrcFallsBackToTheRegistry(t *testing.T) {
	out := filepath.Join(t.TempDir(), "build", "terraformrc")
	cmd := exec.Command("bash", filepath.Join(repoRoot, "scripts", "terraformrc.sh"), out)
	cmd.Env = append(os.Environ(), "LETSLEEP_TF_MIRROR=registry")
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("terraformrc.sh without a mirror: %v\n%s", err, msg)
	}
	rc := read(t, out)
	if strings.Contains(rc, "filesystem_mirror") || !strings.Contains(rc, "plugin_cache_dir") {
		t.Errorf("config without a mirror:\n%s", rc)
	}
	if !strings.Contains(string(msg), "download providers from registry.terraform.io") {
		t.Errorf("no word that the registry is used: %s", msg)
	}
}
