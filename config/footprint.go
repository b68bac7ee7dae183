package config

import (
	"strings"
)

// A Footprint is what one stack of the fleet will hold, estimated from the
// configuration before anything is synthesized: how many resources,
// parameters and outputs, an upper bound of its template's size, of each
// Lambda function's environment and of each SSM parameter's value, and the
// logical IDs it derives from configured values. Validation holds these
// against Limits and against each other, so that a fleet that validates
// also synthesizes and deploys.
//
// The model mirrors what package stacks builds. stacks/footprint_test.go
// synthesizes fleets and fails when a template holds more than its footprint
// says, or an ID the footprint does not know: change a stack, and that test
// says what to change here.
type Footprint struct {
	Stack      string
	HandedOver bool   // deployed by the customer, from the template handed over
	Inline     bool   // its guide deploys it as an inline template body
	Path       string // the section of the file the stack comes from

	Resources, Parameters, Outputs, Mappings int
	TemplateBytes                            int
	LambdaEnvironments                       []Sized // one per function
	SsmValues                                []Sized // one per parameter that can grow
	SecurityGroupDescriptions                []Sized // one per group whose description varies
	IDs                                      []OwnedID
}

// Sized is an upper bound in bytes of one value, and the path of what drives it.
type Sized struct {
	Bytes int
	Path  string
}

// OwnedID is a top-level logical ID of a stack and what gives it: the YAML
// path and value it derives from, or no path for an ID the stack always has.
type OwnedID struct {
	ID, Path, Value, What string
}

// LabelID turns a service label into the prefix of the logical IDs made
// from it: my-db gives MyDb (MyDbEndpointId, MyDbServiceName...).
func LabelID(label string) string {
	var b strings.Builder
	for _, part := range strings.Split(label, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// Upper bounds, in bytes of template (JSON as CDK writes it, or YAML), of
// one element without its tags, long enough for the longest names
// validation allows; measured on synthesized templates and rounded up.
const (
	tinyBytes   = 550  // route table, association, route, attachment, listener, permission, log group, ingress rule
	smallBytes  = 800  // subnet, flow log, NAT gateway, endpoint service, SSM parameter
	mediumBytes = 1000 // security group, endpoint, hosted zone, record, load balancer, target group, event rule
	alarmBytes  = 1450 // alarm, function (without its code), the flow log role
	largeBytes  = 4500 // the registrar's role, the VPN connection
	ruleBytes   = 260  // one inline security group rule
	paramBytes  = 650  // a parameter, with its console label and group entry
	outputBytes = 650
	stackBytes  = 2048 // description, metadata, sections
	tagBytes    = 60   // a tag's JSON or YAML around its key and value

	// Resolved values the template leaves to CloudFormation.
	ruleBytesHandoff = 400 // the Rules entry that pins a handed-over template's region

	maxArnTargetGroup = len("arn:aws:elasticloadbalancing:ap-southeast-5:123456789012:targetgroup/") + 32 + 1 + 16
	maxSsmNameCfn     = 128 // a parameter name CloudFormation generates: CFN-<logical ID>-<random>
	maxHostnameValue  = 253
	maxIdentifier     = 63
)

// tally adds up a footprint.
type tally struct {
	fp       *Footprint
	tagBytes int // what the tags on every taggable resource add
}

func newTally(stack, path string, handedOver bool, tags map[string]string) *tally {
	t := &tally{fp: &Footprint{Stack: stack, Path: path, HandedOver: handedOver, TemplateBytes: stackBytes}}
	for k, v := range tags {
		t.tagBytes += tagBytes + len(k) + len(v)
	}
	return t
}

// res adds n resources of the given size; tagged ones carry the stack's tags.
func (t *tally) res(n, bytes int, tagged bool) {
	t.fp.Resources += n
	t.fp.TemplateBytes += n * bytes
	if tagged {
		t.fp.TemplateBytes += n * t.tagBytes
	}
}

func (t *tally) params(n int)  { t.fp.Parameters += n; t.fp.TemplateBytes += n * paramBytes }
func (t *tally) outputs(n int) { t.fp.Outputs += n; t.fp.TemplateBytes += n * outputBytes }
func (t *tally) bytes(n int)   { t.fp.TemplateBytes += n }

func (t *tally) id(id, path, value, what string) {
	t.fp.IDs = append(t.fp.IDs, OwnedID{id, path, value, what})
}

// fixed adds IDs every such stack has.
func (t *tally) fixed(ids ...string) {
	for _, id := range ids {
		t.id(id, "", "", "")
	}
}

// vendorTags are the tags of a vendor-side stack of c: the vendor's, the
// customer's (which win on a clash) and privateconnect's own.
func vendorTags(v *Vendor, c *Customer, mode string) map[string]string {
	out := map[string]string{"privateconnect:customer": c.Name, "privateconnect:mode": mode}
	for _, m := range []map[string]string{v.Tags, c.Tags} {
		for k, val := range m {
			out[k] = val
		}
	}
	return out
}

// Footprints estimates the stacks of customer c: its vendor-side stacks,
// then the templates handed over to it.
func Footprints(v *Vendor, c *Customer) []Footprint {
	var out []Footprint
	if c.PrivateLink != nil {
		out = append(out, privateLinkFootprint(v, c))
		if fp, ok := producerFootprint(v, c); ok {
			out = append(out, fp)
		}
	}
	if c.Vpn != nil {
		out = append(out, vpnFootprint(v, c))
	}
	if c.InboundPrivateLink != nil {
		out = append(out, inboundFootprint(v, c))
	}
	return out
}

func privateLinkFootprint(v *Vendor, c *Customer) Footprint {
	pl := c.PrivateLink
	t := newTally(c.Name+"-PrivateLink", "privateLink", false, vendorTags(v, c, "privatelink"))
	azs := len(pl.AvailabilityZones)
	t.res(1, tinyBytes, true)    // VPC
	t.res(1, smallBytes, true)   // flow log
	t.res(1, alarmBytes, true)   // its role
	t.res(1, tinyBytes, true)    // its log group
	t.res(azs, smallBytes, true) // subnet
	t.res(azs, tinyBytes, true)  // route table
	t.res(azs, tinyBytes, false) // association
	t.res(1, mediumBytes, false) // private hosted zone
	t.res(4, smallBytes, true)   // SSM: vpc-id, subnet-ids, connector-security-group-id, flow-log-group
	t.params(1)                  // BootstrapVersion
	t.outputs(4)
	t.fixed("Consumer", "BootstrapVersion", "CheckBootstrapVersion")
	for _, id := range []string{"VpcId", "SubnetIds", "ConnectorSecurityGroupId", "FlowLogGroup"} {
		t.fixed(id, id+"Parameter")
	}
	ports, resources := 0, 0
	for i, s := range pl.Services {
		path := index("privateLink.services", i) + ".name"
		// A pending service has no endpoint yet, but will: its IDs are
		// reserved now, so that adding serviceName later cannot collide.
		x := LabelID(s.Name)
		for _, suffix := range []string{"EndpointId", "EndpointDnsName", "DnsName", "Ports"} {
			t.id(x+suffix, path, s.Name, "output")
			t.id(x+suffix+"Parameter", path, s.Name, "SSM parameter")
		}
		t.id(x+"EndpointDnsEntries", path, s.Name, "output")
		t.id(x+"ResourceConfigurationArn", path, s.Name, "output")
		t.id(x+"ResourceConfigurationArnParameter", path, s.Name, "SSM parameter")
		if s.Pending() {
			continue
		}
		ports += len(s.Ports)
		t.fp.SecurityGroupDescriptions = append(t.fp.SecurityGroupDescriptions,
			Sized{len("Interface endpoint for : admits the connectors group on ") + len(s.Name) + len(tcpPorts(s.Ports)), index("privateLink.services", i) + ".ports"})
		t.res(1, mediumBytes, true)                // endpoint's security group
		t.res(1, mediumBytes, true)                // endpoint
		t.res(1, mediumBytes+2*len(s.Name), false) // record
		t.res(len(s.Ports), tinyBytes, false)      // ingress from the connectors
		t.res(4, smallBytes, true)                 // SSM: endpoint-id, endpoint-dns-name, dns-name, ports
		t.outputs(5)                               // and EndpointDnsEntries, or ResourceConfigurationArn
		if s.ResourceConfigurationArn != "" {
			resources++
			t.res(1, tinyBytes, false)                                 // the custom resource reading its DNS name
			t.res(1, smallBytes+len(s.ResourceConfigurationArn), true) // SSM: resource-configuration-arn
			t.bytes(len(s.ResourceConfigurationArn))                   // the endpoint's and the output's copies
		}
	}
	t.res(1, mediumBytes+ports*ruleBytes, true) // connectors group, one egress rule per port
	if resources > 0 {
		// One function reads every resource endpoint's DNS name: its log
		// group, role and function, code inline.
		t.res(1, tinyBytes, true)
		t.res(1, alarmBytes, true)
		t.res(1, alarmBytes+DnsLookupCodeBudget, true)
		t.fp.LambdaEnvironments = append(t.fp.LambdaEnvironments, Sized{len("WAIT_SECONDS") + 4, "privateLink.services"})
	}
	t.privateLinkProbe(v, c)
	return *t.fp
}

// DnsLookupCodeBudget bounds the inline code of the function that reads
// resource endpoints' DNS names, as JSON escapes it (stacks/footprint_test.go
// holds the code to it).
const DnsLookupCodeBudget = 6 << 10

func vpnFootprint(v *Vendor, c *Customer) Footprint {
	vp := c.Vpn
	t := newTally(c.Name+"-Vpn", "vpn", false, vendorTags(v, c, "vpn"))
	azs, nat := len(vp.AvailabilityZones), vp.NatGatewayCount()
	t.res(1, tinyBytes, true)    // VPC
	t.res(1, smallBytes, true)   // flow log
	t.res(1, alarmBytes, true)   // its role
	t.res(2, tinyBytes, true)    // flow and tunnel log groups
	t.res(azs, smallBytes, true) // subnet
	t.res(azs, tinyBytes, true)  // route table
	t.res(azs, tinyBytes, false) // association
	t.res(1, tinyBytes, true)    // VPN gateway
	t.res(2, tinyBytes, false)   // its attachment, route propagation
	t.res(1, tinyBytes, true)    // customer gateway
	t.res(1, largeBytes, true)   // VPN connection
	if vp.Routing == "static" {
		t.res(len(vp.RemoteNetworks), tinyBytes, false) // a VPN connection route each
	}
	t.res(1, mediumBytes+len(vp.RemoteNetworks)*len(vp.Ports)*ruleBytes, true) // connectors group
	t.res(3, alarmBytes, true)                                                 // tunnel alarms, the dashboard's included
	if nat > 0 {
		t.res(1, tinyBytes, true)      // internet gateway
		t.res(1, tinyBytes, false)     // its attachment
		t.res(2*nat, smallBytes, true) // public subnet, NAT gateway
		t.res(2*nat, tinyBytes, true)  // route table, Elastic IP
		t.res(2*nat, tinyBytes, false) // association, route to the internet
		t.res(azs, tinyBytes, false)   // default route of each connector subnet
	}
	ssm := 9
	outputs := 10
	if nat > 0 {
		ssm++
		outputs++
	}
	t.res(ssm, smallBytes, true)
	t.params(1) // BootstrapVersion
	t.outputs(outputs)
	t.fixed("Site", "BootstrapVersion", "CheckBootstrapVersion", "DeviceConfigurationCommand")
	for _, id := range []string{"VpcId", "SubnetIds", "ConnectorSecurityGroupId", "RemoteNetworks", "VpnConnectionId", "VpnGatewayId",
		"CustomerGatewayId", "FlowLogGroup", "TunnelLogGroup", "NatPublicIps"} {
		t.fixed(id, id+"Parameter")
	}
	t.vpnProbe(c)
	return *t.fp
}

// tcpPorts is how descriptions list ports: TCP 443, 8443.
func tcpPorts(ports []int) string { return "TCP " + joinInts(ports) }

// Footprints estimates every stack of a validated fleet, by stack ID (the
// stack name, but for the shared stacks of a cell: config.SharedStackID):
// each customer's stacks and the handed-over templates, and the vendor's
// shared inbound and dashboard stacks of each cell and region.
func (f *Fleet) Footprints() map[string]Footprint {
	out := map[string]Footprint{}
	for _, c := range f.Customers {
		for _, fp := range Footprints(f.Vendor.ForCustomer(c), c) {
			out[fp.Stack] = fp
		}
	}
	for _, cell := range f.Cells() {
		for region, cs := range cell.inboundByRegion() {
			fp := InboundServiceFootprint(cell.Vendor, region, cs)
			out[fp.Stack] = fp
		}
		for _, region := range DashboardRegions(cell.Customers) {
			for _, s := range cell.DashboardStacks(region) {
				out[cell.Vendor.SharedStackID(s.Name)] = dashboardFootprint(s)
			}
		}
	}
	return out
}

// inboundByRegion groups the inbound customers by the region of the vendor
// service they connect to.
func (f *Fleet) inboundByRegion() map[string][]*Customer {
	out := map[string][]*Customer{}
	for _, c := range f.Customers {
		if c.InboundPrivateLink != nil {
			out[c.Region] = append(out[c.Region], c)
		}
	}
	return out
}

// InboundServiceFootprint estimates the vendor's shared inbound stack of a
// region, which serves the given customers.
func InboundServiceFootprint(v *Vendor, region string, customers []*Customer) Footprint {
	t := newTally(v.SharedStackID("Vendor-Inbound-"+region), v.InboundRegionPath(region), false,
		map[string]string{"privateconnect:mode": "inbound"})
	for k, val := range v.Tags {
		t.tagBytes += tagBytes + len(k) + len(val)
	}
	principals := map[string]bool{}
	for _, c := range customers {
		for _, a := range c.InboundAccounts() {
			principals[a] = true
		}
		t.bytes(len(c.Name) + 1 + 16) // Customers output, SupportedRegions
	}
	list := len(principals) * len("arn:aws:iam::123456789012:root,")
	ssm := 4
	if v.InboundPrivateLink.Regions[region].PrivateDnsName != "" {
		ssm++
	}
	t.res(1, mediumBytes, true)       // endpoint service
	t.res(1, tinyBytes+2*list, false) // its permissions
	t.res(ssm, smallBytes, true)      // SSM parameters
	t.bytes(2 * list)                 // the AllowedPrincipals output and parameter
	t.params(1)                       // BootstrapVersion
	t.outputs(ssm + 2)                // and Customers, PlatformNlbCheck
	t.bytes(outputBytes)              // the check's command
	t.fp.SsmValues = append(t.fp.SsmValues, Sized{list, t.fp.Path})
	t.fixed("PlatformService", "Customers", "PlatformNlbCheck", "BootstrapVersion", "CheckBootstrapVersion")
	for _, id := range []string{"ServiceId", "ServiceName", "AvailabilityZoneIds", "AllowedPrincipals", "PrivateDnsName"} {
		t.fixed(id, id+"Parameter")
	}
	return *t.fp
}
