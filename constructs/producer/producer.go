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
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// RegistrarSource is the registrar Lambda's code, deployed inline.
//
//go:embed registrar/registrar.py
var RegistrarSource string

// Ways the registrar finds an RDS database's addresses.
const (
	RdsByHostname = "hostname"
	RdsByInstance = "dbInstance"
	RdsByCluster  = "dbCluster"
	RdsRoleWriter = "writer"
	RdsRoleReader = "reader"
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

	// Actions (e.g. an SNS topic ARN) for the alarms. Default: none.
	AlarmActions *[]*string
	// Days the registrar's log group keeps records. Default: 365.
	LogRetentionDays *float64
	// Prefix of the Name tags. Default: no Name tags.
	Name *string
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
	// Consecutive runs an address must be missing before it is deregistered. Default: 3.
	DeregisterAfterMisses *float64
}

// Producer is an NLB-backed VPC endpoint service.
type Producer interface {
	constructs.Construct
	// LoadBalancerArn is the internal Network Load Balancer's ARN.
	LoadBalancerArn() *string
	// TargetGroupArns are the target groups, in the order of Ports.
	TargetGroupArns() *[]*string
	// EndpointServiceId is the VPC endpoint service's ID (vpce-svc-...).
	EndpointServiceId() *string
	// ServiceName is what consumers create endpoints to: com.amazonaws.vpce.<region>.<id>.
	ServiceName() *string
	// Registrar is the registrar function, or nil without Rds.
	Registrar() awslambda.CfnFunction
}

type producer struct {
	constructs.Construct
	lb        awselasticloadbalancingv2.CfnLoadBalancer
	groups    []awselasticloadbalancingv2.CfnTargetGroup
	service   awsec2.CfnVPCEndpointService
	registrar awslambda.CfnFunction
}

func (p *producer) LoadBalancerArn() *string   { return p.lb.Ref() }
func (p *producer) EndpointServiceId() *string { return p.service.Ref() }
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

	// No security groups: PrivateLink traffic reaches the targets from the
	// NLB's private addresses, which the targets' own groups admit.
	this.lb = awselasticloadbalancingv2.NewCfnLoadBalancer(this.Construct, jsii.String("LoadBalancer"), &awselasticloadbalancingv2.CfnLoadBalancerProps{
		Type:          jsii.String("network"),
		Scheme:        jsii.String("internal"),
		IpAddressType: jsii.String("ipv4"),
		Subnets:       anys(props.SubnetIds),
		LoadBalancerAttributes: []any{
			// Consumers' endpoints sit in some AZs only: every AZ must reach every target.
			&awselasticloadbalancingv2.CfnLoadBalancer_LoadBalancerAttributeProperty{Key: jsii.String("load_balancing.cross_zone.enabled"), Value: jsii.String("true")},
		},
		Tags: nameTag(props.Name, "-nlb"),
	})
	suppress(this.lb, "AwsSolutions-ELB2",
		"a Network Load Balancer writes access logs only for TLS listeners; these listeners are TCP (PrivateLink carries the application's own TLS)")

	for _, port := range *props.Ports {
		portID := fmt.Sprint(*port)
		var targets any // none for RDS: the registrar owns them
		for _, t := range append(deref(props.InstanceIds), deref(props.Ips)...) {
			list, _ := targets.([]any)
			targets = append(list, &awselasticloadbalancingv2.CfnTargetGroup_TargetDescriptionProperty{Id: t, Port: port})
		}
		tg := awselasticloadbalancingv2.NewCfnTargetGroup(this.Construct, jsii.String("TargetGroup"+portID), &awselasticloadbalancingv2.CfnTargetGroupProps{
			Protocol:            jsii.String("TCP"),
			Port:                port,
			VpcId:               props.VpcId,
			TargetType:          jsii.String(targetType),
			Targets:             targets,
			HealthCheckProtocol: jsii.String("TCP"),
			TargetGroupAttributes: []any{
				// The targets see the NLB as the client; nothing extra on the wire.
				off("proxy_protocol_v2.enabled"),
				off("preserve_client_ip.enabled"),
				off("stickiness.enabled"),
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
		this.registrar = newRegistrar(this, props)
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

// EndpointServiceProps configures an EndpointService.
type EndpointServiceProps struct {
	// ARNs of the Network Load Balancers behind the service, in the stack's
	// region; a load balancer can back one endpoint service only. Required.
	NetworkLoadBalancerArns *[]*string
	// IAM principals allowed to connect, exactly (never "*"). Required.
	AllowedPrincipals *[]*string
	// Whether each connection request waits for the service owner to accept it.
	// Default: true.
	AcceptanceRequired *bool
	// Regions other than the stack's from which consumers connect
	// (cross-region PrivateLink). Default: none.
	SupportedRegions *[]*string
	// Private DNS name of the service (e.g. *.platform.example.com), which
	// the owner verifies with a TXT record. Default: none.
	PrivateDnsName *string
}

// EndpointService is a VPC endpoint service in front of existing load
// balancers, with its allowed principals.
type EndpointService interface {
	constructs.Construct
	// EndpointServiceId is the VPC endpoint service's ID (vpce-svc-...).
	EndpointServiceId() *string
	// ServiceName is what consumers create endpoints to: com.amazonaws.vpce.<region>.<id>.
	ServiceName() *string
}

type endpointService struct {
	constructs.Construct
	service awsec2.CfnVPCEndpointService
}

func (e *endpointService) EndpointServiceId() *string { return e.service.Ref() }
func (e *endpointService) ServiceName() *string       { return serviceName(e.service) }

// NewEndpointService creates the endpoint service and its permissions in
// front of load balancers that exist already (e.g. a platform's).
func NewEndpointService(scope constructs.Construct, id *string, props *EndpointServiceProps) EndpointService {
	if props == nil || props.NetworkLoadBalancerArns == nil || len(*props.NetworkLoadBalancerArns) == 0 {
		panic("producer: EndpointServiceProps.NetworkLoadBalancerArns is required")
	}
	this := &endpointService{Construct: constructs.NewConstruct(scope, id)}
	this.service = addEndpointService(this.Construct, props)
	return this
}

// addEndpointService creates the service and its permissions as children
// EndpointService and AllowedPrincipals of scope: a Producer holds them
// directly, so their logical IDs stay those of its first release.
func addEndpointService(scope constructs.Construct, props *EndpointServiceProps) awsec2.CfnVPCEndpointService {
	checkPrincipals(props.AllowedPrincipals)
	acceptance := props.AcceptanceRequired
	if acceptance == nil {
		acceptance = jsii.Bool(true)
	}
	service := awsec2.NewCfnVPCEndpointService(scope, jsii.String("EndpointService"), &awsec2.CfnVPCEndpointServiceProps{
		NetworkLoadBalancerArns: anys(props.NetworkLoadBalancerArns),
		AcceptanceRequired:      acceptance,
		SupportedRegions:        props.SupportedRegions,
		PrivateDnsName:          props.PrivateDnsName,
	})
	if props.PrivateDnsName != nil {
		// CloudFormation takes PrivateDnsName on the service, but cfn-lint 1.51's
		// schema predates it; the check is off for this property's resource only.
		service.AddMetadata(jsii.String("cfn-lint"), map[string]any{"config": map[string]any{"ignore_checks": []string{"E3002"}}})
	}
	awsec2.NewCfnVPCEndpointServicePermissions(scope, jsii.String("AllowedPrincipals"), &awsec2.CfnVPCEndpointServicePermissionsProps{
		ServiceId:         service.Ref(),
		AllowedPrincipals: props.AllowedPrincipals,
	})
	return service
}

func checkPrincipals(principals *[]*string) {
	if principals == nil || len(*principals) == 0 {
		panic("producer: AllowedPrincipals is required")
	}
	for _, pr := range *principals {
		if pr == nil || *pr == "*" {
			panic(`producer: AllowedPrincipals must name principals, never "*"`)
		}
	}
}

func serviceName(service awsec2.CfnVPCEndpointService) *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("com.amazonaws.vpce."), awscdk.Aws_REGION(), jsii.String("."), service.Ref(),
	})
}

// newRegistrar creates the Lambda that keeps the target groups' IP targets
// equal to the database's addresses, its triggers, state, logs and alarms.
func newRegistrar(p *producer, props *ProducerProps) awslambda.CfnFunction {
	scope, rds := p.Construct, props.Rds
	role := RdsRoleWriter
	if rds.Role != nil {
		role = *rds.Role
	}
	schedule := orDefault(rds.ScheduleMinutes, 1)
	misses := orDefault(rds.DeregisterAfterMisses, 3)

	// Misses per address survive between runs here; the function alone writes it.
	state := awsssm.NewCfnParameter(scope, jsii.String("RegistrarState"), &awsssm.CfnParameterProps{
		Type:        jsii.String("String"),
		Value:       jsii.String("{}"),
		Description: jsii.String("privateconnect registrar: consecutive runs each registered address was missing"),
	})
	logs := awslogs.NewCfnLogGroup(scope, jsii.String("RegistrarLogs"), &awslogs.CfnLogGroupProps{
		RetentionInDays: jsii.Number(orDefault(props.LogRetentionDays, 365)),
	})

	// The registrar's TARGET_GROUPS: every group with the port its targets use.
	var groups []map[string]any
	var groupArns []*string
	for i, tg := range p.groups {
		groups = append(groups, map[string]any{"arn": tg.Ref(), "port": (*props.Ports)[i]})
		groupArns = append(groupArns, tg.Ref())
	}
	stack := awscdk.Stack_Of(scope)
	rdsArn := func(kind, name string) *string {
		return stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("rds"), Resource: jsii.String(kind), ResourceName: jsii.String(name), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME})
	}
	statements := []any{
		statement("RegisterOwnTargetGroups", []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"}, groupArns...),
		// DescribeTargetHealth supports no resource-level permissions.
		statement("ReadTargetHealth", []string{"elasticloadbalancing:DescribeTargetHealth"}, jsii.String("*")),
		statement("KeepState", []string{"ssm:GetParameter", "ssm:PutParameter"}, stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("ssm"), Resource: jsii.String("parameter"), ResourceName: state.Ref(),
		})),
		statement("WriteLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, logs.AttrArn()),
	}
	switch *rds.By {
	case RdsByInstance:
		statements = append(statements, statement("FindInstance", []string{"rds:DescribeDBInstances"}, rdsArn("db", *rds.Target)))
	case RdsByCluster:
		// The cluster's member instances are only known at run time.
		statements = append(statements,
			statement("FindCluster", []string{"rds:DescribeDBClusters"}, rdsArn("cluster", *rds.Target)),
			statement("FindMembers", []string{"rds:DescribeDBInstances"}, rdsArn("db", "*")))
	}
	fnRole := awsiam.NewCfnRole(scope, jsii.String("RegistrarRole"), &awsiam.CfnRoleProps{
		Description: jsii.String("privateconnect registrar: keeps its own target groups pointing at the database"),
		AssumeRolePolicyDocument: map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"Service": "lambda.amazonaws.com"},
			}},
		},
		Policies: []any{&awsiam.CfnRole_PolicyProperty{
			PolicyName:     jsii.String("registrar"),
			PolicyDocument: map[string]any{"Version": "2012-10-17", "Statement": statements},
		}},
	})
	suppress(fnRole, "AwsSolutions-IAM5",
		"elasticloadbalancing:DescribeTargetHealth supports no resource-level permissions; for a cluster, its member DB instances are known only at run time, so DescribeDBInstances is on db:* (read-only)",
		"Resource::*", map[string]string{"regex": `/^Resource::arn:<AWS::Partition>:rds:[^:]+:[^:]+:db:\*$/`})

	fn := awslambda.NewCfnFunction(scope, jsii.String("Registrar"), &awslambda.CfnFunctionProps{
		Description:   jsii.String("privateconnect registrar: keeps the NLB's IP targets equal to the database's addresses"),
		Runtime:       awslambda.Runtime_PYTHON_3_14().Name(),
		Handler:       jsii.String("index.handler"),
		Code:          &awslambda.CfnFunction_CodeProperty{ZipFile: jsii.String(RegistrarSource)},
		Role:          fnRole.AttrArn(),
		Architectures: jsii.Strings("arm64"),
		MemorySize:    jsii.Number(128),
		Timeout:       jsii.Number(60),
		// One run at a time: the schedule and an RDS event must not count the
		// same missing address twice.
		ReservedConcurrentExecutions: jsii.Number(1),
		LoggingConfig:                &awslambda.CfnFunction_LoggingConfigProperty{LogGroup: logs.Ref(), LogFormat: jsii.String("Text")},
		Environment: &awslambda.CfnFunction_EnvironmentProperty{Variables: map[string]any{
			// Tokens inside the JSON resolve when the stack resolves it.
			"TARGET_GROUPS":           stack.ToJsonString(groups, nil),
			"TARGET_KIND":             *rds.By,
			"TARGET":                  rds.Target,
			"ROLE":                    role,
			"STATE_PARAMETER":         state.Ref(),
			"DEREGISTER_AFTER_MISSES": fmt.Sprint(misses),
			"METRIC_NAMESPACE":        MetricNamespace,
			"SERVICE":                 deref1(props.Name, "registrar"),
		}},
		Tags: nameTag(props.Name, "-registrar"),
	})

	unit := "minutes"
	if schedule == 1 {
		unit = "minute"
	}
	trigger(scope, fn, "Schedule", &awsevents.CfnRuleProps{
		Description:        jsii.String("privateconnect registrar: periodic check"),
		ScheduleExpression: jsii.String(fmt.Sprintf("rate(%v %s)", schedule, unit)),
	})
	// A failover moves the database's address: follow it within seconds.
	trigger(scope, fn, "RdsEvents", &awsevents.CfnRuleProps{
		Description: jsii.String("privateconnect registrar: RDS failover, failure and maintenance events"),
		EventPattern: map[string]any{
			"source":      []string{"aws.rds"},
			"detail-type": []string{"RDS DB Instance Event", "RDS DB Cluster Event"},
			"detail":      map[string]any{"EventCategories": []string{"failover", "failure", "maintenance"}},
		},
	})

	errors := awscloudwatch.NewCfnAlarm(scope, jsii.String("RegistrarErrors"), &awscloudwatch.CfnAlarmProps{
		AlarmDescription:   jsii.String("privateconnect registrar runs fail: the NLB may point at an old database address. See the function's logs."),
		Namespace:          jsii.String("AWS/Lambda"),
		MetricName:         jsii.String("Errors"),
		Dimensions:         []any{&awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String("FunctionName"), Value: fn.Ref()}},
		Statistic:          jsii.String("Sum"),
		Period:             jsii.Number(300),
		EvaluationPeriods:  jsii.Number(1),
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
		TreatMissingData:   jsii.String("notBreaching"),
	})
	notify(errors, props.AlarmActions)
	return fn
}

// MetricNamespace is where the registrar publishes RegisteredTargets.
const MetricNamespace = "PrivateConnect/Registrar"

// trigger runs fn on an EventBridge rule.
func trigger(scope constructs.Construct, fn awslambda.CfnFunction, id string, props *awsevents.CfnRuleProps) {
	props.State = jsii.String("ENABLED")
	props.Targets = []any{&awsevents.CfnRule_TargetProperty{Id: jsii.String("registrar"), Arn: fn.AttrArn()}}
	rule := awsevents.NewCfnRule(scope, jsii.String(id), props)
	awslambda.NewCfnPermission(scope, jsii.String(id+"Permission"), &awslambda.CfnPermissionProps{
		Action:       jsii.String("lambda:InvokeFunction"),
		FunctionName: fn.AttrArn(),
		Principal:    jsii.String("events.amazonaws.com"),
		SourceArn:    rule.AttrArn(),
	})
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

func statement(sid string, actions []string, resources ...*string) map[string]any {
	return map[string]any{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
}

func off(attribute string) *awselasticloadbalancingv2.CfnTargetGroup_TargetGroupAttributeProperty {
	return &awselasticloadbalancingv2.CfnTargetGroup_TargetGroupAttributeProperty{Key: jsii.String(attribute), Value: jsii.String("false")}
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
