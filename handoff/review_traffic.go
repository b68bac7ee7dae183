package handoff

import (
	"fmt"
	"sort"
	"strings"
)

// traffic says, resource by resource, what may connect to what: endpoint
// services and who may use them, load balancers, security group rules,
// endpoints, private zones and functions outside the VPC.
func (t cfnTemplate) traffic(ids []string) []string {
	var out []string
	for _, id := range ids {
		r := t.Resources[id]
		p := r.Properties
		switch r.Type {
		case "AWS::EC2::VPCEndpointService":
			line := fmt.Sprintf("Endpoint service `%s`: only %s may request a connection", id, t.show(t.principalsOf(id)))
			if accept, _ := p["AcceptanceRequired"].(bool); accept {
				line += ", and each request waits until you accept it"
			} else {
				line += ", and **requests are accepted without your review** (AcceptanceRequired is false)"
			}
			if regions := list(p["SupportedRegions"]); len(regions) > 0 {
				line += fmt.Sprintf("; consumers in %s connect too (cross-Region PrivateLink)", t.show(regions))
			}
			for _, lb := range list(p["NetworkLoadBalancerArns"]) {
				if ref, ok := dig(lb, "Ref").(string); ok {
					line += fmt.Sprintf(". Connections reach the internal load balancer `%s` on TCP %s only (its listeners)", ref, strings.Join(t.listenerPorts(ref), ", "))
				}
			}
			out = append(out, line+".")
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			if p["SecurityGroups"] == nil {
				// The first release's load balancer, kept so that its stack updates in place.
				out = append(out, fmt.Sprintf("Load balancer `%s` (%v) has no security group: an earlier version of this template created it without one, and AWS gives a load balancer security groups only when it creates it. Anything that can reach its private addresses in the subnets of %s can connect to its listeners; it forwards to its targets from those addresses, so the targets' own security groups admit those subnets.",
					id, p["Scheme"], t.show(p["Subnets"])))
			} else if p["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off" {
				out = append(out, fmt.Sprintf("Load balancer `%s` (%v): the inbound rules of its security group %s are not applied to PrivateLink traffic (`EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: off`): who may connect through PrivateLink is decided by the endpoint service above, not by the consumer's addresses. Everything else meets the group's inbound rules.",
					id, p["Scheme"], t.show(p["SecurityGroups"])))
			}
		case "AWS::EC2::SecurityGroup":
			in, outRules := t.groupRules(id)
			line := fmt.Sprintf("Security group `%s` (%v): inbound ", id, p["GroupDescription"])
			if len(in) == 0 {
				line += "none"
			} else {
				line += strings.Join(in, "; ")
			}
			line += "; outbound "
			switch {
			case p["SecurityGroupEgress"] == nil && len(outRules) == 0:
				line += "all (AWS's default)"
			case len(outRules) == 0:
				line += "none"
			default:
				line += strings.Join(outRules, "; ")
			}
			out = append(out, line+".")
		case "AWS::VpcLattice::ResourceGateway":
			out = append(out, fmt.Sprintf("Resource gateway `%s` (%v) in the subnets of %s: it opens connections to the shared databases from its own private addresses, through its security group %s; it forwards only to the resource configurations associated with it, below.",
				id, p["IpAddressType"], t.show(p["SubnetIds"]), t.show(p["SecurityGroupIds"])))
		case "AWS::VpcLattice::ResourceConfiguration":
			line := fmt.Sprintf("Resource configuration `%s` (type %v) through gateway %s: ", id, p["ResourceConfigurationType"], t.show(p["ResourceGatewayId"]))
			switch def, _ := p["ResourceConfigurationDefinition"].(map[string]any); {
			case def["ArnResource"] != nil:
				line += fmt.Sprintf("the RDS database %s, on the ports the database itself listens on", t.show(def["ArnResource"]))
			case def["DnsResource"] != nil:
				line += fmt.Sprintf("the addresses the DNS name %s resolves to, on TCP %s", t.show(dig(def, "DnsResource", "DomainName")), t.show(p["PortRanges"]))
			}
			if allow, _ := p["AllowAssociationToSharableServiceNetwork"].(bool); allow {
				line += "; **it may be added to service networks shared on to other accounts**"
			} else {
				line += "; it cannot be added to a service network shared on to other accounts"
			}
			out = append(out, line+".")
		case "AWS::RAM::ResourceShare":
			line := fmt.Sprintf("AWS RAM share `%s`: %s shared with %s only", id, t.show(p["ResourceArns"]), t.show(p["Principals"]))
			if ext, _ := p["AllowExternalPrincipals"].(bool); ext {
				line += ", which may be outside your AWS organization; that account must accept the share's invitation (unless both are in one organization that shares with AWS Organizations), then may create an endpoint of type Resource to it"
			}
			out = append(out, line+".")
		case "AWS::EC2::VPCEndpoint":
			line := fmt.Sprintf("Interface endpoint `%s` in parameter `VpcId`'s VPC: carries connections from your VPC to %s only", id, t.show(p["ServiceName"]))
			if region := p["ServiceRegion"]; region != nil {
				line += fmt.Sprintf(" (in %s, cross-Region)", t.show(region))
			}
			line += fmt.Sprintf("; private DNS: %s", t.show(p["PrivateDnsEnabled"]))
			out = append(out, line+".")
		case "AWS::Route53::HostedZone":
			out = append(out, fmt.Sprintf("Private hosted zone `%v` (`%s`): answers only inside the VPC in %s; it holds the records listed in the template and nothing else.",
				p["Name"], id, t.show(dig(list(p["VPCs"])[0], "VPCId"))))
		case "AWS::Lambda::Function":
			if p["VpcConfig"] == nil {
				out = append(out, fmt.Sprintf("Function `%s` runs in the Lambda service, outside your VPCs: it opens no connection into your network; it calls the AWS APIs its role allows and resolves DNS names.", id))
			}
		}
	}
	return out
}

func (t cfnTemplate) principalsOf(service string) []any {
	var out []any
	for _, r := range t.Resources {
		if r.Type == "AWS::EC2::VPCEndpointServicePermissions" && dig(r.Properties, "ServiceId", "Ref") == service {
			out = append(out, list(r.Properties["AllowedPrincipals"])...)
		}
	}
	return out
}

func (t cfnTemplate) listenerPorts(lb string) []string {
	var out []string
	for _, r := range t.Resources {
		if r.Type == "AWS::ElasticLoadBalancingV2::Listener" && dig(r.Properties, "LoadBalancerArn", "Ref") == lb {
			out = append(out, fmt.Sprint(r.Properties["Port"]))
		}
	}
	sort.Strings(out)
	return out
}

// groupRules are a security group's inbound and outbound rules, inline and
// separate, one line per protocol and ports with every peer.
func (t cfnTemplate) groupRules(group string) (in, out []string) {
	type key struct{ proto, ports string }
	peers := map[bool]map[key][]string{true: {}, false: {}}
	var order []struct {
		inbound bool
		k       key
	}
	add := func(inbound bool, rule map[string]any) {
		// The rule CDK writes for "no egress": it matches no packet (ICMP type
		// 252, code 86, to the broadcast address) and replaces AWS's
		// allow-all default.
		if rule["CidrIp"] == "255.255.255.255/32" && rule["IpProtocol"] == "icmp" {
			return
		}
		k := key{strings.ToUpper(fmt.Sprint(rule["IpProtocol"])), fmt.Sprint(rule["FromPort"])}
		if rule["ToPort"] != rule["FromPort"] {
			k.ports += "-" + fmt.Sprint(rule["ToPort"])
		}
		if k.proto == "-1" {
			k = key{"all traffic", ""}
		}
		var peer string
		for _, f := range []string{"CidrIp", "CidrIpv6", "SourceSecurityGroupId", "DestinationSecurityGroupId", "SourcePrefixListId", "DestinationPrefixListId"} {
			if v, ok := rule[f]; ok {
				peer = t.show(v)
			}
		}
		if _, seen := peers[inbound][k]; !seen {
			order = append(order, struct {
				inbound bool
				k       key
			}{inbound, k})
		}
		peers[inbound][k] = append(peers[inbound][k], peer)
	}
	p := t.Resources[group].Properties
	for _, r := range list(p["SecurityGroupIngress"]) {
		add(true, r.(map[string]any))
	}
	for _, r := range list(p["SecurityGroupEgress"]) {
		add(false, r.(map[string]any))
	}
	ids := make([]string, 0, len(t.Resources))
	for id := range t.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := t.Resources[id]
		target := dig(r.Properties, "GroupId", "Ref")
		if att := list(dig(r.Properties, "GroupId", "Fn::GetAtt")); len(att) == 2 {
			target = att[0]
		}
		if target != group {
			continue
		}
		switch r.Type {
		case "AWS::EC2::SecurityGroupIngress":
			add(true, r.Properties)
		case "AWS::EC2::SecurityGroupEgress":
			add(false, r.Properties)
		}
	}
	for _, o := range order {
		dir := "to"
		if o.inbound {
			dir = "from"
		}
		line := fmt.Sprintf("%s %s %s %s", o.k.proto, o.k.ports, dir, strings.Join(peers[o.inbound][o.k], ", "))
		line = strings.Replace(line, "  ", " ", 1)
		if o.inbound {
			in = append(in, line)
		} else {
			out = append(out, line)
		}
	}
	return in, out
}

// registrarData says what each registrar function reads and writes, from
// its environment (what it is told to find) and its resources.
func (t cfnTemplate) registrarData(ids []string) []string {
	var out []string
	for _, id := range ids {
		r := t.Resources[id]
		env, _ := dig(r.Properties, "Environment", "Variables").(map[string]any)
		kind, _ := env["TARGET_KIND"].(string)
		if r.Type != "AWS::Lambda::Function" || kind == "" {
			continue
		}
		target := t.show(env["TARGET"])
		reads := map[string]string{
			"hostname":   "the DNS answers (IPv4 addresses) for the hostname in " + target,
			"dbInstance": "the address and status of the DB instance named in " + target + ", from the RDS API",
			"dbCluster":  "the member instances of the DB cluster named in " + target + ", with their roles, addresses and status, from the RDS API",
		}[kind]
		out = append(out,
			fmt.Sprintf("`%s` reads %s; the targets registered in its target groups and their health; for a target the load balancer leaves unused, the Availability Zone of its network interface; its own state parameter %s.", id, reads, t.show(env["STATE_PARAMETER"])),
			fmt.Sprintf("`%s` writes target registrations (IP address and port) in its own target groups only; its state parameter (JSON: per registered address, the DB instance it belongs to and the number of consecutive runs it was missing); its log group %s (each run's addresses, registrations and deregistrations, errors, and the `RegisteredTargets` and `UnusedTargets` metrics in CloudWatch's embedded metric format, namespace `%v`).",
				id, t.show(dig(r.Properties, "LoggingConfig", "LogGroup")), env["METRIC_NAMESPACE"]),
			fmt.Sprintf("`%s` never connects to the database, reads no data and no credentials, and sends nothing outside your account.", id))
	}
	return out
}
