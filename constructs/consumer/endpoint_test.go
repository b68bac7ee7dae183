package consumer

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"

	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// In an existing VPC: its own group admitting the CIDRs on each port, no
// egress, and a zone per domain aliasing the names to the endpoint.
func TestInterfaceEndpointInExistingVpc(t *testing.T) {
	stack := cdktest.NewStack("E")
	ep := NewInterfaceEndpoint(stack, jsii.String("E"), &InterfaceEndpointProps{
		VpcId:       jsii.String("vpc-0123456789abcdef0"),
		SubnetIds:   jsii.Strings("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"),
		ServiceName: jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"),
		Ports:       &[]*float64{jsii.Number(443), jsii.Number(8443)},
		Sources: &[]*Source{
			{Label: jsii.String("Office"), Description: jsii.String("From the office"), Cidr: jsii.String("10.1.0.0/16")},
			{Label: jsii.String("Lab"), Description: jsii.String("From the lab"), Cidr: jsii.String("10.2.0.0/16")},
		},
		PrivateZones: &[]*PrivateZoneProps{
			{ZoneName: jsii.String("platform.example.com"), RecordNames: jsii.Strings("api.platform.example.com", "hub.platform.example.com")},
		},
	})
	assert.Len(t, *ep.PrivateZoneIds(), 1, "zone IDs")
	tmpl := cdktest.TemplateOf(t, stack)
	tmpl.ResourceCountIs(t, "AWS::EC2::SecurityGroupIngress", 4, "resources")
	tmpl.HasResourceProperties(t, "AWS::EC2::SecurityGroupIngress", map[string]any{
		"CidrIp": "10.2.0.0/16", "FromPort": 8443, "ToPort": 8443, "IpProtocol": "tcp", "Description": "From the lab on 8443",
	}, "resources")
	tmpl.HasResourceProperties(t, "AWS::EC2::SecurityGroup", map[string]any{
		"VpcId":               "vpc-0123456789abcdef0",
		"SecurityGroupEgress": []any{map[string]any{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic", "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}},
	}, "resources")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{
		"VpcId": "vpc-0123456789abcdef0", "PrivateDnsEnabled": false, "VpcEndpointType": "Interface",
		"SubnetIds": []any{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"},
	}, "resources")
	tmpl.HasResourceProperties(t, "AWS::Route53::HostedZone", map[string]any{
		"Name": "platform.example.com", "VPCs": []any{map[string]any{"VPCId": "vpc-0123456789abcdef0", "VPCRegion": map[string]any{"Ref": "AWS::Region"}}},
	}, "resources")
	tmpl.ResourceCountIs(t, "AWS::Route53::RecordSet", 2, "resources")
	tmpl.HasResourceProperties(t, "AWS::Route53::RecordSet", map[string]any{
		"Name": "hub.platform.example.com.", "Type": "A",
		"AliasTarget": assertions.Match_ObjectLike(&map[string]any{"EvaluateTargetHealth": false}),
	}, "resources")
}

// With a group given and private DNS on, the endpoint creates neither a
// group nor zones.
func TestInterfaceEndpointWithGivenGroupAndPrivateDns(t *testing.T) {
	stack := cdktest.NewStack("E")
	NewInterfaceEndpoint(stack, jsii.String("E"), &InterfaceEndpointProps{
		VpcId:             jsii.String("vpc-0123456789abcdef0"),
		SubnetIds:         jsii.Strings("subnet-0aaaaaaaaaaaaaaaa"),
		ServiceName:       jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"),
		Ports:             &[]*float64{jsii.Number(443)},
		SecurityGroupId:   jsii.String("sg-0123456789abcdef0"),
		PrivateDnsEnabled: jsii.Bool(true),
	})
	tmpl := cdktest.TemplateOf(t, stack)
	tmpl.ResourceCountIs(t, "AWS::EC2::SecurityGroup", 0, "no group, no zone, private DNS on")
	tmpl.ResourceCountIs(t, "AWS::Route53::HostedZone", 0, "no group, no zone, private DNS on")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{
		"PrivateDnsEnabled": true, "SecurityGroupIds": []any{"sg-0123456789abcdef0"},
	}, "no group, no zone, private DNS on")
}

func TestInterfaceEndpointSourceNeedsOneKind(t *testing.T) {
	assert.Panics(t, func() {
		NewInterfaceEndpoint(cdktest.NewStack("E"), jsii.String("E"), &InterfaceEndpointProps{
			VpcId: jsii.String("vpc-1"), SubnetIds: jsii.Strings("subnet-1"), ServiceName: jsii.String("svc"),
			Ports:   &[]*float64{jsii.Number(443)},
			Sources: &[]*Source{{Label: jsii.String("X"), Description: jsii.String("x"), Cidr: jsii.String("10.0.0.0/8"), SecurityGroupId: jsii.String("sg-1")}},
		})
	}, "a source with both a CIDR and a group was accepted")
}
