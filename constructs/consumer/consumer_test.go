package consumer

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

func props(zone *string, services ...*ServiceProps) *ConsumerProps {
	return &ConsumerProps{
		VpcCidr:             jsii.String("10.64.0.0/24"),
		AvailabilityZoneIds: jsii.Strings("use1-az1", "use1-az2"),
		Services:            &services,
		PrivateZoneName:     zone,
	}
}

func TestWithoutZoneNoDnsResources(t *testing.T) {
	stack := cdktest.NewStack("C")
	c := NewConsumer(stack, jsii.String("C"), props(nil, &ServiceProps{
		Name: jsii.String("db"), ServiceName: jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"),
		Ports: &[]*float64{jsii.Number(5432)},
	}))
	if c.PrivateZoneId() != nil || c.Endpoints()[0].FriendlyDnsName != nil {
		t.Error("a consumer without PrivateZoneName reports a zone or a friendly name")
	}
	tmpl := cdktest.TemplateOf(t, stack)
	for _, typ := range []string{"AWS::Route53::HostedZone", "AWS::Route53::RecordSet"} {
		if n := len(tmpl.Resources(typ)); n != 0 {
			t.Errorf("%d %s without a zone name", n, typ)
		}
	}
	if n := len(tmpl.Resources("AWS::EC2::VPCEndpoint")); n != 1 {
		t.Errorf("%d endpoints, want 1", n)
	}
}

func TestOneIngressRulePerPortAndService(t *testing.T) {
	stack := cdktest.NewStack("C")
	NewConsumer(stack, jsii.String("C"), props(jsii.String("acme.example.internal"),
		&ServiceProps{Name: jsii.String("api"), ServiceName: jsii.String("com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0"),
			ServiceRegion: jsii.String("us-west-2"), Ports: &[]*float64{jsii.Number(443), jsii.Number(8443)}},
		&ServiceProps{Name: jsii.String("db"), ServiceName: jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-01234567"),
			Ports: &[]*float64{jsii.Number(5432)}},
	))
	tmpl := cdktest.TemplateOf(t, stack)
	if n := len(tmpl.Resources("AWS::EC2::SecurityGroupIngress")); n != 3 {
		t.Errorf("%d ingress rules, want 3 (one per port)", n)
	}
	if n := len(tmpl.Resources("AWS::EC2::SecurityGroup")); n != 3 {
		t.Errorf("%d security groups, want connectors + one per endpoint", n)
	}
	cdktest.Assert(t, "cross-region endpoint", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), &map[string]any{
			"ServiceName":   "com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0",
			"ServiceRegion": "us-west-2",
		})
	})
	cdktest.Assert(t, "same-region endpoint", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), &map[string]any{
			"ServiceName":   "com.amazonaws.vpce.us-east-1.vpce-svc-01234567",
			"ServiceRegion": assertions.Match_Absent(),
		})
	})
	cdktest.Assert(t, "records", func() {
		tmpl.CDK().ResourceCountIs(jsii.String("AWS::Route53::RecordSet"), jsii.Number(2))
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), &map[string]any{"Name": "api.acme.example.internal."})
	})
}

// With every service pending, the network is built and the connectors group
// reaches nothing: an empty egress list would mean allow-all.
func TestNoServicesReachesNothing(t *testing.T) {
	stack := cdktest.NewStack("C")
	NewConsumer(stack, jsii.String("C"), props(jsii.String("acme.example.internal")))
	tmpl := cdktest.TemplateOf(t, stack)
	if n := len(tmpl.Resources("AWS::EC2::VPCEndpoint")); n != 0 {
		t.Errorf("%d endpoints, want none", n)
	}
	for _, sg := range tmpl.Resources("AWS::EC2::SecurityGroup") {
		egress, _ := sg.Properties["SecurityGroupEgress"].([]any)
		if len(egress) != 1 || egress[0].(map[string]any)["CidrIp"] != "255.255.255.255/32" {
			t.Errorf("%s egress = %v, want only the rule that matches nothing", sg.LogicalID, egress)
		}
	}
}

func TestInvalidPropsPanic(t *testing.T) {
	for name, p := range map[string]*ConsumerProps{
		"no props":     nil,
		"nil services": {VpcCidr: jsii.String("10.64.0.0/24"), AvailabilityZoneIds: jsii.Strings("use1-az1", "use1-az2")},
		"no ports": props(nil, &ServiceProps{Name: jsii.String("db"),
			ServiceName: jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-01234567"), Ports: &[]*float64{}}),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewConsumer accepted %s", name)
				}
			}()
			NewConsumer(cdktest.NewStack("C"), jsii.String("C"), p)
		})
	}
}
