package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// validateVendor checks vendor.yaml; its cells in validation_cells.go, its
// inbound platform in validation_inbound.go.
func validateVendor(r *report, v *Vendor) {
	checkHeader(r, v.APIVersion, v.Kind, KindVendor)
	checkVendorName(r, "name", v.Name)
	checkAccount(r, "account", v.Account)
	if !v.HasCells() {
		checkPrincipal(r, v)
	}
	checkRegions(r, "regions", v.Regions, nil)
	pools := checkPools(r, "vpcCidrPools", v.VpcCidrPools)
	if n := v.VpcPrefixLength; n != nil {
		switch {
		case *n < 16 || *n > 28:
			r.add("vpcPrefixLength", "a VPC block must be /16 to /28", *n, "use a number from 16 to 28; 24 suits most customers")
		case len(pools) > 0 && !slices.ContainsFunc(pools, func(p netip.Prefix) bool { return p.Bits() <= *n }):
			r.add("vpcPrefixLength", "no pool is large enough for a block of this size", *n, "use a larger number or a larger pool")
		}
	}

	checkDomain(r, "internalDomain", v.InternalDomain)
	if !v.HasCells() {
		checkAlarmTopics(r, v)
	}

	if d := v.LogRetentionDays; d != nil && !slices.Contains(logRetentionDays, *d) {
		r.add("logRetentionDays", "CloudWatch Logs does not accept this retention", *d, "use one of "+joinInts(logRetentionDays))
	}
	checkTags(r, "tags", v.Tags)
	if len(v.Tags) > maxUserTags {
		r.add("tags", fmt.Sprintf("more than %d tags: they go on every resource of every customer's stacks, with privateconnect's own", maxUserTags), len(v.Tags),
			"AWS allows 50 tags per resource; drop some")
	}
	if v.InboundPrivateLink != nil {
		validateVendorInbound(r, v, v.InboundPrivateLink)
	}
	if v.Publish != nil {
		validatePublish(r, v.Publish)
	}
	if v.Pipeline != nil {
		validatePipeline(r, v, v.Pipeline)
	}
	validateCells(r, v)
}

// checkPrincipal checks the principal customers allow-list: in the account
// of v (the vendor's, or a cell's view of it).
func checkPrincipal(r *report, v *Vendor) {
	switch problem, account := principalProblem(v.PrincipalArn); {
	case v.PrincipalArn == "":
		r.add("principalArn", "required key is missing", raw("nothing"),
			fmt.Sprintf("add principalArn: arn:aws:iam::%s:root, the principal customers allow-list", orX(v.Account)))
	case problem != "":
		r.add("principalArn", problem, v.PrincipalArn,
			fmt.Sprintf("use arn:aws:iam::%s:root (the vendor account) or a role in it, arn:aws:iam::%s:role/<name>", orX(v.Account), orX(v.Account)))
	case accountRe.MatchString(v.Account) && account != v.Account:
		r.add("principalArn", "the principal is not in the vendor account, where the endpoints are created", v.PrincipalArn,
			fmt.Sprintf("use arn:aws:iam::%s:root or a role in account %s", v.Account, v.Account))
	}
}

// checkRegions checks a list of regions, each once and, when within is not
// nil, each one of within (the vendor's).
func checkRegions(r *report, p string, regions, within []string) {
	if len(regions) == 0 {
		r.add(p, "no region is listed", raw("an empty list"), "list the regions the vendor operates in, e.g. [us-east-1, eu-west-1]")
	}
	for i, reg := range regions {
		ip := index(p, i)
		switch {
		case !checkRegion(r, ip, reg):
		case slices.Contains(regions[:i], reg):
			r.add(ip, "region listed twice", reg, "list each region once")
		case within != nil && !slices.Contains(within, reg):
			r.add(ip, "not one of the vendor's regions", reg, fmt.Sprintf("use one of %s, or add it to regions in vendor.yaml", strings.Join(within, ", ")))
		}
	}
}

// checkPools checks VPC CIDR pools and returns those that parse.
func checkPools(r *report, p string, list []string) []netip.Prefix {
	if len(list) == 0 {
		r.add(p, "no pool is listed", raw("an empty list"), "list at least one private block, e.g. [10.64.0.0/12]")
	}
	var pools []netip.Prefix
	for i, s := range list {
		ip := index(p, i)
		pool, err := cidr.Parse(s)
		switch {
		case err != nil:
			r.add(ip, "invalid CIDR block: "+err.Error(), s, "write a block such as 10.64.0.0/12")
			continue
		case !cidr.IsPrivate(pool):
			r.add(ip, "the pool is not private address space", s, "use a block inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10")
			continue
		case pool.Bits() > 28:
			r.add(ip, "the pool is smaller than one VPC", s, "use a block of /28 or larger, typically /12 to /20")
			continue
		}
		for j, other := range pools {
			if other.Overlaps(pool) {
				r.add(ip, fmt.Sprintf("overlaps %s (%s)", index(p, j), other), s, "make the pools disjoint or merge them")
			}
		}
		pools = append(pools, pool)
	}
	return pools
}

// checkAlarmTopics checks that v (the vendor's, or a cell's view of it) has a
// topic in each of its regions.
func checkAlarmTopics(r *report, v *Vendor) {
	for _, reg := range sortedKeys(v.AlarmTopicArns) {
		p := mapKey("alarmTopicArns", reg)
		arn := v.AlarmTopicArns[reg]
		if !slices.Contains(v.Regions, reg) {
			r.add(p, "topic for a region the vendor does not list", reg, "add the region to regions or remove this entry")
		}
		m := topicRe.FindStringSubmatch(arn)
		switch {
		case m == nil:
			r.add(p, "not a standard SNS topic ARN", arn, "write arn:aws:sns:<region>:<account>:<topic>; CloudWatch alarms cannot notify FIFO topics")
		case m[1] != reg:
			r.add(p, "the topic is in another region, which alarms cannot notify", arn, fmt.Sprintf("use a topic in %s", reg))
		}
	}
	for _, reg := range v.Regions {
		if _, ok := v.AlarmTopicArns[reg]; !ok && knownRegion(reg) {
			r.add("alarmTopicArns", fmt.Sprintf("no alarm topic for region %s", reg), raw(fmt.Sprint(len(v.AlarmTopicArns))+" topics"),
				fmt.Sprintf("add %s: arn:aws:sns:%s:%s:<topic>", reg, reg, orX(v.Account)))
		}
	}
}
