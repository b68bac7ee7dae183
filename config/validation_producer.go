package config

import (
	"fmt"
	"strings"
)

const (
	// maxListeners is the quota of listeners per Network Load Balancer.
	maxListeners = 50
	// maxTargetParameters bounds the template parameters for ip and instance targets.
	maxTargetParameters = 20
)

func validateProducer(r *report, p string, s Service) {
	pr := s.Producer
	switch pr.Mode {
	case ModeNlb:
	case ModeResourceGateway:
		validateResourceGatewayProducer(r, p, s)
		return
	default:
		// The other keys' rules depend on the mode: none of them would mean much.
		r.add(join(p, "mode"), "unknown producer mode", pr.Mode,
			"use nlb (a Network Load Balancer and an endpoint service) or resourceGateway (a resource gateway and a resource configuration, shared through AWS RAM)")
		return
	}
	switch pr.Target {
	case "rds", "ip", "instance":
	default:
		r.add(join(p, "target"), "unknown target type", pr.Target, "use rds, ip or instance")
	}
	if len(s.Ports) > maxListeners {
		r.add(join(p, "target"), fmt.Sprintf("a Network Load Balancer has at most %d listeners, one per port", maxListeners), len(s.Ports), "list fewer ports")
	}
	// The load balancer's own security group has an outbound rule per port and
	// private range (NlbTargetRanges); with the default quota of rules per
	// direction per group (maxSecurityGroupRules, 60:
	// https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups)
	// a service with the group has at most 15 ports.
	perPort := len(NlbTargetRanges)
	if n := len(s.Ports) * perPort; pr.LoadBalancerSecurityGroup != nil && *pr.LoadBalancerSecurityGroup && n > maxSecurityGroupRules {
		most := maxSecurityGroupRules / perPort
		r.add(join(strings.TrimSuffix(p, ".producer"), "ports"),
			fmt.Sprintf("service %q: its load balancer's security group would need %d outbound rules (%d per port, one per private range), over the %d a security group may have, so at most %d ports",
				s.Name, n, perPort, maxSecurityGroupRules, most),
			raw(fmt.Sprintf("%d ports", len(s.Ports))),
			fmt.Sprintf("list at most %d ports, or split them over two services, each with its own load balancer", most))
	}
	if pr.Count != nil && pr.Target != "ip" && pr.Target != "instance" {
		r.add(join(p, "count"), "count applies to ip and instance targets only", *pr.Count, "remove count")
	} else if pr.Count != nil && (*pr.Count < 1 || *pr.Count > maxTargetParameters) {
		r.add(join(p, "count"), fmt.Sprintf("must be 1 to %d", maxTargetParameters), *pr.Count, "give the number of targets; each becomes a template parameter")
	}
	validateTargetGroup(r, join(p, "targetGroup"), pr.TargetGroup)
	if pr.Target != "rds" {
		if pr.Rds != nil {
			r.add(join(p, "rds"), "rds applies to rds targets only", raw("a mapping"), "remove it or set target: rds")
		}
		if pr.Registrar != nil {
			r.add(join(p, "registrar"), "the registrar runs for rds targets only", raw("a mapping"), "remove it or set target: rds")
		}
		return
	}
	switch pr.Rds.By {
	case "hostname", "dbInstance":
		if pr.Rds.Role != "" {
			r.add(join(p, "rds.role"), "role applies to by: dbCluster only", pr.Rds.Role, "remove role, or set by: dbCluster")
		}
	case "dbCluster":
		if pr.Rds.Role != "writer" && pr.Rds.Role != "reader" {
			r.add(join(p, "rds.role"), "unknown role", pr.Rds.Role, "use writer or reader")
		}
	default:
		r.add(join(p, "rds.by"), "unknown way to find the database", pr.Rds.By, "use hostname, dbInstance or dbCluster")
	}
	if m := *pr.Registrar.ScheduleMinutes; m < 1 || m > 60 {
		r.add(join(p, "registrar.scheduleMinutes"), "must be 1 to 60 minutes", m, "use 1 (the default) unless cost matters more than catching changes quickly")
	}
	if n := *pr.Registrar.DeregisterAfterMisses; n < 1 || n > 10 {
		r.add(join(p, "registrar.deregisterAfterMisses"), "must be 1 to 10 runs", n, "use 3 (the default): one failed lookup must not drop a healthy target")
	}
}

// validateTargetGroup checks the ranges the ELB API accepts
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html,
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html).
func validateTargetGroup(r *report, p string, t *TargetGroup) {
	if t == nil {
		return
	}
	for _, f := range []struct {
		key      string
		v        *int
		min, max int
		fix      string
	}{
		{"deregistrationDelaySeconds", t.DeregistrationDelaySeconds, 0, 3600, "give seconds from 0 to 3600; 30 lets a failed-over database's clients move on quickly"},
		{"healthCheckIntervalSeconds", t.HealthCheckIntervalSeconds, 5, 300, "give seconds from 5 to 300"},
		{"healthCheckTimeoutSeconds", t.HealthCheckTimeoutSeconds, 2, 120, "give seconds from 2 to 120, at most the interval"},
		{"healthyThresholdCount", t.HealthyThresholdCount, 2, 10, "give a count from 2 to 10"},
		{"unhealthyThresholdCount", t.UnhealthyThresholdCount, 2, 10, "give a count from 2 to 10"},
	} {
		if f.v != nil && (*f.v < f.min || *f.v > f.max) {
			r.add(join(p, f.key), fmt.Sprintf("must be %d to %d", f.min, f.max), *f.v, f.fix)
		}
	}
	if i, to := t.HealthCheckIntervalSeconds, t.HealthCheckTimeoutSeconds; i != nil && to != nil && *to > *i && *i >= 5 {
		r.add(join(p, "healthCheckTimeoutSeconds"), fmt.Sprintf("a check's timeout cannot exceed the interval between checks (%d s)", *i), *to,
			fmt.Sprintf("give at most %d, or leave it out for half the interval", *i))
	}
}
