package awsbackend

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

func TestBurstIsBoundedInCountAndTime(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/slow" {
			time.Sleep(100 * time.Millisecond)
		}
		w.WriteHeader(http.StatusForbidden) // an IAM-signed URL hit unsigned
	}))
	defer srv.Close()
	client := &http.Client{Timeout: 2 * time.Second}

	res := Burst(context.Background(), client, backend.Endpoint{Name: "fast", URL: srv.URL + "/"}, 7, 5*time.Second)
	if res.Sent != 7 || res.Errors != 0 || hits.Load() != 7 {
		t.Fatalf("count bound: sent %d errors %d server saw %d", res.Sent, res.Errors, hits.Load())
	}

	hits.Store(0)
	start := time.Now()
	res = Burst(context.Background(), client, backend.Endpoint{Name: "slow", URL: srv.URL + "/slow"}, 1000, 350*time.Millisecond)
	// 100 ms per request in a 350 ms window: at most 4 fit, and the window
	// (plus scheduler slack on a loaded machine) ends the burst, not the count.
	if time.Since(start) > 350*time.Millisecond+time.Second || res.Sent > 5 || res.Sent < 1 {
		t.Fatalf("time bound: sent %d in %v", res.Sent, time.Since(start))
	}

	res = Burst(context.Background(), client, backend.Endpoint{Name: "closed", URL: "http://127.0.0.1:1/"}, 3, time.Second)
	if res.Sent != 3 || res.Errors != 3 {
		t.Fatalf("unreachable endpoint: %+v", res)
	}
	if err := Hit(context.Background(), client, backend.Endpoint{Name: "nourl"}); err == nil {
		t.Fatal("endpoint without URL accepted")
	}
}

func TestSkipReason(t *testing.T) {
	cases := []struct {
		env  map[string]string
		skip bool
	}{
		{map[string]string{}, true},
		{map[string]string{"AWS_PROFILE": "dev"}, true},
		{map[string]string{"LETSLEEP_AWS": "1"}, true},
		{map[string]string{"LETSLEEP_AWS": "1", "AWS_ACCESS_KEY_ID": "offline-fake"}, true},
		{map[string]string{"LETSLEEP_AWS": "true", "AWS_PROFILE": "dev"}, true},
		{map[string]string{"LETSLEEP_AWS": "1", "AWS_PROFILE": "dev"}, false},
		{map[string]string{"LETSLEEP_AWS": "1", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, false},
	}
	for _, tc := range cases {
		for _, k := range append([]string{"LETSLEEP_AWS"}, credentialVars...) {
			t.Setenv(k, tc.env[k])
		}
		got := SkipReason()
		if (got != "") != tc.skip || (tc.skip && got != SkipMessage) {
			t.Errorf("env %v: SkipReason %q", tc.env, got)
		}
	}
}
