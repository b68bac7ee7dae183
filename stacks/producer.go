package stacks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/constructs/producer"
	"github.com/privateconnect/privateconnect/internal/english"
)

// ModeProducer names the customer-side template: <customer>-Producer.
const ModeProducer = "Producer"

// Patterns of the template's parameters, checked by CloudFormation before
// anything is created.
var (
	hostnamePattern = pattern{re: `^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))+$`, says: "a DNS name such as mydb.abc123.us-east-1.rds.amazonaws.com"}
	// RDS stores identifiers in lowercase and IAM compares ARNs case by
	// case: "MyDb" would deploy a policy on db:MyDb that never matches the
	// instance mydb. So only what RDS itself keeps is accepted: a lowercase
	// letter, then lowercase letters, digits and single hyphens, no hyphen
	// last, at most 63 characters.
	// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints
	identifierPattern = pattern{re: `^[a-z](-?[a-z0-9])*$`, max: 63,
		says: "an RDS identifier as RDS stores it: a lowercase letter, then lowercase letters, digits and single hyphens, not ending in a hyphen (mydb-1)"}
	privateIPPattern = pattern{re: `^(10\.([0-9]{1,3}\.){2}[0-9]{1,3}|172\.(1[6-9]|2[0-9]|3[01])\.[0-9]{1,3}\.[0-9]{1,3}|192\.168\.[0-9]{1,3}\.[0-9]{1,3}|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.[0-9]{1,3}\.[0-9]{1,3})$`,
		says: "a private IPv4 address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)"}
	topicPattern    = pattern{re: `^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`, says: "empty, or an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alarms"}
	boundaryPattern = pattern{re: `^$|^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9_+=,.@/-]{1,512}$`, says: "empty, or an IAM managed policy ARN such as arn:aws:iam::123456789012:policy/boundary"}
	kmsKeyPattern   = pattern{re: `^$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]{1,128}$`, says: "empty, or a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
)

// HasProducer reports whether the customer gets a handed-over template.
func HasProducer(c *config.Customer) bool { return len(producerServices(c)) > 0 }

// producerServices are the services the handed-over template builds, in
// either mode.
func producerServices(c *config.Customer) []config.Service {
	var out []config.Service
	if c.PrivateLink != nil {
		for _, s := range c.PrivateLink.Services {
			if s.Producer != nil {
				out = append(out, s)
			}
		}
	}
	return out
}

// NlbServices are the services the handed-over template fronts with a
// load balancer and an endpoint service (producer.mode nlb).
func NlbServices(c *config.Customer) []config.Service {
	return slices.DeleteFunc(producerServices(c), isGatewayService)
}

// GatewayServices are the services the handed-over template shares through
// its resource gateway (producer.mode resourceGateway).
func GatewayServices(c *config.Customer) []config.Service {
	return slices.DeleteFunc(producerServices(c), func(s config.Service) bool { return !isGatewayService(s) })
}

func isGatewayService(s config.Service) bool { return s.Producer.Mode == config.ModeResourceGateway }

// BuildHandoff adds the templates handed over to the customers (per
// customer, producer then inbound): they are deployed by the customer in the
// customer's account, never by the vendor's cdk deploy, so they are built
// apart from Build.
func BuildHandoff(scope constructs.Construct, v *config.Vendor, customers []*config.Customer) []awscdk.Stack {
	var out []awscdk.Stack
	vendor := v
	for _, c := range customers {
		// The customer allow-lists its cell's principal.
		v := vendor.ForCustomer(c)
		if HasProducer(c) {
			out = append(out, NewProducerStack(scope, v, c))
		}
		// Until vendor.yaml has the region's service name there is nothing to
		// connect to; handoff.Build says so.
		if HasInbound(c) && InboundServiceName(v, c) != "" {
			out = append(out, NewInboundStack(scope, v, c))
		}
	}
	return out
}

// ProducerRegion is the region the customer deploys the producer template in:
// the services' region (config checks they share one).
func ProducerRegion(c *config.Customer) string {
	return cmp.Or(producerServices(c)[0].ServiceRegion, c.Region)
}

// NewProducerStack is the customer side of outbound PrivateLink for one
// customer: per service of mode nlb an internal NLB, its targets and an
// endpoint service that only the vendor may connect to; for the services of
// mode resourceGateway one resource gateway and per service a resource
// configuration shared with the vendor's account only. It is
// self-contained: no bootstrap, no assets, parameters for what only the
// customer knows.
func NewProducerStack(scope constructs.Construct, v *config.Vendor, c *config.Customer) awscdk.Stack {
	name := StackName(c, ModeProducer)
	region := ProducerRegion(c)
	nlbs, gateways := NlbServices(c), GatewayServices(c)
	why := fmt.Sprintf("%s endpoints are in its Availability Zones with IDs %s, and PrivateLink connects only where both sides are.",
		english.Possessive(v.Name), strings.Join(c.PrivateLink.AvailabilityZones, ", "))
	if region != c.Region {
		why = fmt.Sprintf("%s connects to this service from %s over cross-Region PrivateLink, to this region.", v.Name, c.Region)
	}
	what := "endpoint services"
	switch {
	case len(nlbs) == 0:
		what = "shared resource configurations"
	case len(gateways) > 0:
		what = "endpoint services and shared resource configurations"
	}
	stack := newHandoffStack(scope, name,
		fmt.Sprintf("privateconnect: %s through which %s reaches %s systems over AWS PrivateLink", what, v.Name, english.Possessive(c.DisplayName)),
		region, why)
	// Listener tags are recent in CloudFormation and not known to every
	// validator the customer may run (cfn-lint 1.51 rejects them); a listener
	// is found through its load balancer anyway.
	notListeners := &awscdk.TagProps{ExcludeResourceTypes: jsii.Strings("AWS::ElasticLoadBalancingV2::Listener")}
	tags := awscdk.Tags_Of(stack)
	tags.Add(jsii.String("privateconnect:vendor"), jsii.String(v.Name), notListeners)
	tags.Add(jsii.String("privateconnect:customer"), jsii.String(c.Name), notListeners)

	params := newParameters(stack)
	// What the network parameters hold: the load balancers, the resource
	// gateway or both. A template of load balancers only says what it always has.
	holders := map[bool]string{true: "the load balancers", false: "the resource gateway"}[len(nlbs) > 0]
	if len(nlbs) > 0 && len(gateways) > 0 {
		holders = "the load balancers and the resource gateway"
	}
	vpc := params.add("VpcId", "Network", "VPC", "AWS::EC2::VPC::Id",
		fmt.Sprintf("The VPC holding the systems the vendor reaches; %s %s created in it.", holders, map[bool]string{true: "are", false: "is"}[len(nlbs) > 0]), noPattern)
	subnetsDesc := fmt.Sprintf("Private subnets of that VPC for %s, one per Availability Zone", holders)
	if region == c.Region {
		// Same region: the vendor's endpoint is in these AZs, and PrivateLink
		// connects only in AZs both sides share.
		subnetsDesc = fmt.Sprintf("Private subnets of that VPC for %s, one per Availability Zone: at least the zones with IDs %s", holders, strings.Join(c.PrivateLink.AvailabilityZones, ", "))
	}
	if len(gateways) > 0 {
		// https://docs.aws.amazon.com/vpc/latest/privatelink/resource-gateway.html#resource-gateway-considerations
		subnetsDesc += " (subnets owned by this account: a resource gateway cannot use a shared subnet)"
	}
	if slices.ContainsFunc(nlbs, func(s config.Service) bool { return s.Producer.Target == "rds" }) {
		// A load balancer sends nothing to targets in zones where it has no subnet.
		subnetsDesc += ", and every zone of the database's DB subnet group: a database that fails over into a zone without one is unreachable"
	}
	subnetsDesc += "."
	subnets := params.add("SubnetIds", "Network", "Subnets", "List<AWS::EC2::Subnet::Id>", subnetsDesc, noPattern)
	if len(gateways) > 0 {
		addResourceGateway(stack, params, v, c, gateways, vpc.ValueAsString(), subnets.ValueAsList())
	}
	if len(nlbs) > 0 {
		addNlbServices(stack, params, v, c, nlbs, vpc.ValueAsString(), subnets.ValueAsList())
	}
	params.last("Notifications")
	params.last("Account policies")
	params.interfaceMetadata(stack)
	return stack
}

// addNlbServices adds, per service of mode nlb, the load balancer, its
// targets and the endpoint service, with the notification topics.
func addNlbServices(stack awscdk.Stack, params *parameters, v *config.Vendor, c *config.Customer, nlbs []config.Service, vpcID *string, subnetIDs *[]*string) {
	region := ProducerRegion(c)
	alarmTopic := params.add("AlarmTopicArn", "Notifications", "Alarm topic", "String",
		"Optional: SNS topic in this account and region for the alarms (no healthy target, registrar errors). Leave empty for none.", topicPattern)
	alarmTopic.SetDefault(jsii.String(""))
	connTopic := params.add("ConnectionTopicArn", "Notifications", "Connection request topic", "String",
		"Optional: SNS topic told when the vendor requests, or you accept or reject, a connection. Leave empty for none.", topicPattern)
	connTopic.SetDefault(jsii.String(""))
	hasAlarmTopic := awscdk.NewCfnCondition(stack, jsii.String("HasAlarmTopic"), &awscdk.CfnConditionProps{
		Expression: awscdk.Fn_ConditionNot(awscdk.Fn_ConditionEquals(alarmTopic.ValueAsString(), jsii.String(""))),
	})
	hasConnTopic := awscdk.NewCfnCondition(stack, jsii.String("HasConnectionTopic"), &awscdk.CfnConditionProps{
		Expression: awscdk.Fn_ConditionNot(awscdk.Fn_ConditionEquals(connTopic.ValueAsString(), jsii.String(""))),
	})
	alarmActions := awscdk.Token_AsList(awscdk.Fn_ConditionIf(hasAlarmTopic.LogicalId(),
		jsii.Strings(*alarmTopic.ValueAsString()), awscdk.Aws_NO_VALUE()), nil)
	boundary, logsKey := accountPolicies(stack, params, c)

	var supported *[]*string
	if region != c.Region {
		supported = jsii.Strings(c.Region)
	}
	for _, s := range nlbs {
		id := OutputID(s.Name)
		group := fmt.Sprintf("Service %s (%s %s)", s.Name, map[bool]string{true: "port", false: "ports"}[len(s.Ports) == 1], strings.Join(portStrings(s.Ports), ", "))
		props := &producer.ProducerProps{
			VpcId:              vpcID,
			SubnetIds:          subnetIDs,
			Ports:              numbers(s.Ports),
			AllowedPrincipals:  jsii.Strings(v.PrincipalArn),
			AcceptanceRequired: jsii.Bool(!s.Producer.InsecureAutoAcceptConnections),
			SupportedRegions:   supported,
			AlarmActions:       alarmActions,
			LogRetentionDays:   jsii.Number(float64(*v.LogRetentionDays)),
			Name:               jsii.String("privateconnect-" + s.Name),
			TargetGroup:        targetGroupProps(s.Producer.TargetGroup),
			// config fills in the default (true).
			LoadBalancerSecurityGroup: s.Producer.LoadBalancerSecurityGroup,
		}
		if s.Producer.Target == "rds" {
			props.PermissionsBoundaryArn, props.LogsKmsKeyArn = boundary, logsKey
		}
		switch pr := s.Producer; pr.Target {
		case "ip":
			props.Ips = params.numbered(id+"TargetIp", group, *pr.Count, "String",
				"its private IPv4 address, in the VPC.", s.Name, privateIPPattern)
		case "instance":
			props.InstanceIds = params.numbered(id+"TargetInstance", group, *pr.Count, "AWS::EC2::Instance::Id",
				"the EC2 instance, in the VPC.", s.Name, noPattern)
		case "rds":
			what := map[string]struct {
				param, label, desc string
				pattern            pattern
			}{
				producer.RdsByHostname: {"TargetHostname", "Database hostname", "DNS name of the database: an RDS or RDS Proxy endpoint, or another name that resolves, outside the VPC too, to its private addresses in the VPC.", hostnamePattern},
				producer.RdsByInstance: {"RdsInstanceId", "DB instance identifier", "Identifier of the RDS DB instance.", identifierPattern},
				producer.RdsByCluster:  {"RdsClusterId", "DB cluster identifier", fmt.Sprintf("Identifier of the Aurora DB cluster; the %s is targeted.", map[string]string{"writer": "writer instance", "reader": "set of available reader instances"}[pr.Rds.Role]), identifierPattern},
			}[pr.Rds.By]
			target := params.add(id+what.param, group, what.label, "String", what.desc, what.pattern)
			var role *string
			if pr.Rds.Role != "" {
				role = jsii.String(pr.Rds.Role)
			}
			props.Rds = &producer.RdsProps{
				By:                    jsii.String(pr.Rds.By),
				Target:                target.ValueAsString(),
				Role:                  role,
				ScheduleMinutes:       jsii.Number(float64(*pr.Registrar.ScheduleMinutes)),
				DeregisterAfterMisses: jsii.Number(float64(*pr.Registrar.DeregisterAfterMisses)),
			}
		}
		p := producer.NewProducer(stack, jsii.String(id), props)

		notification := awsec2.NewCfnVPCEndpointConnectionNotification(stack, jsii.String(id+"ConnectionNotification"), &awsec2.CfnVPCEndpointConnectionNotificationProps{
			ServiceId:                 p.EndpointServiceId(),
			ConnectionNotificationArn: connTopic.ValueAsString(),
			ConnectionEvents:          jsii.Strings("Connect", "Accept", "Reject", "Delete"),
		})
		notification.CfnOptions().SetCondition(hasConnTopic)

		out := func(suffix, description string, value *string) {
			awscdk.NewCfnOutput(stack, jsii.String(id+suffix), &awscdk.CfnOutputProps{Description: jsii.String(description), Value: value})
		}
		out("ServiceName", fmt.Sprintf("Send this to %s: the endpoint service name of %s", v.Name, s.Name), p.ServiceName())
		out("ServiceId", fmt.Sprintf("Endpoint service of %s: accept the vendor's connection request here", s.Name), p.EndpointServiceId())
		if sg := p.SecurityGroupId(); sg != nil {
			out("NlbSecurityGroupId", fmt.Sprintf("Security group of %s load balancer: admit it on your targets' security groups on TCP %s", english.Possessive(s.Name), strings.Join(portStrings(s.Ports), ", ")), sg)
		}
		for i, arn := range *p.TargetGroupArns() {
			out(fmt.Sprint("TargetGroup", s.Ports[i]), fmt.Sprintf("Target group of %s on port %d, whose targets' health aws elbv2 describe-target-health --target-group-arn shows", s.Name, s.Ports[i]), arn)
		}
		if logs := p.RegistrarLogGroupName(); logs != nil {
			out("RegistrarLogGroup", fmt.Sprintf("Log group of %s registrar, which aws logs tail follows", english.Possessive(s.Name)), logs)
		}
	}
}

// accountPolicies adds, for a template that creates IAM roles and log groups
// (the registrar's), the optional parameters a customer's landing zone may
// require: a permissions boundary for every role and a KMS key for every log
// group. Each is a token that yields AWS::NoValue when left empty, so an
// empty parameter leaves the template as if it did not exist. Both are nil
// for a template without a registrar: no parameter nothing reads.
func accountPolicies(stack awscdk.Stack, params *parameters, c *config.Customer) (boundary, logsKey *string) {
	if !slices.ContainsFunc(NlbServices(c), func(s config.Service) bool { return s.Producer.Target == "rds" }) {
		return nil, nil
	}
	optional := func(id, label, condition, description string, pat pattern) *string {
		p := params.add(id, "Account policies", label, "String", description, pat)
		p.SetDefault(jsii.String(""))
		given := awscdk.NewCfnCondition(stack, jsii.String(condition), &awscdk.CfnConditionProps{
			Expression: awscdk.Fn_ConditionNot(awscdk.Fn_ConditionEquals(p.ValueAsString(), jsii.String(""))),
		})
		return awscdk.Token_AsString(awscdk.Fn_ConditionIf(given.LogicalId(), p.ValueAsString(), awscdk.Aws_NO_VALUE()), nil)
	}
	boundary = optional("PermissionsBoundaryArn", "Permissions boundary", "HasPermissionsBoundary",
		"Optional: ARN of an IAM policy your organization requires as the permissions boundary of every role; the template's role gets it. Leave empty for none.", boundaryPattern)
	logsKey = optional("LogsKmsKeyArn", "Log encryption key", "HasLogsKmsKey",
		"Optional: ARN of a KMS key in this region that encrypts the template's log groups; its key policy must let CloudWatch Logs use it (see the template's guide). Leave empty for CloudWatch Logs' own encryption.", kmsKeyPattern)
	return boundary, logsKey
}

// targetGroupProps passes the target group settings through; config filled
// in every default.
func targetGroupProps(t *config.TargetGroup) *producer.TargetGroupProps {
	if t == nil {
		return nil
	}
	num := func(v *int) *float64 {
		if v == nil {
			return nil
		}
		return jsii.Number(float64(*v))
	}
	return &producer.TargetGroupProps{
		DeregistrationDelaySeconds: num(t.DeregistrationDelaySeconds),
		ConnectionTermination:      t.ConnectionTermination,
		HealthCheckIntervalSeconds: num(t.HealthCheckIntervalSeconds),
		HealthCheckTimeoutSeconds:  num(t.HealthCheckTimeoutSeconds),
		HealthyThresholdCount:      num(t.HealthyThresholdCount),
		UnhealthyThresholdCount:    num(t.UnhealthyThresholdCount),
	}
}
