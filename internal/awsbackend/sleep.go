package awsbackend

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/letsleep/letsleep/internal/backend"
)

// RDS serverless event IDs. DescribeEvents returns messages, not IDs, so
// the backend recognises each by its documented message:
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
const (
	EventPauseInitiated  = "RDS-EVENT-0370"
	EventPauseCancelled  = "RDS-EVENT-0371"
	EventPaused          = "RDS-EVENT-0372"
	EventResumeInitiated = "RDS-EVENT-0373"
	EventResumed         = "RDS-EVENT-0374"
)

var eventMessages = []struct{ prefix, id string }{
	{"initiated pause for the db instance", EventPauseInitiated},
	{"pause was canceled for the db instance", EventPauseCancelled},
	{"successfully paused the db instance", EventPaused},
	{"initiated resume for the db instance", EventResumeInitiated},
	{"successfully resumed the db instance", EventResumed},
}

// EventID names the serverless pause/resume event a message stands for,
// or "" for any other event.
func EventID(message string) string {
	m := strings.ToLower(strings.TrimSpace(message))
	for _, e := range eventMessages {
		if strings.HasPrefix(m, e.prefix) {
			return e.id
		}
	}
	return ""
}

// RDSEvent is one recognised pause/resume event.
type RDSEvent struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Source string    `json:"source"` // instance or cluster identifier
}

// RecognisedEvents keeps the pause/resume events of a DescribeEvents
// answer, oldest first.
func RecognisedEvents(events []rdstypes.Event) []RDSEvent {
	var out []RDSEvent
	for _, e := range events {
		id := EventID(aws.ToString(e.Message))
		if id == "" || e.Date == nil {
			continue
		}
		out = append(out, RDSEvent{ID: id, At: *e.Date, Source: aws.ToString(e.SourceIdentifier)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// SleepEvents maps RDS events onto the suites' kinds: 0372 is a pause;
// 0373 and 0374 are resumes (the suite asserts neither appears while the
// hot endpoints are driven). 0370 and 0371 change nothing and are left out.
func SleepEvents(events []RDSEvent) []backend.SleepEvent {
	var out []backend.SleepEvent
	for _, e := range events {
		kind := ""
		switch e.ID {
		case EventPaused:
			kind = backend.EventPaused
		case EventResumeInitiated, EventResumed:
			kind = backend.EventResumed
		default:
			continue
		}
		out = append(out, backend.SleepEvent{Kind: kind, At: e.At, Source: e.ID + " " + e.Source})
	}
	return out
}

// maxEventPages bounds DescribeEvents paging.
const maxEventPages = 20

// describeEvents lists events of one source since a time, following markers.
func describeEvents(ctx context.Context, api RDSAPI, sourceType rdstypes.SourceType, id string, since, until time.Time) ([]rdstypes.Event, error) {
	in := &rds.DescribeEventsInput{
		SourceType:       sourceType,
		SourceIdentifier: aws.String(id),
		StartTime:        aws.Time(since),
		EndTime:          aws.Time(until),
		MaxRecords:       aws.Int32(100),
	}
	var all []rdstypes.Event
	for page := 0; page < maxEventPages; page++ {
		out, err := api.DescribeEvents(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("describe events of %s %s: %w", sourceType, id, err)
		}
		all = append(all, out.Events...)
		if aws.ToString(out.Marker) == "" {
			return all, nil
		}
		in.Marker = out.Marker
	}
	return all, fmt.Errorf("describe events of %s %s: more than %d pages since %s", sourceType, id, maxEventPages, since.Format(time.RFC3339))
}

// capacityWindow is how far back Paused looks at the capacity metric.
const capacityWindow = 5 * time.Minute

// CapacityPaused decides from ServerlessDatabaseCapacity datapoints
// (Minimum over 1-minute periods) whether the instance is paused: the most
// recent datapoint's Minimum is 0. known is false without datapoints.
func CapacityPaused(points []cwtypes.Datapoint) (paused, known bool) {
	var latest *cwtypes.Datapoint
	for i := range points {
		p := &points[i]
		if p.Timestamp == nil || p.Minimum == nil {
			continue
		}
		if latest == nil || p.Timestamp.After(*latest.Timestamp) {
			latest = p
		}
	}
	if latest == nil {
		return false, false
	}
	return *latest.Minimum == 0, true
}

// LastEventPaused decides from events alone: paused when the most recent
// pause/resume event is RDS-EVENT-0372. known is false without any.
func LastEventPaused(events []RDSEvent) (paused, known bool) {
	for i := len(events) - 1; i >= 0; i-- {
		switch events[i].ID {
		case EventPaused:
			return true, true
		case EventResumeInitiated, EventResumed:
			return false, true
		}
	}
	return false, false
}

// instancePaused reads one instance's capacity, falling back to its events
// of the last hour when CloudWatch has no datapoint yet.
func instancePaused(ctx context.Context, c Clients, id string, now time.Time) (bool, error) {
	out, err := c.CloudWatch.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace:  aws.String("AWS/RDS"),
		MetricName: aws.String("ServerlessDatabaseCapacity"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("DBInstanceIdentifier"), Value: aws.String(id)}},
		StartTime:  aws.Time(now.Add(-capacityWindow)),
		EndTime:    aws.Time(now),
		Period:     aws.Int32(60),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticMinimum},
	})
	if err != nil {
		return false, fmt.Errorf("capacity of %s: %w", id, err)
	}
	if paused, known := CapacityPaused(out.Datapoints); known {
		return paused, nil
	}
	events, err := describeEvents(ctx, c.RDS, rdstypes.SourceTypeDbInstance, id, now.Add(-time.Hour), now)
	if err != nil {
		return false, err
	}
	paused, _ := LastEventPaused(RecognisedEvents(events))
	return paused, nil
}
