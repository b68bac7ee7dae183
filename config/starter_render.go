package config

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// Placeholders written into a starter file for what the customer must send.
// Each fails validation where it stands, with an error that says what to write.
const (
	todoPrefix        = "TODO-"
	todoAccount       = "TODO-customer-account-id"
	todoAZ            = "TODO-az-id"
	todoServiceName   = "TODO-endpoint-service-name"
	todoNetwork       = "TODO-customer-network-cidr"
	todoRemoteNetwork = "TODO-network-reached-over-vpn"
	todoGatewayIP     = "TODO-vpn-device-public-ip"
	todoRouting       = "TODO-bgp-or-static"
	todoAsn           = "TODO-vpn-device-bgp-asn"
)

// starterFile accumulates a starter file and the YAML paths of its
// placeholders. With stand-ins set, a valid value stands in for each
// placeholder instead: that version is checked against the fleet, so that a
// value given is refused for a clash (an overlap, another customer's gateway)
// that the placeholders would hide.
type starterFile struct {
	b    strings.Builder
	todo map[string]bool
	sub  *standIns
}

// standIns are valid values for the placeholders, clashing with nothing in the fleet.
type standIns struct {
	account, network, gatewayIP, serviceName string
	azs, inboundAZs                          []string
}

// newStandIns picks stand-ins no customer of f holds.
func newStandIns(f *Fleet, region string) *standIns {
	taken := map[string]bool{f.Vendor.Account: true}
	for _, c := range f.Vendor.Cells {
		taken[c.Account] = true
	}
	var pools []netip.Prefix
	for _, s := range f.Vendor.VpcCidrPools {
		if p, err := cidr.Parse(s); err == nil {
			pools = append(pools, p)
		}
	}
	for _, c := range f.Customers {
		taken[c.Account] = true
		for _, a := range c.InboundAccounts() {
			taken[a] = true
		}
		if c.Vpn != nil {
			taken[c.Vpn.CustomerGateway.IPAddress] = true
		}
	}
	s := &standIns{serviceName: fmt.Sprintf("com.amazonaws.vpce.%s.vpce-svc-00000000000000000", region)}
	for i := 1; s.account == ""; i++ {
		if a := fmt.Sprintf("%012d", i); !taken[a] {
			s.account = a
		}
	}
	// TEST-NET-1 (RFC 5737): a public address validation accepts for a gateway.
	for i := 1; i < 255 && s.gatewayIP == ""; i++ {
		if ip := fmt.Sprintf("192.0.2.%d", i); !taken[ip] {
			s.gatewayIP = ip
		}
	}
	for _, n := range []string{"192.168.255.0/24", "172.31.255.0/24", "10.255.255.0/24", "100.127.255.0/24"} {
		p := netip.MustParsePrefix(n)
		if !slices.ContainsFunc(pools, p.Overlaps) {
			s.network = n
			break
		}
	}
	if azs := regionAZs[region]; len(azs) >= 2 {
		s.azs = azs[:2]
	}
	s.inboundAZs = s.azs
	if in := f.Vendor.InboundPrivateLink; in != nil && len(in.Regions[region].AvailabilityZones) >= 2 {
		s.inboundAZs = in.Regions[region].AvailabilityZones[:2]
	}
	return s
}

func (f *starterFile) line(format string, args ...any) { fmt.Fprintf(&f.b, format+"\n", args...) }

// plainScalar matches strings YAML reads back as the same string unquoted:
// words and IPv4 addresses or blocks (not numbers, not 1.5).
var plainScalar = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9._/:-]*|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/[0-9]+)?)$`)

// q writes a string as YAML: plain when it reads back as itself, else
// quoted (a JSON string is a valid double-quoted YAML scalar).
func q(s string) string {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
	default:
		if plainScalar.MatchString(s) {
			return s
		}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// list renders given strings as a flow list, or placeholders at path[i]
// (or their stand-ins).
func (f *starterFile) list(given []string, path string, standIns []string, placeholders ...string) string {
	if len(given) == 0 {
		given = placeholders
		for i := range placeholders {
			f.todo[index(path, i)] = true
		}
		if f.sub != nil {
			given = standIns
		}
	}
	quoted := make([]string, len(given))
	for i, s := range given {
		quoted[i] = q(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// ports renders given ports, or an empty list (itself the placeholder) at path.
func (f *starterFile) ports(given []int, path string) string {
	if len(given) == 0 {
		f.todo[path] = true
		if f.sub != nil {
			given = []int{DefaultInboundPort}
		}
	}
	s := make([]string, len(given))
	for i, p := range given {
		s[i] = strconv.Itoa(p)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// value renders a given string, or the placeholder at path (or its stand-in).
func (f *starterFile) value(given, path, placeholder, standIn string) string {
	if given == "" {
		return f.placeholder(path, q(placeholder), q(standIn))
	}
	return q(given)
}

// placeholder marks path and renders the placeholder, or its stand-in (both YAML).
func (f *starterFile) placeholder(path, placeholder, standIn string) string {
	f.todo[path] = true
	if f.sub != nil {
		return standIn
	}
	return placeholder
}

// renderStarter returns the file and the YAML paths that hold placeholders.
// With sub set, stand-ins take the placeholders' places.
func renderStarter(v *Vendor, name, region string, cidrs map[string]string, modes map[string]bool, opts StarterOptions, sub *standIns) ([]byte, map[string]bool) {
	f := &starterFile{todo: map[string]bool{}, sub: sub}
	if sub == nil {
		sub = &standIns{} // unused: keeps the calls below simple
	}
	f.line("# yaml-language-server: $schema=../schema/%s", CustomerSchemaFile)
	f.line("#")
	f.line("# Written by make new-customer. Replace every TODO with what the customer")
	f.line("# sends, then run make validate: until then the fleet does not validate, on")
	f.line("# purpose. Every key, with its default: config/schema/%s.", ReferenceFile)
	f.line("apiVersion: %s", APIVersion)
	f.line("kind: %s", KindCustomer)
	f.line("")
	f.line("name: %s", name)
	f.line("# displayName: how the handed-over guides name the customer (default: %s)", name)
	f.line("account: %s", f.value(opts.Account, "account", todoAccount, sub.account))
	f.line("region: %s", region)
	if opts.Cell != "" {
		f.line("# The vendor account hosting this customer: written once, never changed.")
		f.line("cell: %s", opts.Cell)
	}
	f.line("# Every IPv4 network of the customer's: AWS VPCs, data centres, offices. No")
	f.line("# vendor VPC of theirs may overlap them.")
	networks := opts.Networks
	if len(networks) == 0 && len(opts.RemoteNetworks) > 0 {
		// The networks reached over the VPN are the customer's: a start.
		networks = opts.RemoteNetworks
		f.line("# Add the customer's other networks (an AWS VPC, say) to the ones the VPN reaches.")
	}
	f.line("networks: %s", f.list(networks, "networks", []string{sub.network}, todoNetwork))
	if len(networks) > 0 {
		sub.network = networks[0] // a remote network's stand-in lies inside networks
	}
	if modes[ModePrivateLink] {
		renderPrivateLink(f, cidrs[ModePrivateLink], opts, sub)
	}
	if modes[ModeVpn] {
		renderVpn(f, region, cidrs[ModeVpn], opts, sub)
	}
	if modes[ModeInbound] {
		renderInbound(f, v, region, opts, sub)
	}
	var others []string
	for _, m := range []string{ModePrivateLink, ModeVpn, ModeInbound} {
		if !modes[m] {
			others = append(others, m)
		}
	}
	if len(others) > 0 {
		f.line("")
		f.line("# Other sections a customer may have: %s (see the reference).", strings.Join(others, ", "))
	}
	return []byte(f.b.String()), f.todo
}

func renderPrivateLink(f *starterFile, block string, opts StarterOptions, sub *standIns) {
	const p = "privateLink"
	f.line("")
	f.line("# The vendor reaches the customer's endpoint services over PrivateLink.")
	f.line("privateLink:")
	f.line("  # Proposed from the vendor pool; never change it once deployed.")
	f.line("  vpcCidr: %s", block)
	if opts.ProducerMode == ModeResourceGateway {
		f.line("  # AZ IDs (use1-az1, not us-east-1a) of the endpoint's subnets: the customer's")
		f.line("  # resource gateway needs a subnet in at least one of them, ideally in each.")
	} else {
		f.line("  # AZ IDs (use1-az1, not us-east-1a) the customer's endpoint service is offered in.")
	}
	f.line("  availabilityZones: %s", f.list(opts.AvailabilityZones, p+".availabilityZones", sub.azs, todoAZ+"-1", todoAZ+"-2"))
	f.line("  services:")
	f.line("    - name: db")
	rg := opts.ProducerMode == ModeResourceGateway
	switch {
	case opts.Target != "" && rg:
		f.line("      # Pending until the customer deploys the handed-over template (make")
		f.line("      # handoff) and sends its ResourceConfigurationArn output: add it here as")
		f.line("      # resourceConfigurationArn (and accept the AWS RAM share: make accept).")
	case opts.Target != "":
		f.line("      # Pending until the customer deploys the handed-over template")
		f.line("      # (make handoff) and sends its ServiceName output: add it here as serviceName.")
		if opts.ServiceName != "" {
			f.line("      serviceName: %s", q(opts.ServiceName))
		}
	default:
		f.line("      # The endpoint service name the customer sends. Or, to hand them a")
		f.line("      # template for their side, a producer section (make new-customer TARGET=rds).")
		f.line("      serviceName: %s", f.value(opts.ServiceName, p+".services[0].serviceName", todoServiceName, sub.serviceName))
	}
	f.line("      # TCP ports the service listens on.")
	f.line("      ports: %s", f.ports(opts.Ports, p+".services[0].ports"))
	if opts.Target == "" {
		return
	}
	f.line("      producer:")
	if opts.ProducerMode != "" {
		f.line("        # nlb: a load balancer in the customer's VPC; resourceGateway: the")
		f.line("        # database shared through a resource gateway and AWS RAM (same region,")
		f.line("        # rds only; README: Choosing nlb or resourceGateway).")
		f.line("        mode: %s", q(opts.ProducerMode))
	}
	if rg {
		renderResourceGatewayRds(f, opts)
		return
	}
	f.line("        # What the customer's load balancer forwards to: rds, ip or instance.")
	f.line("        target: %s", q(opts.Target))
	if opts.Target != "rds" {
		f.line("        # count: 1  (how many targets; each is a parameter of the customer's template)")
		return
	}
	by, role := opts.RdsBy, opts.RdsRole
	if by == "" {
		by = DefaultRdsBy
	}
	if by == "dbCluster" && role == "" {
		role = DefaultRdsRole
	}
	f.line("        # How the registrar in the customer's template finds the database:")
	f.line("        #   hostname    any DNS name: an RDS instance endpoint or an RDS Proxy;")
	f.line("        #   dbInstance  an RDS DB instance identifier, through the RDS API;")
	f.line("        #   dbCluster   an Aurora cluster identifier, through the RDS API, with")
	f.line("        #               role: writer (the writer instance: reads and writes) or")
	f.line("        #               reader (every available reader: reporting, read-only).")
	f.line("        # For Aurora use dbCluster, not the cluster endpoint's hostname: after a")
	f.line("        # failover the RDS API names the new writer at once, while the endpoint's")
	f.line("        # DNS lags and the old writer, restarted as a reader, still passes the load")
	f.line("        # balancer's health checks. The customer gives the identifier or hostname")
	f.line("        # as a parameter of their template.")
	f.line("        rds:")
	f.line("          by: %s", q(by))
	if role != "" {
		f.line("          role: %s", q(role))
	}
}

// renderResourceGatewayRds writes the database of a producer section of mode
// resourceGateway: no registrar, no role.
func renderResourceGatewayRds(f *starterFile, opts StarterOptions) {
	by := opts.RdsBy
	if by == "" {
		by = DefaultRdsBy
	}
	f.line("        target: %s", q(opts.Target))
	f.line("        # What the customer's resource configuration names:")
	f.line("        #   hostname    a publicly resolvable DNS name, e.g. the RDS endpoint,")
	f.line("        #               on the service's ports;")
	f.line("        #   dbInstance  an RDS DB instance, by its ARN, on its own port (one);")
	f.line("        #   dbCluster   an Aurora cluster, by its ARN, on its own port (one).")
	f.line("        # The customer gives the identifier or hostname as a parameter of their")
	f.line("        # template.")
	f.line("        rds:")
	f.line("          by: %s", q(by))
	if opts.RdsRole != "" {
		f.line("          role: %s", q(opts.RdsRole))
	}
}

func renderVpn(f *starterFile, region, block string, opts StarterOptions, sub *standIns) {
	const p = "vpn"
	azs := opts.AvailabilityZones
	if len(azs) == 0 && len(regionAZs[region]) >= 2 {
		azs = regionAZs[region][:2]
	}
	f.line("")
	f.line("# The vendor reaches the customer's network over a site-to-site VPN.")
	f.line("vpn:")
	f.line("  # Proposed from the vendor pool; never change it once deployed.")
	f.line("  vpcCidr: %s", block)
	f.line("  # AZ IDs of the connectors' subnets in the vendor VPC: the vendor's choice.")
	f.line("  availabilityZones: %s", f.list(azs, p+".availabilityZones", sub.azs, todoAZ+"-1", todoAZ+"-2"))
	f.line("  customerGateway:")
	f.line("    # Static public IPv4 address of the customer's VPN device (or of the NAT")
	f.line("    # device in front of it).")
	f.line("    ipAddress: %s", f.value(opts.GatewayIP, p+".customerGateway.ipAddress", todoGatewayIP, sub.gatewayIP))
	switch {
	case opts.BgpAsn != nil:
		f.line("    # The device's BGP ASN.")
		f.line("    bgpAsn: %d", *opts.BgpAsn)
	case opts.Routing != "static":
		f.line("    # The device's BGP ASN (with routing: static, remove this line).")
		f.line("    bgpAsn: %s", f.placeholder(p+".customerGateway.bgpAsn", q(todoAsn), strconv.Itoa(DefaultStaticCustomerAsn)))
	}
	f.line("  # bgp when the device supports it (failover between the tunnels is")
	f.line("  # automatic), else static.")
	f.line("  routing: %s", f.value(opts.Routing, p+".routing", todoRouting, "bgp"))
	f.line("  # The customer's networks the connectors reach through the tunnels, each")
	f.line("  # inside networks above: with bgp exactly what the device advertises, with")
	f.line("  # static routing one route each. Not the customer's AWS VPC reached over")
	f.line("  # PrivateLink.")
	f.line("  remoteNetworks: %s", f.list(opts.RemoteNetworks, p+".remoteNetworks", []string{sub.network}, todoRemoteNetwork))
	f.line("  # TCP ports the connectors may open to them.")
	f.line("  ports: %s", f.ports(opts.VpnPorts, p+".ports"))
	f.line("  # The connectors' internet egress: single (the default: one NAT gateway,")
	f.line("  # charged by the hour with its public IPv4 address), perAz or none.")
	f.line("  # natGateways: single")
	f.line("  # amazonSideAsn: %d  (the default; it cannot change once deployed)", DefaultAmazonSideAsn)
	f.line("  # Tunnel options (IKEv2, AES-256, SHA-2, DH 14-21 by default): tunnels[].")
	f.line("  # What the probe connects to every minute through the tunnels (without")
	f.line("  # any, only the tunnels' state is watched): hosts in remoteNetworks, on ports.")
	f.line("  # probeTargets: [{host: <IPv4 address or DNS name>, port: <one of ports>}]")
}

func renderInbound(f *starterFile, v *Vendor, region string, opts StarterOptions, sub *standIns) {
	const p = "inboundPrivateLink"
	offered := "the AZs the vendor's service is offered in"
	ports := fmt.Sprint(DefaultInboundPort)
	if in := v.InboundPrivateLink; in != nil {
		if r, ok := in.Regions[region]; ok {
			offered = fmt.Sprintf("the AZs the vendor's service in %s is offered in: %s", region, strings.Join(r.AvailabilityZones, ", "))
		}
		ports = joinInts(in.Ports)
	}
	f.line("")
	f.line("# The customer reaches the vendor platform over PrivateLink, from their VPC.")
	f.line("inboundPrivateLink:")
	f.line("  # AZ IDs of the customer's subnets for the endpoint, among")
	f.line("  # %s.", offered)
	f.line("  availabilityZones: %s", f.list(opts.AvailabilityZones, p+".availabilityZones", sub.inboundAZs, todoAZ+"-1", todoAZ+"-2"))
	f.line("  # The endpoint admits networks above (clientCidrs narrows them) on the")
	f.line("  # platform's ports (%s), for all its hostnames (hostnames narrows them).", ports)
}
