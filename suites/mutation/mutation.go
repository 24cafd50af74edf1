//go:build linux

// Package mutation checks that the lab's probes and sentinel catch, on the
// network or on the wake signal, the wrong wirings the static policies
// catch: the reference stack must hold, and every observable mistake under
// terraform/examples/ must be caught by the boundary or the sleep logic.
package mutation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/sleep"
)

// Case is one stack the mutation check runs.
type Case struct {
	Name string // "reference" or the example folder under terraform/examples
	// Mistake is how the wiring is wrong; "" for the reference stack.
	Mistake string
	// Signal says where the lab should see it.
	Signal string
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
var Reference = Case{Name: "reference", Signal: "nothing: every boundary holds, hot traffic does not wake the DB"}

// Observable are the wrong wirings whose mistake shows on the network or on
// the wake signal. The other examples (IAM grants, secrets policies, engine
// versions, min ACU, ...) are static facts with no network or wake effect
// in the lab, and stay with the policies.
var Observable = []Case{
	{Name: "egress-in-vpc", Mistake: "an egress function in the VPC with an SG path to the DB", Signal: "probe: egress twin → DB reachable"},
	{Name: "nat-gateway", Mistake: "a NAT route from the private subnets, control SG open to 0.0.0.0/0:443", Signal: "probe: control twin → canary reachable through the NAT"},
	{Name: "hot-in-vpc", Mistake: "a hot endpoint in the VPC with an SG path to the DB", Signal: "probe: hot twin → DB reachable"},
	{Name: "public-warmup-url", Mistake: "a public (auth NONE) URL on the warm-up function", Signal: "sentinel: a public endpoint woke the DB"},
	{Name: "rds-proxy", Mistake: "an RDS Proxy in front of the cluster", Signal: "sentinel: the DB never pauses"},
}

// Outcome is what the lab saw for one case.
type Outcome struct {
	Case       Case
	Violations []string
	Boundary   *boundary.Result
	Sleep      *sleep.Report
	Err        error
	Took       time.Duration
}

// Caught reports whether a probe or the sentinel saw a violation. The lab's
// IAM simulation reads the same model grants as the policies, so an IAM
// line alone does not count as caught by the lab.
func (o Outcome) Caught() bool { return o.Err == nil && len(o.Observed()) > 0 }

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

// Options tune a run.
type Options struct {
	Lab      lab.Options
	Boundary boundary.Options
	Sleep    sleep.Options
}

// Run brings up the lab for the plan at path, runs the boundary and the
// sleep logic on it and tears it down.
func Run(ctx context.Context, c Case, path string, opts Options) Outcome {
	start := time.Now()
	out := Outcome{Case: c}
	defer func() { out.Took = time.Since(start) }()
	lopts := opts.Lab
	lopts.Source = path
	l, err := lab.UpFromPlan(ctx, path, model.Config{}, lopts)
	if err != nil {
		out.Err = err
		return out
	}
	defer l.Close()
	out.Boundary, err = boundary.Run(ctx, l, l.Model, opts.Boundary)
	if err != nil {
		out.Err = err
		return out
	}
	out.Violations = append(out.Violations, out.Boundary.Violations()...)
	out.Sleep, err = sleep.Run(ctx, l, opts.Sleep)
	if err != nil {
		out.Err = err
		return out
	}
	out.Violations = append(out.Violations, out.Sleep.Violations()...)
	out.Took = time.Since(start)
	return out
}

// WriteSummary prints one line per case and the caught/total line.
func WriteSummary(w io.Writer, ref *Outcome, outs []Outcome) (caught, total int) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STACK\tPOLICY FINDS\tLAB VERDICT\tEVIDENCE (probe or sentinel)")
	if ref != nil {
		verdict, ev := "holds", "no violation"
		if ref.Err != nil {
			verdict, ev = "ERROR", ref.Err.Error()
		} else if len(ref.Violations) > 0 {
			verdict, ev = "BROKEN", ref.Violations[0]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ref.Case.Name, "-", verdict, ev)
	}
	for _, o := range outs {
		total++
		verdict, ev := "MISSED", "no probe or sentinel saw it"
		switch {
		case o.Err != nil:
			verdict, ev = "ERROR", o.Err.Error()
		case o.Caught():
			caught++
			obs := o.Observed()
			verdict, ev = "caught", obs[0]
			if len(obs) > 1 {
				ev += fmt.Sprintf(" (+%d more)", len(obs)-1)
			}
		}
		policy := strings.Join(o.Case.Policy, ",")
		if policy == "" {
			policy = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Case.Name, policy, verdict, oneLine(ev))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "mutation: caught %d/%d\n", caught, total)
	return caught, total
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 220 {
		s = s[:220] + "…"
	}
	return s
}
