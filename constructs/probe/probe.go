// Package probe builds a reachability probe: a function in a vendor VPC, in
// the connectors' security group, that every minute opens a TCP connection
// (and optionally a TLS handshake) to each target the connectors use, and
// publishes the results as CloudWatch metrics, with an alarm per target.
//
// The function is inline Python using the standard library only
// (code/probe.py, whose docstring states its contract). It publishes its
// metrics in CloudWatch's Embedded Metric Format, as lines on stdout: Lambda
// ships its output to CloudWatch Logs itself, and CloudWatch Logs extracts
// the metrics, so the function in an isolated VPC needs no CloudWatch
// endpoint, no NAT gateway and no cloudwatch:PutMetricData permission, only
// the right to write its own log group.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format.html
package probe

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/privateconnect/privateconnect/constructs/internal/l1"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Source is the probe function's code, deployed inline.
//
//go:embed code/probe.py
var Source string

const (
	defaultFailMinutes   = 3
	defaultRetentionDays = 365
	// Seconds a connection and a handshake may each take: a healthy path
	// answers in milliseconds; a few seconds absorb a slow TLS server. All
	// targets are probed at once, so a run takes about twice this at most.
	timeoutSeconds = 5
	// The function's own limit, well within the minute between runs.
	functionTimeoutSeconds = 30
)

// Service is a PrivateLink service whose endpoint is probed on each port, at
// <Name>.<Zone>. Its targets are named <Name>:<port>.
type Service struct {
	// Label of the service in the private zone. Required.
	Name *string
	// TCP ports. Required, at least one.
	Ports *[]*float64
	// Complete a TLS handshake on each port and report the certificate's
	// days left. Default: false.
	Tls *bool
	// The service is reached by a VPC endpoint of type Resource (a resource
	// configuration shared through AWS RAM), not an interface endpoint: its
	// alarms point at that path. Default: false.
	ResourceEndpoint *bool
}

// Host is a host and port probed over a VPN. Its target is named
// vpn:<Host>:<Port>.
type Host struct {
	// IPv4 address or DNS name. Required.
	Host *string
	// TCP port. Required.
	Port *float64
	// Complete a TLS handshake and report the certificate's days left.
	// Default: false.
	Tls *bool
}

// ProbeProps configures a Probe. At least one service or host is required.
type ProbeProps struct {
	// Value of the Customer dimension, and the start of every alarm name
	// (<customer>-probe-<target with : replaced by ->). Required.
	Customer *string
	// PrivateLink services. Default: none.
	Services *[]*Service
	// DNS zone the services are named in (<service>.<zone>). Required with Services.
	Zone *string
	// Hosts reached over a VPN. Default: none.
	Hosts *[]*Host
	// Subnets of the function's network interfaces. Required.
	SubnetIds *[]*string
	// The connectors' security group, so that the probe sees what a connector sees. Required.
	SecurityGroupId *string
	// Consecutive failed (or silent) minutes before a target's alarm. Default: 3.
	FailMinutes *float64
	// SNS topic the alarms notify, on alarm and on recovery. Default: none.
	AlarmTopicArn *string
	// Days the function's log group keeps records. Default: 365.
	LogRetentionDays *float64
	// Prefix of Name tags and descriptions. Default: none.
	Name *string
}

// Target is one probed host and port and its alarm.
type Target struct {
	// Name is the Target dimension: <service>:<port> or vpn:<host>:<port>.
	Name *string
	// AlarmName is the name of its alarm.
	AlarmName *string
}

// Probe is a probe function, its schedule and its alarms.
type Probe interface {
	constructs.Construct
	// FunctionName is the probe function's name.
	FunctionName() *string
	// LogGroupName is the log group holding each run's results and errors.
	LogGroupName() *string
	// Targets are the probed targets, services' first, in the order given.
	Targets() []*Target
}

type probe struct {
	constructs.Construct
	fn      awslambda.CfnFunction
	logs    awslogs.CfnLogGroup
	targets []*Target
	// Read once: each getter of an L1 resource is a round trip to Node.
	logGroupName *string
}

// NewProbe creates the function, its role, log group, schedule and alarms.
func NewProbe(scope constructs.Construct, id *string, props *ProbeProps) Probe {
	checkProps(props)
	this := &probe{Construct: constructs.NewConstruct(scope, id)}
	label := "privateconnect probe"
	if props.Name != nil {
		label = *props.Name + " probe"
	}

	// The environment is compact (Lambda allows 4 KB): names, not hosts, for
	// services, whose hosts the code builds from ZONE.
	var services, hosts []any
	if props.Services != nil {
		for _, s := range *props.Services {
			services = append(services, []any{*s.Name, *s.Ports, deref(s.Tls)})
			for _, p := range *s.Ports {
				this.addTarget(props, TargetName(*s.Name, "", *p), *s.Name+"."+*props.Zone)
			}
		}
	}
	if props.Hosts != nil {
		for _, h := range *props.Hosts {
			hosts = append(hosts, []any{*h.Host, *h.Port, deref(h.Tls)})
			this.addTarget(props, TargetName("", *h.Host, *h.Port), *h.Host)
		}
	}
	env := map[string]any{
		"CUSTOMER":        *props.Customer,
		"NAMESPACE":       Namespace,
		"TIMEOUT_SECONDS": fmt.Sprint(timeoutSeconds),
	}
	if len(services) > 0 {
		env["SERVICES"], env["ZONE"] = compact(services), *props.Zone
	}
	if len(hosts) > 0 {
		env["HOSTS"] = compact(hosts)
	}

	this.logs = awslogs.NewCfnLogGroup(this.Construct, jsii.String("Logs"), &awslogs.CfnLogGroupProps{
		RetentionInDays: or(props.LogRetentionDays, defaultRetentionDays),
	})
	// The record of when a path broke and why: keep it past the stack.
	this.logs.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN, nil)
	this.logGroupName = this.logs.Ref()
	role := awsiam.NewCfnRole(this.Construct, jsii.String("Role"), &awsiam.CfnRoleProps{
		Description:              jsii.String(label + ": network interfaces in the VPC and its own log group, nothing else"),
		AssumeRolePolicyDocument: l1.AssumedBy("lambda.amazonaws.com"),
		Policies: []any{&awsiam.CfnRole_PolicyProperty{
			PolicyName: jsii.String("probe"),
			PolicyDocument: map[string]any{"Version": "2012-10-17", "Statement": []any{
				// What Lambda needs to place the function in the VPC, as
				// AWSLambdaVPCAccessExecutionRole grants it, without its
				// logs:* on every group; DescribeNetworkInterfaces works on
				// "*" only:
				// https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
				l1.Statement("NetworkInterfaces", []string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
					"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"}, jsii.String("*")),
				// The metrics travel in these log lines (Embedded Metric Format).
				l1.Statement("WriteLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, this.logs.AttrArn()),
			}},
		}},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("Lambda creates and deletes the function's network interfaces in the VPC with the execution role; ec2:DescribeNetworkInterfaces supports no resource-level permissions, and the interfaces' IDs are not known before Lambda creates them"),
		AppliesTo: &[]any{"Resource::*"},
	}}, jsii.Bool(false))

	this.fn = awslambda.NewCfnFunction(this.Construct, jsii.String("Function"), &awslambda.CfnFunctionProps{
		Description:   jsii.String(label + ": connects to each target every minute and publishes Reachable, ConnectMillis and TlsDaysLeft"),
		Runtime:       jsii.String(l1.Python()),
		Handler:       jsii.String("index.handler"),
		Code:          &awslambda.CfnFunction_CodeProperty{ZipFile: jsii.String(Source)},
		Role:          role.AttrArn(),
		Architectures: jsii.Strings("arm64"),
		MemorySize:    jsii.Number(128),
		Timeout:       jsii.Number(functionTimeoutSeconds),
		VpcConfig: &awslambda.CfnFunction_VpcConfigProperty{
			SubnetIds:        props.SubnetIds,
			SecurityGroupIds: jsii.Strings(*props.SecurityGroupId),
		},
		// Text: each metric line reaches the log as printed, as EMF wants it.
		LoggingConfig: &awslambda.CfnFunction_LoggingConfigProperty{LogGroup: this.logGroupName, LogFormat: jsii.String("Text")},
		Environment:   &awslambda.CfnFunction_EnvironmentProperty{Variables: env},
		Tags:          l1.NameTag(props.Name, "-probe"),
	})

	fnArn := this.fn.AttrArn()
	rule := awsevents.NewCfnRule(this.Construct, jsii.String("Schedule"), &awsevents.CfnRuleProps{
		Description:        jsii.String(label + ": every minute"),
		ScheduleExpression: jsii.String("rate(1 minute)"),
		State:              jsii.String("ENABLED"),
		Targets:            []any{&awsevents.CfnRule_TargetProperty{Id: jsii.String("probe"), Arn: fnArn}},
	})
	awslambda.NewCfnPermission(this.Construct, jsii.String("SchedulePermission"), &awslambda.CfnPermissionProps{
		Action:       jsii.String("lambda:InvokeFunction"),
		FunctionName: fnArn,
		Principal:    jsii.String("events.amazonaws.com"),
		SourceArn:    rule.AttrArn(),
	})
	return this
}

// addTarget records a target and creates its alarm: Reachable below 1 for
// FailMinutes minutes in a row. Missing data breaches: a probe that cannot
// run (or a target it no longer reports) proves nothing reachable.
func (p *probe) addTarget(props *ProbeProps, name, host string) {
	customer := *props.Customer
	minutes := or(props.FailMinutes, defaultFailMinutes)
	var actions *[]any
	if props.AlarmTopicArn != nil {
		actions = &[]any{props.AlarmTopicArn}
	}
	t := &Target{Name: jsii.String(name), AlarmName: jsii.String(AlarmName(customer, name))}
	awscloudwatch.NewCfnAlarm(p.Construct, jsii.String("Alarm-"+strings.ReplaceAll(name, ":", "-")), &awscloudwatch.CfnAlarmProps{
		AlarmName: t.AlarmName,
		AlarmDescription: jsii.String(fmt.Sprintf("%s: the connectors cannot reach %s (%s): the probe's TCP connection%s failed, or it reported nothing, for %v minutes in a row. "+
			"First read the probe's log group (each run's Error per target: refused, timed out, dns, tls), then check the path: %s.",
			customer, name, host, tlsWords(name, props), *minutes, pathHint(name, props))),
		Namespace:          jsii.String(Namespace),
		MetricName:         jsii.String(MetricReachable),
		Dimensions:         []any{dimension(DimensionCustomer, customer), dimension(DimensionTarget, name)},
		Statistic:          jsii.String("Maximum"),
		Period:             jsii.Number(60),
		EvaluationPeriods:  minutes,
		DatapointsToAlarm:  minutes,
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("LessThanThreshold"),
		TreatMissingData:   jsii.String("breaching"),
		AlarmActions:       actions,
		OkActions:          actions,
	})
	p.targets = append(p.targets, t)
}

func tlsWords(name string, props *ProbeProps) string {
	if props.Services != nil {
		for _, s := range *props.Services {
			if strings.HasPrefix(name, *s.Name+":") && deref(s.Tls) {
				return " or TLS handshake"
			}
		}
	}
	if props.Hosts != nil {
		for _, h := range *props.Hosts {
			if name == TargetName("", *h.Host, *h.Port) && deref(h.Tls) {
				return " or TLS handshake"
			}
		}
	}
	return ""
}

func pathHint(name string, props *ProbeProps) string {
	if strings.HasPrefix(name, "vpn:") {
		return "the tunnels' state (the VPN alarms, TunnelState), the routes the customer's device advertises, and the customer's firewall and host"
	}
	if props.Services != nil {
		for _, s := range *props.Services {
			if strings.HasPrefix(name, *s.Name+":") && deref(s.ResourceEndpoint) {
				return "the resource endpoint's state and its association (is the customer's RAM share still accepted and its resource configuration active?), the customer's resource gateway and its security group's outbound rules to the database, and the database's security group admitting the gateway's group"
			}
		}
	}
	return "the interface endpoint's state (pendingAcceptance or rejected by the customer?), and the customer's endpoint service, load balancer and target health"
}

func (p *probe) FunctionName() *string { return p.fn.Ref() }
func (p *probe) LogGroupName() *string { return p.logGroupName }
func (p *probe) Targets() []*Target    { return p.targets }

func checkProps(props *ProbeProps) {
	if props == nil || props.Customer == nil || props.SubnetIds == nil || props.SecurityGroupId == nil {
		panic("probe: ProbeProps.Customer, SubnetIds and SecurityGroupId are required")
	}
	n := 0
	if props.Services != nil {
		if props.Zone == nil {
			panic("probe: ProbeProps.Zone is required with Services")
		}
		for _, s := range *props.Services {
			if s.Name == nil || s.Ports == nil || len(*s.Ports) == 0 {
				panic("probe: every service needs a Name and at least one port")
			}
			n += len(*s.Ports)
		}
	}
	if props.Hosts != nil {
		for _, h := range *props.Hosts {
			if h.Host == nil || h.Port == nil {
				panic("probe: every host needs a Host and a Port")
			}
			n++
		}
	}
	if n == 0 {
		panic("probe: nothing to probe: give at least one service or host")
	}
}

// compact is JSON without spaces: the environment is small.
func compact(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

func dimension(name, value string) *awscloudwatch.CfnAlarm_DimensionProperty {
	return &awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String(name), Value: jsii.String(value)}
}

func deref(b *bool) bool { return b != nil && *b }

func or[T any](v *T, def T) *T {
	if v == nil {
		return &def
	}
	return v
}
