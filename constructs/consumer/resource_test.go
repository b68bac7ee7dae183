package consumer

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/pyunit"
)

// The lookup code's own tests are Python (a fake EC2 client and a response
// URL on 127.0.0.1, code/test_dns_lookup.py): run them with the Go tests.
func TestDnsLookupPython(t *testing.T) {
	pyunit.Run(t, "code", "DNS lookup", "", "")
}

const rcfgArn = "arn:aws:vpc-lattice:us-east-1:246813579135:resourceconfiguration/rcfg-0a1b2c3d4e5f60718"

// A consumer with a resource endpoint (ledger) beside an interface endpoint (api).
func resourceConsumer(t *testing.T) (Consumer, cdktest.Template) {
	stack := cdktest.NewStack("C")
	c := NewConsumer(stack, jsii.String("C"), props(jsii.String("wayne.example.internal"),
		&ServiceProps{Name: jsii.String("ledger"), ResourceConfigurationArn: jsii.String(rcfgArn),
			Ports: &[]*float64{jsii.Number(5432), jsii.Number(5433)}},
		&ServiceProps{Name: jsii.String("api"), ServiceName: jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-01234567"),
			Ports: &[]*float64{jsii.Number(443)}},
	))
	return c, cdktest.TemplateOf(t, stack)
}

func TestResourceEndpointToTheSharedConfiguration(t *testing.T) {
	_, tmpl := resourceConsumer(t)
	tmpl.ResourceCountIs(t, "AWS::EC2::VPCEndpoint", 2, "a resource endpoint and an interface endpoint")
	var resource map[string]any
	for _, r := range tmpl.Resources("AWS::EC2::VPCEndpoint") {
		if r.Properties["VpcEndpointType"] == "Resource" {
			resource = r.Properties
		}
	}
	require.NotNil(t, resource, "an endpoint of type Resource")
	assert.Equal(t, rcfgArn, resource["ResourceConfigurationArn"], "the endpoint's resource configuration")
	assert.Equal(t, true, resource["PrivateDnsEnabled"], "private DNS: the database's own names resolve to the endpoint")
	// What AWS refuses or ignores on a resource endpoint is not sent.
	for _, key := range []string{"ServiceName", "ServiceRegion", "PolicyDocument", "RouteTableIds"} {
		assert.NotContains(t, resource, key, "a resource endpoint has no %s", key)
	}
	subnets, _ := resource["SubnetIds"].([]any)
	assert.Len(t, subnets, 2, "one subnet per AZ, the connectors' subnets")
	for _, s := range subnets {
		ref, _ := s.(map[string]any)["Ref"].(string)
		assert.Equal(t, "AWS::EC2::Subnet", tmpl.Resource(ref)["Type"], "subnet %v", s)
	}
}

// The endpoint's group admits the connectors group, on the service's ports
// only, as an interface endpoint's does; the connectors may reach it there.
func TestResourceEndpointAdmitsOnlyTheConnectors(t *testing.T) {
	c, tmpl := resourceConsumer(t)
	var sg string
	for _, r := range tmpl.Resources("AWS::EC2::VPCEndpoint") {
		if r.Properties["VpcEndpointType"] == "Resource" {
			groups := r.Properties["SecurityGroupIds"].([]any)
			require.Len(t, groups, 1, "the endpoint's security groups")
			sg = groups[0].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
		}
	}
	require.NotEmpty(t, sg, "the resource endpoint's security group")
	desc := tmpl.Resource(sg)["Properties"].(map[string]any)["GroupDescription"]
	assert.Equal(t, "Resource endpoint for ledger: admits the connectors group on TCP 5432, 5433", desc, "group description")
	var ports []any
	for _, r := range tmpl.Resources("AWS::EC2::SecurityGroupIngress") {
		if cdktest.Equal(r.Properties["GroupId"], cdktest.GetAtt(sg, "GroupId")) {
			assert.Equal(t, "tcp", r.Properties["IpProtocol"], "%s protocol", r.LogicalID)
			assert.Equal(t, r.Properties["FromPort"], r.Properties["ToPort"], "%s: one port", r.LogicalID)
			assert.NotContains(t, r.Properties, "CidrIp", "%s admits a block", r.LogicalID)
			src, _ := r.Properties["SourceSecurityGroupId"].(map[string]any)
			require.NotNil(t, src, "%s has no source group", r.LogicalID)
			assert.Equal(t, "AWS::EC2::SecurityGroup", tmpl.Resource(src["Fn::GetAtt"].([]any)[0].(string))["Type"], "%s source", r.LogicalID)
			ports = append(ports, r.Properties["FromPort"])
		}
	}
	assert.ElementsMatch(t, []any{5432.0, 5433.0}, ports, "ingress ports of the resource endpoint's group")
	assert.NotNil(t, c.ConnectorSecurityGroupId(), "connectors group")
	tmpl.HasResourceProperties(t, "AWS::EC2::SecurityGroup", map[string]any{
		"GroupDescription": assertions.Match_StringLikeRegexp(jsii.String("^Connector workloads")),
		"SecurityGroupEgress": assertions.Match_ArrayWith(&[]any{
			assertions.Match_ObjectLike(&map[string]any{"FromPort": 5433, "ToPort": 5433, "DestinationSecurityGroupId": cdktest.GetAtt(sg, "GroupId")}),
		}),
	}, "the connectors may open 5433 to the resource endpoint")
}

// The stable name is a CNAME to the DNS name the lookup reads from the
// endpoint's associations: CloudFormation returns none for a resource endpoint.
func TestResourceEndpointStableName(t *testing.T) {
	c, tmpl := resourceConsumer(t)
	ep := c.Endpoints()[0]
	assert.Equal(t, "ledger.wayne.example.internal", *ep.FriendlyDnsName, "friendly name")
	assert.Equal(t, rcfgArn, *ep.ResourceConfigurationArn, "the endpoint reports its ARN")
	assert.Nil(t, ep.DnsEntries, "a resource endpoint has no DnsEntries to report")
	assert.Nil(t, c.Endpoints()[1].PrivateDnsName, "an interface endpoint has no private DNS name to report")

	lookup := tmpl.One(t, DnsNameResourceType)
	var endpoint string
	for _, r := range tmpl.Resources("AWS::EC2::VPCEndpoint") {
		if r.Properties["VpcEndpointType"] == "Resource" {
			endpoint = r.LogicalID
		}
	}
	assert.Equal(t, cdktest.Ref(endpoint), lookup.Properties["VpcEndpointId"], "the lookup reads the resource endpoint")
	fn := tmpl.One(t, "AWS::Lambda::Function")
	assert.Equal(t, cdktest.GetAtt(fn.LogicalID, "Arn"), lookup.Properties["ServiceToken"], "the lookup's function")
	assert.NotContains(t, fn.Properties, "VpcConfig", "the lookup calls the EC2 API, which the isolated VPC cannot reach")
	tmpl.HasResourceProperties(t, "AWS::Route53::RecordSet", map[string]any{
		"Name":            "ledger.wayne.example.internal.",
		"Type":            "CNAME",
		"ResourceRecords": []any{cdktest.GetAtt(lookup.LogicalID, "DnsName")},
		"AliasTarget":     assertions.Match_Absent(),
	}, "the stable name of the resource endpoint")
	tmpl.HasResourceProperties(t, "AWS::Route53::RecordSet", map[string]any{
		"Name": "api.wayne.example.internal.", "Type": "A",
	}, "the interface endpoint keeps its alias")
}

// One lookup function serves every resource endpoint, and may only describe
// endpoint associations and write its own log group.
func TestOneLookupFunctionWithLeastPrivilege(t *testing.T) {
	stack := cdktest.NewStack("C")
	NewConsumer(stack, jsii.String("C"), props(jsii.String("wayne.example.internal"),
		&ServiceProps{Name: jsii.String("a"), ResourceConfigurationArn: jsii.String(rcfgArn), Ports: &[]*float64{jsii.Number(5432)}},
		&ServiceProps{Name: jsii.String("b"), ResourceConfigurationArn: jsii.String(rcfgArn), Ports: &[]*float64{jsii.Number(3306)}},
	))
	tmpl := cdktest.TemplateOf(t, stack)
	tmpl.ResourceCountIs(t, "AWS::Lambda::Function", 1, "one lookup function")
	tmpl.ResourceCountIs(t, DnsNameResourceType, 2, "a lookup per resource endpoint")
	fn := tmpl.One(t, "AWS::Lambda::Function")
	role := tmpl.Resource(fn.Properties["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string))["Properties"].(map[string]any)
	var actions []any
	for _, p := range role["Policies"].([]any) {
		for _, st := range p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			actions = append(actions, st.(map[string]any)["Action"].([]any)...)
		}
	}
	assert.ElementsMatch(t, []any{"ec2:DescribeVpcEndpointAssociations", "logs:CreateLogStream", "logs:PutLogEvents"}, actions, "the lookup role's actions")
}

func TestInterfaceOnlyConsumerHasNoLookup(t *testing.T) {
	stack := cdktest.NewStack("C")
	NewConsumer(stack, jsii.String("C"), props(jsii.String("acme.example.internal"),
		&ServiceProps{Name: jsii.String("db"), ServiceName: jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-01234567"), Ports: &[]*float64{jsii.Number(5432)}}))
	tmpl := cdktest.TemplateOf(t, stack)
	tmpl.ResourceCountIs(t, "AWS::Lambda::Function", 0, "no lookup without a resource endpoint")
	tmpl.ResourceCountIs(t, DnsNameResourceType, 0, "no lookup without a resource endpoint")
}

func TestResourceServicePropsPanic(t *testing.T) {
	ports := &[]*float64{jsii.Number(5432)}
	for name, svc := range map[string]*ServiceProps{
		"both": {Name: jsii.String("db"), ServiceName: jsii.String("com.amazonaws.vpce.us-east-1.vpce-svc-01234567"),
			ResourceConfigurationArn: jsii.String(rcfgArn), Ports: ports},
		"neither":              {Name: jsii.String("db"), Ports: ports},
		"region with resource": {Name: jsii.String("db"), ResourceConfigurationArn: jsii.String(rcfgArn), ServiceRegion: jsii.String("us-west-2"), Ports: ports},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Panics(t, func() { NewConsumer(cdktest.NewStack("C"), jsii.String("C"), props(nil, svc)) }, "NewConsumer accepted %s", name)
		})
	}
}
