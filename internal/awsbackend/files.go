package awsbackend

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

func writeJSON(path string, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.WriteFile(path, body, 0o600)
}

func sortEvents(evs []RDSEvent) []RDSEvent {
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	return evs
}
