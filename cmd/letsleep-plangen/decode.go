package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// NewDecodeCommand decodes plan JSON into generic Go values and nothing
// else: the floor any JSON-reading tool pays, which letsleep is measured
// against.
func NewDecodeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "decode FILE",
		Short: "Read a JSON file and json.Unmarshal it into any (the bare-decode floor)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read: %w", err)
			}
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				return fmt.Errorf("decode %s: %w", args[0], err)
			}
			obj, _ := v.(map[string]any)
			rc, _ := obj["resource_changes"].([]any)
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d bytes, %d resource changes, decoded in %s\n", args[0], len(data), len(rc), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}
