package producer

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

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
	cdktest.Assert(t, "acceptance required by default, cross-region", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpointService"), &map[string]any{
			"AcceptanceRequired": true,
			"SupportedRegions":   []any{"eu-west-1"},
		})
	})
	cdktest.Assert(t, "exactly the vendor principal", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpointServicePermissions"), &map[string]any{
			"AllowedPrincipals": assertions.Match_Exact([]any{vendor}),
		})
	})
	cdktest.Assert(t, "instance targets", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), &map[string]any{"TargetType": "instance"})
	})

	p = base()
	p.Ips = jsii.Strings("10.0.1.10")
	p.AcceptanceRequired = jsii.Bool(false)
	tmpl, _ = synth(t, p)
	cdktest.Assert(t, "acceptance off when asked", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpointService"), &map[string]any{
			"AcceptanceRequired": false, "SupportedRegions": assertions.Match_Absent(),
		})
	})
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
			roles := tmpl.Resources("AWS::IAM::Role")
			if len(roles) != 1 {
				t.Fatalf("%d roles", len(roles))
			}
			stmts := roles[0].Properties["Policies"].([]any)[0].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any)
			bySid := map[string]map[string]any{}
			for _, s := range stmts {
				m := s.(map[string]any)
				bySid[m["Sid"].(string)] = m
				if m["Resource"] == "*" || cdktest.Show(m["Resource"]) == `["*"]` {
					if m["Sid"] != "ReadTargetHealth" && m["Sid"] != "FindTargetZone" {
						t.Errorf("statement %s on every resource", m["Sid"])
					}
				}
			}
			reg := cdktest.Show(bySid["RegisterOwnTargetGroups"]["Resource"])
			for _, g := range tmpl.Resources("AWS::ElasticLoadBalancingV2::TargetGroup") {
				if !strings.Contains(reg, `{"Ref":"`+g.LogicalID+`"}`) {
					t.Errorf("register/deregister not allowed on %s: %s", g.LogicalID, reg)
				}
			}
			if n := strings.Count(reg, "Ref"); n != 2 {
				t.Errorf("register/deregister on %d resources, want its 2 target groups: %s", n, reg)
			}
			rds := cdktest.Show(bySid["FindInstance"]["Resource"]) + cdktest.Show(bySid["FindCluster"]["Resource"])
			if tc.rdsResources == "" && (bySid["FindInstance"] != nil || bySid["FindCluster"] != nil) {
				t.Errorf("hostname mode may read RDS: %s", rds)
			}
			if !strings.Contains(rds, tc.rdsResources) {
				t.Errorf("RDS access %s, want %s", rds, tc.rdsResources)
			}
			policy := cdktest.Show(roles[0].Properties["Policies"])
			if strings.Contains(policy, "111122223333") || strings.Contains(policy, "us-east-1") || strings.Contains(policy, "arn:aws:") {
				t.Errorf("the policy names the stack's account, region or partition literally: %s", policy)
			}
			reasons, _ := tmpl.Resource(roles[0].LogicalID)["Metadata"].(map[string]any)[StatementReasonsKey].(map[string]any)
			for sid := range bySid {
				if reasons[sid] == nil || reasons[sid] == "" {
					t.Errorf("statement %s has no reason in the role's metadata", sid)
				}
			}
			if len(reasons) != len(bySid) {
				t.Errorf("reasons for %d statements, the policy has %d", len(reasons), len(bySid))
			}
		})
	}
}

func TestRegistrarTriggersAndSettings(t *testing.T) {
	p := rdsProps(RdsByCluster, RdsRoleReader)
	p.Rds.ScheduleMinutes = jsii.Number(5)
	p.Rds.DeregisterAfterMisses = jsii.Number(4)
	tmpl, prod := synth(t, p)
	if prod.Registrar() == nil {
		t.Fatal("no registrar for an rds target")
	}
	fn := tmpl.Resources("AWS::Lambda::Function")[0]
	env := fn.Properties["Environment"].(map[string]any)["Variables"].(map[string]any)
	for k, want := range map[string]string{"TARGET_KIND": "dbCluster", "TARGET": "acme-db", "ROLE": "reader", "DEREGISTER_AFTER_MISSES": "4"} {
		if env[k] != want {
			t.Errorf("%s = %v, want %s", k, env[k], want)
		}
	}
	if code := fn.Properties["Code"].(map[string]any)["ZipFile"]; code != RegistrarSource || !strings.Contains(RegistrarSource, "def handler(") {
		t.Error("the function's inline code is not the registrar source")
	}
	if fn.Properties["ReservedConcurrentExecutions"] != float64(1) {
		t.Error("registrar runs may overlap")
	}
	cdktest.Assert(t, "schedule", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::Events::Rule"), &map[string]any{"ScheduleExpression": "rate(5 minutes)"})
	})
	cdktest.Assert(t, "RDS events", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::Events::Rule"), &map[string]any{"EventPattern": map[string]any{
			"source": []any{"aws.rds"},
			"detail": map[string]any{"EventCategories": []any{"failover", "failure", "maintenance", "availability", "creation", "deletion"}},
		}})
	})
	if n := len(tmpl.Resources("AWS::Lambda::Permission")); n != 2 {
		t.Errorf("%d invoke permissions, want one per rule", n)
	}
	cdktest.Assert(t, "error alarm", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), &map[string]any{
			"Namespace": "AWS/Lambda", "MetricName": "Errors", "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
		})
	})
	cdktest.Assert(t, "no healthy target alarm per group", func() {
		tmpl.CDK().ResourcePropertiesCountIs(jsii.String("AWS::CloudWatch::Alarm"), &map[string]any{
			"Namespace": "AWS/NetworkELB", "MetricName": "HealthyHostCount", "Threshold": 1, "ComparisonOperator": "LessThanThreshold",
		}, jsii.Number(2))
	})
	cdktest.Assert(t, "unused target alarm, one schedule period", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), &map[string]any{
			"Namespace": MetricNamespace, "MetricName": "UnusedTargets", "Statistic": "Maximum", "Period": 300,
			"Dimensions": []any{map[string]any{"Name": "Service", "Value": "acme-db"}},
			"Threshold":  1, "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
		})
	})
	cdktest.Assert(t, "log retention", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), &map[string]any{"RetentionInDays": 365})
	})
}

// The README and the customer's README state the failover wait; they must
// stay what the code does.
func TestRegistrarFailoverWaitIsTheDocumentedOne(t *testing.T) {
	for _, line := range []string{"FAILOVER_RETRY_SECONDS = 5\n", "FAILOVER_WAIT_SECONDS = 30\n"} {
		if !strings.Contains(RegistrarSource, "\n"+line) {
			t.Errorf("registrar.py no longer sets %q, which README.md and handoff/readme.md.tmpl state", strings.TrimSpace(line))
		}
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
			defer func() {
				if recover() == nil {
					t.Errorf("NewProducer accepted %s", name)
				}
			}()
			NewProducer(cdktest.NewStack("P"), jsii.String("P"), p)
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
	c := cdktest.TemplateOf(t, stack).CDK()
	cdktest.Assert(t, "service and permissions only", func() {
		c.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), jsii.Number(0))
		c.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpointService"), &map[string]any{
			"NetworkLoadBalancerArns": []any{nlb}, "AcceptanceRequired": true,
			"PrivateDnsName": "*.platform.example.com", "SupportedRegions": []any{"us-west-2"},
		})
		c.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpointServicePermissions"), &map[string]any{
			"AllowedPrincipals": []any{"arn:aws:iam::444455556666:root"},
		})
	})
	defer func() {
		if recover() == nil {
			t.Error(`AllowedPrincipals ["*"] was accepted`)
		}
	}()
	NewEndpointService(cdktest.NewStack("T"), jsii.String("T"), &EndpointServiceProps{
		NetworkLoadBalancerArns: jsii.Strings(nlb), AllowedPrincipals: jsii.Strings("*"),
	})
}

func TestPermissionsBoundaryAndLogsKey(t *testing.T) {
	p := rdsProps(RdsByInstance, "")
	tmpl, prod := synth(t, p)
	role := tmpl.Resources("AWS::IAM::Role")[0]
	logs := tmpl.Resources("AWS::Logs::LogGroup")[0]
	if _, ok := role.Properties["PermissionsBoundary"]; ok {
		t.Error("a boundary without PermissionsBoundaryArn")
	}
	if _, ok := logs.Properties["KmsKeyId"]; ok {
		t.Error("a key without LogsKmsKeyArn")
	}
	if prod.RegistrarLogGroupName() == nil {
		t.Error("no registrar log group name")
	}

	p = rdsProps(RdsByInstance, "")
	p.PermissionsBoundaryArn = jsii.String("arn:aws:iam::111122223333:policy/boundary")
	p.LogsKmsKeyArn = jsii.String("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	tmpl, _ = synth(t, p)
	if got := tmpl.Resources("AWS::IAM::Role")[0].Properties["PermissionsBoundary"]; got != *p.PermissionsBoundaryArn {
		t.Errorf("PermissionsBoundary = %v", got)
	}
	if got := tmpl.Resources("AWS::Logs::LogGroup")[0].Properties["KmsKeyId"]; got != *p.LogsKmsKeyArn {
		t.Errorf("KmsKeyId = %v", got)
	}

	p = base()
	p.Ips = jsii.Strings("10.0.1.10")
	_, prod = synth(t, p)
	if prod.RegistrarLogGroupName() != nil {
		t.Error("a registrar log group without a registrar")
	}
}
