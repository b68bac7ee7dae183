package producer

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"
	"github.com/privateconnect/privateconnect/constructs/internal/l1"
)

// Logical IDs of the load balancer's resources, by shape. A change of
// logical ID replaces the resource in a deployed stack, so each shape keeps
// its own for good.
type lbIDs struct{ loadBalancer, targets, listener string }

var (
	// With its own security group (LoadBalancerSecurityGroup, the default).
	securedIDs = lbIDs{loadBalancer: "NetworkLoadBalancer", targets: "Targets", listener: "Listener"}
	// The first release's: no security group. A target group serves one load
	// balancer at a time, so the secured shape's are new ones too.
	firstReleaseIDs = lbIDs{loadBalancer: "LoadBalancer", targets: "TargetGroup", listener: "Listener"}
)

// addLoadBalancer creates the internal Network Load Balancer and, per port,
// a target group and a TCP listener forwarding to it.
//
// With LoadBalancerSecurityGroup (the default) the load balancer has its own
// security group, which AWS lets it have only if attached at creation, and
// recommends:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
// Without, it is the first release's load balancer, property for property
// and under its logical IDs, so that a stack deployed from that release
// updates in place (the target group settings are in-place updates). A
// stack cannot move from one shape to the other while an endpoint is
// connected: the new load balancer would have to replace the old one behind
// the endpoint service, which AWS refuses then (ExistingVpcEndpointConnections,
// https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#associate-load-balancer).
func (p *producer) addLoadBalancer(props *ProducerProps) {
	secured := props.LoadBalancerSecurityGroup == nil || *props.LoadBalancerSecurityGroup
	ids := firstReleaseIDs
	lbProps := &awselasticloadbalancingv2.CfnLoadBalancerProps{
		Type:          jsii.String("network"),
		Scheme:        jsii.String("internal"),
		IpAddressType: jsii.String("ipv4"),
		Subnets:       anys(props.SubnetIds),
		LoadBalancerAttributes: []any{
			// Consumers' endpoints sit in some AZs only: every AZ must reach every target.
			&awselasticloadbalancingv2.CfnLoadBalancer_LoadBalancerAttributeProperty{Key: jsii.String("load_balancing.cross_zone.enabled"), Value: jsii.String("true")},
		},
		Tags: l1.NameTag(props.Name, "-nlb"),
	}
	if secured {
		ids = securedIDs
		p.sg = loadBalancerSecurityGroup(p.Construct, props)
		lbProps.SecurityGroups = &[]any{p.sg.AttrGroupId()}
		// PrivateLink traffic is admitted by the endpoint service (allowed
		// principals, acceptance), not by client address: the consumer's
		// addresses are not the provider's to know. The PrivateLink guide
		// offers turning inbound-rule evaluation off for it instead of
		// admitting the clients' addresses:
		// https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html#prerequisites-endpoint-services
		// The group's inbound rules (none) then stop everything else.
		lbProps.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = jsii.String("off")
	}
	p.lb = awselasticloadbalancingv2.NewCfnLoadBalancer(p.Construct, jsii.String(ids.loadBalancer), lbProps)
	suppress(p.lb, "AwsSolutions-ELB2",
		"a Network Load Balancer writes access logs only for TLS listeners; these listeners are TCP (PrivateLink carries the application's own TLS)")

	targetType := "ip"
	if props.InstanceIds != nil {
		targetType = "instance"
	}
	tuning := tuneTargetGroups(props)
	for _, port := range *props.Ports {
		portID := fmt.Sprint(*port)
		var targets any // none for RDS: the registrar owns them
		for _, t := range append(deref(props.InstanceIds), deref(props.Ips)...) {
			list, _ := targets.([]any)
			targets = append(list, &awselasticloadbalancingv2.CfnTargetGroup_TargetDescriptionProperty{Id: t, Port: port})
		}
		// What came after the first release (health check tuning,
		// deregistration) updates a target group in place: health checks
		// change at any time
		// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/modify-health-check-settings.html),
		// and the resource's create-only properties (Name, Port, Protocol,
		// ProtocolVersion, TargetType, VpcId, IpAddressType) are the same
		// in both shapes:
		// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-targetgroup.html
		tg := awselasticloadbalancingv2.NewCfnTargetGroup(p.Construct, jsii.String(ids.targets+portID), &awselasticloadbalancingv2.CfnTargetGroupProps{
			Protocol:            jsii.String("TCP"),
			Port:                port,
			VpcId:               props.VpcId,
			TargetType:          jsii.String(targetType),
			Targets:             targets,
			HealthCheckProtocol: jsii.String("TCP"),
			// TCP checks: only the interval, timeout and thresholds apply.
			HealthCheckIntervalSeconds: tuning.HealthCheckIntervalSeconds,
			HealthCheckTimeoutSeconds:  tuning.HealthCheckTimeoutSeconds,
			HealthyThresholdCount:      tuning.HealthyThresholdCount,
			UnhealthyThresholdCount:    tuning.UnhealthyThresholdCount,
			TargetGroupAttributes: []any{
				// The targets see the NLB as the client; nothing extra on the wire.
				off("proxy_protocol_v2.enabled"),
				off("preserve_client_ip.enabled"),
				off("stickiness.enabled"),
				attribute("deregistration_delay.timeout_seconds", fmt.Sprint(*tuning.DeregistrationDelaySeconds)),
				attribute("deregistration_delay.connection_termination.enabled", fmt.Sprint(*tuning.ConnectionTermination)),
			},
			Tags: l1.NameTag(props.Name, "-"+portID),
		})
		awselasticloadbalancingv2.NewCfnListener(p.Construct, jsii.String(ids.listener+portID), &awselasticloadbalancingv2.CfnListenerProps{
			LoadBalancerArn: p.lb.Ref(),
			Port:            port,
			Protocol:        jsii.String("TCP"),
			DefaultActions: []any{&awselasticloadbalancingv2.CfnListener_ActionProperty{
				Type:           jsii.String("forward"),
				TargetGroupArn: tg.Ref(),
			}},
		})
		healthAlarm(p, tg, portID, props.AlarmActions)
		p.groups = append(p.groups, tg)
	}
}

func off(key string) *awselasticloadbalancingv2.CfnTargetGroup_TargetGroupAttributeProperty {
	return attribute(key, "false")
}

func attribute(key, value string) *awselasticloadbalancingv2.CfnTargetGroup_TargetGroupAttributeProperty {
	return &awselasticloadbalancingv2.CfnTargetGroup_TargetGroupAttributeProperty{Key: jsii.String(key), Value: jsii.String(value)}
}

// tuneTargetGroups fills in the defaults of props.TargetGroup. A database
// that fails over moves to another address: the old one must stop taking
// connections soon and the new one come into service soon, so RDS targets
// check every 10 s and turn healthy after 2 checks, and a removed address
// keeps its connections 30 s, then they are closed. Fixed ip and instance
// targets keep AWS's defaults.
func tuneTargetGroups(props *ProducerProps) TargetGroupProps {
	t := TargetGroupProps{}
	if props.TargetGroup != nil {
		t = *props.TargetGroup
	}
	forRds := props.Rds != nil
	pick := func(v *float64, rds, other float64) *float64 {
		if v != nil {
			return v
		}
		if forRds {
			return jsii.Number(rds)
		}
		return jsii.Number(other)
	}
	t.DeregistrationDelaySeconds = pick(t.DeregistrationDelaySeconds, 30, 300)
	t.HealthCheckIntervalSeconds = pick(t.HealthCheckIntervalSeconds, 10, 30)
	t.HealthyThresholdCount = pick(t.HealthyThresholdCount, 2, 5)
	t.UnhealthyThresholdCount = pick(t.UnhealthyThresholdCount, 2, 2)
	if t.HealthCheckTimeoutSeconds == nil {
		t.HealthCheckTimeoutSeconds = jsii.Number(defaultTimeout(*t.HealthCheckIntervalSeconds))
	}
	if t.ConnectionTermination == nil {
		t.ConnectionTermination = jsii.Bool(forRds)
	}
	return t
}

// defaultTimeout is half the interval, at least 2 s and at most 10 s (AWS's
// default for TCP): a check ends before the next one starts.
func defaultTimeout(intervalSeconds float64) float64 {
	return max(2, min(10, float64(int(intervalSeconds/2))))
}
