package probe

import "time"

// schedSlack absorbs scheduler delay when the tests share a loaded 2-core
// machine with other packages. The bounds still prove the point: a hung or
// blackholed target would cost minutes (or, for 100 checks, several seconds
// of queued timeouts), not a second past its deadline.
const schedSlack = time.Second

// slackMS is schedSlack in the unit of Result.LatencyMS.
const slackMS = float64(schedSlack / time.Millisecond)
