package awsbackend

import (
	"context"
	"errors"
	"testing"
	"time"
)

func ms(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	cases := []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{ms(15000), 50, 15 * time.Second},
		{ms(15000), 95, 15 * time.Second},
		{ms(50, 10, 40, 20, 30), 50, 30 * time.Millisecond},
		{ms(50, 10, 40, 20, 30), 95, 50 * time.Millisecond},
		{ms(50, 10, 40, 20, 30), 20, 10 * time.Millisecond},
		{ms(50, 10, 40, 20, 30), 21, 20 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20), 95, 19 * time.Millisecond},
		{ms(3, 1, 2), 0, 0},
		{ms(3, 1, 2), 100, 3 * time.Millisecond},
	}
	for _, tc := range cases {
		if got := Percentile(tc.in, tc.p); got != tc.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", tc.in, tc.p, got, tc.want)
		}
	}
	in := ms(3, 1, 2)
	Percentile(in, 50)
	if in[0] != 3*time.Millisecond {
		t.Fatal("Percentile sorted its input in place")
	}
}

func TestMeasureResume(t *testing.T) {
	lat := ms(17000, 15000, 31000)
	waits, wakes := 0, 0
	st, err := MeasureResume(context.Background(), 3,
		func(context.Context) error { waits++; return nil },
		func(context.Context) (time.Duration, error) { wakes++; return lat[wakes-1], nil })
	if err != nil || waits != 3 || wakes != 3 {
		t.Fatalf("err=%v waits=%d wakes=%d", err, waits, wakes)
	}
	if st.P50 != 17*time.Second || st.P95 != 31*time.Second || len(st.Latencies) != 3 {
		t.Fatalf("got %+v", st)
	}

	wakes = 0
	st, err = MeasureResume(context.Background(), 5,
		func(context.Context) error {
			if wakes == 2 {
				return errors.New("never paused")
			}
			return nil
		},
		func(context.Context) (time.Duration, error) { wakes++; return time.Second, nil })
	if err == nil || len(st.Latencies) != 2 || st.P50 != time.Second {
		t.Fatalf("a failed wait must stop and keep what was measured: %+v %v", st, err)
	}

	calls := 0
	MeasureResume(context.Background(), 1000, func(context.Context) error { return nil },
		func(context.Context) (time.Duration, error) { calls++; return 0, nil })
	if calls != 20 {
		t.Fatalf("attempts not capped: %d wakes", calls)
	}
}
