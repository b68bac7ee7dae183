package config

import (
	"fmt"
	"slices"
)

// The vendor's dashboards, one Vendor-Dashboard-<region> stack per region
// (more when a region's customers outgrow one template), each with pages of
// one row per customer that the vendor connects to (privateLink or vpn).
// How a fleet is split into pages and stacks is decided here, from the
// configuration alone, so that validation and the footprint know it; the
// limits are CloudWatch's (constructs/dashboard cites them).
const (
	// DashboardPageRows is the most customers a page holds: a dashboard of
	// 50 rows of 6 widgets still loads in seconds and scrolls.
	DashboardPageRows    = 50
	dashboardMaxWidgets  = 500
	dashboardMaxMetrics  = 2500
	dashboardStackBudget = 900_000 // bytes of template, under CloudFormation's 1 MB
)

// DashboardStackPrefix names the vendor's dashboard stacks: Vendor-Dashboard-<region>.
const DashboardStackPrefix = "Vendor-Dashboard-"

// DashboardPage is one dashboard: its name (dashboards are global to an
// account, so the name holds the region) and its customers, in fleet order.
type DashboardPage struct {
	Name      string
	Customers []*Customer
}

// DashboardStack is one stack of dashboards of a region.
type DashboardStack struct {
	Name, Region string
	Pages        []DashboardPage
	Bytes        int // an upper bound of its template
}

// HasDashboardRow reports whether the customer has a row on the dashboards:
// the vendor reaches it (privateLink or vpn).
func HasDashboardRow(c *Customer) bool { return c.PrivateLink != nil || c.Vpn != nil }

// TunnelStateAlarmName is the display-only alarm on the customer's VPN
// tunnels that the dashboards graph (the VPN stack's other alarms page).
func TunnelStateAlarmName(customer string) string { return customer + "-vpn-tunnel-state" }

// ProbeTargets are the probe's targets of customer c, PrivateLink services'
// ports first, then VPN probe targets; none when the probe is off.
func ProbeTargets(c *Customer) []string {
	if !c.Probed() {
		return nil
	}
	var out []string
	if c.PrivateLink != nil {
		for _, s := range c.PrivateLink.Services {
			if s.Pending() {
				continue
			}
			for _, p := range s.Ports {
				out = append(out, ProbeTargetName(s.Name, "", p))
			}
		}
	}
	if c.Vpn != nil {
		for _, t := range c.Vpn.ProbeTargets {
			if t.Port != nil {
				out = append(out, ProbeTargetName("", t.Host, *t.Port))
			}
		}
	}
	return out
}

// EndpointServiceNames are the service names of the customer's interface
// endpoints. A resource endpoint (resourceConfigurationArn) has none and no
// metrics to graph: AWS/PrivateLinkEndpoints holds interface and Gateway
// Load Balancer endpoints' only; the probe's widgets cover such a service.
// https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-cloudwatch-metrics.html
func EndpointServiceNames(c *Customer) []string {
	var out []string
	if c.PrivateLink != nil {
		for _, s := range c.PrivateLink.Services {
			if s.ServiceName != "" && s.ResourceConfigurationArn == "" && !slices.Contains(out, s.ServiceName) {
				out = append(out, s.ServiceName)
			}
		}
	}
	return out
}

// dashboardRow is what a customer's row holds: metrics and widgets, and an
// upper bound of its bytes in a template (the body, JSON-escaped there).
func dashboardRow(v *Vendor, c *Customer) (metrics, widgets, bytes int) {
	targets, services := ProbeTargets(c), EndpointServiceNames(c)
	arn := len("arn:aws:cloudwatch:ap-southeast-5:123456789012:alarm:") + len(c.Name)
	widgets, bytes = 1, 250+len(c.Name)+4*len(c.DisplayName)+200 // text: name, display name, modes
	if len(targets) > 0 {
		widgets += 2
		metrics += 2 * len(targets)
		bytes += 2 * 250
		for _, t := range targets {
			bytes += 2 * (90 + len(c.Name) + 2*len(t))
		}
	}
	if len(services) > 0 {
		widgets++
		metrics += len(services)
		bytes += 450
		for _, s := range services {
			bytes += len(s) + 24
		}
	}
	alarms := len(targets)
	for _, t := range targets {
		bytes += arn + len("-probe-") + len(t) + 4
	}
	if c.Vpn != nil {
		widgets++
		metrics++
		alarms++
		bytes += 250 + 2*(arn+len("-vpn-tunnel-state"))
	}
	if alarms > 0 {
		widgets++
		bytes += 200
	}
	// Quotes are escaped in the template: at most one in four bytes is one.
	return metrics, widgets, bytes * 5 / 4
}

// DashboardStacks splits the region's customers with a row into pages and
// stacks: a page ends at DashboardPageRows customers or before CloudWatch's
// widget or metric limit; a stack before the template size budget.
func (f *Fleet) DashboardStacks(region string) []DashboardStack {
	var stacks []DashboardStack
	var stack *DashboardStack
	var page *DashboardPage
	metrics, widgets, pages := 0, 0, 0
	for _, c := range f.Customers {
		if c.Region != region || !HasDashboardRow(c) {
			continue
		}
		m, w, b := dashboardRow(f.Vendor, c)
		if stack == nil || stack.Bytes+b+dashboardPageBytes > dashboardStackBudget {
			name := DashboardStackPrefix + region
			if len(stacks) > 0 {
				name = fmt.Sprintf("%s-%d", name, len(stacks)+1)
			}
			stacks = append(stacks, DashboardStack{Name: name, Region: region, Bytes: stackBytes + 1024})
			stack, page = &stacks[len(stacks)-1], nil
		}
		if page == nil || len(page.Customers) == DashboardPageRows || metrics+m > dashboardMaxMetrics || widgets+w > dashboardMaxWidgets {
			pages++
			stack.Pages = append(stack.Pages, DashboardPage{Name: fmt.Sprintf("privateconnect-%s-%d", region, pages)})
			stack.Bytes += dashboardPageBytes
			page, metrics, widgets = &stack.Pages[len(stack.Pages)-1], 0, 1 // the header
		}
		page.Customers = append(page.Customers, c)
		metrics, widgets = metrics+m, widgets+w
		stack.Bytes += b
	}
	return stacks
}

// dashboardPageBytes bounds a page's resource, header and output.
const dashboardPageBytes = mediumBytes + 600 + outputBytes + 300

// DashboardRegions are the regions of the given customers that have a row.
func DashboardRegions(customers []*Customer) []string {
	var out []string
	for _, c := range customers {
		if HasDashboardRow(c) && !slices.Contains(out, c.Region) {
			out = append(out, c.Region)
		}
	}
	slices.Sort(out)
	return out
}

// dashboardFootprint is a dashboard stack's footprint: a dashboard and an
// output per page.
func dashboardFootprint(s DashboardStack) Footprint {
	fp := Footprint{Stack: s.Name, Path: "(dashboards of " + s.Region + ")", TemplateBytes: s.Bytes}
	fp.Resources, fp.Outputs, fp.Parameters = len(s.Pages), len(s.Pages), 1
	fp.IDs = []OwnedID{{ID: "BootstrapVersion"}, {ID: "CheckBootstrapVersion"}}
	for i := range s.Pages {
		fp.IDs = append(fp.IDs, OwnedID{ID: fmt.Sprint("Dashboard", i+1)}, OwnedID{ID: fmt.Sprint("Dashboard", i+1, "Url")})
	}
	return fp
}
