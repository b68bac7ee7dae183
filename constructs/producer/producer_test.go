package producer

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

const vendor = "arn:aws:iam::111122223333:root"

func base() *ProducerProps {
	return &ProducerProps{
		VpcId:             jsii.String("vpc-0123456789abcdef0"),
		SubnetIds:         jsii.Strings("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"),
		Ports:             &[]*float64{jsii.Number(5432), jsii.Number(6432)},
		AllowedPrincipals: jsii.Strings(vendor),
		Name:              jsii.String("acme-db"),
	}
}

func rdsProps(by, role string) *ProducerProps {
	p := base()
	p.Rds = &RdsProps{By: jsii.String(by), Target: jsii.String("acme-db")}
	if role != "" {
		p.Rds.Role = jsii.String(role)
	}
	return p
}

func synth(t *testing.T, p *ProducerProps) (cdktest.Template, Producer) {
	t.Helper()
	stack := cdktest.NewStack("P")
	prod := NewProducer(stack, jsii.String("P"), p)
	return cdktest.TemplateOf(t, stack), prod
}

func TestEndpointServiceAcceptanceAndPrincipals(t *testing.T) {
	p := base()
	p.InstanceIds = jsii.Strings("i-0123456789abcdef0")
	p.SupportedRegions = jsii.Strings("eu-west-1")
	tmpl, _ := synth(t, p)
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpointService", map[string]any{
		"AcceptanceRequired": true,
		"SupportedRegions":   []any{"eu-west-1"},
	}, "acceptance required by default, cross-region")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpointServicePermissions", map[string]any{
		"AllowedPrincipals": assertions.Match_Exact([]any{vendor}),
	}, "exactly the vendor principal")
	tmpl.HasResourceProperties(t, "AWS::ElasticLoadBalancingV2::TargetGroup", map[string]any{"TargetType": "instance"}, "instance targets")

	p = base()
	p.Ips = jsii.Strings("10.0.1.10")
	p.AcceptanceRequired = jsii.Bool(false)
	tmpl, _ = synth(t, p)
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpointService", map[string]any{
		"AcceptanceRequired": false, "SupportedRegions": assertions.Match_Absent(),
	}, "acceptance off when asked")
}

func TestRegistrarIAMIsScoped(t *testing.T) {
	// ARNs name the deploying partition, region and account, never literally.
	arnOf := func(kind string) string {
		return `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":rds:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":` + kind + `:acme-db"]]}`
	}
	for _, tc := range []struct{ by, role, rdsResources string }{
		{RdsByHostname, "", ""},
		{RdsByInstance, "", arnOf("db")},
		{RdsByCluster, RdsRoleReader, arnOf("cluster")},
	} {
		t.Run(tc.by, func(t *testing.T) {
			tmpl, _ := synth(t, rdsProps(tc.by, tc.role))
			role := tmpl.One(t, "AWS::IAM::Role")
			stmts := role.Properties["Policies"].([]any)[0].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any)
			bySid := map[string]map[string]any{}
			for _, s := range stmts {
				m := s.(map[string]any)
				bySid[m["Sid"].(string)] = m
				if m["Resource"] == "*" || cdktest.Show(m["Resource"]) == `["*"]` {
					assert.Contains(t, []any{"ReadTargetHealth", "FindTargetZone"}, m["Sid"], "statement %s on every resource", m["Sid"])
				}
			}
			reg := cdktest.Show(bySid["RegisterOwnTargetGroups"]["Resource"])
			for _, g := range tmpl.Resources("AWS::ElasticLoadBalancingV2::TargetGroup") {
				assert.Contains(t, reg, `{"Ref":"`+g.LogicalID+`"}`, "register/deregister allowed on %s", g.LogicalID)
			}
			assert.Equal(t, 2, strings.Count(reg, "Ref"), "register/deregister on its 2 target groups only: %s", reg)
			rds := cdktest.Show(bySid["FindInstance"]["Resource"]) + cdktest.Show(bySid["FindCluster"]["Resource"])
			if tc.rdsResources == "" {
				assert.Nil(t, bySid["FindInstance"], "hostname mode may read RDS: %s", rds)
				assert.Nil(t, bySid["FindCluster"], "hostname mode may read RDS: %s", rds)
			}
			assert.Contains(t, rds, tc.rdsResources, "RDS access")
			policy := cdktest.Show(role.Properties["Policies"])
			for _, literal := range []string{"111122223333", "us-east-1", "arn:aws:"} {
				assert.NotContains(t, policy, literal, "the policy names the stack's account, region or partition literally")
			}
			reasons, _ := tmpl.Resource(role.LogicalID)["Metadata"].(map[string]any)[StatementReasonsKey].(map[string]any)
			for sid := range bySid {
				assert.NotEmpty(t, reasons[sid], "statement %s has no reason in the role's metadata", sid)
			}
			assert.Len(t, reasons, len(bySid), "a reason for each statement of the policy")
		})
	}
}

func TestRegistrarTriggersAndSettings(t *testing.T) {
	p := rdsProps(RdsByCluster, RdsRoleReader)
	p.Rds.ScheduleMinutes = jsii.Number(5)
	p.Rds.DeregisterAfterMisses = jsii.Number(4)
	tmpl, prod := synth(t, p)
	require.NotNil(t, prod.Registrar(), "a registrar for an rds target")
	fn := tmpl.Resources("AWS::Lambda::Function")[0]
	env := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	for k, want := range map[string]string{"TARGET_KIND": "dbCluster", "TARGET": "acme-db", "ROLE": "reader", "DEREGISTER_AFTER_MISSES": "4"} {
		assert.Equal(t, want, env[k], k)
	}
	// Not assert.Equal: a diff of the whole source would bury the message.
	assert.True(t, fn.Properties["Code"].(map[string]any)["ZipFile"] == RegistrarSource, "the function's inline code is not the registrar source")
	assert.Contains(t, RegistrarSource, "def handler(", "the registrar source has its handler")
	assert.Equal(t, float64(1), fn.Properties["ReservedConcurrentExecutions"], "registrar runs may overlap")
	tmpl.HasResourceProperties(t, "AWS::Events::Rule", map[string]any{"ScheduleExpression": "rate(5 minutes)"}, "schedule")
	tmpl.HasResourceProperties(t, "AWS::Events::Rule", map[string]any{"EventPattern": map[string]any{
		"source": []any{"aws.rds"},
		"detail": map[string]any{"EventCategories": []any{"failover", "failure", "maintenance", "availability", "creation", "deletion"}},
	}}, "RDS events")
	tmpl.ResourceCountIs(t, "AWS::Lambda::Permission", 2, "invoke permissions, one per rule")
	tmpl.HasResourceProperties(t, "AWS::CloudWatch::Alarm", map[string]any{
		"Namespace": "AWS/Lambda", "MetricName": "Errors", "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
	}, "error alarm")
	tmpl.ResourcePropertiesCountIs(t, "AWS::CloudWatch::Alarm", map[string]any{
		"Namespace": "AWS/NetworkELB", "MetricName": "HealthyHostCount", "Threshold": 1, "ComparisonOperator": "LessThanThreshold",
	}, 2, "no healthy target alarm per group")
	tmpl.HasResourceProperties(t, "AWS::CloudWatch::Alarm", map[string]any{
		"Namespace": MetricNamespace, "MetricName": "UnusedTargets", "Statistic": "Maximum", "Period": 300,
		"Dimensions": []any{map[string]any{"Name": "Service", "Value": "acme-db"}},
		"Threshold":  1, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
	}, "unused target alarm, one schedule period")
	tmpl.HasResourceProperties(t, "AWS::Logs::LogGroup", map[string]any{"RetentionInDays": 365}, "log retention")
}

// The README and the customer's README state the failover wait; they must
// stay what the code does.
func TestRegistrarFailoverWaitIsTheDocumentedOne(t *testing.T) {
	for _, line := range []string{"FAILOVER_RETRY_SECONDS = 5\n", "FAILOVER_WAIT_SECONDS = 30\n"} {
		assert.True(t, strings.Contains(RegistrarSource, "\n"+line), "registrar.py no longer sets %q, which README.md and handoff/readme.md.tmpl state", strings.TrimSpace(line))
	}
}

func TestInvalidPropsPanic(t *testing.T) {
	star := base()
	star.Ips = jsii.Strings("10.0.1.10")
	star.AllowedPrincipals = jsii.Strings("*")
	two := base()
	two.Ips, two.InstanceIds = jsii.Strings("10.0.1.10"), jsii.Strings("i-0123456789abcdef0")
	for name, p := range map[string]*ProducerProps{"nil": nil, "no target": base(), "two targets": two, "any principal": star} {
		t.Run(name, func(t *testing.T) {
			assert.Panics(t, func() { NewProducer(cdktest.NewStack("P"), jsii.String("P"), p) }, "NewProducer accepted %s", name)
		})
	}
}

// The endpoint service alone fronts a load balancer that exists already.
func TestEndpointServiceOnExistingLoadBalancer(t *testing.T) {
	stack := cdktest.NewStack("S")
	const nlb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/platform/0a1b2c3d4e5f6071"
	NewEndpointService(stack, jsii.String("S"), &EndpointServiceProps{
		NetworkLoadBalancerArns: jsii.Strings(nlb),
		AllowedPrincipals:       jsii.Strings("arn:aws:iam::444455556666:root"),
		PrivateDnsName:          jsii.String("*.platform.example.com"),
		SupportedRegions:        jsii.Strings("us-west-2"),
	})
	tmpl := cdktest.TemplateOf(t, stack)
	tmpl.ResourceCountIs(t, "AWS::ElasticLoadBalancingV2::LoadBalancer", 0, "service and permissions only")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpointService", map[string]any{
		"NetworkLoadBalancerArns": []any{nlb}, "AcceptanceRequired": true,
		"PrivateDnsName": "*.platform.example.com", "SupportedRegions": []any{"us-west-2"},
	}, "service and permissions only")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpointServicePermissions", map[string]any{
		"AllowedPrincipals": []any{"arn:aws:iam::444455556666:root"},
	}, "service and permissions only")
	assert.Panics(t, func() {
		NewEndpointService(cdktest.NewStack("T"), jsii.String("T"), &EndpointServiceProps{
			NetworkLoadBalancerArns: jsii.Strings(nlb), AllowedPrincipals: jsii.Strings("*"),
		})
	}, `AllowedPrincipals ["*"] was accepted`)
}

func TestPermissionsBoundaryAndLogsKey(t *testing.T) {
	p := rdsProps(RdsByInstance, "")
	tmpl, prod := synth(t, p)
	role := tmpl.Resources("AWS::IAM::Role")[0]
	logs := tmpl.Resources("AWS::Logs::LogGroup")[0]
	assert.NotContains(t, role.Properties, "PermissionsBoundary", "a boundary without PermissionsBoundaryArn")
	assert.NotContains(t, logs.Properties, "KmsKeyId", "a key without LogsKmsKeyArn")
	assert.NotNil(t, prod.RegistrarLogGroupName(), "the registrar log group name")

	p = rdsProps(RdsByInstance, "")
	p.PermissionsBoundaryArn = jsii.String("arn:aws:iam::111122223333:policy/boundary")
	p.LogsKmsKeyArn = jsii.String("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	tmpl, _ = synth(t, p)
	assert.Equal(t, *p.PermissionsBoundaryArn, tmpl.Resources("AWS::IAM::Role")[0].Properties["PermissionsBoundary"], "PermissionsBoundary")
	assert.Equal(t, *p.LogsKmsKeyArn, tmpl.Resources("AWS::Logs::LogGroup")[0].Properties["KmsKeyId"], "KmsKeyId")

	p = base()
	p.Ips = jsii.Strings("10.0.1.10")
	_, prod = synth(t, p)
	assert.Nil(t, prod.RegistrarLogGroupName(), "a registrar log group without a registrar")
}
