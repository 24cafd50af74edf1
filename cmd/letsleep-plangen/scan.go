package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/spf13/cobra"
)

// NewScanCommand tokenizes a JSON file and builds nothing: the floor of
// any tool that reads the plan at all, which letsleep is measured against.
func NewScanCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "scan FILE",
		Short: "Read and tokenize a JSON file with jsontext, building nothing (the token-scan floor)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("read: %w", err)
			}
			defer f.Close()
			dec := jsontext.NewDecoder(f)
			tokens := 0
			for {
				_, err := dec.ReadToken()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return fmt.Errorf("scan %s: %w", args[0], err)
				}
				tokens++
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d bytes, %d tokens, scanned in %s\n", args[0], dec.InputOffset(), tokens, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}
