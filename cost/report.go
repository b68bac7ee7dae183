package cost

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Stack is one synthesized stack to put in a report.
type Stack struct {
	Customer string
	Name     string
	Region   string
	PaidBy   string // "vendor", or "customer" for a handed-over template
	Template []byte
}

// Report prints, per customer and stack, the monthly cost at rest, the fleet
// totals for each payer, and the per-GB rates that apply, region by region.
func Report(w io.Writer, stacks []Stack) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CUSTOMER\tSTACK\tPAID BY\tREGION\tPER MONTH")
	totals := map[string]float64{}
	rates := map[string]map[string]bool{} // region -> rate lines
	var unpriced []string
	for _, s := range stacks {
		e, err := Of(s.Template, s.Region)
		if err != nil {
			return fmt.Errorf("%s: %v", s.Name, err)
		}
		amount := "not priced"
		if e.Priced {
			amount = fmt.Sprintf("$%.2f", e.Total)
			totals[s.PaidBy] += e.Total
			if rates[s.Region] == nil {
				rates[s.Region] = map[string]bool{}
			}
			for _, r := range e.PerGB {
				rates[s.Region][r] = true
			}
		} else {
			unpriced = append(unpriced, s.Name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Customer, s.Name, s.PaidBy, s.Region, amount)
	}
	for _, payer := range []string{"vendor", "customer"} {
		if t, ok := totals[payer]; ok {
			fmt.Fprintf(tw, "TOTAL\t\t%s\t\t$%.2f\n", payer, t)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	regions := make([]string, 0, len(rates))
	for r := range rates {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		p, _, _ := ForRegion(r)
		lines := make([]string, 0, len(rates[r]))
		for l := range rates[r] {
			lines = append(lines, l)
		}
		sort.Strings(lines)
		fmt.Fprintf(w, "\nTraffic adds, in %s (list prices of %s, cost/prices/%s.json):\n  %s\n", r, p.Date, r, strings.Join(lines, "\n  "))
	}
	if len(unpriced) > 0 {
		fmt.Fprintf(w, "\nNo prices for the region of %s: add cost/prices/<region>.json.\n", strings.Join(unpriced, ", "))
	}
	fmt.Fprintf(w, "\nMonthly at rest, %d hours, on-demand list prices without free tier; scheduled Lambda runs assume %.0f s and %.0f KB of logs each.\n",
		HoursPerMonth, LambdaSecondsPerRun, LambdaLogKbPerRun)
	return nil
}
