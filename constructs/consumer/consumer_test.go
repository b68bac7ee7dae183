package consumer

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"

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
	assert.Nil(t, c.PrivateZoneId(), "a consumer without PrivateZoneName reports a zone")
	assert.Nil(t, c.Endpoints()[0].FriendlyDnsName, "a consumer without PrivateZoneName reports a friendly name")
	tmpl := cdktest.TemplateOf(t, stack)
	for _, typ := range []string{"AWS::Route53::HostedZone", "AWS::Route53::RecordSet"} {
		tmpl.ResourceCountIs(t, typ, 0, "without a zone name")
	}
	tmpl.ResourceCountIs(t, "AWS::EC2::VPCEndpoint", 1)
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
	tmpl.ResourceCountIs(t, "AWS::EC2::SecurityGroupIngress", 3, "one per port")
	tmpl.ResourceCountIs(t, "AWS::EC2::SecurityGroup", 3, "connectors + one per endpoint")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{
		"ServiceName":   "com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0",
		"ServiceRegion": "us-west-2",
	}, "cross-region endpoint")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{
		"ServiceName":   "com.amazonaws.vpce.us-east-1.vpce-svc-01234567",
		"ServiceRegion": assertions.Match_Absent(),
	}, "same-region endpoint")
	tmpl.ResourceCountIs(t, "AWS::Route53::RecordSet", 2, "records")
	tmpl.HasResourceProperties(t, "AWS::Route53::RecordSet", map[string]any{"Name": "api.acme.example.internal."}, "records")
}

// With every service pending, the network is built and the connectors group
// reaches nothing: an empty egress list would mean allow-all.
func TestNoServicesReachesNothing(t *testing.T) {
	stack := cdktest.NewStack("C")
	NewConsumer(stack, jsii.String("C"), props(jsii.String("acme.example.internal")))
	tmpl := cdktest.TemplateOf(t, stack)
	tmpl.ResourceCountIs(t, "AWS::EC2::VPCEndpoint", 0)
	for _, sg := range tmpl.Resources("AWS::EC2::SecurityGroup") {
		egress, _ := sg.Properties["SecurityGroupEgress"].([]any)
		if assert.Len(t, egress, 1, "%s egress: only the rule that matches nothing", sg.LogicalID) {
			assert.Equal(t, "255.255.255.255/32", egress[0].(map[string]any)["CidrIp"], "%s egress: only the rule that matches nothing", sg.LogicalID)
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
			assert.Panics(t, func() { NewConsumer(cdktest.NewStack("C"), jsii.String("C"), p) }, "NewConsumer accepted %s", name)
		})
	}
}
