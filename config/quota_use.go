package config

// StackUse is what one vendor-side stack takes from the quotas of
// QuotaTable, estimated from the configuration like its Footprint:
// stacks/quota_test.go holds it to the synthesized templates (resource
// types counted per stack), so that a change to a stack that this model
// misses fails a test.
type StackUse struct {
	Stack, Region string
	// Counts adds up over the region (or the account, for PerAccount
	// quotas): VPCs, Elastic IPs, security groups...
	Counts map[string]int
	// Max are the quotas counted per VPC, security group or gateway: the
	// largest need inside this stack.
	Max map[string]int
	// NatAZs are the AZ IDs the stack puts a NAT gateway in, one entry each.
	NatAZs []string
}

// CdkBootstrapRoles is how many IAM roles cdk bootstrap creates in each
// region of an account (deploy, file and image publishing, lookup, and
// CloudFormation's execution role).
const CdkBootstrapRoles = 5

// CustomerStackUse is what the vendor-side stacks of customer c take.
func CustomerStackUse(v *Vendor, c *Customer) []StackUse {
	var out []StackUse
	if pl := c.PrivateLink; pl != nil {
		u := newUse(c.Name+"-PrivateLink", c.Region)
		azs := len(pl.AvailabilityZones)
		endpoints, resourceEndpoints, rules := 0, 0, 0
		for _, s := range pl.Services {
			if s.Pending() {
				continue
			}
			endpoints++
			if s.ViaResourceGateway() {
				resourceEndpoints++
			}
			rules += len(s.Ports)                                                    // connectors' egress, one per port
			u.Max[QuotaRulesPerGroup] = max(u.Max[QuotaRulesPerGroup], len(s.Ports)) // the endpoint's ingress
		}
		u.Max[QuotaRulesPerGroup] = max(u.Max[QuotaRulesPerGroup], rules)
		// Interface endpoints and resource endpoints (type Resource) count
		// against separate per-VPC quotas; both take a security group, a
		// network interface per subnet and the same SSM parameters, plus the
		// resource configuration ARN for a resource endpoint.
		u.Max[QuotaEndpointsPerVPC] = endpoints - resourceEndpoints
		u.Max[QuotaResourceEndpointsPerVPC] = resourceEndpoints
		u.Counts[QuotaVPCs] = 1
		u.Counts[QuotaSecurityGroups] = 2 + endpoints // the VPC's default group, the connectors group
		u.Counts[QuotaNetworkInterfaces] = endpoints * azs
		u.Counts[QuotaHostedZones] = 1
		u.Counts[QuotaStacks] = 1
		u.Counts[QuotaLogGroups] = 1 // flow logs
		u.Counts[QuotaRoles] = 1     // the flow log role
		u.Counts[QuotaSsmParameters] = 4 + 4*endpoints + resourceEndpoints
		if c.Probed() && endpoints > 0 {
			u.probe(azs)
		}
		if resourceEndpoints > 0 {
			// The resource endpoints' DNS lookup: one function outside the
			// VPC, run at deploy time, with its role and log group.
			u.Counts[QuotaLambdaConcurrency]++
			u.Counts[QuotaLogGroups]++
			u.Counts[QuotaRoles]++
		}
		out = append(out, u)
	}
	if vp := c.Vpn; vp != nil {
		u := newUse(c.Name+"-Vpn", c.Region)
		azs, nat := len(vp.AvailabilityZones), vp.NatGatewayCount()
		u.Counts[QuotaVPCs] = 1
		u.Counts[QuotaVpnGateways] = 1
		u.Counts[QuotaCustomerGateways] = 1
		u.Counts[QuotaVpnConnections] = 1
		u.Max[QuotaVpnPerGateway] = 1
		u.Max[QuotaRulesPerGroup] = len(vp.RemoteNetworks) * len(vp.Ports)
		u.Counts[QuotaSecurityGroups] = 2 // default, connectors
		u.Counts[QuotaStacks] = 1
		u.Counts[QuotaLogGroups] = 2 // flow and tunnel logs
		u.Counts[QuotaRoles] = 1
		u.Counts[QuotaSsmParameters] = 9
		if nat > 0 {
			u.Counts[QuotaInternetGateways] = 1
			u.Counts[QuotaElasticIPs] = nat
			u.Counts[QuotaNetworkInterfaces] = nat
			u.Counts[QuotaSsmParameters]++ // nat-public-ips
			u.NatAZs = append(u.NatAZs, vp.AvailabilityZones[:nat]...)
		}
		if c.Probed() && len(vp.ProbeTargets) > 0 {
			u.probe(azs)
		}
		out = append(out, u)
	}
	return out
}

func newUse(stack, region string) StackUse {
	return StackUse{Stack: stack, Region: region, Counts: map[string]int{}, Max: map[string]int{}}
}

// probe adds the reachability probe: a function in each of the VPC's
// subnets (one network interface each, all in the connectors group), its
// schedule, log group, role and SSM parameter.
func (u StackUse) probe(subnets int) {
	u.Counts[QuotaLambdaConcurrency]++
	u.Counts[QuotaEventRules]++
	u.Counts[QuotaNetworkInterfaces] += subnets
	u.Counts[QuotaLogGroups]++
	u.Counts[QuotaRoles]++
	u.Counts[QuotaSsmParameters]++
}

// SharedStackUse is what the vendor's shared stacks of a region take: the
// inbound endpoint service's stack and the dashboards.
func SharedStackUse(v *Vendor, region string, inbound bool, dashboards []DashboardStack) []StackUse {
	var out []StackUse
	if inbound {
		u := newUse("Vendor-Inbound-"+region, region)
		u.Counts[QuotaStacks] = 1
		u.Counts[QuotaSsmParameters] = 4
		if v.InboundPrivateLink != nil && v.InboundPrivateLink.Regions[region].PrivateDnsName != "" {
			u.Counts[QuotaSsmParameters]++
		}
		out = append(out, u)
	}
	for _, d := range dashboards {
		u := newUse(d.Name, region)
		u.Counts[QuotaStacks] = 1
		out = append(out, u)
	}
	return out
}
