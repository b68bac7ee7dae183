package config

import (
	"cmp"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

var (
	accountRe     = regexp.MustCompile(`^[0-9]{12}$`)
	topicRe       = regexp.MustCompile(`^arn:aws:sns:([a-z0-9-]+):([0-9]{12}):([A-Za-z0-9_-]{1,256})$`)
	customerRe    = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$`)
	cellRe        = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$`)
	serviceRe     = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$`)
	dnsLabelRe    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	azIDRe        = regexp.MustCompile(`^([a-z]+[0-9])-az([0-9]+)$`)
	azNameRe      = regexp.MustCompile(`^([a-z]+-[a-z]+-[0-9])[a-z]$`)
	svcNameRe     = regexp.MustCompile(`^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	tagKeyCharsRe = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

const (
	// maxUserTags leaves room, under AWS's 50 tags per resource, for the tags
	// privateconnect sets itself.
	maxUserTags = 45
	// maxSecurityGroupRules is the default quota of rules per direction per
	// security group; the connectors group has one egress rule per port.
	maxSecurityGroupRules = 60
	// maxInternalDomain keeps <service>.<customer>.<internalDomain> within 253.
	maxInternalDomain = 170
	// reservedTagPrefix is used by the tags privateconnect sets.
	reservedTagPrefix = "privateconnect:"
)

// validateCustomer checks one customer file. v is nil when vendor.yaml could
// not be read; checks that need it are then skipped.
func validateCustomer(r *report, v *Vendor, c *Customer) {
	checkHeader(r, c.APIVersion, c.Kind, KindCustomer)
	base := strings.TrimSuffix(filepath.Base(r.file), filepath.Ext(r.file))
	switch {
	case !customerRe.MatchString(c.Name):
		r.add("name", "not a valid customer name", c.Name, "use 1-40 lowercase letters, digits and hyphens, starting with a letter (it becomes a DNS label and a stack name)")
	case c.Name != base && !customerRe.MatchString(base):
		// Only one side can move: the file name is no customer name.
		r.add("name", fmt.Sprintf("does not match the file name %s", safePath(filepath.Base(r.file))), c.Name,
			fmt.Sprintf("rename the file to %s.yaml", c.Name))
	case c.Name != base:
		r.add("name", fmt.Sprintf("does not match the file name %s", safePath(filepath.Base(r.file))), c.Name,
			fmt.Sprintf("set name: %s or rename the file to %s.yaml", safePath(base), c.Name))
	case reservedCustomerNames[c.Name] != "":
		r.add("name", "reserved: "+reservedCustomerNames[c.Name], c.Name, "choose another name")
	}
	checkDisplayName(r, "displayName", c.DisplayName)
	checkAccount(r, "account", c.Account)
	if v != nil && c.Account == v.Account && c.Account != "" {
		r.add("account", "this is the vendor's own account", c.Account, "write the customer's AWS account ID")
	}
	if checkRegion(r, "region", c.Region) && v != nil && !slices.Contains(v.Regions, c.Region) {
		r.add("region", "the vendor does not operate in this region", c.Region,
			fmt.Sprintf("use one of %s, or add the region to regions in vendor.yaml", strings.Join(v.Regions, ", ")))
	}
	for i, s := range c.Networks {
		block, err := cidr.Parse(s)
		switch {
		case err != nil:
			r.add(index("networks", i), "invalid CIDR block: "+err.Error(), s, "write the customer's network as a block such as 10.0.0.0/16")
		case block.Bits() == 0:
			r.add(index("networks", i), "every address is not a network of the customer's: security groups would open to it", s, "list the customer's own networks")
		case slices.Contains(c.Networks[:i], s):
			// Each becomes a security group rule, and EC2 refuses a rule twice.
			r.add(index("networks", i), "network listed twice", s, "list each network once")
		}
	}
	checkCell(r, v, c)
	// From here on, the vendor is as the customer's cell sees it.
	v = v.ForCustomer(c)
	checkTags(r, "tags", c.Tags)
	// The vendor's own count is checked in vendor.yaml; here, what the
	// customer's tags add to it (a key in both counts once: the customer's wins).
	if all := len(unionKeys(vTags(v), c.Tags)); v != nil && len(v.Tags) <= maxUserTags && all > maxUserTags {
		r.add("tags", fmt.Sprintf("with the vendor's %d, the customer's tags make more than %d", len(v.Tags), maxUserTags), all,
			"AWS allows 50 tags per resource and privateconnect sets its own; drop some")
	}
	if c.PrivateLink == nil && c.Vpn == nil && c.InboundPrivateLink == nil {
		r.add("(document)", "no connectivity mode is configured", raw("nothing"),
			"add a privateLink: section (see config/customers/acme.yaml), a vpn: section (see config/customers/hooli.yaml), an inboundPrivateLink: section (see config/customers/umbrella.yaml), or several")
		return
	}
	checkProbe(r, c)
	if c.PrivateLink != nil {
		validatePrivateLink(r, v, c, c.PrivateLink)
	}
	if c.Vpn != nil {
		validateVpn(r, v, c, c.Vpn)
	}
	if c.InboundPrivateLink != nil {
		validateInbound(r, v, c, c.InboundPrivateLink)
	}
}

func validatePrivateLink(r *report, v *Vendor, c *Customer, pl *PrivateLink) {
	const p = "privateLink"
	checkVpcCidr(r, v, c, join(p, "vpcCidr"), pl.VpcCidr)

	azs := join(p, "availabilityZones")
	checkAZList(r, p, pl.AvailabilityZones, pl.SingleAz, c.Region,
		"list the AZ IDs the customer's endpoint service is offered in, e.g. [use1-az1, use1-az2]",
		"list a second AZ ID the endpoint service is offered in, or set singleAz: true to accept the risk")
	if vpc, err := cidr.Parse(pl.VpcCidr); err == nil {
		if slots := cidr.SubnetSlots(vpc.Bits()); len(pl.AvailabilityZones) > slots {
			r.add(azs, fmt.Sprintf("a /%d VPC holds at most %d subnets of /28 or larger", vpc.Bits(), slots), len(pl.AvailabilityZones),
				"list fewer AZs or use a larger vpcCidr (a /26 or larger holds 4)")
		}
	}

	svcs := join(p, "services")
	if len(pl.Services) == 0 {
		r.add(svcs, "no service is listed", raw("an empty list"), "add the endpoint service name and ports the customer sent")
	}
	names, serviceNames, arns := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var producerRegion, producerPath string
	ports := 0
	for i, s := range pl.Services {
		sp := index(svcs, i)
		if !serviceRe.MatchString(s.Name) {
			r.add(join(sp, "name"), "not a valid service label", s.Name, "use 1-32 lowercase letters, digits and hyphens, starting with a letter, e.g. db")
		} else if names[s.Name] {
			r.add(join(sp, "name"), "service name used twice", s.Name, "give each service its own name")
		}
		names[s.Name] = true
		// A pending service's region decides where its template deploys.
		svcRegionOK := s.ServiceRegion == "" || checkRegion(r, join(sp, "serviceRegion"), s.ServiceRegion)
		checkServiceAddress(r, sp, c, s, svcRegionOK)
		if s.Producer != nil {
			validateProducer(r, join(sp, "producer"), s)
			region := cmp.Or(s.ServiceRegion, c.Region)
			if producerRegion == "" {
				producerRegion, producerPath = region, sp
			} else if region != producerRegion {
				r.add(join(sp, "serviceRegion"), fmt.Sprintf("services with a producer section must share one region: the handed-over template deploys to one (%s has %s)", producerPath, producerRegion), region,
					"hand over this service separately, from a customer file of its own, or use one region")
			}
		}
		if serviceNames[s.ServiceName] && s.ServiceName != "" {
			r.add(join(sp, "serviceName"), "endpoint service listed twice", s.ServiceName, "list each service once, with all its ports")
		}
		serviceNames[s.ServiceName] = true
		if arns[s.ResourceConfigurationArn] && s.ResourceConfigurationArn != "" {
			// As for serviceName: two endpoints to one database under two names.
			r.add(join(sp, "resourceConfigurationArn"), "resource configuration listed twice", s.ResourceConfigurationArn, "list each resource configuration once, with all its ports")
		}
		arns[s.ResourceConfigurationArn] = true
		checkPorts(r, join(sp, "ports"), s.Ports)
		ports += len(s.Ports)
	}
	if ports > maxSecurityGroupRules {
		r.add(svcs, fmt.Sprintf("the connectors security group would need more than %d egress rules", maxSecurityGroupRules), ports,
			"reduce the number of ports or split the customer")
	}
	checkGatewayPorts(r, svcs, pl.Services)
}

func checkServiceName(r *report, sp string, s Service, region string, svcRegionOK bool) {
	np, rp := join(sp, "serviceName"), join(sp, "serviceRegion")
	m := svcNameRe.FindStringSubmatch(s.ServiceName)
	if m == nil {
		r.add(np, "not an endpoint service name", s.ServiceName,
			"ask the customer for the Service name shown on their endpoint service, com.amazonaws.vpce.<region>.vpce-svc-<8 or 17 hex digits>")
		return
	}
	svcRegion := m[1]
	if !checkRegion(r, np, svcRegion) {
		return
	}
	switch {
	case s.ServiceRegion == "" && svcRegion != region && knownRegion(region):
		r.add(np, fmt.Sprintf("the service is in %s but this customer's stacks deploy to %s", svcRegion, region), s.ServiceName,
			fmt.Sprintf("set serviceRegion: %s to use cross-region PrivateLink, or set region: %s", svcRegion, svcRegion))
	case s.ServiceRegion != "" && s.ServiceRegion != svcRegion && svcRegionOK:
		r.add(rp, fmt.Sprintf("does not match the region in serviceName (%s)", svcRegion), s.ServiceRegion,
			fmt.Sprintf("set serviceRegion: %s or correct serviceName", svcRegion))
	}
}

func checkVpcCidr(r *report, v *Vendor, c *Customer, p, s string) {
	block, err := cidr.Parse(s)
	if err != nil {
		r.add(p, "invalid CIDR block: "+err.Error(), s, "run make new-customer to get a free block from the vendor pool")
		return
	}
	if block.Bits() < 16 || block.Bits() > 28 {
		r.add(p, "a VPC block must be /16 to /28", s, "use a block from /16 to /28; /24 suits most customers")
		return
	}
	if v != nil {
		inside := false
		for _, ps := range v.VpcCidrPools {
			if pool, err := cidr.Parse(ps); err == nil && cidr.Contains(pool, block) {
				inside = true
			}
		}
		if !inside {
			r.add(p, "outside the vendor's VPC CIDR pools", s,
				fmt.Sprintf("take a block from %s (make new-customer proposes a free one)", strings.Join(v.VpcCidrPools, ", ")))
		}
	}
	for i, ns := range c.Networks {
		if n, err := cidr.Parse(ns); err == nil && n.Overlaps(block) {
			r.add(p, fmt.Sprintf("overlaps the customer's own network networks[%d] (%s)", i, ns), s,
				"pick a block that does not overlap the customer's networks")
		}
	}
}

// reservedCustomerNames are names a customer cannot take, and why.
var reservedCustomerNames = map[string]string{
	"inbound": "/privateconnect/inbound/ holds the SSM parameters of the vendor's shared inbound stacks",
}

func vTags(v *Vendor) map[string]string {
	if v == nil {
		return nil
	}
	return v.Tags
}

func unionKeys(ms ...map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

func checkHeader(r *report, apiVersion, kind, wantKind string) {
	if apiVersion != APIVersion && apiVersion != "" {
		r.add("apiVersion", "unsupported apiVersion", apiVersion, "use apiVersion: "+APIVersion)
	}
	if kind != wantKind && kind != "" {
		r.add("kind", fmt.Sprintf("this file must be of kind %s", wantKind), kind, "use kind: "+wantKind)
	}
}

func checkAccount(r *report, p, s string) {
	if !accountRe.MatchString(s) && s != "" {
		r.add(p, "not a 12-digit AWS account ID", s, `write all 12 digits in quotes, e.g. "012345678901" (unquoted, a leading 0 may be lost)`)
	}
}

func checkPorts(r *report, p string, ports []int) {
	if len(ports) == 0 {
		r.add(p, "no port is listed", raw("an empty list"), "list the TCP ports the service listens on, e.g. [5432]")
	}
	seen := map[int]bool{}
	for i, port := range ports {
		pp := index(p, i)
		switch {
		case port < 1 || port > 65535:
			r.add(pp, "not a TCP port", port, "use a number from 1 to 65535")
		case seen[port]:
			r.add(pp, "port listed twice", port, "list each port once")
		}
		seen[port] = true
	}
}

func checkDomain(r *report, p, s string) {
	labels := strings.Split(s, ".")
	ok := len(labels) >= 2 && len(s) <= maxInternalDomain
	for _, l := range labels {
		ok = ok && dnsLabelRe.MatchString(l)
	}
	if !ok && s != "" {
		r.add(p, "not a valid DNS domain", s,
			fmt.Sprintf("use lowercase labels of letters, digits and hyphens joined by dots, at most %d characters, without a trailing dot, e.g. connect.internal.example.com", maxInternalDomain))
	}
}

func checkTags(r *report, p string, tags map[string]string) {
	for _, k := range sortedKeys(tags) {
		kp := mapKey(p, k)
		switch {
		case k == "" || len([]rune(k)) > 128:
			r.add(kp, "a tag key must be 1 to 128 characters", k, "shorten the key")
		case !tagKeyCharsRe.MatchString(k):
			r.add(kp, "a tag key may hold letters, digits, spaces and _ . : / = + - @ only", k, "remove the other characters")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			r.add(kp, "the aws: prefix is reserved by AWS", k, "use another key")
		case strings.HasPrefix(strings.ToLower(k), reservedTagPrefix):
			r.add(kp, "the "+reservedTagPrefix+" prefix is reserved for tags privateconnect sets", k, "use another key")
		}
		val := tags[k]
		switch {
		case val == "":
			// Tags go on every resource, alarms too, and an alarm's tag needs
			// a value of 1 to 256 characters
			// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudwatch-alarm-tag.html).
			r.add(kp, "a tag value must not be empty: the tag goes on CloudWatch alarms too, which require one", val, "write a value, or remove the tag")
		case len([]rune(val)) > 256:
			r.add(kp, "a tag value must be at most 256 characters", val, "shorten the value")
		case !tagKeyCharsRe.MatchString(val):
			r.add(kp, "a tag value may hold letters, digits, spaces and _ . : / = + - @ only", val, "remove the other characters")
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// orX stands in for a value the user has not given yet in a suggested fix.
func orX(s string) string {
	if s == "" {
		return "<...>"
	}
	return s
}
