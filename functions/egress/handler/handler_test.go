package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

const (
	testKey    = "sk-test-0123456789"
	testPrompt = "summarise the confidential board minutes"
)

type fakeSecrets struct {
	reads atomic.Int32
	value string
	err   error
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.reads.Add(1)
	if f.err != nil {
		return nil, f.err
	}
	if aws.ToString(in.SecretId) != "own-key" {
		return nil, errors.New("AccessDeniedException")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(f.value)}, nil
}

// llm is a loopback TLS stand-in for the LLM API.
func llm(t *testing.T, status *atomic.Int32) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if s := status.Load(); s != 0 {
			w.WriteHeader(int(s))
			_, _ = w.Write([]byte(`{"echo":"` + testPrompt + `"}`)) // must not surface
			return
		}
		var req Request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(Response{Completion: "ok: " + req.Prompt[:9]})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newHandler(srv *httptest.Server, s Secrets) *Handler {
	c := srv.Client()
	c.Timeout = 5 * time.Second
	return &Handler{Secrets: s, SecretID: "own-key", URL: srv.URL + "/v1/complete", HTTP: c}
}

func TestCompletesWithOwnKeyAndCachesIt(t *testing.T) {
	var status atomic.Int32
	sec := &fakeSecrets{value: testKey}
	h := newHandler(llm(t, &status), sec)
	for i := 0; i < 3; i++ {
		resp, err := h.Handle(context.Background(), Request{Prompt: testPrompt})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Completion != "ok: summarise" {
			t.Fatalf("completion %q", resp.Completion)
		}
	}
	if n := sec.reads.Load(); n != 1 {
		t.Fatalf("secret read %d times, want once (cached)", n)
	}
}

func TestRereadsKeyAfterUnauthorized(t *testing.T) {
	var status atomic.Int32
	sec := &fakeSecrets{value: testKey}
	h := newHandler(llm(t, &status), sec)
	status.Store(http.StatusUnauthorized)
	if _, err := h.Handle(context.Background(), Request{Prompt: testPrompt}); err == nil {
		t.Fatal("401 accepted")
	}
	status.Store(0)
	if _, err := h.Handle(context.Background(), Request{Prompt: testPrompt}); err != nil {
		t.Fatal(err)
	}
	if n := sec.reads.Load(); n != 2 {
		t.Fatalf("secret read %d times, want 2 (re-read after 401)", n)
	}
}

// No error path may carry the key, the prompt or the upstream body, and the
// handler writes nothing to the log.
func TestErrorsNeverCarryKeyOrPrompt(t *testing.T) {
	var logs bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&logs)
	defer log.SetOutput(prev)

	var status atomic.Int32
	srv := llm(t, &status)
	cases := []struct {
		name string
		h    *Handler
		set  int32
	}{
		{"upstream 500", newHandler(srv, &fakeSecrets{value: testKey}), 500},
		{"upstream 403", newHandler(srv, &fakeSecrets{value: testKey}), 403},
		{"secret denied", newHandler(srv, &fakeSecrets{err: errors.New("AccessDeniedException")}), 0},
		{"empty secret", newHandler(srv, &fakeSecrets{value: ""}), 0},
		{"unreachable", &Handler{Secrets: &fakeSecrets{value: testKey}, SecretID: "own-key", URL: "https://127.0.0.1:1/v1?token=" + testKey, HTTP: &http.Client{Timeout: 2 * time.Second}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status.Store(c.set)
			_, err := c.h.Handle(context.Background(), Request{Prompt: testPrompt})
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range []string{testKey, testPrompt, "confidential"} {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error %q leaks %q", err, s)
				}
			}
		})
	}
	if logs.Len() != 0 {
		t.Fatalf("handler logged: %q", logs.String())
	}
}

func TestRejectsBadPrompts(t *testing.T) {
	h := &Handler{Secrets: &fakeSecrets{value: testKey}, SecretID: "own-key"}
	if _, err := h.Handle(context.Background(), Request{}); !errors.Is(err, ErrEmptyPrompt) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := h.Handle(context.Background(), Request{Prompt: strings.Repeat("x", MaxPromptBytes+1)}); !errors.Is(err, ErrPromptTooLarge) {
		t.Fatalf("large: %v", err)
	}
}
