package producer

import (
	_ "embed"
	"fmt"

	"github.com/privateconnect/privateconnect/constructs/internal/l1"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
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

// newRegistrar creates the Lambda that keeps the target groups' IP targets
// equal to the database's addresses, its triggers, state, logs and alarms;
// it returns the function and its log group's name.
func newRegistrar(p *producer, props *ProducerProps) (awslambda.CfnFunction, *string) {
	scope, rds := p.Construct, props.Rds
	role := RdsRoleWriter
	if rds.Role != nil {
		role = *rds.Role
	}
	schedule := orDefault(rds.ScheduleMinutes, 1)
	service := deref1(props.Name, "registrar") // the metrics' Service dimension
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
	if props.LogsKmsKeyArn != nil {
		logs.SetKmsKeyId(props.LogsKmsKeyArn)
		acknowledgeConditional(logs, "F3031", props.LogsKmsKeyArn)
	}

	// The registrar's TARGET_GROUPS: every group with the port its targets use.
	var groups []map[string]any
	var groupArns []*string
	for i, tg := range p.groups {
		groups = append(groups, map[string]any{"arn": tg.Ref(), "port": (*props.Ports)[i]})
		groupArns = append(groupArns, tg.Ref())
	}
	stack := awscdk.Stack_Of(scope)
	// ARNs name the deploying account, region and partition through pseudo
	// parameters, never literally: the same template works in any account.
	rdsArn := func(kind, name string) *string { return arn("rds", kind+":"+name) }
	statements := []any{
		l1.Statement("RegisterOwnTargetGroups", []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"}, groupArns...),
		// DescribeTargetHealth supports no resource-level permissions.
		l1.Statement("ReadTargetHealth", []string{"elasticloadbalancing:DescribeTargetHealth"}, jsii.String("*")),
		// Names the AZ of a target the NLB leaves unused; no resource-level permissions either.
		l1.Statement("FindTargetZone", []string{"ec2:DescribeNetworkInterfaces"}, jsii.String("*")),
		l1.Statement("KeepState", []string{"ssm:GetParameter", "ssm:PutParameter"}, arn("ssm", "parameter/"+*state.Ref())),
		l1.Statement("WriteLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, logs.AttrArn()),
	}
	switch *rds.By {
	case RdsByInstance:
		statements = append(statements, l1.Statement("FindInstance", []string{"rds:DescribeDBInstances"}, rdsArn("db", *rds.Target)))
	case RdsByCluster:
		// The cluster's member instances are only known at run time.
		statements = append(statements,
			l1.Statement("FindCluster", []string{"rds:DescribeDBClusters"}, rdsArn("cluster", *rds.Target)),
			l1.Statement("FindMembers", []string{"rds:DescribeDBInstances"}, rdsArn("db", "*")))
	}
	fnRole := awsiam.NewCfnRole(scope, jsii.String("RegistrarRole"), &awsiam.CfnRoleProps{
		Description:              jsii.String("privateconnect registrar: keeps its own target groups pointing at the database"),
		AssumeRolePolicyDocument: l1.AssumedBy("lambda.amazonaws.com"),
		Policies: []any{&awsiam.CfnRole_PolicyProperty{
			PolicyName:     jsii.String("registrar"),
			PolicyDocument: map[string]any{"Version": "2012-10-17", "Statement": statements},
		}},
	})
	if props.PermissionsBoundaryArn != nil {
		fnRole.SetPermissionsBoundary(props.PermissionsBoundaryArn)
	}
	// Why each statement is there, beside the policy in the template: the
	// handed-over README's security review lists them.
	reasons := map[string]string{}
	for _, st := range statements {
		sid := st.(map[string]any)["Sid"].(string)
		if reasons[sid] = statementReasons[sid]; reasons[sid] == "" {
			panic("producer: the registrar's statement " + sid + " has no reason in statementReasons")
		}
	}
	fnRole.AddMetadata(jsii.String(StatementReasonsKey), reasons)
	suppress(fnRole, "AwsSolutions-IAM5",
		"elasticloadbalancing:DescribeTargetHealth and ec2:DescribeNetworkInterfaces (read-only; to name the AZ of a target the load balancer leaves unused) support no resource-level permissions; for a cluster, its member DB instances are known only at run time, so DescribeDBInstances is on db:* (read-only)",
		"Resource::*", "Resource::arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:*")

	fn := awslambda.NewCfnFunction(scope, jsii.String("Registrar"), &awslambda.CfnFunctionProps{
		Description:   jsii.String("privateconnect registrar: keeps the NLB's IP targets equal to the database's addresses"),
		Runtime:       jsii.String(l1.Python()),
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
			"SERVICE":                 service,
		}},
		Tags: l1.NameTag(props.Name, "-registrar"),
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
	// Availability (restarts), creation and deletion change a cluster's readers.
	trigger(scope, fn, "RdsEvents", &awsevents.CfnRuleProps{
		Description: jsii.String("privateconnect registrar: RDS failover, failure, maintenance, availability, creation and deletion events"),
		EventPattern: map[string]any{
			"source":      []string{"aws.rds"},
			"detail-type": []string{"RDS DB Instance Event", "RDS DB Cluster Event"},
			"detail":      map[string]any{"EventCategories": rdsEventCategories},
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

	// Targets in an AZ where the NLB has no subnet get no traffic
	// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#availability-zones):
	// a database that failed over into such an AZ is unreachable. The
	// registrar counts them after every run.
	unused := awscloudwatch.NewCfnAlarm(scope, jsii.String("RegistrarUnusedTargets"), &awscloudwatch.CfnAlarmProps{
		AlarmDescription: jsii.String("privateconnect registrar: the database has an address in an Availability Zone where the load balancer has no subnet, " +
			"so that address gets no traffic. The function's log names the AZ: add a subnet in it to the SubnetIds parameter."),
		Namespace:          jsii.String(MetricNamespace),
		MetricName:         jsii.String("UnusedTargets"),
		Dimensions:         []any{&awscloudwatch.CfnAlarm_DimensionProperty{Name: jsii.String("Service"), Value: jsii.String(service)}},
		Statistic:          jsii.String("Maximum"),
		Period:             jsii.Number(60 * schedule),
		EvaluationPeriods:  jsii.Number(1),
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
		TreatMissingData:   jsii.String("notBreaching"),
	})
	notify(unused, props.AlarmActions)
	return fn, logs.Ref()
}

// StatementReasonsKey is the registrar role's metadata entry that says, per
// policy statement (Sid), why the registrar needs it.
const StatementReasonsKey = "privateconnect:statementReasons"

var statementReasons = map[string]string{
	"RegisterOwnTargetGroups": "adds the database's current addresses to this stack's target groups and removes the ones it no longer has; no other target group",
	"ReadTargetHealth":        "reads which addresses are registered and healthy before changing anything",
	"FindTargetZone":          "reads the Availability Zone of a registered address the load balancer leaves unused, to name it in the log (read-only)",
	"KeepState":               "keeps, in its own SSM parameter, the DB instance each registered address belongs to and how many consecutive runs it was missing, so one failed lookup never removes a target",
	"WriteLogs":               "writes each run's findings and changes to its own log group",
	"FindInstance":            "reads the address and status of the one DB instance you name",
	"FindCluster":             "reads the members (writer and readers) of the one DB cluster you name",
	"FindMembers":             "reads the address and status of the cluster's member instances, known only at run time (read-only)",
}

// arn is an ARN in the deploying partition, region and account.
func arn(service, resource string) *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":" + service + ":"), awscdk.Aws_REGION(),
		jsii.String(":"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":" + resource),
	})
}

// rdsEventCategories are the RDS event categories that run the registrar at once.
var rdsEventCategories = []string{"failover", "failure", "maintenance", "availability", "creation", "deletion"}

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
