package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/dashboard"
)

// DashboardStackName is the first dashboard stack of a region; a region
// whose customers outgrow one template has Vendor-Dashboard-<region>-2 and
// so on (config.Fleet.DashboardStacks decides).
func DashboardStackName(region string) string { return config.DashboardStackPrefix + region }

// dashboardStacks builds every dashboard stack of region, from the whole
// fleet: a dashboard shows every customer of its region, whichever were
// selected, so deploying one customer never drops another's row.
func dashboardStacks(scope constructs.Construct, f *config.Fleet, region string) []awscdk.Stack {
	all := f.DashboardStacks(region)
	pages := 0
	for _, s := range all {
		pages += len(s.Pages)
	}
	var out []awscdk.Stack
	page := 0
	for _, s := range all {
		out = append(out, newDashboardStack(scope, f.Vendor, s, page, pages))
		page += len(s.Pages)
	}
	return out
}

// newDashboardStack is one stack of the region's dashboards: a dashboard per
// page, one row per customer, and an output per dashboard with its console
// address. first is the number of the region's pages in earlier stacks.
func newDashboardStack(scope constructs.Construct, v *config.Vendor, s config.DashboardStack, first, pages int) awscdk.Stack {
	tags := stackTags(v.Tags, map[string]string{"privateconnect:mode": "dashboard"})
	stack := awscdk.NewStack(scope, jsii.String(v.SharedStackID(s.Name)), &awscdk.StackProps{
		StackName:   jsii.String(s.Name),
		Description: jsii.String(fmt.Sprintf("privateconnect: dashboards of %s's customer connections in %s, one row per customer", v.Name, s.Region)),
		Env:         &awscdk.Environment{Account: jsii.String(v.Account), Region: jsii.String(s.Region)},
		// A view, rebuilt from the fleet at every deploy: nothing to protect.
		AnalyticsReporting: jsii.Bool(false),
		// On the stack only: its resources are dashboards, which the
		// resource schema cfn-lint checks against takes no tags.
		Tags: &tags,
	})
	checked(stack)
	alarmArn := func(name string) string {
		return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", s.Region, v.Account, name)
	}
	for i, p := range s.Pages {
		var rows []*dashboard.Row
		for _, c := range p.Customers {
			row := &dashboard.Row{Customer: jsii.String(c.Name), Description: jsii.String(rowDescription(c))}
			var alarms []string
			if targets := config.ProbeTargets(c); len(targets) > 0 {
				row.Targets = jsii.Strings(targets...)
				for _, t := range targets {
					alarms = append(alarms, alarmArn(config.ProbeAlarmName(c.Name, t)))
				}
			}
			if names := config.EndpointServiceNames(c); len(names) > 0 {
				row.EndpointServiceNames = jsii.Strings(names...)
			}
			if c.Vpn != nil {
				arn := alarmArn(config.TunnelStateAlarmName(c.Name))
				row.TunnelAlarmArn = jsii.String(arn)
				alarms = append(alarms, arn)
			}
			if len(alarms) > 0 {
				row.AlarmArns = jsii.Strings(alarms...)
			}
			rows = append(rows, row)
		}
		n := first + i + 1
		header := fmt.Sprintf("## %s: customer connections in %s, page %d of %d\n"+
			"One row per customer. Probe: 1 when the connectors' path answered this minute (README: Probes and the dashboard). "+
			"Built from the fleet's YAML by privateconnect: changes made here are lost at the next deploy.", v.Name, s.Region, n, pages)
		id := fmt.Sprint("Dashboard", i+1)
		dashboard.NewDashboard(stack, jsii.String(id), &dashboard.DashboardProps{
			Name:   jsii.String(p.Name),
			Region: jsii.String(s.Region),
			Header: jsii.String(header),
			Rows:   &rows,
		})
		awscdk.NewCfnOutput(stack, jsii.String(id+"Url"), &awscdk.CfnOutputProps{
			Description: jsii.String(fmt.Sprintf("Dashboard %d of %d in %s: %s to %s", n, pages, s.Region, p.Customers[0].Name, p.Customers[len(p.Customers)-1].Name)),
			Value:       jsii.String(fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards/dashboard/%s", s.Region, s.Region, p.Name)),
		})
	}
	return stack
}

// rowDescription says under a row's title who the customer is and what the
// vendor reaches; bounded, whatever the number of services.
func rowDescription(c *config.Customer) string {
	var modes []string
	if pl := c.PrivateLink; pl != nil {
		pending := 0
		for _, s := range pl.Services {
			if s.Pending() {
				pending++
			}
		}
		m := fmt.Sprintf("PrivateLink: %d service(s)", len(pl.Services))
		if pending > 0 {
			m += fmt.Sprintf(", %d pending", pending)
		}
		modes = append(modes, m)
	}
	if c.Vpn != nil {
		modes = append(modes, fmt.Sprintf("VPN: %d probe target(s)", len(c.Vpn.ProbeTargets)))
	}
	probe := fmt.Sprintf("probe alarms after %d min", *c.Probe.FailMinutes)
	if !c.Probed() {
		probe = "probe off"
	}
	return fmt.Sprintf("%s\n\n%s\n\n%s", c.DisplayName, strings.Join(modes, "\n\n"), probe)
}
