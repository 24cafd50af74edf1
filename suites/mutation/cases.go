// Package mutation checks that the lab catches every wrong wiring under
// terraform/examples/ for the right reason: each example declares, in its
// lab-signal.json, the signal that must catch it (a probe cell, a sentinel
// wake with its attributed caller, or the reason the database never
// paused), or why the lab cannot observe it. A case counts as caught only
// when its declared signal appears; the reference stack must hold.
package mutation

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/sleep"
)

// Case is one stack the mutation check runs.
type Case struct {
	Name string // "reference" or the example folder under terraform/examples
	// Mistake is how the wiring is wrong (the example README's sentence);
	// "" for the reference stack.
	Mistake string
	// Signal is the declared evidence that must catch it.
	Signal Signal
	// Policy lists the finding categories the static check expects
	// (terraform/examples/<name>/expected.json), for the summary.
	Policy []string
}

// LoadPolicy fills c.Policy from the example's expected.json under root.
func (c *Case) LoadPolicy(root string) error {
	if c.Name == Reference.Name {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(root, "terraform", "examples", c.Name, "expected.json"))
	if err != nil {
		return fmt.Errorf("expected findings of %s: %w", c.Name, err)
	}
	var want []struct {
		Category string `json:"category"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		return fmt.Errorf("expected findings of %s: %w", c.Name, err)
	}
	c.Policy = nil
	for _, w := range want {
		if !slices.Contains(c.Policy, w.Category) {
			c.Policy = append(c.Policy, w.Category)
		}
	}
	return nil
}

// Reference is the stack that must hold.
var Reference = Case{Name: "reference", Signal: Signal{Kind: "none", Why: "every boundary holds, hot traffic does not wake the DB"}}

// Outcome is what the lab saw for one case.
type Outcome struct {
	Case       Case
	Violations []string
	Boundary   *boundary.Result
	Sleep      *sleep.Report
	// Seen is the evidence of the declared signal; "" when it did not appear.
	Seen string
	// Runtime says how the lab ran the functions' code (the runtime
	// emulator or the in-process handler host).
	Runtime string
	Err     error
	Took    time.Duration
}

// Caught reports whether the declared signal appeared. Any other violation
// in the same run does not count.
func (o Outcome) Caught() bool { return o.Err == nil && o.Case.Signal.Observable() && o.Seen != "" }

// Observed are the violations seen on the network or the wake signal.
func (o Outcome) Observed() []string {
	var out []string
	for _, v := range o.Violations {
		if strings.HasPrefix(v, "probe:") || strings.HasPrefix(v, "sentinel:") {
			out = append(out, v)
		}
	}
	return out
}

// Tally counts the cases by verdict; every example is in Total.
type Tally struct {
	Caught, NotObservable, Missed, Total int
}

// WriteSummary prints one line per case (declared signal, verdict, the
// signal seen) and the caught/total line. outs holds every example: the
// not-observable ones unrun, with their reason.
func WriteSummary(w io.Writer, ref *Outcome, outs []Outcome) Tally {
	var t Tally
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STACK\tPOLICY FINDS\tDECLARED SIGNAL\tLAB VERDICT\tSIGNAL SEEN")
	if ref != nil {
		verdict, ev := "holds", "no violation"
		if ref.Err != nil {
			verdict, ev = "ERROR", ref.Err.Error()
		} else if len(ref.Violations) > 0 {
			verdict, ev = "BROKEN", ref.Violations[0]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ref.Case.Name, "-", "none", verdict, oneLine(ev))
	}
	for _, o := range outs {
		t.Total++
		var verdict, ev string
		switch {
		case !o.Case.Signal.Observable():
			t.NotObservable++
			verdict, ev = "not observable", o.Case.Signal.Why
		case o.Err != nil:
			t.Missed++
			verdict, ev = "ERROR", o.Err.Error()
		case o.Caught():
			t.Caught++
			verdict, ev = "caught", o.Seen
		default:
			t.Missed++
			verdict, ev = "MISSED", "the declared signal did not appear"
			if obs := o.Observed(); len(obs) > 0 {
				ev += "; seen instead: " + obs[0]
			}
		}
		policy := strings.Join(o.Case.Policy, ",")
		if policy == "" {
			policy = "-"
		}
		declared := o.Case.Signal.Kind
		if o.Case.Signal.Observable() {
			declared = o.Case.Signal.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Case.Name, policy, oneLine(declared), verdict, oneLine(ev))
	}
	_ = tw.Flush()
	if rt := runtimeOf(ref, outs); rt != "" {
		fmt.Fprintf(w, "lab runtime: %s\n", rt)
	}
	fmt.Fprintf(w, "mutation: caught %d/%d, not observable %d/%d (reasons above), missed %d/%d\n",
		t.Caught, t.Total, t.NotObservable, t.Total, t.Missed, t.Total)
	return t
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 220 {
		s = s[:220] + "…"
	}
	return s
}

// Only keeps the cases named in names (a focused run).
func Only(cases []Case, names []string) []Case {
	var out []Case
	for _, c := range cases {
		if slices.Contains(names, c.Name) {
			out = append(out, c)
		}
	}
	return out
}

// runtimeOf is how the lab ran the functions in this summary's runs.
func runtimeOf(ref *Outcome, outs []Outcome) string {
	if ref != nil && ref.Runtime != "" {
		return ref.Runtime
	}
	for _, o := range outs {
		if o.Runtime != "" {
			return o.Runtime
		}
	}
	return ""
}
