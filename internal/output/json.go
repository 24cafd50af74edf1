package output

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/letsleep/letsleep/internal/report"
)

// writeJSON writes the stable contract: two-space indent, trailing newline,
// sorted findings, [] for empty arrays. encoding/json sorts map keys, so the
// bytes depend on the report only.
func writeJSON(w io.Writer, r *report.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
