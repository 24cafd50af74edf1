package cost

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats of `letsleep cost`.
func Formats() []string { return []string{"table", "json"} }

// Write renders e as a table or JSON.
func Write(w io.Writer, format string, e *Estimate) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(e)
	case "table":
		return writeTable(w, e)
	default:
		return fmt.Errorf("unknown --format %q: use table or json", format)
	}
}

func writeTable(w io.Writer, e *Estimate) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Idle floor per month, %s, %s (prices taken %s)\n\n", e.Region, e.Currency, e.PricesTaken)
	writeShape(bw, e.IdleFloor)
	fmt.Fprintln(bw, "Compared shapes:")
	for _, s := range []Shape{e.IdleFloor, e.SleepFirst, e.AlwaysOn} {
		fmt.Fprintf(bw, "  %-11s $%9.2f/month  %s\n", s.Name, s.Monthly, s.Note)
	}
	if d := e.Decision; d != nil {
		fmt.Fprintf(bw, "\nDecision for %v awake hours/month:\n", d.AwakeHours)
		fmt.Fprintf(bw, "  %-30s $%9.2f/month  (%s)\n", "sleep-first (min 0)", d.SleepFirstMonthly, d.SleepFirstAssumes)
		fmt.Fprintf(bw, "  %-30s $%9.2f/month\n", fmt.Sprintf("always-on (min %v ACU)", AlwaysOnMinACU), d.AlwaysOnMonthly)
		fmt.Fprintf(bw, "  %-30s $%9.2f/month\n", "small always-on "+d.SmallRDSClass, d.SmallRDSMonthly)
		fmt.Fprintf(bw, "  → %s\n", d.Recommendation)
	}
	if len(e.Unpriced) > 0 {
		fmt.Fprintln(bw, "\nNot priced:")
		for _, u := range e.Unpriced {
			fmt.Fprintf(bw, "  - %s\n", u)
		}
	}
	fmt.Fprintln(bw, "\nAssumptions:")
	for _, a := range e.Assumptions {
		fmt.Fprintf(bw, "  - %s\n", a)
	}
	fmt.Fprintf(bw, "  - prices: %s\n", e.PriceSource)
	if len(e.Unconfirmed) > 0 {
		fmt.Fprintf(bw, "  - not confirmed against a stored AWS page for %s: %s (check before budgeting)\n", e.Region, strings.Join(e.Unconfirmed, ", "))
	}
	return bw.Flush()
}

func writeShape(bw *bufio.Writer, s Shape) {
	if len(s.Items) == 0 {
		fmt.Fprintf(bw, "  nothing bills at idle: $0.00/month\n\n")
		return
	}
	for _, it := range s.Items {
		fmt.Fprintf(bw, "  $%9.2f  %s  %s\n", it.Monthly, it.What, it.Resource)
		fmt.Fprintf(bw, "             %v %s × %v h × $%v (%s)\n", it.Quantity, it.Unit, HoursPerMonth, it.UnitPrice, it.Assumption)
	}
	fmt.Fprintf(bw, "  ---------\n  $%9.2f  total\n\n", s.Monthly)
}
