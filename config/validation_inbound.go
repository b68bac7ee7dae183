package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

var (
	nlbArnRe = regexp.MustCompile(`^arn:aws:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):loadbalancer/net/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)
	dnsModes = []string{DnsModePrivateHostedZone, DnsModePrivateDnsName}
)

// maxHostname is the longest DNS name Route 53 accepts, without the final dot.
const maxHostname = 253

// validateVendorInbound checks vendor.yaml's inboundPrivateLink section.
func validateVendorInbound(r *report, v *Vendor, in *VendorInbound) {
	const p = "inboundPrivateLink"
	dp := join(p, "domains")
	if len(in.Domains) == 0 {
		r.add(dp, "no domain is listed", raw("an empty list"), "list the platform's DNS domains customers resolve, e.g. [platform.example.com]")
	}
	for i, d := range in.Domains {
		ip := index(dp, i)
		if !validDomain(d) {
			checkDomain(r, ip, d)
			continue
		}
		for j, other := range in.Domains[:i] {
			switch {
			case d == other:
				r.add(ip, "domain listed twice", d, "list each domain once")
			case within(d, other) || within(other, d):
				// One private zone would hide the other's names in the customer's VPC.
				r.add(ip, fmt.Sprintf("nested with domains[%d] (%s): the customer's private zone for the parent would answer for the child", j, other), d,
					"list the parent domain only")
			}
		}
	}

	hp := join(p, "hostnames")
	if len(in.Hostnames) == 0 {
		r.add(hp, "no hostname is listed", raw("an empty list"), "list the hostnames customers' systems connect to, e.g. [api.platform.example.com]")
	}
	for i, h := range in.Hostnames {
		ip := index(hp, i)
		switch {
		case !validHostname(h):
			r.add(ip, "not a valid hostname", h, "use lowercase labels of letters, digits and hyphens joined by dots, without a trailing dot, e.g. api.platform.example.com")
		case domainOf(h, in.Domains) == "":
			r.add(ip, "not in any of the domains", h, fmt.Sprintf("use a name under %s, or add its domain to domains", orX(strings.Join(in.Domains, ", "))))
		case slices.Contains(in.Hostnames[:i], h):
			r.add(ip, "hostname listed twice", h, "list each hostname once")
		}
	}
	checkPorts(r, join(p, "ports"), in.Ports)

	rp := join(p, "regions")
	switch {
	case v.HasCells() && len(in.Regions) > 0:
		r.add(rp, "with cells, each cell's platform load balancers are given in the cell", raw(fmt.Sprint(len(in.Regions))+" regions"),
			"move each region's entry to cells[i].inboundPrivateLink of the cell whose account holds the load balancer")
	case !v.HasCells() && len(in.Regions) == 0:
		r.add(rp, "no region is listed", raw("an empty mapping"), "add the platform's load balancer for a region, e.g. us-east-1: {nlbArn: ..., availabilityZones: [...]}")
	case !v.HasCells():
		checkInboundRegions(r, v, rp, in.Regions)
	}
}

// checkInboundRegions checks the platform's load balancer per region, at p:
// the vendor's inboundPrivateLink.regions, or a cell's inboundPrivateLink.
// v is the vendor, or the cell's view of it.
func checkInboundRegions(r *report, v *Vendor, rp string, regions map[string]InboundRegion) {
	in := v.InboundPrivateLink
	for _, reg := range sortedKeys(regions) {
		p := mapKey(rp, reg)
		ir := regions[reg]
		if !checkRegion(r, p, reg) {
			continue
		}
		if !slices.Contains(v.Regions, reg) {
			r.add(p, "the vendor does not operate in this region", reg, "add the region to regions or remove this entry")
		}
		ap := join(p, "nlbArn")
		switch m := nlbArnRe.FindStringSubmatch(ir.NlbArn); {
		case ir.NlbArn == "":
			// Reported by the decoder as a missing key.
		case m == nil:
			r.add(ap, "not a Network Load Balancer ARN", ir.NlbArn,
				"copy the ARN of the platform's load balancer: arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<16 hex digits>")
		case m[1] != reg:
			r.add(ap, fmt.Sprintf("the load balancer is in %s, not in %s: an endpoint service fronts load balancers of its own region only", m[1], reg), ir.NlbArn,
				fmt.Sprintf("use the platform's load balancer in %s", reg))
		case accountRe.MatchString(v.Account) && m[2] != v.Account:
			r.add(ap, "the load balancer is not in the vendor account, where the endpoint service is created", ir.NlbArn,
				fmt.Sprintf("use a load balancer of account %s", v.Account))
		}
		zp := join(p, "availabilityZones")
		if len(ir.AvailabilityZones) == 0 {
			r.add(zp, "no availability zone is listed", raw("an empty list"),
				fmt.Sprintf("list the AZ IDs of the load balancer's subnets: aws elbv2 describe-load-balancers --region %s --load-balancer-arns <arn> --query 'LoadBalancers[0].AvailabilityZones[].ZoneName', then their IDs", reg))
		}
		for i, az := range ir.AvailabilityZones {
			ip := index(zp, i)
			if checkAZ(r, ip, az, reg) && slices.Contains(ir.AvailabilityZones[:i], az) {
				r.add(ip, "AZ listed twice", az, "list each AZ once")
			}
		}
		if n := ir.PrivateDnsName; n != "" {
			np := join(p, "privateDnsName")
			switch {
			case !validHostname(strings.TrimPrefix(n, "*.")):
				r.add(np, "not a valid private DNS name", n, "use a DNS name such as api.platform.example.com, or a wildcard such as *.platform.example.com")
			case domainOf(strings.TrimPrefix(n, "*."), in.Domains) == "":
				r.add(np, "not in any of the domains", n, fmt.Sprintf("use a name under %s, which customers resolve", orX(strings.Join(in.Domains, ", "))))
			}
		}
		if ir.ServiceName != "" {
			sp := join(p, "serviceName")
			switch m := svcNameRe.FindStringSubmatch(ir.ServiceName); {
			case m == nil:
				r.add(sp, "not an endpoint service name", ir.ServiceName,
					fmt.Sprintf("copy the ServiceName output of the stack Vendor-Inbound-%s: com.amazonaws.vpce.%s.vpce-svc-<8 or 17 hex digits>", reg, reg))
			case m[1] != reg:
				r.add(sp, fmt.Sprintf("the service is in %s, not in %s", m[1], reg), ir.ServiceName,
					fmt.Sprintf("copy the ServiceName output of the stack Vendor-Inbound-%s", reg))
			}
		}
	}
}

// validateInbound checks a customer's inboundPrivateLink section against the
// vendor's platform.
func validateInbound(r *report, v *Vendor, c *Customer, in *InboundPrivateLink) {
	const p = "inboundPrivateLink"
	var platform *VendorInbound
	var service InboundRegion
	hasService := false
	// A vendor with cells here is one the customer's cell could not be
	// resolved in (reported at cell): the platform is the cell's, unknown.
	if v != nil && !v.HasCells() {
		platform = v.InboundPrivateLink
		if platform == nil {
			r.add(p, "vendor.yaml has no inboundPrivateLink section: there is no platform service to connect to", raw("an inboundPrivateLink section"),
				"describe the platform's load balancers in vendor.yaml (inboundPrivateLink), or remove this section")
		} else if service, hasService = platform.Regions[c.Region]; !hasService && c.Region != "" {
			r.add(p, fmt.Sprintf("vendor.yaml has no platform load balancer in the customer's region %s", c.Region), raw("an inboundPrivateLink section"),
				fmt.Sprintf("add %s to vendor.yaml, or set region: to one of %s", v.InboundRegionPath(c.Region), orX(strings.Join(sortedKeys(platform.Regions), ", "))))
		}
	}

	ap := join(p, "accounts")
	for i, a := range in.Accounts {
		ip := index(ap, i)
		checkAccount(r, ip, a)
		switch {
		case v != nil && a == v.Account:
			r.add(ip, "this is the vendor's own account", a, "list the customer's AWS accounts that create the endpoint")
		case slices.Contains(in.Accounts[:i], a):
			r.add(ip, "account listed twice", a, "list each account once")
		}
	}
	if in.Accounts != nil && len(in.Accounts) == 0 {
		r.add(ap, "no account is listed", raw("an empty list"), "list the customer's accounts, or remove accounts to allow the customer's account")
	}

	rp := join(p, "region")
	sameRegion := in.Region == c.Region
	switch {
	case !checkRegion(r, rp, in.Region):
	case !sameRegion && !in.CrossRegion:
		r.add(rp, fmt.Sprintf("the customer's VPC is in %s but the vendor's service is in %s", in.Region, c.Region), in.Region,
			fmt.Sprintf("set crossRegion: true to use cross-region PrivateLink (traffic is billed between regions), or set region: %s", in.Region))
	case sameRegion && in.CrossRegion:
		r.add(join(p, "crossRegion"), fmt.Sprintf("crossRegion is set but the VPC is in the service's region %s", c.Region), true, "remove crossRegion")
	}

	checkAZList(r, p, in.AvailabilityZones, in.SingleAz, in.Region,
		fmt.Sprintf("list the AZ IDs of the customer's VPC subnets for the endpoint, e.g. [%s-az1, %s-az2]", orX(azPrefix[in.Region]), orX(azPrefix[in.Region])),
		"list a second AZ ID, or set singleAz: true to accept the risk")
	// PrivateLink connects in the AZs both sides have; across regions the AZs
	// are of different regions, and AWS matches them itself.
	if hasService && sameRegion && len(service.AvailabilityZones) > 0 {
		var missing []string
		for _, az := range in.AvailabilityZones {
			if azIDRe.MatchString(az) && !slices.Contains(service.AvailabilityZones, az) && !slices.Contains(missing, az) {
				missing = append(missing, az)
			}
		}
		if len(missing) > 0 {
			r.add(join(p, "availabilityZones"), fmt.Sprintf("the vendor's service in %s is not offered in %s (it is in %s)", c.Region, strings.Join(missing, ", "), strings.Join(service.AvailabilityZones, ", ")), in.AvailabilityZones,
				"use subnets in the service's AZs, or add the AZ to the platform's load balancer and to "+v.InboundRegionPath(c.Region)+".availabilityZones in vendor.yaml")
		}
	}

	cp := join(p, "clientCidrs")
	if in.ClientCidrs == nil && len(c.Networks) == 0 {
		r.add(cp, "no client network: the endpoint would admit nobody", raw("nothing"),
			"list the customer's networks that reach the platform in clientCidrs (or in networks)")
	} else if in.ClientCidrs != nil && len(in.ClientCidrs) == 0 {
		r.add(cp, "no client network: the endpoint would admit nobody", raw("an empty list"), "list the customer's networks that reach the platform")
	}
	for i, s := range in.ClientCidrs {
		ip := index(cp, i)
		block, err := cidr.Parse(s)
		switch {
		case err != nil:
			r.add(ip, "invalid CIDR block: "+err.Error(), s, "write the network as a block such as 10.0.0.0/16")
		case block.Bits() == 0:
			r.add(ip, "admits every address", s, "list the customer's own networks; the endpoint never admits 0.0.0.0/0")
		case slices.Contains(in.ClientCidrs[:i], s):
			r.add(ip, "network listed twice", s, "list each network once")
		}
	}
	checkClientCidrsPrivate(r, c, in)
	if n := len(c.InboundClientCidrs()) * len(in.Ports); n > maxSecurityGroupRules {
		r.add(cp, fmt.Sprintf("the endpoint's security group would need more than %d ingress rules (networks x ports)", maxSecurityGroupRules), n,
			"summarize the networks into fewer blocks or list fewer ports")
	}

	pp := join(p, "ports")
	checkPorts(r, pp, in.Ports)
	if platform != nil {
		for i, port := range in.Ports {
			if port >= 1 && port <= 65535 && !slices.Contains(platform.Ports, port) {
				r.add(index(pp, i), "the platform does not listen on this port", port, "use one of the vendor's inboundPrivateLink.ports: "+joinInts(platform.Ports))
			}
		}
	}

	hp := join(p, "hostnames")
	if len(in.Hostnames) == 0 && platform != nil {
		r.add(hp, "no hostname is listed", raw("an empty list"), "list the platform hostnames the customer's systems use, or remove hostnames for all of them")
	}
	for i, h := range in.Hostnames {
		ip := index(hp, i)
		switch {
		case platform != nil && !slices.Contains(platform.Hostnames, h):
			r.add(ip, "not one of the platform's hostnames", h, "use one of "+orX(strings.Join(platform.Hostnames, ", ")))
		case slices.Contains(in.Hostnames[:i], h):
			r.add(ip, "hostname listed twice", h, "list each hostname once")
		}
	}

	mp := join(p, "dnsMode")
	switch {
	case !slices.Contains(dnsModes, in.DnsMode):
		r.add(mp, "unknown DNS mode", in.DnsMode, "use privateHostedZone or privateDnsName")
	case in.DnsMode == DnsModePrivateDnsName && hasService && service.PrivateDnsName == "":
		r.add(mp, fmt.Sprintf("the vendor's service in %s has no private DNS name", c.Region), in.DnsMode,
			"use dnsMode: privateHostedZone, or verify a private DNS name for the service and set it in vendor.yaml ("+v.InboundRegionPath(c.Region)+".privateDnsName)")
	case in.DnsMode == DnsModePrivateDnsName && hasService:
		for _, h := range in.Hostnames {
			if !coveredBy(h, service.PrivateDnsName) {
				r.add(hp, fmt.Sprintf("the service's private DNS name %s does not cover %s", service.PrivateDnsName, h), in.Hostnames,
					"list only hostnames it covers, or use dnsMode: privateHostedZone")
				break
			}
		}
	}
}

// checkClientCidrsPrivate keeps the internet out of the customer's endpoint:
// every network it admits, written or defaulted from networks, is private
// unless insecureAllowPublicClientCidrs says otherwise.
func checkClientCidrsPrivate(r *report, c *Customer, in *InboundPrivateLink) {
	cp, from := "inboundPrivateLink.clientCidrs", "inboundPrivateLink.clientCidrs"
	if in.ClientCidrs == nil {
		from = "networks" // the default
	}
	public := false
	for i, s := range c.InboundClientCidrs() {
		block, err := cidr.Parse(s)
		if err != nil || block.Bits() == 0 || cidr.IsPrivate(block) {
			continue // reported where written, or private
		}
		public = true
		if in.InsecureAllowPublicClientCidrs {
			continue
		}
		if in.ClientCidrs != nil {
			r.add(index(cp, i), "public address space: the endpoint would admit systems outside the customer's private networks", s,
				"list private ranges only (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10), or set inboundPrivateLink.insecureAllowPublicClientCidrs: true if the customer's VPC really uses this range")
		} else {
			r.add(cp, fmt.Sprintf("defaults to networks, and %s is public address space: the endpoint would admit systems outside the customer's private networks", index(from, i)), s,
				"list the private client networks in clientCidrs, or set inboundPrivateLink.insecureAllowPublicClientCidrs: true if the customer's VPC really uses this range")
		}
	}
	if in.InsecureAllowPublicClientCidrs && !public {
		r.add("inboundPrivateLink.insecureAllowPublicClientCidrs", "is set but every client network is private", true, "remove it")
	}
}

// validateInboundFleet checks what inbound customers share: each region's
// endpoint service, whose allowed principals are every customer's accounts.
func validateInboundFleet(errs *Errors, f *Fleet, lines map[string]map[string]int) {
	type holder struct {
		c    *Customer
		path string
	}
	byService := map[string]map[string]holder{} // region -> account -> first customer listing it
	for _, c := range f.Customers {
		in := c.InboundPrivateLink
		if in == nil {
			continue
		}
		if byService[c.Region] == nil {
			byService[c.Region] = map[string]holder{}
		}
		r := &report{file: c.File, lines: lines[c.File], errs: errs}
		for i, a := range c.InboundAccounts() {
			path := "account"
			if len(in.Accounts) > 0 {
				path = index("inboundPrivateLink.accounts", i)
			}
			first, ok := byService[c.Region][a]
			if !ok {
				byService[c.Region][a] = holder{c, path}
				continue
			}
			if first.c == c {
				continue // listed twice in one file: reported there
			}
			if !in.AllowSharedAccounts || !first.c.InboundPrivateLink.AllowSharedAccounts {
				r.add(path, fmt.Sprintf("customer %s (%s, %s) already connects this account to the %s service: either customer's endpoints would pass for the other's", first.c.Name, first.c.File, first.path, c.Region), a,
					"correct the account, or set inboundPrivateLink.allowSharedAccounts: true in both files if they share it on purpose")
			}
		}
	}
}

// validDomain reports whether s is a DNS domain checkDomain accepts.
func validDomain(s string) bool {
	labels := strings.Split(s, ".")
	ok := len(labels) >= 2 && len(s) <= maxInternalDomain
	for _, l := range labels {
		ok = ok && dnsLabelRe.MatchString(l)
	}
	return ok
}

// validHostname reports whether s is a DNS name of two or more labels.
func validHostname(s string) bool {
	labels := strings.Split(s, ".")
	ok := len(labels) >= 2 && len(s) <= maxHostname
	for _, l := range labels {
		ok = ok && dnsLabelRe.MatchString(l)
	}
	return ok
}

// within reports whether name is domain or a name under it.
func within(name, domain string) bool { return name == domain || strings.HasSuffix(name, "."+domain) }

// domainOf is the domain of domains that name is in, or "".
func domainOf(name string, domains []string) string {
	for _, d := range domains {
		if within(name, d) {
			return d
		}
	}
	return ""
}

// coveredBy reports whether a private DNS name (maybe a *. wildcard, which
// matches one label) answers for host.
func coveredBy(host, privateDNSName string) bool {
	if rest, ok := strings.CutPrefix(privateDNSName, "*."); ok {
		label, parent, found := strings.Cut(host, ".")
		return found && label != "" && parent == rest
	}
	return host == privateDNSName
}

// InboundDomainOf is the vendor domain, and so the customer's private zone, a
// platform hostname belongs to.
func (in *VendorInbound) InboundDomainOf(host string) string { return domainOf(host, in.Domains) }
