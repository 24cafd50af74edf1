package handler

import (
	"io"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

// ServeHTTP serves the same API over plain HTTP, so the lab can run the hot
// path as a process without the Lambda runtime.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxKeyBytes+MaxValueBytes+65))
	if err != nil {
		http.Error(w, errBody("could not read the request"), http.StatusBadRequest)
		return
	}
	req := events.LambdaFunctionURLRequest{Body: string(body), QueryStringParameters: map[string]string{}}
	req.RequestContext.HTTP.Method = r.Method
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			req.QueryStringParameters[k] = v[0]
		}
	}
	resp, err := h.Handle(r.Context(), req)
	if err != nil {
		http.Error(w, errBody("internal error"), http.StatusInternalServerError)
		return
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.WriteString(w, resp.Body)
}
