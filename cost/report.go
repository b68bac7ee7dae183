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
	// Notes say why the stack has an item: the setting behind it, and
	// whether it is a default that costs money.
	Notes map[Item]string
	// Pending are the stack's services still waiting for their service name.
	Pending []Pending
}

// Pending is a service whose endpoint the stack will have once the customer
// sends its service name, or its resource configuration ARN.
type Pending struct {
	Service string
	// ViaResourceGateway: the service awaits a resource configuration ARN.
	ViaResourceGateway bool
	// Template is the stack's template once the name or ARN has arrived.
	Template []byte
}

func (p Pending) awaited() string {
	if p.ViaResourceGateway {
		return "resource configuration ARN"
	}
	return "service name"
}

// Report prints, per customer and stack, the monthly cost at rest, the
// totals for each payer and what the pending services will add; then each
// stack item by item, with the setting behind each item where the stack
// says it, and what each pending service will add once its service name
// arrives; and the per-GB rates that apply, region by region.
func Report(w io.Writer, stacks []Stack) error {
	type priced struct {
		Stack
		e            Estimate
		pending      []string
		pendingTotal float64
	}
	var all []priced
	totals, pendingTotals := map[string]float64{}, map[string]float64{}
	rates := map[string]map[string]bool{} // region -> rate lines
	var unpriced []string
	for _, s := range stacks {
		e, err := Of(s.Template, s.Region)
		if err != nil {
			return fmt.Errorf("%s: %v", s.Name, err)
		}
		p := priced{Stack: s, e: e}
		if !e.Priced {
			unpriced = append(unpriced, s.Name)
			all = append(all, p)
			continue
		}
		totals[s.PaidBy] += e.Total
		if rates[s.Region] == nil {
			rates[s.Region] = map[string]bool{}
		}
		for _, r := range e.PerGB {
			rates[s.Region][r] = true
		}
		for _, pd := range s.Pending {
			with, err := Of(pd.Template, s.Region)
			if err != nil {
				return fmt.Errorf("%s with %s: %v", s.Name, pd.Service, err)
			}
			lines, monthly := Added(e, with)
			var adds []string
			for _, l := range lines {
				adds = append(adds, l.What)
			}
			p.pending = append(p.pending, fmt.Sprintf("%s  pending %s: once its %s arrives, adds %s", added(monthly), pd.Service, pd.awaited(), strings.Join(adds, ", ")))
			p.pendingTotal += monthly
			pendingTotals[s.PaidBy] += monthly
		}
		all = append(all, p)
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "CUSTOMER\tSTACK\tPAID BY\tREGION\tPER MONTH"
	if len(pendingTotals) > 0 {
		header += "\tPENDING"
	}
	fmt.Fprintln(tw, header)
	for _, p := range all {
		amount, pending := "not priced", ""
		if p.e.Priced {
			amount = money(p.e.Total)
		}
		if p.pendingTotal > 0 {
			pending = added(p.pendingTotal)
		}
		fmt.Fprintln(tw, strings.TrimRight(fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", p.Customer, p.Name, p.PaidBy, p.Region, amount, pending), "\t"))
	}
	for _, payer := range []string{"vendor", "customer"} {
		if t, ok := totals[payer]; ok {
			pending := ""
			if pt := pendingTotals[payer]; pt > 0 {
				pending = added(pt)
			}
			fmt.Fprintln(tw, strings.TrimRight(fmt.Sprintf("TOTAL\t\t%s\t\t%s\t%s", payer, money(t), pending), "\t"))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(pendingTotals) > 0 {
		fmt.Fprintln(w, "PENDING: what the services still waiting for their service name (or resource configuration ARN) add once it arrives.")
	}
	for _, p := range all {
		if len(p.e.Unpriced) > 0 {
			var items []string
			for _, i := range p.e.Unpriced {
				items = append(items, string(i))
			}
			fmt.Fprintf(w, "NOT PRICED in %s: %s (no list price found; its amounts leave them out).\n", p.Name, strings.Join(items, ", "))
		}
	}

	for _, p := range all {
		if !p.e.Priced {
			continue
		}
		fmt.Fprintf(w, "\n%s (%s, paid by the %s, %s): %s a month\n", p.Name, p.Customer, p.PaidBy, p.Region, strings.TrimSpace(money(p.e.Total)))
		for _, l := range p.e.Lines {
			what := l.What
			if note := p.Notes[l.Item]; note != "" {
				what += "; " + note
			}
			fmt.Fprintf(w, "  %s  %s\n", money(l.Monthly), what)
		}
		for _, line := range p.pending {
			fmt.Fprintf(w, "  %s\n", line)
		}
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

func money(f float64) string { return fmt.Sprintf("%9s", fmt.Sprintf("$%.2f", f)) }

func added(f float64) string { return fmt.Sprintf("%9s", fmt.Sprintf("+$%.2f", f)) }
