// Package diagram draws a customer's connections as a Mermaid flowchart
// (rendered by GitHub and GitLab), from the same configuration the stacks and
// the handed-over templates are built from: the vendor's side on the left,
// the customer's on the right, and between them the PrivateLink connections
// and the VPN's tunnels.
package diagram

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/english"
	"github.com/privateconnect/privateconnect/stacks"
)

// Names of the customer-side stacks the guides propose, given by handoff
// (which owns them) so both say the same.
type Names struct {
	ProducerStack, InboundStack string
}

// Customer is the Mermaid source of the customer's diagram, checked by Check.
func Customer(v *config.Vendor, c *config.Customer, names Names) (string, error) {
	f := newFlowchart("LR")
	d := drawing{f: f, v: v, c: c, names: names}
	f.open("Vendor", v.Name+": AWS account "+v.Account)
	if c.PrivateLink != nil {
		d.vendorPrivateLink()
	}
	if c.Vpn != nil {
		d.vendorVpn()
	}
	if stacks.HasInbound(c) {
		d.vendorInbound()
	}
	f.close()
	// A VPN alone involves no AWS account of the customer's: only its network.
	if c.PrivateLink != nil || stacks.HasInbound(c) {
		f.open("Customer", cmp.Or(c.DisplayName, c.Name)+": AWS account "+c.Account)
		if c.PrivateLink != nil {
			d.customerPrivateLink()
		}
		if stacks.HasInbound(c) {
			d.customerInbound()
		}
		f.close()
	}
	if c.Vpn != nil {
		d.site()
		if c.Vpn.NatGatewayCount() > 0 {
			f.node("Internet", circle, "internet")
			f.edge("Nat", dotted, "", "Internet")
		}
	}
	src := f.String()
	return src, Check(src)
}

type drawing struct {
	f     *flowchart
	v     *config.Vendor
	c     *config.Customer
	names Names
}

func ports(ps []int) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprint(p)
	}
	return "TCP " + strings.Join(s, ", ")
}

func (d drawing) vendorPrivateLink() {
	f, c, pl := d.f, d.c, d.c.PrivateLink
	f.open("VendorPrivateLink", "stack "+stacks.StackName(c, stacks.ModePrivateLink)+", "+c.Region, "vendor VPC "+pl.VpcCidr)
	f.node("Connectors", box, "connectors", "subnets in "+strings.Join(pl.AvailabilityZones, ", "))
	f.node("PrivateZone", box, "private hosted zone", c.Name+"."+d.v.InternalDomain)
	for _, s := range pl.Services {
		id := "Endpoint" + stacks.OutputID(s.Name)
		if s.Pending() {
			f.node(id, box, "no endpoint to "+s.Name+" yet", "pending: waiting for its "+addressName(s))
			continue
		}
		kind := "interface endpoint "
		if s.ViaResourceGateway() {
			kind = "resource endpoint "
		}
		f.node(id, box, kind+s.Name, s.Name+"."+c.Name+"."+d.v.InternalDomain)
		f.edge("Connectors", arrow, ports(s.Ports), id)
		f.edge("PrivateZone", dotted, "resolves "+s.Name+" to", id)
	}
	f.close()
}

func (d drawing) customerPrivateLink() {
	f, c, pl := d.f, d.c, d.c.PrivateLink
	var own []config.Service
	for _, s := range pl.Services {
		if s.Producer == nil {
			own = append(own, s)
		}
	}
	if stacks.HasProducer(c) {
		region := stacks.ProducerRegion(c)
		f.open("CustomerProducer", "stack "+d.names.ProducerStack+", "+region, "from "+stacks.StackName(c, stacks.ModeProducer)+".yaml, in your VPC")
		for _, s := range stacks.NlbServices(c) {
			d.producer(s)
		}
		d.gateway(stacks.GatewayServices(c))
		f.close()
	}
	if len(own) > 0 {
		f.open("CustomerServices", "your endpoint services")
		for _, s := range own {
			if s.ViaResourceGateway() {
				f.node("Service"+stacks.OutputID(s.Name), box, "resource configuration "+s.Name, s.ResourceConfigurationArn, "shared with you through AWS RAM")
				continue
			}
			f.node("Service"+stacks.OutputID(s.Name), box, "endpoint service "+s.Name, s.ServiceName, ports(s.Ports))
		}
		f.close()
	}
	for _, s := range pl.Services {
		id := stacks.OutputID(s.Name)
		label := "AWS PrivateLink"
		if s.ViaResourceGateway() {
			label = "AWS PrivateLink, shared through AWS RAM"
		}
		if s.ServiceRegion != "" && s.ServiceRegion != c.Region {
			label = "cross-region PrivateLink from " + c.Region
		}
		if s.Pending() {
			f.edge("Endpoint"+id, dotted, "once you send the "+addressName(s), "Service"+id)
		} else {
			f.edge("Endpoint"+id, thick, label, "Service"+id)
		}
	}
}

// addressName is what the customer sends for a service: its endpoint
// service's name, or its resource configuration's ARN.
func addressName(s config.Service) string {
	if s.ViaResourceGateway() {
		return "resource configuration ARN"
	}
	return "service name"
}

// gateway draws the services of the handed-over template's resource
// gateway: per service its resource configuration and database, all
// reached through the one gateway.
func (d drawing) gateway(services []config.Service) {
	if len(services) == 0 {
		return
	}
	f := d.f
	var all []int
	for _, s := range services {
		all = append(all, s.Ports...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	f.node("ResourceGateway", box, "resource gateway", "with its own security group, to "+ports(all))
	for _, s := range services {
		id := stacks.OutputID(s.Name)
		what := map[string]string{
			"hostname":   "type SINGLE, by hostname",
			"dbInstance": "type ARN, RDS DB instance",
			"dbCluster":  "type ARN, Aurora cluster",
		}[s.Producer.Rds.By]
		f.node("Service"+id, box, "resource configuration "+s.Name, what, "shared with "+english.Possessive(d.v.Name)+" account only")
		f.node("Target"+id, database, map[string]string{"hostname": "database, by hostname", "dbInstance": "RDS DB instance", "dbCluster": "Aurora cluster"}[s.Producer.Rds.By])
		f.edge("Service"+id, arrow, "", "ResourceGateway")
		f.edge("ResourceGateway", arrow, ports(s.Ports), "Target"+id)
	}
}

// producer draws one service of the handed-over template: endpoint service,
// load balancer, targets and, for a database, the registrar.
func (d drawing) producer(s config.Service) {
	f, p, id := d.f, s.Producer, stacks.OutputID(s.Name)
	accept := "acceptance required"
	if p.InsecureAutoAcceptConnections {
		accept = "accepts without review"
	}
	f.node("Service"+id, box, "endpoint service "+s.Name, accept+", allows "+english.Possessive(d.v.Name)+" principal only")
	sg := "with its own security group"
	if p.LoadBalancerSecurityGroup != nil && !*p.LoadBalancerSecurityGroup {
		sg = "first release, no security group"
	}
	f.node("Nlb"+id, box, "internal Network Load Balancer", ports(s.Ports)+", "+sg)
	f.edge("Service"+id, arrow, "", "Nlb"+id)
	switch p.Target {
	case "rds":
		what := map[string]string{
			"hostname":   "database, by hostname",
			"dbInstance": "RDS DB instance",
			"dbCluster":  "Aurora cluster, " + map[string]string{"writer": "writer", "reader": "readers"}[p.Rds.Role],
		}[p.Rds.By]
		f.node("Target"+id, database, what)
		every := "every minute"
		if m := *p.Registrar.ScheduleMinutes; m > 1 {
			every = fmt.Sprintf("every %d minutes", m)
		}
		f.node("Registrar"+id, rounded, "registrar Lambda", every+" and on RDS events")
		f.edge("Registrar"+id, dotted, "reads the addresses of", "Target"+id)
		f.edge("Registrar"+id, dotted, "registers them in", "Nlb"+id)
	case "ip":
		f.node("Target"+id, box, fmt.Sprintf("%d private IP address(es)", *p.Count))
	case "instance":
		f.node("Target"+id, box, fmt.Sprintf("%d EC2 instance(s)", *p.Count))
	}
	f.edge("Nlb"+id, arrow, ports(s.Ports), "Target"+id)
}

func (d drawing) vendorVpn() {
	f, c, vp := d.f, d.c, d.c.Vpn
	f.open("VendorVpn", "stack "+stacks.StackName(c, stacks.ModeVpn)+", "+c.Region, "vendor VPC "+vp.VpcCidr)
	f.node("VpnConnectors", box, "connectors", "subnets in "+strings.Join(vp.AvailabilityZones, ", "))
	f.node("VpnGateway", box, "virtual private gateway", fmt.Sprintf("ASN %d", *vp.AmazonSideAsn))
	f.edge("VpnConnectors", arrow, ports(vp.Ports), "VpnGateway")
	if n := vp.NatGatewayCount(); n > 0 {
		what := "1 NAT gateway"
		if vp.NatGateways == "perAz" {
			what = fmt.Sprintf("%d NAT gateways, one per AZ", n)
		}
		f.node("Nat", box, what, "and an internet gateway")
		f.edge("VpnConnectors", dotted, "public egress", "Nat")
	}
	f.close()
}

// site is the customer's network at the far end of the VPN: outside both
// AWS accounts.
func (d drawing) site() {
	f, vp := d.f, d.c.Vpn
	f.open("Site", "your network")
	device := "your VPN device " + vp.CustomerGateway.IPAddress
	if vp.Routing == "bgp" {
		f.node("Device", box, device, fmt.Sprintf("ASN %d", *vp.CustomerGateway.BgpAsn))
	} else {
		f.node("Device", box, device)
	}
	for i, n := range d.c.Vpn.RemoteNetworks {
		id := fmt.Sprintf("Network%d", i+1)
		f.node(id, box, n)
		f.edge("Device", arrow, "", id)
	}
	f.close()
	routing := map[string]string{"bgp": "BGP", "static": "static routes"}[vp.Routing]
	for i, t := range vp.Tunnels {
		label := []string{fmt.Sprintf("tunnel %d", i+1)}
		if t.InsideCidr != "" {
			label = append(label, t.InsideCidr)
		}
		label = append(label, strings.NewReplacer("ikev", "IKEv").Replace(strings.Join(t.IkeVersions, "/"))+", "+routing)
		f.edge("VpnGateway", thick, strings.Join(label, ", "), "Device")
	}
}

func (d drawing) vendorInbound() {
	f, c := d.f, d.c
	serviceName := cmp.Or(stacks.InboundServiceName(d.v, c), "pending: not deployed yet")
	f.open("VendorInbound", "stack "+stacks.InboundServiceStackName(c.Region)+", "+c.Region)
	f.node("PlatformService", box, "endpoint service", serviceName)
	f.node("Platform", box, english.Possessive(d.v.Name)+" platform load balancer", ports(d.v.InboundPrivateLink.Ports))
	f.edge("PlatformService", arrow, "", "Platform")
	f.close()
}

func (d drawing) customerInbound() {
	f, c, in := d.f, d.c, d.c.InboundPrivateLink
	f.node("Clients", box, "your systems", strings.Join(c.InboundClientCidrs(), ", "))
	f.open("CustomerInbound", "stack "+d.names.InboundStack+", "+in.Region, "from "+stacks.StackName(c, stacks.ModeInbound)+".yaml, in your VPC")
	f.node("InboundEndpoint", box, "interface endpoint", "subnets in "+strings.Join(in.AvailabilityZones, ", "))
	f.edge("Clients", arrow, ports(in.Ports), "InboundEndpoint")
	if in.DnsMode == config.DnsModePrivateDnsName {
		f.node("InboundDns", box, "private DNS of the endpoint", d.v.InboundPrivateLink.Regions[c.Region].PrivateDnsName)
		f.edge("InboundDns", dotted, "resolves to", "InboundEndpoint")
	} else {
		for i, z := range stacks.InboundZones(d.v, c) {
			id := fmt.Sprintf("Zone%d", i+1)
			f.node(id, box, "private hosted zone "+z.Domain, strings.Join(z.Hostnames, ", "))
			f.edge(id, dotted, "resolves to", "InboundEndpoint")
		}
	}
	f.close()
	label := "AWS PrivateLink"
	if c.InboundCrossRegion() {
		label = "cross-region PrivateLink to " + c.Region
	}
	f.edge("InboundEndpoint", thick, label, "PlatformService")
}
