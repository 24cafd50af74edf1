package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"

	"github.com/letsleep/letsleep/internal/probe"
	"github.com/letsleep/letsleep/internal/probe/probetest"
)

func TestLocalModeStdinToStdout(t *testing.T) {
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "")
	addr := probetest.ClosingListener(t)
	req := `{"id":"r1","checks":[{"name":"db","kind":"tcp","host":"127.0.0.1","port":` + itoa(addr.Port) + `}]}`
	var stdout, stderr bytes.Buffer
	if code := run(nil, strings.NewReader(req), &stdout, &stderr, noAWS); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var resp probe.Response
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		t.Fatalf("stdout is not a response: %q", stdout.String())
	}
	if resp.ID != "r1" || len(resp.Results) != 1 || resp.Results[0].Outcome != probe.OutcomeReachable {
		t.Fatalf("got %+v", resp)
	}
	if !strings.Contains(stderr.String(), `"outcome":"reachable"`) {
		t.Fatalf("stderr logs lack the outcome: %s", stderr.String())
	}
}

func TestLocalModeRequestFlag(t *testing.T) {
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "")
	path := filepath.Join(t.TempDir(), "req.json")
	os.WriteFile(path, []byte(`{"id":"f","checks":[{"kind":"dns"}]}`), 0o600)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-request", path}, strings.NewReader("ignored"), &stdout, &stderr, noAWS); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var resp probe.Response
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil || resp.ID != "f" || resp.Results[0].Outcome != probe.OutcomeError {
		t.Fatalf("got %+v (%v)", resp, err)
	}
}

func TestLocalModeBadInput(t *testing.T) {
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "")
	cases := map[string]string{
		"":                            "empty input",
		"{not json":                   "invalid JSON at byte",
		`{"id":"x","checkz":[]}`:      `unknown field "checkz"`,
		`{"id":"x"} {"id":"y"}`:       "more than one JSON value",
		`{"id":"x","checks":{"a":1}}`: "decode request",
	}
	for in, want := range cases {
		var stdout, stderr bytes.Buffer
		code := run(nil, strings.NewReader(in), &stdout, &stderr, noAWS)
		if code != 2 || !strings.Contains(stderr.String(), want) || !strings.HasPrefix(stderr.String(), "probe: stdin: ") || stdout.Len() != 0 {
			t.Errorf("input %q: exit %d stderr %q stdout %q; want exit 2 and %q", in, code, stderr.String(), stdout.String(), want)
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"-request", "/nonexistent/req.json"}, nil, &bytes.Buffer{}, &stderr, noAWS); code != 2 || !strings.Contains(stderr.String(), "/nonexistent/req.json") {
		t.Errorf("missing file: exit %d %q", code, stderr.String())
	}
}

// The Lambda path: the same JSON through aws-lambda-go's handler wrapper.
func TestLambdaHandlerRoundTrip(t *testing.T) {
	addr := probetest.ClosingListener(t)
	h := lambda.NewHandler(handler(probe.Deps{}))
	payload := []byte(`{"id":"l1","checks":[{"name":"db","kind":"tcp","host":"127.0.0.1","port":` + itoa(addr.Port) + `},{"name":"nx","kind":"tcp","host":"127.0.0.1","port":1,"timeout_ms":300}]}`)
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var resp probe.Response
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.ID != "l1" || resp.Results[0].Outcome != probe.OutcomeReachable || resp.Results[1].Outcome != probe.OutcomeRefused {
		t.Fatalf("got %s", out)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func noAWS(context.Context) (probe.AWSClients, error) {
	return probe.AWSClients{}, errors.New("no aws in this test")
}

const sentinel = "db-password-SENTINEL-91ab"

type leakySecrets struct{ fail bool }

func (l leakySecrets) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if l.fail {
		return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not for you: " + sentinel}
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(sentinel)}, nil
}

// The whole binary path, stdout and stderr, never shows the secret.
func TestLocalModeNeverPrintsTheSecret(t *testing.T) {
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "")
	for _, fail := range []bool{false, true} {
		clients := func(context.Context) (probe.AWSClients, error) {
			return probe.AWSClients{Secrets: leakySecrets{fail: fail}}, nil
		}
		req := `{"id":"s","checks":[{"name":"secret","kind":"aws","action":"secretsmanager:GetSecretValue","target":"rds!cluster-1"}]}`
		var stdout, stderr bytes.Buffer
		if code := run(nil, strings.NewReader(req), &stdout, &stderr, clients); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if strings.Contains(stdout.String()+stderr.String(), "SENTINEL") {
			t.Fatalf("secret printed (fail=%v): stdout %s stderr %s", fail, stdout.String(), stderr.String())
		}
		want := `"outcome":"reachable"`
		if fail {
			want = `"outcome":"denied"`
		}
		if !strings.Contains(stdout.String(), want) {
			t.Fatalf("fail=%v: stdout %s lacks %s", fail, stdout.String(), want)
		}
	}
}
