package config

import (
	"fmt"
	"math/bits"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// Facts of AWS Site-to-Site VPN, from the EC2 API reference and the
// Site-to-Site VPN user guide.
var (
	ikeVersions          = []string{"ikev1", "ikev2"}
	encryptionAlgorithms = []string{"AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"}
	integrityAlgorithms  = []string{"SHA1", "SHA2-256", "SHA2-384", "SHA2-512"}
	phase1DhGroups       = []int{2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}
	phase2DhGroups       = []int{2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}
	dpdTimeoutActions    = []string{"restart", "clear", "none"}
	startupActions       = []string{"start", "add"}
	natGatewayModes      = []string{"single", "perAz", "none"}

	tunnelInsideRange = netip.MustParsePrefix("169.254.0.0/16")
	// Inside CIDRs AWS keeps for itself.
	reservedInsideCidrs = []netip.Prefix{
		netip.MustParsePrefix("169.254.0.0/30"), netip.MustParsePrefix("169.254.1.0/30"),
		netip.MustParsePrefix("169.254.2.0/30"), netip.MustParsePrefix("169.254.3.0/30"),
		netip.MustParsePrefix("169.254.4.0/30"), netip.MustParsePrefix("169.254.5.0/30"),
		netip.MustParsePrefix("169.254.169.252/30"),
	}
	pskRe           = regexp.MustCompile(`^[A-Za-z0-9._]{8,64}$`)
	secretNameRe    = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	secretArnRe     = regexp.MustCompile(`^arn:aws:secretsmanager:([a-z0-9-]+):([0-9]{12}):secret:([A-Za-z0-9/_+=.@-]{1,512})$`)
	secretJSONKeyRe = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,256}$`)
)

const (
	maxAsn        = 4294967295
	maxBgpAsn     = 2147483647 // larger ASNs go in BgpAsnExtended
	minPrivateAsn = 64512
)

// reservedAsns are customer gateway ASNs AWS keeps: region -> ASN ("" for every region).
var reservedAsns = map[int]string{7224: "", 9059: "eu-west-1", 10124: "ap-northeast-1", 17943: "ap-southeast-1"}

// notGlobal are IPv4 blocks from the IANA special-purpose registry that are
// not reachable on the internet, so AWS could never reach a VPN device there.
var notGlobal = []struct {
	block netip.Prefix
	what  string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "in 0.0.0.0/8 (\"this network\")"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address (10.0.0.0/8)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address (100.64.0.0/10)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address (172.16.0.0/12)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved for protocol assignments (192.0.0.0/24)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address (192.168.0.0/16)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "reserved for benchmarking (198.18.0.0/15)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address (240.0.0.0/4)"},
}

// The RFC 5737 documentation blocks (192.0.2.0/24, 198.51.100.0/24,
// 203.0.113.0/24) are not reachable either, but AWS's examples and ours use
// them, so they are accepted; a real gateway there would never bring a tunnel
// up, and the connectivity-lost alarm would say so at once.

// VpnSubnetLayout says how a VPN customer's vendor VPC is carved: the
// SubnetSlots of the block as for PrivateLink, the first slots for the
// connectors' private subnets in AZ order and the last slot for the NAT
// gateways' public subnets, split again into SubnetSlots. It depends on the
// block only, so neither adding an AZ nor turning NAT on moves a subnet.
// maxPrivate is 0 for a block too small to hold both.
func VpnSubnetLayout(vpcBits int) (maxPrivate, maxPublic int) {
	slots := cidr.SubnetSlots(vpcBits)
	if slots < 2 {
		return 0, 0
	}
	return slots - 1, cidr.SubnetSlots(vpcBits + bits.TrailingZeros(uint(slots)))
}

func validateVpn(r *report, v *Vendor, c *Customer, vpn *Vpn) {
	const p = "vpn"
	cp := join(p, "vpcCidr")
	checkVpcCidr(r, v, c, cp, vpn.VpcCidr)
	block, blockErr := cidr.Parse(vpn.VpcCidr)
	maxPrivate, maxPublic := 0, 0
	if blockErr == nil && block.Bits() >= 16 && block.Bits() <= 28 {
		maxPrivate, maxPublic = VpnSubnetLayout(block.Bits())
		if maxPrivate == 0 {
			r.add(cp, "too small for a VPN VPC: its last quarter holds the NAT gateways' public subnets and the rest the connectors' subnets", vpn.VpcCidr,
				"use a /27 (one AZ) or larger; /24 suits most customers")
		}
	}

	azs := join(p, "availabilityZones")
	example := fmt.Sprintf("[%s-az1, %s-az2]", orX(azPrefix[c.Region]), orX(azPrefix[c.Region]))
	checkAZList(r, p, vpn.AvailabilityZones, vpn.SingleAz, c.Region,
		"list the AZ IDs for the connectors' subnets, e.g. "+example,
		"list a second AZ ID, or set singleAz: true to accept the risk")
	if maxPrivate > 0 && len(vpn.AvailabilityZones) > maxPrivate {
		r.add(azs, fmt.Sprintf("a /%d VPN VPC holds at most %d connector subnets (its last quarter is kept for the NAT gateways)", block.Bits(), maxPrivate), len(vpn.AvailabilityZones),
			"list fewer AZs or use a larger vpcCidr (a /26 or larger holds 3)")
	}

	checkCustomerGateway(r, join(p, "customerGateway"), c, vpn)

	if a := *vpn.AmazonSideAsn; !privateAmazonAsn(a) {
		r.add(join(p, "amazonSideAsn"), "the Amazon side of a virtual private gateway takes a private ASN, 64512-65534 or 4200000000-4294967294", a,
			fmt.Sprintf("use %d (the default) unless the customer's network already uses it", DefaultAmazonSideAsn))
	} else if cust := vpn.CustomerGateway.BgpAsn; cust != nil && *cust == a {
		r.add(join(p, "amazonSideAsn"), "equals the customer gateway's ASN: BGP needs two different autonomous systems", a,
			fmt.Sprintf("set amazonSideAsn: %d or another private ASN the customer's network does not use", otherPrivateAsn(a)))
	}

	checkRouting(r, p, c, vpn, block, blockErr == nil)

	pp := join(p, "ports")
	if len(vpn.Ports) == 0 {
		r.add(pp, "no port is listed: the connectors could open nothing", raw("an empty list"), "list the TCP ports the connectors open to the remote networks, e.g. [443, 5432]")
	} else {
		checkPorts(r, pp, vpn.Ports)
	}
	if dests := len(vpn.RemoteNetworks); dests*len(vpn.Ports) > maxSecurityGroupRules {
		r.add(pp, fmt.Sprintf("the connectors security group would need more than %d egress rules (one per customer subnet and port)", maxSecurityGroupRules), dests*len(vpn.Ports),
			"list fewer ports, or summarize the customer's subnets into fewer, larger blocks")
	}

	np := join(p, "natGateways")
	if !slices.Contains(natGatewayModes, vpn.NatGateways) {
		r.add(np, "unknown NAT gateway mode", vpn.NatGateways, "use single, perAz or none")
	} else if need := vpn.NatGatewayCount(); maxPrivate > 0 && need > maxPublic {
		r.add(np, fmt.Sprintf("a /%d VPC has room for %d public subnet(s), one per NAT gateway", block.Bits(), maxPublic), vpn.NatGateways,
			"use natGateways: single, or a /24 or larger vpcCidr")
	}

	if d := vpn.TunnelLogs.RetentionDays; d != nil && !slices.Contains(logRetentionDays, *d) {
		r.add(join(p, "tunnelLogs.retentionDays"), "CloudWatch Logs does not accept this retention", *d, "use one of "+joinInts(logRetentionDays))
	}

	tp := join(p, "tunnels")
	if len(vpn.Tunnels) > TunnelCount {
		r.add(tp, fmt.Sprintf("a VPN connection has exactly %d tunnels", TunnelCount), len(vpn.Tunnels),
			"list at most two entries: the first configures tunnel 1, the second tunnel 2")
	}
	insides := map[netip.Prefix]int{}
	for i, t := range vpn.Tunnels {
		checkTunnel(r, index(tp, i), c, v, vpn, t, i, insides)
	}
	checkProbeTargets(r, c, vpn)
	if vpn.AllowIkev1 && !vpn.IkeV1Allowed() {
		r.add(join(p, "allowIkev1"), "allowIkev1 is set but no tunnel lists ikev1", true, "remove allowIkev1")
	}
}

// checkAZList applies the AZ rules shared by every mode: at least one, two
// unless singleAz says otherwise, each an AZ ID of the region, listed once.
func checkAZList(r *report, p string, list []string, singleAz bool, region, noneFix, oneFix string) {
	azs := join(p, "availabilityZones")
	switch n := len(list); {
	case n == 0:
		r.add(azs, "no availability zone is listed", raw("an empty list"), noneFix)
	case n == 1 && !singleAz:
		r.add(azs, "one AZ gives no redundancy against an AZ outage", list, oneFix)
	case n > 1 && singleAz:
		r.add(join(p, "singleAz"), fmt.Sprintf("singleAz is set but %d AZs are listed", n), true, "remove singleAz")
	}
	seen := map[string]bool{}
	for i, az := range list {
		ip := index(azs, i)
		if checkAZ(r, ip, az, region) && seen[az] {
			r.add(ip, "AZ listed twice", az, "list each AZ once")
		}
		seen[az] = true
	}
}

func checkCustomerGateway(r *report, p string, c *Customer, vpn *Vpn) {
	gw := vpn.CustomerGateway
	ipp := join(p, "ipAddress")
	addr, err := netip.ParseAddr(gw.IPAddress)
	switch {
	case gw.IPAddress == "":
		// Reported by the decoder as a missing key.
	case err != nil || !addr.Is4() || addr.Zone() != "":
		r.add(ipp, "not an IPv4 address", gw.IPAddress,
			"write the static public IPv4 address of the customer's VPN device (of the NAT device in front of it, if any), e.g. 198.51.100.7")
	default:
		for _, ng := range notGlobal {
			if ng.block.Contains(addr) {
				r.add(ipp, "AWS reaches the customer's VPN device over the internet, but this is "+ng.what, gw.IPAddress,
					"ask the customer for the device's public IPv4 address (of the NAT device in front of it, if any)")
				break
			}
		}
	}

	ap := join(p, "bgpAsn")
	switch asn := gw.BgpAsn; {
	case asn == nil && vpn.Routing == "bgp":
		r.add(ap, "routing: bgp needs the customer device's BGP ASN", raw("nothing"),
			"add bgpAsn: under customerGateway, as the customer sent it (a private one is 64512-65534 or 4200000000-4294967294)")
	case asn == nil:
		// Defaulted for static routing; an unknown routing is reported on its own.
	case *asn < 1 || *asn > maxAsn:
		r.add(ap, fmt.Sprintf("a BGP ASN is 1 to %d", maxAsn), *asn, "write the ASN the customer's device uses")
	default:
		if region, ok := reservedAsns[*asn]; ok && (region == "" || region == c.Region) {
			where := "in every region"
			if region != "" {
				where = "in " + region
			}
			r.add(ap, "AWS reserves this ASN "+where, *asn, "the customer's device must use another ASN, e.g. a private one (64512-65534)")
		}
	}
}

func checkRouting(r *report, p string, c *Customer, vpn *Vpn, block netip.Prefix, blockOK bool) {
	switch vpn.Routing {
	case "static", "bgp", "":
		// "" is reported by the decoder as a missing key.
	default:
		r.add(join(p, "routing"), "unknown routing", vpn.Routing, "use static or bgp (bgp when the customer's device supports it: failover between tunnels is automatic)")
	}
	checkRemoteNetworks(r, p, c, vpn, block, blockOK)
}

// checkRemoteNetworks checks what the connectors reach over the tunnels: the
// security group's destinations, and with static routing the VPN's routes.
func checkRemoteNetworks(r *report, p string, c *Customer, vpn *Vpn, block netip.Prefix, blockOK bool) {
	np := join(p, "remoteNetworks")
	if vpn.RemoteNetworks != nil && len(vpn.RemoteNetworks) == 0 {
		r.add(np, "no remote network: the connectors could reach nothing over the VPN", raw("an empty list"),
			"list the customer's subnets the connectors reach through the tunnels, e.g. [10.30.0.0/16]")
	}
	var networks []netip.Prefix
	for _, s := range c.Networks {
		if n, err := cidr.Parse(s); err == nil && n.Bits() > 0 {
			networks = append(networks, n)
		}
	}
	public := false
	seen := map[netip.Prefix]bool{}
	for i, s := range vpn.RemoteNetworks {
		ip := index(np, i)
		n, err := cidr.Parse(s)
		switch {
		case err != nil:
			r.add(ip, "invalid CIDR block: "+err.Error(), s, "write the customer's subnet as a block such as 10.30.0.0/16")
			continue
		case n.Bits() == 0:
			r.add(ip, "a default route through the VPN cannot work: the connectors' route to the NAT gateway wins over it, and the security group would open to every address", s,
				"list the customer's subnets themselves")
			continue
		case seen[n]:
			// Each becomes a security group rule, and EC2 refuses a rule twice.
			r.add(ip, "network listed twice", s, "list each network once")
			continue
		}
		seen[n] = true
		// AWS prefers the VPC's local route to a propagated one, however specific:
		// https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html
		if blockOK && n.Overlaps(block) {
			r.add(ip, fmt.Sprintf("overlaps the vendor VPC vpn.vpcCidr (%s): traffic to it would never leave the VPC", block), s,
				"list only the customer's subnets; if they really overlap, give this customer another vpcCidr")
		}
		if !slices.ContainsFunc(networks, func(w netip.Prefix) bool { return cidr.Contains(w, n) }) {
			r.add(ip, "not inside any of the customer's networks, against which vendor VPC blocks are checked", s,
				fmt.Sprintf("add %s (or a block that holds it) to networks", n))
		}
		if !cidr.IsPrivate(n) {
			public = true
			if !vpn.InsecureAllowPublicRemoteNetworks {
				// With both tunnels down, the propagated route is withdrawn and the
				// default route to the NAT gateway takes the traffic:
				// https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html
				r.add(ip, "public address space: while both tunnels are down its route is withdrawn, and the connectors' traffic to it would leave through the NAT gateway to the internet", s,
					"list private ranges only (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10), or set vpn.insecureAllowPublicRemoteNetworks: true if the customer's network really uses this range")
			}
		}
	}
	if vpn.InsecureAllowPublicRemoteNetworks && !public && len(vpn.RemoteNetworks) > 0 {
		r.add(join(p, "insecureAllowPublicRemoteNetworks"), "is set but every remote network is private", true, "remove it")
	}
}

func privateAmazonAsn(a int) bool {
	return a >= minPrivateAsn && a <= 65534 || a >= 4200000000 && a <= 4294967294
}

// otherPrivateAsn proposes a private ASN next to a.
func otherPrivateAsn(a int) int {
	if a == 65534 || a == 4294967294 {
		return a - 1
	}
	return a + 1
}

func joinAny[T any](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
