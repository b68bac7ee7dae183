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
	// Whether the load balancer gets a security group of its own, created
	// with it (AWS attaches security groups to a Network Load Balancer only
	// when it creates it), that the targets admit. Default: true.
	//
	// false builds the load balancer of this construct's first release, for
	// a stack deployed from it: no security group, and that release's
	// logical IDs (LoadBalancer, TargetGroup<port>, Listener<port>), so that
	// updating the stack changes them in place. Moving such a stack to true
	// replaces the load balancer behind the endpoint service, which AWS
	// refuses while an endpoint is connected (ExistingVpcEndpointConnections):
	// the consumer's endpoint must be deleted first. Without a group the
	// targets admit the load balancer's private addresses (its subnets).
	LoadBalancerSecurityGroup *bool

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
	// SecurityGroupId is the load balancer's security group, which the
	// targets' groups admit on the ports; nil without one
	// (LoadBalancerSecurityGroup false).
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
func (p *producer) RegistrarLogGroupName() *string { return p.logs }
func (p *producer) EndpointServiceId() *string     { return p.service.Ref() }
func (p *producer) SecurityGroupId() *string {
	if p.sg == nil {
		return nil
	}
	return p.sg.AttrGroupId()
}
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
	this.addLoadBalancer(props)
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
