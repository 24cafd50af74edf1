package awsbackend

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/letsleep/letsleep/internal/backend"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func TestEventID(t *testing.T) {
	cases := map[string]string{
		"Initiated pause for the DB instance.":                           EventPauseInitiated,
		"Pause was canceled for the DB instance.":                        EventPauseCancelled,
		"Successfully paused the DB instance.":                           EventPaused,
		"Initiated resume for the DB instance.":                          EventResumeInitiated,
		"Successfully resumed the DB instance.":                          EventResumed,
		"  successfully RESUMED the DB instance. Resume took 15 seconds": EventResumed,
		"DB instance restarted":                                          "",
		"Finished applying modification to DB instance class":            "",
		"": "",
	}
	for msg, want := range cases {
		if got := EventID(msg); got != want {
			t.Errorf("EventID(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestRecognisedAndSleepEvents(t *testing.T) {
	raw := []rdstypes.Event{
		event(t0.Add(3*time.Minute), "db-1", "Successfully resumed the DB instance."),
		event(t0, "db-1", "Initiated pause for the DB instance."),
		event(t0.Add(time.Minute), "db-1", "Successfully paused the DB instance."),
		event(t0.Add(2*time.Minute), "db-1", "Initiated resume for the DB instance."),
		event(t0.Add(4*time.Minute), "db-1", "Backup started"),
		{Message: aws.String("Successfully paused the DB instance.")}, // no date: dropped
	}
	rec := RecognisedEvents(raw)
	wantIDs := []string{EventPauseInitiated, EventPaused, EventResumeInitiated, EventResumed}
	if len(rec) != len(wantIDs) {
		t.Fatalf("got %+v", rec)
	}
	for i, id := range wantIDs {
		if rec[i].ID != id || rec[i].Source != "db-1" {
			t.Fatalf("event %d: %+v, want %s oldest first", i, rec[i], id)
		}
	}
	sleep := SleepEvents(rec)
	want := []struct{ kind, source string }{
		{backend.EventPaused, "RDS-EVENT-0372 db-1"},
		{backend.EventResumed, "RDS-EVENT-0373 db-1"},
		{backend.EventResumed, "RDS-EVENT-0374 db-1"},
	}
	if len(sleep) != len(want) {
		t.Fatalf("got %+v", sleep)
	}
	for i, w := range want {
		if sleep[i].Kind != w.kind || sleep[i].Source != w.source {
			t.Errorf("sleep event %d: %+v, want %s from %s", i, sleep[i], w.kind, w.source)
		}
	}
	if p, known := LastEventPaused(rec); p || !known {
		t.Fatalf("last event is a resume: paused=%v known=%v", p, known)
	}
	if p, known := LastEventPaused(rec[:2]); !p || !known {
		t.Fatalf("last event is 0372: paused=%v known=%v", p, known)
	}
	if _, known := LastEventPaused(rec[:1]); known {
		t.Fatal("a pause initiation alone says nothing")
	}
}

func TestCapacityPaused(t *testing.T) {
	cases := []struct {
		name          string
		points        []cwtypes.Datapoint
		paused, known bool
	}{
		{"no datapoints", nil, false, false},
		{"latest is zero", []cwtypes.Datapoint{point(t0, 0.5), point(t0.Add(2*time.Minute), 0), point(t0.Add(time.Minute), 1)}, true, true},
		{"latest is above zero", []cwtypes.Datapoint{point(t0, 0), point(t0.Add(time.Minute), 0.5)}, false, true},
		{"minimum missing", []cwtypes.Datapoint{{Timestamp: aws.Time(t0)}}, false, false},
	}
	for _, tc := range cases {
		p, k := CapacityPaused(tc.points)
		if p != tc.paused || k != tc.known {
			t.Errorf("%s: paused=%v known=%v, want %v %v", tc.name, p, k, tc.paused, tc.known)
		}
	}
}

func TestPausedReadsEveryInstanceAndFallsBackToEvents(t *testing.T) {
	now := time.Now()
	cw := &fakeCW{points: map[string][]cwtypes.Datapoint{
		"writer": {point(now.Add(-time.Minute), 0)},
		// "reader" has no datapoints: its events decide.
	}}
	rds := &fakeRDS{events: map[string][]rdstypes.Event{
		"db-instance/reader": {event(now.Add(-10*time.Minute), "reader", "Successfully paused the DB instance.")},
	}}
	b := &Backend{clients: Clients{CloudWatch: cw, RDS: rds}, stack: &Stack{Instances: []string{"reader", "writer"}}}
	paused, err := b.Paused(context.Background())
	if err != nil || !paused {
		t.Fatalf("paused=%v err=%v", paused, err)
	}
	in := cw.inputs[0]
	if aws.ToString(in.Namespace) != "AWS/RDS" || aws.ToString(in.MetricName) != "ServerlessDatabaseCapacity" ||
		aws.ToString(in.Dimensions[0].Name) != "DBInstanceIdentifier" || aws.ToInt32(in.Period) != 60 ||
		len(in.Statistics) != 1 || in.Statistics[0] != cwtypes.StatisticMinimum {
		t.Fatalf("metric query %+v", in)
	}

	cw.points["writer"] = append(cw.points["writer"], point(now, 0.5))
	if paused, err := b.Paused(context.Background()); err != nil || paused {
		t.Fatalf("writer at 0.5 ACU: paused=%v err=%v", paused, err)
	}
}

func TestEventsMergesInstancesAndClusterAndPages(t *testing.T) {
	rds := &fakeRDS{events: map[string][]rdstypes.Event{
		"db-instance/w": {
			event(t0.Add(1*time.Minute), "w", "Successfully paused the DB instance."),
			event(t0.Add(2*time.Minute), "w", "Backup started"),
			event(t0.Add(5*time.Minute), "w", "Successfully resumed the DB instance."),
		},
		"db-cluster/c": {event(t0.Add(4*time.Minute), "c", "Initiated resume for the DB instance.")},
	}}
	b := &Backend{clients: Clients{RDS: rds}, stack: &Stack{Instances: []string{"w"}, ClusterID: "c"}}
	evs, err := b.Events(context.Background(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 || evs[0].Kind != backend.EventPaused || evs[1].Source != "RDS-EVENT-0373 c" || evs[2].Source != "RDS-EVENT-0374 w" {
		t.Fatalf("got %+v", evs)
	}
	if !aws.ToTime(rds.inputs[0].StartTime).Equal(t0) || rds.inputs[0].SourceType != rdstypes.SourceTypeDbInstance {
		t.Fatalf("first query %+v", rds.inputs[0])
	}
	if len(rds.inputs) != 3 { // two pages for w, one for c
		t.Fatalf("%d DescribeEvents calls, want 3", len(rds.inputs))
	}
}

func TestDescribeEventsPagingIsBounded(t *testing.T) {
	rds := &fakeRDS{always: true, events: map[string][]rdstypes.Event{}}
	_, err := describeEvents(context.Background(), rds, rdstypes.SourceTypeDbInstance, "w", t0, t0.Add(time.Hour))
	if err == nil || len(rds.inputs) != maxEventPages {
		t.Fatalf("err=%v after %d calls, want an error after %d", err, len(rds.inputs), maxEventPages)
	}
}

func TestWaitPausedIsBoundedByContext(t *testing.T) {
	calls := 0
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := waitPaused(ctx, func(context.Context) (bool, error) { calls++; return false, nil }, 30*time.Millisecond)
	if err == nil || time.Since(start) > 120*time.Millisecond+time.Second || calls < 2 {
		t.Fatalf("err=%v calls=%d after %v", err, calls, time.Since(start))
	}
	calls = 0
	err = waitPaused(context.Background(), func(context.Context) (bool, error) { calls++; return calls == 3, nil }, time.Millisecond)
	if err != nil || calls != 3 {
		t.Fatalf("err=%v calls=%d, want success on the third poll", err, calls)
	}
}
