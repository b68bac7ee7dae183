package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The rules of producer mode resourceGateway and of a service reached by a
// shared resource configuration (a resource endpoint). Sources, read
// 2026-11-27:
const (
	// "At least one Availability Zone of the VPC endpoint and the resource
	// gateway have to overlap"; a resource gateway spans the AZs of its subnets.
	resourceGatewayDoc = "https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html"
	// Types SINGLE (an IP address or a domain name), GROUP, CHILD and ARN (a
	// resource provisioned by an AWS service, e.g. an RDS database: "Any
	// Group/Child relationship is automatically taken care of").
	resourceConfigurationDoc = "https://docs.aws.amazon.com/vpc-lattice/latest/ug/resource-configuration.html"
	// portRanges and protocol (TCP, the only value) apply to SINGLE, GROUP and
	// CHILD, not to ARN; the ARN pattern.
	createResourceConfigurationDoc = "https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_CreateResourceConfiguration.html"
	// "AWS RAM resource shares exist in specific AWS Regions": a shared
	// resource configuration is seen, and reached, in its own region only.
	ramRegionsDoc = "https://docs.aws.amazon.com/ram/latest/userguide/working-with-regional-vs-global.html"
)

// rcfgArnRe is a resource configuration ARN as the VPC Lattice API writes it
// (createResourceConfigurationDoc): partition, region, account.
var rcfgArnRe = regexp.MustCompile(`^arn:(aws[a-z-]*):vpc-lattice:([a-z0-9-]+):([0-9]{12}):resourceconfiguration/rcfg-[0-9a-z]{17}$`)

// checkServiceAddress checks what the vendor's endpoint of service s connects
// to: an endpoint service name, a resource configuration ARN, or nothing yet
// (pending, with a producer section).
func checkServiceAddress(r *report, sp string, c *Customer, s Service, svcRegionOK bool) {
	np, ap := join(sp, "serviceName"), join(sp, "resourceConfigurationArn")
	mode := ""
	if s.Producer != nil {
		mode = s.Producer.Mode
	}
	switch {
	case s.ServiceName != "" && s.ResourceConfigurationArn != "":
		r.add(np, "a service is reached by an endpoint service name or by a resource configuration ARN, not both", s.ServiceName,
			"keep what the customer sent: serviceName for an endpoint service (an NLB), resourceConfigurationArn for a resource configuration shared through AWS RAM")
	case s.ServiceName != "" && mode == ModeResourceGateway:
		r.add(np, "with producer.mode: resourceGateway the customer sends a resource configuration ARN, not an endpoint service name", s.ServiceName,
			"replace serviceName by resourceConfigurationArn: the ResourceConfigurationArn output of the customer's stack, or set producer.mode: nlb if the customer built an endpoint service")
	case s.ServiceName != "":
		checkServiceName(r, sp, s, c.Region, svcRegionOK)
	case s.ResourceConfigurationArn != "" && mode == ModeNlb:
		r.add(ap, "a resource configuration ARN comes from producer.mode: resourceGateway, and this service's mode is nlb", s.ResourceConfigurationArn,
			"set producer.mode: resourceGateway, or replace it by serviceName: the ServiceName output of the customer's stack")
	case s.ResourceConfigurationArn != "":
		checkResourceConfigurationArn(r, ap, c, s.ResourceConfigurationArn)
	case s.Producer == nil:
		r.add(np, "no endpoint service name nor resource configuration ARN", raw("nothing"),
			"add serviceName: (an endpoint service) or resourceConfigurationArn: (a resource configuration shared with the vendor through AWS RAM) as the customer sent it, or add a producer: section to hand the customer a template that creates one (make handoff)")
	}
	// Same region only (ramRegionsDoc): cross-region needs an endpoint
	// service, which only mode nlb builds.
	if s.ServiceRegion != "" && s.ViaResourceGateway() {
		r.add(join(sp, "serviceRegion"), "a resource configuration is shared through AWS RAM within its own region, and reached from that region only: no cross-region resource endpoint", s.ServiceRegion,
			fmt.Sprintf("remove serviceRegion (the resource gateway and the database must be in %s), or use producer.mode: nlb for cross-region PrivateLink", orX(c.Region)))
	}
}

// checkResourceConfigurationArn holds the ARN to the customer's region and
// account: the share comes from the account that owns the configuration,
// and reaches only a resource endpoint of its region.
func checkResourceConfigurationArn(r *report, ap string, c *Customer, arn string) {
	m := rcfgArnRe.FindStringSubmatch(arn)
	if m == nil {
		r.add(ap, "not a resource configuration ARN", arn,
			"copy the ResourceConfigurationArn output of the customer's stack: arn:aws:vpc-lattice:<region>:<account>:resourceconfiguration/rcfg-<17 letters and digits>")
		return
	}
	partition, region, account := m[1], m[2], m[3]
	if !checkRegion(r, ap, region) {
		return
	}
	if partition != "aws" {
		// Every region of regions.go is in the aws partition.
		r.add(ap, fmt.Sprintf("partition %s is not the partition of %s (aws)", partition, region), arn,
			"copy the ResourceConfigurationArn output as the customer's stack shows it: arn:aws:vpc-lattice:...")
	}
	if region != c.Region && knownRegion(c.Region) {
		r.add(ap, fmt.Sprintf("the resource configuration is in %s but this customer's stacks deploy to %s, and a resource endpoint reaches a configuration of its own region only", region, c.Region), arn,
			fmt.Sprintf("ask the customer to deploy the handed-over template in %s and send that ARN, or set region: %s if the customer's database is there", c.Region, region))
	}
	if account != c.Account && accountRe.MatchString(c.Account) {
		r.add(ap, fmt.Sprintf("the resource configuration belongs to account %s, not to the customer's account %s: its owner shares it through AWS RAM, so the vendor would accept a share from an account that is not this customer's", account, c.Account), arn,
			fmt.Sprintf("ask the customer to deploy the template in account %s and send that ARN, or correct account if the customer works from %s", c.Account, account))
	}
}

// validateResourceGatewayProducer checks a producer section of mode
// resourceGateway: an RDS database shared through a resource configuration,
// with none of the load balancer's keys.
func validateResourceGatewayProducer(r *report, p string, s Service) {
	pr := s.Producer
	switch pr.Target {
	case "rds":
	case "ip", "instance":
		r.add(join(p, "target"), "producer.mode: resourceGateway shares an RDS database (target: rds) only", pr.Target,
			"use mode: nlb for ip and instance targets (a Network Load Balancer in front of them)")
	default:
		r.add(join(p, "target"), "unknown target type", pr.Target, "use rds: a resource gateway shares an RDS database")
	}
	// Keys of the load balancer, its target groups and the registrar:
	// defaults.go leaves them unset in this mode, so any one here was written.
	nlbOnly := "applies to mode nlb only: a resource gateway has no load balancer"
	if pr.Registrar != nil {
		r.add(join(p, "registrar"), "the registrar keeps a load balancer's targets current, and mode resourceGateway has none", raw("a mapping"),
			"remove it: the resource configuration names the database itself")
	}
	if pr.TargetGroup != nil {
		r.add(join(p, "targetGroup"), "targetGroup "+nlbOnly+" and no target group", raw("a mapping"), "remove it")
	}
	if pr.LoadBalancerSecurityGroup != nil {
		r.add(join(p, "loadBalancerSecurityGroup"), "loadBalancerSecurityGroup "+nlbOnly+" (the resource gateway has a security group of its own)", *pr.LoadBalancerSecurityGroup, "remove it")
	}
	if pr.Count != nil {
		r.add(join(p, "count"), "count applies to ip and instance targets of mode nlb only", *pr.Count, "remove it")
	}
	if pr.InsecureAutoAcceptConnections {
		r.add(join(p, "insecureAutoAcceptConnections"), "insecureAutoAcceptConnections applies to an endpoint service (mode nlb): a resource configuration is shared through AWS RAM with the vendor's account alone, and the vendor accepts the share", true, "remove it")
	}
	if pr.Target != "rds" || pr.Rds == nil {
		return
	}
	switch pr.Rds.By {
	case "hostname":
		// A resource configuration of type SINGLE with the domain name; its
		// port ranges are the service's ports (createResourceConfigurationDoc
		// sets no limit on their number; checkPorts and the connectors'
		// group bound them).
	case "dbInstance", "dbCluster":
		// Type ARN takes no port ranges (createResourceConfigurationDoc): the
		// consumer reaches the database on its own port, one.
		if len(s.Ports) > 1 {
			r.add(join(parentOf(p), "ports"), fmt.Sprintf("service %q: a resource configuration of an RDS database by its ARN (rds.by: %s) carries the database's own port, one, and takes no port list", s.Name, pr.Rds.By),
				raw(fmt.Sprintf("%d ports", len(s.Ports))), "list the database's port only, or use rds.by: hostname to share a domain name on several ports")
		}
	default:
		r.add(join(p, "rds.by"), "unknown way to find the database", pr.Rds.By, "use hostname, dbInstance or dbCluster")
	}
	if pr.Rds.Role != "" {
		// resourceConfigurationDoc: with type ARN, AWS takes care of the
		// Group/Child relationship of the resource itself (a cluster and its
		// endpoints); the template names the cluster and cannot pick the
		// writer or the readers. For by: hostname and dbInstance role never
		// applied.
		r.add(join(p, "rds.role"), "with producer.mode: resourceGateway the resource configuration shares the database as a whole: for a cluster, AWS keeps the group of its endpoints itself (writer and readers alike), and a connection reaches the endpoint whose name it uses; the template has no role to choose", pr.Rds.Role,
			"remove role; to reach one instance only, use rds.by: dbInstance or rds.by: hostname with that endpoint's name")
	}
}

// checkGatewayPorts bounds the ports of the services that share the
// handed-over template's one resource gateway: its security group has an
// outbound rule per port and private range (NlbTargetRanges), at most
// maxSecurityGroupRules of them
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
func checkGatewayPorts(r *report, svcs string, services []Service) {
	var ports []int
	var names []string
	for _, s := range services {
		if s.Producer == nil || s.Producer.Mode != ModeResourceGateway {
			continue
		}
		names = append(names, s.Name)
		for _, port := range s.Ports {
			if !slices.Contains(ports, port) {
				ports = append(ports, port)
			}
		}
	}
	perPort := len(NlbTargetRanges)
	if n := len(ports) * perPort; n > maxSecurityGroupRules {
		most := maxSecurityGroupRules / perPort
		r.add(svcs, fmt.Sprintf("services %s share the handed-over template's resource gateway, whose security group would need %d outbound rules (%d per distinct port, one per private range), over the %d a security group may have, so at most %d distinct ports",
			strings.Join(names, ", "), n, perPort, maxSecurityGroupRules, most),
			raw(fmt.Sprintf("%d distinct ports", len(ports))),
			fmt.Sprintf("list at most %d distinct ports over these services, or hand some over from a customer file of their own", most))
	}
}

// parentOf is the path one key up: the service of its producer section.
func parentOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '.' {
			return p[:i]
		}
	}
	return ""
}
