package awsbackend

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// Percentile is the nearest-rank percentile of ds (p in (0,100]): the
// smallest value with at least p% of the values at or below it. It is 0 for
// no values.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 || p <= 0 {
		return 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// ResumeStats are the measured deliberate wakes.
type ResumeStats struct {
	Latencies []time.Duration `json:"latencies"`
	P50       time.Duration   `json:"p50"`
	P95       time.Duration   `json:"p95"`
}

// MeasureResume waits for a pause and wakes the database on purpose,
// attempts times (at most 20), and returns the latencies with p50 and p95.
// Each step is bounded by ctx; the first error stops the run and is
// returned with the latencies measured so far.
func MeasureResume(ctx context.Context, attempts int, waitPaused func(context.Context) error, wake func(context.Context) (time.Duration, error)) (ResumeStats, error) {
	attempts = min(max(attempts, 1), 20)
	var st ResumeStats
	for i := range attempts {
		if err := waitPaused(ctx); err != nil {
			return st.finish(), fmt.Errorf("wake %d of %d: wait for pause: %w", i+1, attempts, err)
		}
		d, err := wake(ctx)
		if err != nil {
			return st.finish(), fmt.Errorf("wake %d of %d: %w", i+1, attempts, err)
		}
		st.Latencies = append(st.Latencies, d)
	}
	return st.finish(), nil
}

func (s ResumeStats) finish() ResumeStats {
	s.P50, s.P95 = Percentile(s.Latencies, 50), Percentile(s.Latencies, 95)
	return s
}
