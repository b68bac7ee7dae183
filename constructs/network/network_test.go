package network

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

func TestSubnetsFollowAzOrderAndSlots(t *testing.T) {
	stack := cdktest.NewStack("Net")
	vpc := NewIsolatedVpc(stack, jsii.String("Net"), &IsolatedVpcProps{
		Cidr:                jsii.String("10.9.0.0/22"),
		AvailabilityZoneIds: jsii.Strings("use1-az6", "use1-az1", "use1-az4"),
		Name:                jsii.String("n"),
	})
	if len(vpc.Subnets()) != 3 || len(*vpc.SubnetIds()) != 3 {
		t.Fatalf("%d subnets, want 3", len(vpc.Subnets()))
	}
	tmpl := cdktest.TemplateOf(t, stack)
	want := map[string]string{"use1-az6": "10.9.0.0/24", "use1-az1": "10.9.1.0/24", "use1-az4": "10.9.2.0/24"}
	subnets := tmpl.Resources("AWS::EC2::Subnet")
	for _, s := range subnets {
		az, _ := s.Properties["AvailabilityZoneId"].(string)
		if want[az] != s.Properties["CidrBlock"] {
			t.Errorf("subnet in %s has %v, want %s", az, s.Properties["CidrBlock"], want[az])
		}
		delete(want, az)
	}
	if len(want) > 0 {
		t.Errorf("no subnet for %v", want)
	}
	if n := len(tmpl.Resources("AWS::EC2::RouteTable")); n != 3 {
		t.Errorf("%d route tables, want one per subnet", n)
	}
}

func TestFlowLogRoleIsScoped(t *testing.T) {
	stack := cdktest.NewStack("Net")
	NewIsolatedVpc(stack, jsii.String("Net"), &IsolatedVpcProps{
		Cidr:                 jsii.String("10.9.0.0/24"),
		AvailabilityZoneIds:  jsii.Strings("use1-az1", "use1-az2"),
		FlowLogRetentionDays: jsii.Number(30),
	})
	tmpl := cdktest.TemplateOf(t, stack)
	groups := tmpl.Resources("AWS::Logs::LogGroup")
	if len(groups) != 1 || groups[0].Properties["RetentionInDays"] != float64(30) {
		t.Fatalf("log groups = %s, want one with 30 days", cdktest.Show(groups))
	}
	roles := tmpl.Resources("AWS::IAM::Role")
	if len(roles) != 1 {
		t.Fatalf("%d roles, want 1", len(roles))
	}
	trust := cdktest.Show(roles[0].Properties["AssumeRolePolicyDocument"])
	for _, want := range []string{"vpc-flow-logs.amazonaws.com", "aws:SourceAccount", "aws:SourceArn"} {
		if !strings.Contains(trust, want) {
			t.Errorf("trust policy %s lacks %s", trust, want)
		}
	}
	policy := cdktest.Show(roles[0].Properties["Policies"])
	if !strings.Contains(policy, cdktest.Show(cdktest.GetAtt(groups[0].LogicalID, "Arn"))) || strings.Contains(policy, `"Resource":"*"`) {
		t.Errorf("role policy %s is not scoped to the flow log group", policy)
	}
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
			defer func() {
				if recover() == nil {
					t.Errorf("NewIsolatedVpc accepted %s", name)
				}
			}()
			NewIsolatedVpc(cdktest.NewStack("Net"), jsii.String("Net"), props)
		})
	}
}
