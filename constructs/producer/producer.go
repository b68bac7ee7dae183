// Package producer builds the provider side of PrivateLink in the account
// that owns the service: an internal Network Load Balancer with a listener and
// target group per port, a VPC endpoint service on it that only the allowed
// principals may connect to, and, for RDS targets, the registrar Lambda that
// keeps the target groups pointing at the database's current addresses.
//
// It uses CloudFormation resources directly and inline Lambda code, so a
// stack made of it needs no bootstrap and no assets: it can be handed over as
// a plain template.
package producer

import (
	_ "embed"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// ProducerProps configures a Producer. Give exactly one of InstanceIds, Ips and Rds.
type ProducerProps struct {
	// VPC holding the targets. Required.
	VpcId *string
	// Subnets for the load balancer, one per AZ the service is offered in. Required.
	SubnetIds *[]*string
	// TCP ports: a listener and a target group each, target port = listener port. Required.
	Ports *[]*float64
	// IAM principals allowed to connect, exactly (never "*"). Required.
	AllowedPrincipals *[]*string
	// Whether each connection request waits for the service owner to accept it.
	// Default: true.
	AcceptanceRequired *bool
	// Regions other than the stack's from which consumers connect
	// (cross-region PrivateLink). Default: none.
	SupportedRegions *[]*string

	// EC2 instance IDs to forward to.
	InstanceIds *[]*string
	// Private IPv4 addresses in the VPC to forward to.
	Ips *[]*string
	// An RDS database whose addresses the registrar keeps registered.
	Rds *RdsProps
	// Deregistration and health checks of the target groups. Default: tuned
	// for a failing-over database with Rds, AWS's defaults otherwise.
	TargetGroup *TargetGroupProps

	// Actions (e.g. an SNS topic ARN) for the alarms. Default: none.
	AlarmActions *[]*string
	// Days the registrar's log group keeps records. Default: 365.
	LogRetentionDays *float64
	// Prefix of the Name tags. Default: no Name tags.
	Name *string

	// Permissions boundary of every IAM role created (a policy ARN, or a
	// token such as an Fn::If that may yield AWS::NoValue). Default: none.
	PermissionsBoundaryArn *string
	// KMS key that encrypts every log group created (a key ARN, or a token
	// that may yield AWS::NoValue). Default: CloudWatch Logs' own encryption.
	LogsKmsKeyArn *string
}

// RdsProps says how the registrar finds the database and how cautious it is.
type RdsProps struct {
	// RdsByHostname, RdsByInstance or RdsByCluster. Required.
	By *string
	// The hostname, DB instance identifier or DB cluster identifier. Required.
	Target *string
	// For RdsByCluster: RdsRoleWriter or RdsRoleReader. Default: writer.
	Role *string
	// Minutes between scheduled runs. Default: 1.
	ScheduleMinutes *float64
	// Consecutive runs an address that vanished from DNS must be missing
	// before it is deregistered; one the RDS API proves wrong goes at once. Default: 3.
	DeregisterAfterMisses *float64
}

// TargetGroupProps tunes the target groups; each field defaults on its own.
// Ranges and AWS's defaults:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html#health-check-settings
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#deregistration-delay
type TargetGroupProps struct {
	// Seconds a deregistered target keeps its connections (0-3600).
	// Default: 30 with Rds (a failed-over database's clients move on), 300 otherwise (AWS's).
	DeregistrationDelaySeconds *float64
	// Whether connections still open when that delay ends are closed, so
	// pooled clients reconnect to the new target. Default: true with Rds, false otherwise (AWS's).
	ConnectionTermination *bool
	// Seconds between TCP health checks of a target (5-300). Default: 10 with Rds, 30 otherwise (AWS's).
	HealthCheckIntervalSeconds *float64
	// Seconds without an answer that fail a check (2-120, at most the
	// interval). Default: half the interval, at least 2 and at most 10 (AWS's TCP default).
	HealthCheckTimeoutSeconds *float64
	// Consecutive passed checks that make a target healthy (2-10). Default: 2 with Rds, 5 otherwise (AWS's).
	HealthyThresholdCount *float64
	// Consecutive failed checks that make it unhealthy (2-10). Default: 2 (AWS's).
	UnhealthyThresholdCount *float64
}

// Producer is an NLB-backed VPC endpoint service.
type Producer interface {
	constructs.Construct
	// LoadBalancerArn is the internal Network Load Balancer's ARN.
	LoadBalancerArn() *string
	// SecurityGroupId is the load balancer's security group: the targets'
	// groups admit it on the ports.
	SecurityGroupId() *string
	// TargetGroupArns are the target groups, in the order of Ports.
	TargetGroupArns() *[]*string
	// EndpointServiceId is the VPC endpoint service's ID (vpce-svc-...).
	EndpointServiceId() *string
	// ServiceName is what consumers create endpoints to: com.amazonaws.vpce.<region>.<id>.
	ServiceName() *string
	// Registrar is the registrar function, or nil without Rds.
	Registrar() awslambda.CfnFunction
	// RegistrarLogGroupName is the registrar's log group, or nil without Rds.
	RegistrarLogGroupName() *string
}

type producer struct {
	constructs.Construct
	lb        awselasticloadbalancingv2.CfnLoadBalancer
	sg        awsec2.CfnSecurityGroup
	groups    []awselasticloadbalancingv2.CfnTargetGroup
	service   awsec2.CfnVPCEndpointService
	registrar awslambda.CfnFunction
	logs      *string
}

func (p *producer) LoadBalancerArn() *string       { return p.lb.Ref() }
func (p *producer) SecurityGroupId() *string       { return p.sg.AttrGroupId() }
func (p *producer) RegistrarLogGroupName() *string { return p.logs }
func (p *producer) EndpointServiceId() *string     { return p.service.Ref() }
func (p *producer) Registrar() awslambda.CfnFunction {
	return p.registrar
}
func (p *producer) TargetGroupArns() *[]*string {
	out := make([]*string, len(p.groups))
	for i, g := range p.groups {
		out[i] = g.Ref()
	}
	return &out
}
func (p *producer) ServiceName() *string { return serviceName(p.service) }

// NewProducer creates the load balancer, target groups, endpoint service and,
// for RDS targets, the registrar. It panics on props no configuration can
// produce (a programming error); users' mistakes are caught in config.
func NewProducer(scope constructs.Construct, id *string, props *ProducerProps) Producer {
	checkProps(props)
	this := &producer{Construct: constructs.NewConstruct(scope, id)}
	targetType := "ip"
	if props.InstanceIds != nil {
		targetType = "instance"
	}

	// The load balancer has its own security group, which AWS lets it have
	// only if attached at creation and recommends:
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
	// The first release created it without one, so this is a new load
	// balancer (new logical ID): CloudFormation replaces the old one and
	// moves the endpoint service to it in place.
	this.sg = loadBalancerSecurityGroup(this.Construct, props)
	this.lb = awselasticloadbalancingv2.NewCfnLoadBalancer(this.Construct, jsii.String("NetworkLoadBalancer"), &awselasticloadbalancingv2.CfnLoadBalancerProps{
		Type:           jsii.String("network"),
		Scheme:         jsii.String("internal"),
		IpAddressType:  jsii.String("ipv4"),
		Subnets:        anys(props.SubnetIds),
		SecurityGroups: &[]any{this.sg.AttrGroupId()},
		// PrivateLink traffic is admitted by the endpoint service (allowed
		// principals, acceptance), not by client address: the consumer's
		// addresses are not the provider's to know. The PrivateLink guide
		// offers turning inbound-rule evaluation off for it instead of
		// admitting the clients' addresses:
		// https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html#prerequisites-endpoint-services
		// The group's inbound rules (none) then stop everything else.
		EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: jsii.String("off"),
		LoadBalancerAttributes: []any{
			// Consumers' endpoints sit in some AZs only: every AZ must reach every target.
			&awselasticloadbalancingv2.CfnLoadBalancer_LoadBalancerAttributeProperty{Key: jsii.String("load_balancing.cross_zone.enabled"), Value: jsii.String("true")},
		},
		Tags: nameTag(props.Name, "-nlb"),
	})
	suppress(this.lb, "AwsSolutions-ELB2",
		"a Network Load Balancer writes access logs only for TLS listeners; these listeners are TCP (PrivateLink carries the application's own TLS)")

	tuning := tuneTargetGroups(props)
	for _, port := range *props.Ports {
		portID := fmt.Sprint(*port)
		var targets any // none for RDS: the registrar owns them
		for _, t := range append(deref(props.InstanceIds), deref(props.Ips)...) {
			list, _ := targets.([]any)
			targets = append(list, &awselasticloadbalancingv2.CfnTargetGroup_TargetDescriptionProperty{Id: t, Port: port})
		}
		// New logical IDs with the new load balancer: a target group serves one
		// load balancer at a time, and the old one holds the old groups until
		// CloudFormation deletes it.
		tg := awselasticloadbalancingv2.NewCfnTargetGroup(this.Construct, jsii.String("Targets"+portID), &awselasticloadbalancingv2.CfnTargetGroupProps{
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
			Tags: nameTag(props.Name, "-"+portID),
		})
		awselasticloadbalancingv2.NewCfnListener(this.Construct, jsii.String("Listener"+portID), &awselasticloadbalancingv2.CfnListenerProps{
			LoadBalancerArn: this.lb.Ref(),
			Port:            port,
			Protocol:        jsii.String("TCP"),
			DefaultActions: []any{&awselasticloadbalancingv2.CfnListener_ActionProperty{
				Type:           jsii.String("forward"),
				TargetGroupArn: tg.Ref(),
			}},
		})
		healthAlarm(this, tg, portID, props.AlarmActions)
		this.groups = append(this.groups, tg)
	}

	this.service = addEndpointService(this.Construct, &EndpointServiceProps{
		NetworkLoadBalancerArns: jsii.Strings(*this.lb.Ref()),
		AllowedPrincipals:       props.AllowedPrincipals,
		AcceptanceRequired:      props.AcceptanceRequired,
		SupportedRegions:        props.SupportedRegions,
	})

	if props.Rds != nil {
		this.registrar, this.logs = newRegistrar(this, props)
	}
	return this
}

func checkProps(p *ProducerProps) {
	if p == nil || p.VpcId == nil || p.SubnetIds == nil || p.Ports == nil || len(*p.Ports) == 0 {
		panic("producer: VpcId, SubnetIds and at least one port are required")
	}
	checkPrincipals(p.AllowedPrincipals)
	kinds := 0
	for _, given := range []bool{p.InstanceIds != nil, p.Ips != nil, p.Rds != nil} {
		if given {
			kinds++
		}
	}
	if kinds != 1 {
		panic("producer: give exactly one of InstanceIds, Ips and Rds")
	}
	if r := p.Rds; r != nil {
		if r.By == nil || r.Target == nil {
			panic("producer: Rds needs By and Target")
		}
		switch *r.By {
		case RdsByHostname, RdsByInstance, RdsByCluster:
		default:
			panic("producer: Rds.By must be hostname, dbInstance or dbCluster")
		}
	}
}

func healthAlarm(p *producer, tg awselasticloadbalancingv2.CfnTargetGroup, portID string, actions *[]*string) {
	alarm := awscloudwatch.NewCfnAlarm(p.Construct, jsii.String("NoHealthyTargets"+portID), &awscloudwatch.CfnAlarmProps{
		AlarmDescription: jsii.String(fmt.Sprintf("privateconnect: no healthy target behind port %s: the vendor cannot reach the service", portID)),
		Namespace:        jsii.String("AWS/NetworkELB"),
		MetricName:       jsii.String("HealthyHostCount"),
		Dimensions: []any{
			&awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String("TargetGroup"), Value: tg.AttrTargetGroupFullName()},
			&awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String("LoadBalancer"), Value: p.lb.AttrLoadBalancerFullName()},
		},
		Statistic:          jsii.String("Minimum"),
		Period:             jsii.Number(60),
		EvaluationPeriods:  jsii.Number(3),
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("LessThanThreshold"),
		// No data points means no healthy host reported.
		TreatMissingData: jsii.String("breaching"),
	})
	notify(alarm, actions)
}

// notify sets an alarm's actions. They are set as a whole list, which may be
// a token such as an Fn::If on whether the customer gave a topic.
func notify(alarm awscloudwatch.CfnAlarm, actions *[]*string) {
	if actions == nil {
		return
	}
	alarm.AddPropertyOverride(jsii.String("AlarmActions"), actions)
	alarm.AddPropertyOverride(jsii.String("OKActions"), actions)
	if *awscdk.Token_IsUnresolved(actions) {
		awscdk.Validations_Of(alarm).Acknowledge(&awscdk.Acknowledgment{
			Id: jsii.String("CloudFormation-Validate::F3033"),
			Reason: jsii.String("the actions are an Fn::If that yields AWS::NoValue when the topic is empty; " +
				"the check pairs the empty default with the branch that only applies to a non-empty topic"),
		})
	}
}

// acknowledgeConditional accepts CDK's schema check rule on c when value is
// a token: an Fn::If on an optional parameter, whose empty default the check
// pairs with the branch that applies only to a non-empty value.
func acknowledgeConditional(c constructs.IConstruct, rule string, value *string) {
	if *awscdk.Token_IsUnresolved(value) {
		awscdk.Validations_Of(c).Acknowledge(&awscdk.Acknowledgment{
			Id:     jsii.String("CloudFormation-Validate::" + rule),
			Reason: jsii.String("the value is an Fn::If that yields AWS::NoValue when the optional parameter is empty"),
		})
	}
}

func statement(sid string, actions []string, resources ...*string) map[string]any {
	return map[string]any{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
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

func nameTag(name *string, suffix string) *[]*awscdk.CfnTag {
	if name == nil {
		return nil
	}
	return &[]*awscdk.CfnTag{{Key: jsii.String("Name"), Value: jsii.String(*name + suffix)}}
}

// anys converts for the L1 properties that take references as any; a list
// token (a parameter's value list) stays one.
func anys(p *[]*string) *[]any {
	if p == nil {
		return nil
	}
	out := make([]any, len(*p))
	for i, v := range *p {
		out[i] = v
	}
	return &out
}

func deref(p *[]*string) []*string {
	if p == nil {
		return nil
	}
	return *p
}

func deref1(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func orDefault(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// suppress accepts a cdk-nag finding on one construct, with the reason, and
// for rules about specific findings (IAM5) only those it applies to.
func suppress(c constructs.IConstruct, rule, reason string, appliesTo ...any) {
	sup := &cdknag.NagPackSuppression{Id: jsii.String(rule), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		sup.AppliesTo = &appliesTo
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{sup}, jsii.Bool(false))
}
