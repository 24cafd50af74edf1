// Package handler is the egress function of the reference stack: it sends a
// prompt to an LLM HTTPS API with a key read from its own secret. It never
// touches the database, and never logs or returns the prompt or the key.
package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Limits keep a call bounded.
const (
	MaxPromptBytes   = 32 << 10
	MaxResponseBytes = 1 << 20
)

// Secrets is the part of the Secrets Manager client the handler uses.
type Secrets interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Handler calls the LLM API.
type Handler struct {
	Secrets  Secrets
	SecretID string       // the function's own API key secret
	URL      string       // https URL of the completion endpoint
	HTTP     *http.Client // must carry a timeout

	mu  sync.Mutex
	key string // cached for warm invocations; dropped on 401/403
}

// Request carries the prompt.
type Request struct {
	Prompt string `json:"prompt"`
}

// Response carries the completion.
type Response struct {
	Completion string `json:"completion"`
}

// Errors name what failed without echoing the prompt, the key or the body.
var (
	ErrEmptyPrompt    = errors.New("prompt is empty")
	ErrPromptTooLarge = errors.New("prompt too large")
)

// Handle sends one prompt.
func (h *Handler) Handle(ctx context.Context, req Request) (Response, error) {
	if req.Prompt == "" {
		return Response{}, ErrEmptyPrompt
	}
	if len(req.Prompt) > MaxPromptBytes {
		return Response{}, ErrPromptTooLarge
	}
	key, err := h.apiKey(ctx)
	if err != nil {
		return Response{}, err
	}
	body, _ := json.Marshal(req)
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return Response{}, errors.New("llm api: bad URL")
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Authorization", "Bearer "+key)

	resp, err := h.HTTP.Do(hreq)
	if err != nil {
		// The *url.Error names only method and URL; unwrap to its cause anyway
		// so a URL with credentials in it could never surface.
		var uerr interface{ Unwrap() error }
		if errors.As(err, &uerr) && uerr.Unwrap() != nil {
			err = uerr.Unwrap()
		}
		return Response{}, fmt.Errorf("llm api: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		h.forgetKey() // rotated: read it again next time
	}
	if resp.StatusCode/100 != 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBytes))
		return Response{}, fmt.Errorf("llm api: status %d", resp.StatusCode)
	}
	var out Response
	if err := json.NewDecoder(io.LimitReader(resp.Body, MaxResponseBytes)).Decode(&out); err != nil {
		return Response{}, errors.New("llm api: response is not the expected JSON")
	}
	return out, nil
}

func (h *Handler) apiKey(ctx context.Context) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.key != "" {
		return h.key, nil
	}
	out, err := h.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(h.SecretID)})
	if err != nil {
		return "", fmt.Errorf("read api key secret: %w", err)
	}
	key := aws.ToString(out.SecretString)
	if key == "" {
		return "", errors.New("read api key secret: it holds no string value")
	}
	h.key = key
	return key, nil
}

func (h *Handler) forgetKey() {
	h.mu.Lock()
	h.key = ""
	h.mu.Unlock()
}
