//go:build linux

package lab

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/probe"
)

// The probe child the lab runs without the runtime emulator makes its AWS
// calls with the same clients as the probe binary, from the environment
// the lab gives it (awsEnv): loopback only, no lab.
func TestProbeChildCallsAWSFromItsEnvironment(t *testing.T) {
	const arn = "arn:aws:secretsmanager:eu-west-1:000000000000:secret:db"
	api := &awsAPI{region: labRegion, secrets: map[string]string{arn: "throwaway"}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	for _, kv := range []string{"AWS_REGION=" + labRegion, "AWS_ACCESS_KEY_ID=AKIALABTEST", "AWS_SECRET_ACCESS_KEY=lab-fake-secret",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=" + srv.URL, "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent"} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	req, _ := json.Marshal(probe.Request{ID: "t", Checks: []probe.Check{{Name: "db-secret", Kind: probe.KindAWS, Action: probe.ActionGetSecretValue, Target: arn, TimeoutMS: 3000}}})
	var out bytes.Buffer
	if code := probeChild(bytes.NewReader(req), &out); code != 0 {
		t.Fatalf("probe child exit %d", code)
	}
	var resp probe.Response
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Results) != 1 || resp.Results[0].Outcome != probe.OutcomeReachable {
		t.Fatalf("want the secret read through the stand-in, got %+v", resp.Results)
	}
	if strings.Contains(out.String(), "throwaway") {
		t.Fatal("the response quotes the secret value")
	}
}

func TestProbeEnvironmentDropsTheHostsAWSSettings(t *testing.T) {
	got := withoutAWSEnv([]string{"PATH=/bin", "AWS_PROFILE=admin", "AWS_SESSION_TOKEN=x", "HOME=/root"})
	if strings.Join(got, " ") != "PATH=/bin HOME=/root" {
		t.Fatalf("got %v", got)
	}
}
