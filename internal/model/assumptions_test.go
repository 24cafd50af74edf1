package model

import (
	"strings"
	"testing"
)

// Every path that rests on a guess says, on the step it guessed, what was
// unknown and what was assumed; the generic fallback of finishAssumptions
// is for paths a later change forgets to mark, never for today's builders.
func TestEveryUnresolvedPathNamesItsAssumption(t *testing.T) {
	unresolved := 0
	for _, name := range []string{"creds", "edges", "hops", "placement", "stack", "ways"} {
		m := buildFixture(t, name, Config{})
		check := func(owner string, ps []Path) {
			for _, p := range ps {
				as := PathAssumptions(p)
				if p.Unresolved != (len(as) > 0) {
					t.Errorf("%s: %s: %s path unresolved=%v but %d assumptions", name, owner, p.Kind, p.Unresolved, len(as))
				}
				if !p.Unresolved {
					continue
				}
				unresolved++
				for _, a := range as {
					if a.Unknown == "" || a.Assumed == "" || strings.HasPrefix(a.Unknown, "a link of this") {
						t.Errorf("%s: %s: %s path rests on an unnamed assumption %+v", name, owner, p.Kind, a)
					}
				}
			}
		}
		for _, f := range m.Functions {
			check(f.Address, f.Egress)
			check(f.Address, f.DataPaths)
		}
		for _, ep := range m.EntryPoints {
			check(ep.Address, ep.DataPaths)
		}
		for _, s := range m.Schedules {
			check(s.Address, s.Wakes)
		}
	}
	if unresolved == 0 {
		t.Fatal("no fixture has an unresolved path: the test checks nothing")
	}
}

// The fallback still names the guess when a builder forgets to, and puts
// it before the database so the target stays last.
func TestFinishAssumptionsNamesAForgottenGuess(t *testing.T) {
	p := Path{Kind: PathSecret, Target: "db", Unresolved: true, Steps: []Step{{Kind: "function"}, {Kind: "database", Address: "db"}}}
	finishAssumptions(&p)
	if len(p.Steps) != 3 || p.Steps[1].Assumption == nil || p.Steps[2].Kind != "database" {
		t.Fatalf("steps = %+v", p.Steps)
	}
	q := Path{Kind: PathSecret, Steps: []Step{assumedStep("secret", "s", "u", "a")}}
	finishAssumptions(&q)
	if !q.Unresolved {
		t.Error("a path through an assumed step must be unresolved")
	}
}
