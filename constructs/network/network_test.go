package network

import (
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

func TestSubnetsFollowAzOrderAndSlots(t *testing.T) {
	stack := cdktest.NewStack("Net")
	vpc := NewIsolatedVpc(stack, jsii.String("Net"), &IsolatedVpcProps{
		Cidr:                jsii.String("10.9.0.0/22"),
		AvailabilityZoneIds: jsii.Strings("use1-az6", "use1-az1", "use1-az4"),
		Name:                jsii.String("n"),
	})
	require.Len(t, vpc.Subnets(), 3, "subnets")
	require.Len(t, *vpc.SubnetIds(), 3, "subnet IDs")
	tmpl := cdktest.TemplateOf(t, stack)
	want := map[string]string{"use1-az6": "10.9.0.0/24", "use1-az1": "10.9.1.0/24", "use1-az4": "10.9.2.0/24"}
	subnets := tmpl.Resources("AWS::EC2::Subnet")
	for _, s := range subnets {
		az, _ := s.Properties["AvailabilityZoneId"].(string)
		assert.Equal(t, want[az], s.Properties["CidrBlock"], "subnet in %s", az)
		delete(want, az)
	}
	assert.Empty(t, want, "AZs without a subnet")
	tmpl.ResourceCountIs(t, "AWS::EC2::RouteTable", 3, "one per subnet")
}

func TestFlowLogRoleIsScoped(t *testing.T) {
	stack := cdktest.NewStack("Net")
	NewIsolatedVpc(stack, jsii.String("Net"), &IsolatedVpcProps{
		Cidr:                 jsii.String("10.9.0.0/24"),
		AvailabilityZoneIds:  jsii.Strings("use1-az1", "use1-az2"),
		FlowLogRetentionDays: jsii.Number(30),
	})
	tmpl := cdktest.TemplateOf(t, stack)
	group := tmpl.One(t, "AWS::Logs::LogGroup")
	require.Equal(t, float64(30), group.Properties["RetentionInDays"], "log group retention")
	role := tmpl.One(t, "AWS::IAM::Role")
	trust := cdktest.Show(role.Properties["AssumeRolePolicyDocument"])
	for _, want := range []string{"vpc-flow-logs.amazonaws.com", "aws:SourceAccount", "aws:SourceArn"} {
		assert.Contains(t, trust, want, "trust policy")
	}
	policy := cdktest.Show(role.Properties["Policies"])
	assert.Contains(t, policy, cdktest.Show(cdktest.GetAtt(group.LogicalID, "Arn")), "the role policy names the flow log group")
	assert.NotContains(t, policy, `"Resource":"*"`, "the role policy is scoped to the flow log group")
}

func TestInvalidPropsPanic(t *testing.T) {
	for name, props := range map[string]*IsolatedVpcProps{
		"no props":        nil,
		"bad cidr":        {Cidr: jsii.String("10.0.0.1/24"), AvailabilityZoneIds: jsii.Strings("use1-az1")},
		"too many AZs":    {Cidr: jsii.String("10.0.0.0/27"), AvailabilityZoneIds: jsii.Strings("use1-az1", "use1-az2", "use1-az3")},
		"no AZs":          {Cidr: jsii.String("10.0.0.0/24"), AvailabilityZoneIds: jsii.Strings()},
		"missing AZ list": {Cidr: jsii.String("10.0.0.0/24")},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Panics(t, func() { NewIsolatedVpc(cdktest.NewStack("Net"), jsii.String("Net"), props) }, "NewIsolatedVpc accepted %s", name)
		})
	}
}
