//go:build linux

package lab

import (
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

func TestPauseBlockers(t *testing.T) {
	zero, half := 0.0, 0.5
	base := func() model.Database {
		return model.Database{Engine: "aurora-postgresql", EngineVersion: "16.4", Serverless: true, MinCapacity: &zero,
			Instances: []model.DBInstance{{Address: "writer", InstanceClass: "db.serverless"}}}
	}
	cases := []struct {
		name string
		edit func(*model.Database)
		want string // substring of the only reason; "" for none
	}{
		{"sleep-first cluster", func(*model.Database) {}, ""},
		{"min capacity 0.5", func(d *model.Database) { d.MinCapacity = &half }, "min capacity 0.5 ACU"},
		{"provisioned reader", func(d *model.Database) {
			d.Instances = append(d.Instances, model.DBInstance{Address: "reader", InstanceClass: "db.r6g.large"})
		}, "provisioned instance reader (db.r6g.large)"},
		{"logical replication", func(d *model.Database) { d.LogicalReplication = true }, "logical replication"},
		{"15.4 below 15.7", func(d *model.Database) { d.EngineVersion = "15.4" }, "15.4 is below the auto-pause minimum 15.7"},
		{"15.7 is enough", func(d *model.Database) { d.EngineVersion = "15.7" }, ""},
		{"12.x has none", func(d *model.Database) { d.EngineVersion = "12.9" }, "minimum 13.15"},
		{"unknown version is no blocker", func(d *model.Database) { d.EngineVersion = "" }, ""},
		{"mysql 3.07", func(d *model.Database) { d.Engine, d.EngineVersion = "aurora-mysql", "8.0.mysql_aurora.3.07.1" }, "minimum 3.08.0"},
		{"mysql 3.08", func(d *model.Database) { d.Engine, d.EngineVersion = "aurora-mysql", "8.0.mysql_aurora.3.08.0" }, ""},
		{"plain RDS", func(d *model.Database) { d.Engine, d.Serverless = "postgres", false }, "has no auto-pause"},
	}
	for _, c := range cases {
		d := base()
		c.edit(&d)
		got := PauseBlockers(d)
		switch {
		case c.want == "" && len(got) != 0:
			t.Errorf("%s: blockers %v; want none", c.name, got)
		case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)):
			t.Errorf("%s: blockers %v; want one containing %q", c.name, got, c.want)
		}
	}
}
