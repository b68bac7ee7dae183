package quotas

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/bench/benchfleet"
	"github.com/privateconnect/privateconnect/config"
)

// QuotaTableMarkdown is config.QuotaTable as the README shows it.
func QuotaTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| quota | Service Quotas code | per | default | adjustable | what counts against it |\n| --- | --- | --- | ---: | --- | --- |\n")
	for _, q := range config.QuotaTable {
		adj := "yes"
		if !q.Adjustable {
			adj = "**no**"
		}
		code := "`" + q.Service + " " + q.Code + "`"
		if !strings.HasPrefix(q.Code, "L-") {
			code = "none (" + q.Service + ")"
		}
		fmt.Fprintf(&b, "| [%s](%s) | %s | %s | %s | %s | %s |\n", q.Name, q.Source, code, q.Scope, thousands(q.Default), adj, q.Counts)
	}
	fmt.Fprintf(&b, "\nDefaults as AWS documented them on %s (each name links to its page).\n", config.QuotasRead)
	return b.String()
}

// figure is the largest need of one quota over the regions (or AZs) of one
// account, and where.
type figure struct {
	need  int
	where string
}

// largest is, per quota code, the largest line of a plan.
func largest(plan []config.QuotaNeed) map[string]figure {
	out := map[string]figure{}
	for _, n := range plan {
		where := n.Region
		if n.Where != "" && n.Quota.Scope == config.PerAZ {
			where = n.Where
		}
		if f := out[n.Quota.Code]; n.Need > f.need {
			out[n.Quota.Code] = figure{n.Need, where}
		}
	}
	return out
}

// Figures is the README's table of the quota plans of the bench fleets
// (bench/benchfleet) of the given sizes: in one account, and split into
// cells of cellSize customers (each a vendor account; customers in file
// order), the largest need of each quota any region (AZ, VPC) has, for the
// quotas that some plan takes past half of AWS's default, and the limits AWS
// does not raise.
func Figures(sizes []int, cellSize int) (string, error) {
	type column struct {
		title string
		need  map[string]figure
	}
	var cols []column
	for _, n := range sizes {
		dir, err := os.MkdirTemp("", "privateconnect-figures")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(dir)
		if err := benchfleet.Write(dir, n); err != nil {
			return "", err
		}
		fleet, err := config.LoadForPlan(dir)
		if err != nil {
			return "", err
		}
		v := *fleet.Vendor
		v.Quotas = nil // against AWS's defaults
		cols = append(cols, column{fmt.Sprintf("%d customers, one account", n), largest(config.PlanCustomers(&v, fleet.Customers))})
		if n <= cellSize {
			continue
		}
		cells := map[string]figure{}
		for i := 0; i < n; i += cellSize {
			for code, f := range largest(config.PlanCustomers(&v, fleet.Customers[i:min(n, i+cellSize)])) {
				if f.need > cells[code].need {
					cells[code] = f
				}
			}
		}
		cols = append(cols, column{fmt.Sprintf("%d customers, cells of %d (largest cell)", n, cellSize), cells})
	}
	var b strings.Builder
	b.WriteString("| quota | code | default |")
	for _, c := range cols {
		b.WriteString(" " + c.title + " |")
	}
	b.WriteString("\n| --- | --- | ---: |" + strings.Repeat(" ---: |", len(cols)) + "\n")
	for _, q := range config.QuotaTable {
		tight := slices.ContainsFunc(cols, func(c column) bool { return c.need[q.Code].need*2 > q.Default })
		if q.CheckedPerFile || !tight && q.Adjustable {
			continue
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s |", q.Name, q.Code, thousands(q.Default))
		for _, c := range cols {
			f := c.need[q.Code]
			cell := fmt.Sprintf("%s (%s)", thousands(f.need), f.where)
			switch {
			case f.need > q.Default && !q.Adjustable:
				cell = "**" + cell + ", over: split**"
			case f.need > q.Default:
				cell = "**" + cell + "**"
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
