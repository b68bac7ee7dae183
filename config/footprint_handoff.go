package config

import (
	"fmt"
	"slices"
)

// The footprints of the templates handed over to customers: the producer
// template of outbound PrivateLink and the inbound endpoint template.

// RegistrarCodeBudget bounds the inline registrar code in a template, as
// JSON or YAML. stacks/footprint_test.go checks the real code against it.
const RegistrarCodeBudget = 32 << 10

// NlbTargetRanges are the private ranges the handed-over load balancer's
// security group sends to, one egress rule per port each; they must be
// producer.TargetRanges (stacks/footprint_test.go checks).
var NlbTargetRanges = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}

func producerFootprint(v *Vendor, c *Customer) (Footprint, bool) {
	t := newTally(c.Name+"-Producer", "privateLink.services", true,
		map[string]string{"privateconnect:vendor": v.Name, "privateconnect:customer": c.Name})
	nlb := func(s Service) bool { return s.Producer != nil && s.Producer.Mode != ModeResourceGateway }
	gateway := func(s Service) bool { return s.Producer != nil && s.Producer.Mode == ModeResourceGateway }
	t.params(2) // VpcId, SubnetIds
	t.bytes(ruleBytesHandoff)
	t.fixed("VpcId", "SubnetIds", "DeployRegion")
	if slices.ContainsFunc(c.PrivateLink.Services, nlb) {
		// The load balancers' alarm and connection notification topics, each optional.
		t.params(2)
		t.bytes(2 * 200)
		t.fixed("AlarmTopicArn", "ConnectionTopicArn", "HasAlarmTopic", "HasConnectionTopic")
	}
	if slices.ContainsFunc(c.PrivateLink.Services, gateway) {
		t.gatewayFootprint(c)
	}
	if slices.ContainsFunc(c.PrivateLink.Services, func(s Service) bool { return nlb(s) && s.Producer.Target == "rds" }) {
		// The registrar's role and log groups: a permissions boundary and a KMS key, each optional.
		t.params(2)
		t.bytes(2 * 250)
		t.fixed("PermissionsBoundaryArn", "LogsKmsKeyArn", "HasPermissionsBoundary", "HasLogsKmsKey")
	}
	any := false
	for i, s := range c.PrivateLink.Services {
		pr := s.Producer
		if pr == nil {
			continue
		}
		any = true
		if gateway(s) {
			continue // counted by gatewayFootprint
		}
		sp := index("privateLink.services", i)
		path, x := sp+".name", LabelID(s.Name)
		ports := len(s.Ports)
		t.res(1, mediumBytes, true)     // load balancer
		t.res(ports, mediumBytes, true) // target groups
		t.res(ports, tinyBytes, false)  // listeners
		t.res(ports, alarmBytes, true)  // no-healthy-target alarms
		t.res(1, smallBytes, true)      // endpoint service
		t.res(2, tinyBytes, false)      // its permissions, connection notification
		t.outputs(2 + ports)            // ServiceName, ServiceId, TargetGroup<port>
		t.id(x, path, s.Name, "construct")
		for _, suffix := range []string{"ConnectionNotification", "ServiceName", "ServiceId"} {
			t.id(x+suffix, path, s.Name, "output")
		}
		for _, port := range s.Ports {
			t.id(fmt.Sprint(x, "TargetGroup", port), path, s.Name, "output")
		}
		// The load balancer's own security group: an egress rule per port and
		// private range. Without it (the first release's load balancer, kept),
		// none and no output.
		if pr.LoadBalancerSecurityGroup == nil || *pr.LoadBalancerSecurityGroup {
			t.res(1, mediumBytes+ports*len(NlbTargetRanges)*ruleBytes, true)
			t.outputs(1)
			t.id(x+"NlbSecurityGroupId", path, s.Name, "output")
		}
		switch pr.Target {
		case "ip", "instance":
			n := DefaultTargetCount
			if pr.Count != nil {
				n = *pr.Count
			}
			t.params(n)
			what := "TargetIp"
			if pr.Target == "instance" {
				what = "TargetInstance"
			}
			for j := 1; j <= n; j++ {
				t.id(fmt.Sprint(x, what, j), path, s.Name, "parameter")
			}
		case "rds":
			t.params(1)
			by := DefaultRdsBy
			if pr.Rds != nil && pr.Rds.By != "" {
				by = pr.Rds.By
			}
			param, target := map[string]string{"hostname": "TargetHostname", "dbInstance": "RdsInstanceId", "dbCluster": "RdsClusterId"}[by], maxIdentifier
			if by == "hostname" {
				target = maxHostnameValue
			}
			t.id(x+param, path, s.Name, "parameter")
			t.res(1, smallBytes, true)                     // registrar state (SSM)
			t.res(1, tinyBytes, true)                      // its log group
			t.res(1, largeBytes+ports*200, true)           // its role: its own target groups only
			t.res(1, alarmBytes+RegistrarCodeBudget, true) // the function, code inline
			t.res(2, mediumBytes, true)                    // schedule and RDS-event rules
			t.res(2, tinyBytes, false)                     // their permissions to invoke
			t.res(2, alarmBytes, true)                     // errors and unused-targets alarms
			t.outputs(1)                                   // RegistrarLogGroup
			t.id(x+"RegistrarLogGroup", path, s.Name, "output")
			t.fp.LambdaEnvironments = append(t.fp.LambdaEnvironments, Sized{registrarEnvironment(s, ports, target), sp + ".ports"})
		}
	}
	return *t.fp, any
}

// gatewayFootprint counts the services of mode resourceGateway: the one
// resource gateway and its security group (an egress rule per port of any
// such service and private range), and per service its database's
// parameter, resource configuration, RAM share and three outputs.
func (t *tally) gatewayFootprint(c *Customer) {
	ports := map[int]bool{}
	for _, s := range c.PrivateLink.Services {
		if s.Producer != nil && s.Producer.Mode == ModeResourceGateway {
			for _, p := range s.Ports {
				ports[p] = true
			}
		}
	}
	t.res(1, mediumBytes, true)                                           // resource gateway
	t.res(1, mediumBytes+len(ports)*len(NlbTargetRanges)*ruleBytes, true) // its security group
	t.fixed("ResourceGateway")
	for i, s := range c.PrivateLink.Services {
		if s.Producer == nil || s.Producer.Mode != ModeResourceGateway {
			continue
		}
		path, x := index("privateLink.services", i)+".name", LabelID(s.Name)
		by := DefaultRdsBy
		if s.Producer.Rds != nil && s.Producer.Rds.By != "" {
			by = s.Producer.Rds.By
		}
		t.params(1)
		t.id(x+map[string]string{"hostname": "TargetHostname", "dbInstance": "RdsInstanceId", "dbCluster": "RdsClusterId"}[by], path, s.Name, "parameter")
		t.res(1, mediumBytes+len(s.Ports)*16, true) // resource configuration, its port ranges
		t.res(1, smallBytes, true)                  // its RAM share
		t.outputs(3)
		t.id(x, path, s.Name, "construct")
		for _, suffix := range []string{"ResourceConfigurationArn", "ResourceGatewaySecurityGroupId", "ResourceShareArn"} {
			t.id(x+suffix, path, s.Name, "output")
		}
	}
}

// registrarEnvironment bounds the registrar's environment once CloudFormation
// has resolved it: keys and values, with each target group ARN, the state
// parameter's generated name and the customer's target at their longest.
func registrarEnvironment(s Service, ports, target int) int {
	groups := 2 + ports*(len(`{"arn":"","port":65535},`)+maxArnTargetGroup) // TARGET_GROUPS, a JSON list
	return len("TARGET_GROUPS") + groups +
		len("TARGET_KIND") + len("dbInstance") +
		len("TARGET") + target +
		len("ROLE") + len("writer") +
		len("STATE_PARAMETER") + maxSsmNameCfn +
		len("DEREGISTER_AFTER_MISSES") + 2 +
		len("METRIC_NAMESPACE") + 32 +
		len("SERVICE") + len("privateconnect-") + len(s.Name) +
		256 // room for a setting or two more
}

func inboundFootprint(v *Vendor, c *Customer) Footprint {
	in := c.InboundPrivateLink
	t := newTally(c.Name+"-Inbound", "inboundPrivateLink", true,
		map[string]string{"privateconnect:vendor": v.Name, "privateconnect:customer": c.Name})
	t.fp.Inline = true
	cidrs := len(c.InboundClientCidrs())
	t.params(1 + len(in.AvailabilityZones) + cidrs)
	t.res(1, mediumBytes, true)                  // endpoint
	t.res(1, mediumBytes, true)                  // its security group
	t.res(cidrs*len(in.Ports), tinyBytes, false) // ingress rules
	t.fp.SecurityGroupDescriptions = append(t.fp.SecurityGroupDescriptions,
		Sized{len(v.Name) + len(" platform endpoint: admits your client networks on ") + len(tcpPorts(in.Ports)), "inboundPrivateLink.ports"})
	t.outputs(4)
	t.fixed("VpcId", "PlatformEndpoint", "EndpointId", "EndpointDnsName", "SecurityGroupId", "Hostnames", "PrivateHostedZoneIds", "DeployRegion")
	t.bytes(ruleBytesHandoff)
	if in.DnsMode == DnsModePrivateDnsName {
		// Private DNS is turned on in a second deploy, once the connection is accepted.
		t.params(1)
		t.bytes(250)
		t.fixed("EnablePrivateDns", "PrivateDnsEnabled")
	}
	for i := range in.AvailabilityZones {
		t.fixed(fmt.Sprint("SubnetId", i+1))
	}
	for i := 0; i < cidrs; i++ {
		t.fixed(fmt.Sprint("ClientCidr", i+1))
	}
	for _, h := range in.Hostnames {
		t.bytes(len(h) + 1) // the Hostnames output
	}
	if in.DnsMode != DnsModePrivateDnsName && v.InboundPrivateLink != nil {
		zones := map[string]bool{}
		for _, h := range in.Hostnames {
			zones[v.InboundPrivateLink.InboundDomainOf(h)] = true
			t.res(1, mediumBytes+2*len(h), false) // alias record
		}
		t.res(len(zones), mediumBytes, false)
		if len(zones) > 0 {
			t.outputs(1)
		}
	}
	return *t.fp
}
