// Package handler is the control function of the reference stack: the only
// code that opens a connection to Aurora. Opening one wakes a paused cluster,
// so the warm-up path calls it on purpose and nothing on a hot path may.
package handler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Conn is the part of *pgx.Conn the handler uses.
type Conn interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Close(ctx context.Context) error
}

// Dialer opens a database connection: with an IAM auth token in AWS, with a
// password in the lab.
type Dialer func(ctx context.Context) (Conn, error)

// Request asks the control function to act. Action "wake" (the only one)
// connects and runs a trivial query.
type Request struct {
	Action string `json:"action"`
}

// Response reports how long the database took to answer; a connect that
// spans a resume from pause takes seconds.
type Response struct {
	OK        bool  `json:"ok"`
	ConnectMS int64 `json:"connect_ms"`
	QueryMS   int64 `json:"query_ms"`
}

// Handler runs control actions against the database.
type Handler struct {
	Dial    Dialer
	Timeout time.Duration // bound on connect+query; default 45s covers a resume
}

// ErrUnknownAction is returned for anything but "wake".
var ErrUnknownAction = errors.New("unknown action: use \"wake\"")

// Handle runs one request.
func (h *Handler) Handle(ctx context.Context, req Request) (Response, error) {
	if req.Action != "wake" {
		return Response{}, ErrUnknownAction
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 45 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	start := time.Now()
	conn, err := h.Dial(ctx)
	if err != nil {
		return Response{}, fmt.Errorf("connect: %w", err)
	}
	// Close at once: an idle open connection keeps Aurora from pausing.
	defer conn.Close(context.WithoutCancel(ctx))
	connected := time.Now()

	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return Response{}, fmt.Errorf("query: %w", err)
	}
	if one != 1 {
		return Response{}, fmt.Errorf("query: SELECT 1 returned %d", one)
	}
	return Response{
		OK:        true,
		ConnectMS: connected.Sub(start).Milliseconds(),
		QueryMS:   time.Since(connected).Milliseconds(),
	}, nil
}
