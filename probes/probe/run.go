package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/letsleep/letsleep/internal/probe"
)

// maxRequestBytes bounds what the local mode reads.
const maxRequestBytes = 1 << 20

// run returns the exit code: 0 when a response was written (whatever its
// outcomes), 2 on bad input.
// awsClients builds the AWS clients when a request holds an aws check.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, awsClients func(context.Context) (probe.AWSClients, error)) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	requestFile := fs.String("request", "", "read the request JSON from `FILE` instead of stdin")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	deps := probe.Deps{
		Logger: slog.New(slog.NewJSONHandler(stderr, nil)),
		AWS:    awsClients,
	}
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.Start(handler(deps))
		return 0
	}

	in, name := stdin, "stdin"
	if *requestFile != "" {
		f, err := os.Open(*requestFile)
		if err != nil {
			fmt.Fprintf(stderr, "probe: open request: %v\n", err)
			return 2
		}
		defer f.Close()
		in, name = f, *requestFile
	}
	req, err := decodeRequest(in)
	if err != nil {
		fmt.Fprintf(stderr, "probe: %s: %v\n", name, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := json.NewEncoder(stdout).Encode(probe.Run(ctx, req, deps)); err != nil {
		fmt.Fprintf(stderr, "probe: write response: %v\n", err)
		return 1
	}
	return 0
}

// handler is the Lambda entry point; the Lambda context's own deadline
// bounds the request too.
func handler(deps probe.Deps) func(context.Context, probe.Request) (probe.Response, error) {
	return func(ctx context.Context, req probe.Request) (probe.Response, error) {
		return probe.Run(ctx, req, deps), nil
	}
}

// decodeRequest reads exactly one request, strictly: an unknown field is
// a typo the caller should hear about, not a check silently skipped.
func decodeRequest(r io.Reader) (probe.Request, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxRequestBytes+1))
	dec.DisallowUnknownFields()
	var req probe.Request
	if err := dec.Decode(&req); err != nil {
		if errors.Is(err, io.EOF) {
			return req, errors.New("empty input: want one probe request as JSON, e.g. {\"id\":\"x\",\"checks\":[{\"kind\":\"tcp\",\"host\":\"127.0.0.1\",\"port\":5432}]}")
		}
		var synErr *json.SyntaxError
		if errors.As(err, &synErr) {
			return req, fmt.Errorf("invalid JSON at byte %d: %v", synErr.Offset, err)
		}
		return req, fmt.Errorf("decode request: %w (see docs/probes.md for the fields)", err)
	}
	if dec.More() {
		return req, errors.New("more than one JSON value: send one request per run")
	}
	return req, nil
}
