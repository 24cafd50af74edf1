package model

// A link letsleep cannot know is assumed in the worst case, and the step
// that stands for it carries an Assumption saying what was unknown and what
// was assumed. Every path and finding built over that step inherits it, so
// a guess is never presented as a fact: the engine caps such findings at
// medium and lists their assumptions.

// assume marks step s as standing for an assumption about address.
func assume(s Step, address, unknown, assumed string) Step {
	s.Assumption = &Assumption{Address: address, Unknown: unknown, Assumed: assumed}
	return s
}

// inGuessedGroup marks a step through security group sg of function fn
// whose groups are one of several (guess, Function.sgGuess): the path
// holds only if the function is in sg.
func inGuessedGroup(s Step, fn, guess, sg string) Step {
	if guess == "" {
		return s
	}
	return assume(s, fn, guess, "the function is in "+sg+" (worst case)")
}

// assumedStep is a step that holds nothing but the assumption; its detail
// reads "unknown: assumed".
func assumedStep(kind, address, unknown, assumed string) Step {
	return assume(Step{Kind: kind, Address: address, Detail: unknown + ": " + assumed}, address, unknown, assumed)
}

// String is the assumption for a reader: what was unknown, what was
// assumed, and where.
func (a Assumption) String() string {
	s := "unknown: " + a.Unknown + "; assumed: " + a.Assumed
	if a.Address != "" {
		s += " (" + a.Address + ")"
	}
	return s
}

// PathAssumptions lists the assumptions a path rests on, in step order,
// without repeats.
func PathAssumptions(p Path) []Assumption {
	return StepAssumptions(p.Steps)
}

// StepAssumptions lists the assumptions of steps, in order, without repeats.
func StepAssumptions(steps []Step) []Assumption {
	var out []Assumption
	seen := map[Assumption]bool{}
	for _, s := range steps {
		if s.Assumption == nil || seen[*s.Assumption] {
			continue
		}
		seen[*s.Assumption] = true
		out = append(out, *s.Assumption)
	}
	return out
}

// finishAssumptions keeps Unresolved and the assumed steps in step: a path
// through an assumed step is unresolved, and an unresolved path whose
// builder did not say what it assumed gets a step that says so, so that
// no guess leaves the model unnamed.
func finishAssumptions(p *Path) {
	if len(StepAssumptions(p.Steps)) > 0 {
		p.Unresolved = true
		return
	}
	if !p.Unresolved {
		return
	}
	at := len(p.Steps)
	if at > 0 && p.Steps[at-1].Kind == "database" {
		at-- // before the database, which is the target, not the guess
	}
	s := assumedStep("note", "", "a link of this "+p.Kind+" path is unknown at plan time", "assumed to hold (worst case)")
	p.Steps = append(p.Steps[:at:at], append([]Step{s}, p.Steps[at:]...)...)
}

// finishAllAssumptions applies finishAssumptions to every path of the model.
func (rh *reacher) finishAllAssumptions() {
	each := func(ps []Path) {
		for i := range ps {
			finishAssumptions(&ps[i])
		}
	}
	for _, f := range rh.functions {
		each(f.Egress)
		each(f.DataPaths)
	}
	for i := range rh.m.EntryPoints {
		each(rh.m.EntryPoints[i].DataPaths)
	}
	for i := range rh.m.Schedules {
		each(rh.m.Schedules[i].Wakes)
	}
}
