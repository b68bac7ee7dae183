package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/cost"
	"github.com/privateconnect/privateconnect/stacks"
)

// costReport synthesizes the customers' stacks, vendor-side and handed over,
// and, for each service still waiting for its service name, the vendor stack
// as it will be once the name arrives, and returns the report's stacks with
// the settings behind their items.
func costReport(fleet *config.Fleet, customers []*config.Customer) ([]cost.Stack, error) {
	var vendorSide int
	built, err := stacks.Synthesize(func(app awscdk.App) []awscdk.Stack {
		vendor := stacks.Build(app, fleet, customers)
		vendorSide = len(vendor)
		return append(vendor, stacks.BuildHandoff(app, fleet.Vendor, customers)...)
	})
	if err != nil {
		return nil, err
	}
	pending, err := pendingTemplates(fleet.Vendor, customers)
	if err != nil {
		return nil, err
	}
	byName := map[string]*config.Customer{}
	for _, c := range customers {
		byName[c.Name] = c
	}
	var report []cost.Stack
	for i, s := range built {
		paidBy := "vendor"
		if i >= vendorSide {
			paidBy = "customer"
		}
		customer := stacks.CustomerOf(s.Name)
		// A cell's shared stack goes by its ID, which names the cell.
		report = append(report, cost.Stack{Customer: customer, Name: s.ID, Region: s.Region, PaidBy: paidBy, Template: s.Template,
			Notes: costNotes(fleet.Vendor.ForCustomer(byName[customer]), byName[customer], s.Name), Pending: pending[s.Name]})
	}
	sort.SliceStable(report, func(i, j int) bool { return report[i].Customer < report[j].Customer })
	return report, nil
}

// pendingTemplates synthesizes, for each pending service (no service name,
// or no resource configuration ARN), its customer's PrivateLink stack as it
// will be once it arrives (a stand-in name of the service's region, or ARN
// of the customer's), by stack name. Each is a copy of
// the customer under a name of its own, so that all fit in one app.
func pendingTemplates(v *config.Vendor, customers []*config.Customer) (map[string][]cost.Pending, error) {
	type variant struct {
		stack, service string
		viaGateway     bool
		c              *config.Customer
	}
	var variants []variant
	for _, c := range customers {
		if c.PrivateLink == nil {
			continue
		}
		for i, s := range c.PrivateLink.Services {
			if !s.Pending() {
				continue
			}
			copied := *c
			pl := *c.PrivateLink
			pl.Services = append([]config.Service(nil), pl.Services...)
			region := s.ServiceRegion
			if region == "" {
				region = c.Region
			}
			if s.ViaResourceGateway() {
				// A stand-in of the form config validates: the customer's
				// account and region.
				pl.Services[i].ResourceConfigurationArn = "arn:aws:vpc-lattice:" + c.Region + ":" + c.Account + ":resourceconfiguration/rcfg-00000000000000000"
			} else {
				pl.Services[i].ServiceName = "com.amazonaws.vpce." + region + ".vpce-svc-00000000000000000"
			}
			copied.PrivateLink = &pl
			copied.Name = fmt.Sprintf("%s-pending%d", c.Name, len(variants))
			variants = append(variants, variant{stacks.StackName(c, stacks.ModePrivateLink), s.Name, s.ViaResourceGateway(), &copied})
		}
	}
	out := map[string][]cost.Pending{}
	if len(variants) == 0 {
		return out, nil
	}
	built, err := stacks.Synthesize(func(app awscdk.App) []awscdk.Stack {
		var all []awscdk.Stack
		for _, vr := range variants {
			all = append(all, stacks.NewPrivateLinkStack(app, v.ForCustomer(vr.c), vr.c))
		}
		return all
	})
	if err != nil {
		return nil, err
	}
	for i, s := range built {
		out[variants[i].stack] = append(out[variants[i].stack], cost.Pending{Service: variants[i].service, ViaResourceGateway: variants[i].viaGateway, Template: s.Template})
	}
	return out, nil
}

// costNotes say why a stack has what it costs: the setting behind each item,
// and whether it is a default that costs money.
func costNotes(v *config.Vendor, c *config.Customer, stack string) map[cost.Item]string {
	notes := map[cost.Item]string{}
	if c == nil { // a stack shared by customers
		return notes
	}
	retention := func(days int) string {
		s := fmt.Sprintf("kept %d days", days)
		if days == config.DefaultLogRetentionDays {
			s += ", the default"
		}
		return s
	}
	switch stack {
	case stacks.StackName(c, stacks.ModePrivateLink):
		pl := c.PrivateLink
		notes[cost.InterfaceEndpoints] = fmt.Sprintf("one per service with a serviceName, in each of privateLink.availabilityZones: %s", strings.Join(pl.AvailabilityZones, ", "))
		notes[cost.ResourceEndpoints] = "one per service with a resourceConfigurationArn (reached through the customer's resource gateway)"
		notes[cost.HostedZones] = c.Name + "." + v.InternalDomain + ", the connectors' names"
		notes[cost.LogGroups] = "VPC flow logs, " + retention(*v.LogRetentionDays) + " (vendor.yaml logRetentionDays)"
		probeNotes(notes, c, "each port of each service with a serviceName", "; probe logs, "+retention(*v.LogRetentionDays))
	case stacks.StackName(c, stacks.ModeVpn):
		vp := c.Vpn
		switch vp.NatGateways {
		case config.DefaultNatGateways:
			notes[cost.NatGateways] = "vpn.natGateways: single, the default: set none if the connectors need no internet egress"
		case "perAz":
			notes[cost.NatGateways] = "vpn.natGateways: perAz, one per AZ"
		}
		notes[cost.PublicIPv4] = "one per NAT gateway"
		notes[cost.InternetGateways] = "for the NAT gateways' public subnets"
		notes[cost.VpnConnections] = "two tunnels"
		notes[cost.Alarms] = "tunnel state: one tunnel down 15 minutes, both down, and the dashboard's (no action)"
		notes[cost.LogGroups] = fmt.Sprintf("VPC flow logs %s, tunnel logs kept %d days (vpn.tunnelLogs.retentionDays)", retention(*v.LogRetentionDays), *vp.TunnelLogs.RetentionDays)
		if len(vp.ProbeTargets) > 0 {
			probeNotes(notes, c, "each of vpn.probeTargets", ", probe logs "+retention(*v.LogRetentionDays))
		}
	case stacks.StackName(c, stacks.ModeProducer):
		notes[cost.LoadBalancers] = "one per service in producer mode nlb"
		notes[cost.ResourceGateways] = "for the services in producer mode resourceGateway"
		notes[cost.ResourceConfigs] = "one per service in producer mode resourceGateway"
		notes[cost.ResourceShares] = "shared with the vendor's account only"
		notes[cost.Alarms] = "no healthy target, per port"
		var minutes []string
		for _, s := range c.PrivateLink.Services {
			if s.Producer != nil && s.Producer.Registrar != nil && s.Producer.Target == "rds" {
				m := *s.Producer.Registrar.ScheduleMinutes
				note := fmt.Sprintf("%s every %d min", s.Name, m)
				if m == config.DefaultScheduleMinutes {
					note += ", the default"
				}
				minutes = append(minutes, note)
			}
		}
		if len(minutes) > 0 {
			notes[cost.Alarms] += "; registrar errors and unused targets, per registrar"
			notes[cost.LambdaRequests] = "registrars: " + strings.Join(minutes, "; ") + " (producer.registrar.scheduleMinutes)"
		}
		notes[cost.LogGroups] = "registrar logs, " + retention(*v.LogRetentionDays)
	case stacks.StackName(c, stacks.ModeInbound):
		notes[cost.InterfaceEndpoints] = "in each of inboundPrivateLink.availabilityZones: " + strings.Join(c.InboundPrivateLink.AvailabilityZones, ", ")
		notes[cost.HostedZones] = "one per vendor domain (dnsMode: privateHostedZone)"
	}
	return notes
}

// probeNotes say why a probed stack has the probe's items.
func probeNotes(notes map[cost.Item]string, c *config.Customer, targets, logs string) {
	if !c.Probed() {
		return
	}
	alarms := fmt.Sprintf("probe: one per target (%s), after %d failed minutes (probe.failMinutes)", targets, *c.Probe.FailMinutes)
	if notes[cost.Alarms] != "" {
		alarms = notes[cost.Alarms] + "; " + alarms
	}
	notes[cost.Alarms] = alarms
	notes[cost.LambdaRequests] = "the reachability probe, every minute (probe.enabled: false turns it off)"
	notes[cost.CustomMetrics] = "probe: Reachable and ConnectMillis per target, TlsDaysLeft where tls: true"
	notes[cost.LogGroups] += logs
}
