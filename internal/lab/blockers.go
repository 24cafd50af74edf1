//go:build linux

package lab

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
)

// PauseBlockers lists why db would never auto-pause on Aurora, following
// the rules AWS documents for Serverless v2 auto-pause (see
// ../shared/facts/aurora-sleep-and-boundaries.md and
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html):
// a minimum capacity above 0, a provisioned (non-db.serverless) instance,
// logical replication, an engine below the auto-pause minimum, zero-ETL,
// activity streams and global database membership. The lab's sentinel
// refuses to pause such a database and reports the reasons. Open
// connections (an RDS Proxy's pool) are not listed: they keep the database
// awake by being open, as they do in the lab.
func PauseBlockers(db model.Database) []string {
	var out []string
	if !strings.HasPrefix(db.Engine, "aurora") {
		out = append(out, fmt.Sprintf("engine %q has no auto-pause (Aurora Serverless v2 only)", db.Engine))
	}
	if db.MinCapacity != nil && *db.MinCapacity > 0 {
		out = append(out, fmt.Sprintf("min capacity %g ACU > 0: auto-pause needs min_capacity = 0", *db.MinCapacity))
	}
	if !db.Serverless && strings.HasPrefix(db.Engine, "aurora") {
		out = append(out, "no serverlessv2_scaling_configuration: a provisioned cluster never pauses")
	}
	for _, in := range db.Instances {
		if in.InstanceClass != "" && in.InstanceClass != "db.serverless" {
			out = append(out, fmt.Sprintf("provisioned instance %s (%s): a non-db.serverless instance keeps the cluster awake", in.Address, in.InstanceClass))
		}
	}
	if db.LogicalReplication {
		out = append(out, "logical replication (rds.logical_replication = 1) keeps the cluster awake")
	}
	if min, ok := engineBelowAutoPause(db.Engine, db.EngineVersion); ok {
		out = append(out, fmt.Sprintf("engine version %s is below the auto-pause minimum %s: it silently never pauses", db.EngineVersion, min))
	}
	if len(db.ZeroETL) > 0 {
		out = append(out, "a zero-ETL integration keeps the cluster awake")
	}
	if db.ActivityStream != "" {
		out = append(out, "a database activity stream keeps the cluster awake")
	}
	if db.GlobalCluster != "" {
		out = append(out, "global database membership keeps the cluster awake")
	}
	return out
}

// autoPauseMinimum is the first version of each Aurora PostgreSQL major
// with auto-pause (16.3, 15.7, 14.12, 13.15); Aurora MySQL needs 3.08.0.
var autoPauseMinimum = map[int]int{16: 3, 15: 7, 14: 12, 13: 15}

// engineBelowAutoPause reports the minimum version when version is known
// and below it. An unknown or unparsable version is not a blocker: the lab
// only refuses on what the plan states.
func engineBelowAutoPause(engine, version string) (string, bool) {
	switch engine {
	case "aurora-postgresql":
		major, minor, ok := majorMinor(version)
		if !ok {
			return "", false
		}
		if major > 16 {
			return "", false
		}
		min, known := autoPauseMinimum[major]
		if !known {
			return "13.15", true // majors before 13 have no auto-pause
		}
		return fmt.Sprintf("%d.%d", major, min), minor < min
	case "aurora-mysql":
		// 8.0.mysql_aurora.3.08.0
		i := strings.Index(version, "mysql_aurora.")
		if i < 0 {
			return "", false
		}
		parts := strings.Split(version[i+len("mysql_aurora."):], ".")
		if len(parts) < 2 {
			return "", false
		}
		major, err1 := strconv.Atoi(parts[0])
		minor, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil {
			return "", false
		}
		return "3.08.0", major < 3 || (major == 3 && minor < 8)
	}
	return "", false
}

func majorMinor(v string) (int, int, bool) {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}
