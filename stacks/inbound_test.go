package stacks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cdktest"
)

// inboundExample is the example fleet's inbound customer.
func inboundExample(t *testing.T) *config.Customer {
	t.Helper()
	for _, c := range example.fleet.Customers {
		if HasInbound(c) {
			return c
		}
	}
	require.FailNow(t, "the example fleet has no inbound customer")
	return nil
}

// withInbound is a copy of c whose inbound section edit changed, named name
// with account account.
func withInbound(c *config.Customer, name, account string, edit func(in *config.InboundPrivateLink)) *config.Customer {
	cp := *c
	in := *c.InboundPrivateLink
	in.AvailabilityZones = slices.Clone(in.AvailabilityZones)
	in.Hostnames = slices.Clone(in.Hostnames)
	cp.Name, cp.Account, cp.InboundPrivateLink = name, account, &in
	if edit != nil {
		edit(&in)
	}
	return &cp
}

func TestInboundServiceFrontsThePlatformWithAcceptance(t *testing.T) {
	c := inboundExample(t)
	platform := example.fleet.Vendor.InboundPrivateLink.Regions[c.Region]
	tmpl := example.templates[InboundServiceStackName(c.Region)]
	tmpl.ResourcePropertiesCountIs(t, "AWS::EC2::VPCEndpointService", map[string]any{
		"NetworkLoadBalancerArns": []any{platform.NlbArn},
		"AcceptanceRequired":      true,
		"PrivateDnsName":          platform.PrivateDnsName,
		"SupportedRegions":        assertions.Match_Absent(),
	}, 1, "endpoint service on the platform's load balancer")
	var want []any
	for _, other := range example.fleet.Customers {
		if HasInbound(other) && other.Region == c.Region {
			for _, a := range other.InboundAccounts() {
				want = append(want, "arn:aws:iam::"+a+":root")
			}
		}
	}
	tmpl.ResourcePropertiesCountIs(t, "AWS::EC2::VPCEndpointServicePermissions", map[string]any{
		"AllowedPrincipals": assertions.Match_Exact(want),
	}, 1, "the region's inbound customers' accounts, exactly")
	outputs := tmpl["Outputs"].(map[string]any)
	assert.Equal(t, strings.Join(platform.AvailabilityZones, ","), outputs["AvailabilityZoneIds"].(map[string]any)["Value"], "AvailabilityZoneIds output")
	for _, key := range []string{"ServiceName", "ServiceId"} {
		assert.NotNil(t, outputs[key], "output %s", key)
	}
	assert.GreaterOrEqual(t, len(tmpl.Resources("AWS::SSM::Parameter")), 4, "SSM parameters: the service's outputs published")
}

// Deploying one customer builds the shared service with every inbound
// customer of the region: a selection never drops another's access.
func TestInboundSharedStackIsBuiltFromTheWholeFleet(t *testing.T) {
	c := inboundExample(t)
	other := withInbound(c, "zeta", "246813579024", nil)
	far := withInbound(c, "omega", "975318642097", func(in *config.InboundPrivateLink) {
		in.Region, in.CrossRegion, in.AvailabilityZones = "us-west-2", true, []string{"usw2-az1", "usw2-az2"}
	})
	fleet := *example.fleet
	fleet.Customers = append(slices.Clone(example.fleet.Customers), far, other)
	app := NewApp("")
	built := Build(app, &fleet, []*config.Customer{c})
	var names []string
	for _, s := range built {
		names = append(names, *s.StackName())
	}
	require.Equal(t, []string{InboundServiceStackName(c.Region)}, names, "built only the shared stack")
	tmpl := cdktest.TemplateOf(t, built[0])
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpointServicePermissions", map[string]any{
		"AllowedPrincipals": assertions.Match_Exact([]any{"arn:aws:iam::135792468024:root", "arn:aws:iam::246813579024:root", "arn:aws:iam::975318642097:root"}),
	}, "every inbound customer's account, sorted")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpointService", map[string]any{
		"SupportedRegions": []any{"us-west-2"},
	}, "the cross-region customer's region supported")
}

func TestInboundTemplateEndpointZonesAndRecords(t *testing.T) {
	c := inboundExample(t)
	in := c.InboundPrivateLink
	tmpl := example.templates[StackName(c, ModeInbound)]
	ep := tmpl.One(t, "AWS::EC2::VPCEndpoint")
	var subnets []any
	for i := range in.AvailabilityZones {
		subnets = append(subnets, cdktest.Ref(fmt.Sprint("SubnetId", i+1)))
	}
	p := ep.Properties
	assert.Equal(t, InboundServiceName(example.fleet.Vendor, c), p["ServiceName"], "endpoint ServiceName")
	assert.Equal(t, "Interface", p["VpcEndpointType"], "endpoint VpcEndpointType")
	assert.Equal(t, false, p["PrivateDnsEnabled"], "endpoint PrivateDnsEnabled")
	cdktest.JSONEq(t, cdktest.Ref("VpcId"), p["VpcId"], "endpoint VpcId")
	cdktest.JSONEq(t, subnets, p["SubnetIds"], "endpoint SubnetIds")
	assert.Nil(t, p["ServiceRegion"], "endpoint ServiceRegion")

	zones := tmpl.Resources("AWS::Route53::HostedZone")
	want := InboundZones(example.fleet.Vendor, c)
	require.NotEmpty(t, want, "vendor domains")
	require.Len(t, cdktest.LogicalIDs(zones), len(want), "hosted zones, one per vendor domain")
	records := tmpl.Resources("AWS::Route53::RecordSet")
	dnsName := map[string]any{"Fn::Select": []any{1, map[string]any{"Fn::Split": []any{":", map[string]any{"Fn::Select": []any{0, cdktest.GetAtt(ep.LogicalID, "DnsEntries")}}}}}}
	for _, z := range want {
		var zoneID string
		for _, r := range zones {
			if r.Properties["Name"] == z.Domain {
				zoneID = r.LogicalID
				cdktest.JSONEq(t, []any{map[string]any{"VPCId": cdktest.Ref("VpcId"), "VPCRegion": cdktest.Ref("AWS::Region")}}, r.Properties["VPCs"],
					"zone %s is associated with the customer's VPC", z.Domain)
			}
		}
		if !assert.NotEmpty(t, zoneID, "the private hosted zone %s", z.Domain) {
			continue
		}
		for _, h := range z.Hostnames {
			found := false
			for _, r := range records {
				rp := r.Properties
				if rp["Name"] == h+"." && rp["Type"] == "A" && cdktest.Equal(rp["HostedZoneId"], cdktest.GetAtt(zoneID, "Id")) {
					found = true
					alias, _ := rp["AliasTarget"].(map[string]any)
					cdktest.JSONEq(t, dnsName, alias["DNSName"], "%s aliases the endpoint's regional name", h)
				}
			}
			assert.True(t, found, "no A record %s in zone %s", h, z.Domain)
		}
	}
	assert.Len(t, cdktest.LogicalIDs(records), len(in.Hostnames), "records, one per hostname")

	// The endpoint's group admits exactly the client networks on the ports.
	var ingress []string
	for _, r := range tmpl.Resources("AWS::EC2::SecurityGroupIngress") {
		ingress = append(ingress, fmt.Sprint(cdktest.Show(r.Properties["CidrIp"]), r.Properties["FromPort"], r.Properties["ToPort"]))
	}
	var wantIngress []string
	for i := range c.InboundClientCidrs() {
		for _, port := range in.Ports {
			wantIngress = append(wantIngress, fmt.Sprint(cdktest.Show(cdktest.Ref(fmt.Sprint("ClientCidr", i+1))), port, port))
		}
	}
	slices.Sort(ingress)
	slices.Sort(wantIngress)
	assert.Equal(t, wantIngress, ingress, "ingress")
	params := tmpl["Parameters"].(map[string]any)
	for i, block := range c.InboundClientCidrs() {
		assert.Equal(t, block, params[fmt.Sprint("ClientCidr", i+1)].(map[string]any)["Default"], "ClientCidr%d default", i+1)
	}
}

func TestInboundTemplateIsSelfContained(t *testing.T) {
	tmpl := example.templates[StackName(inboundExample(t), ModeInbound)]
	rules, _ := tmpl["Rules"].(map[string]any)
	assert.Len(t, rules, 1, "template rules: only %s (no bootstrap check: the customer has no CDK bootstrap)", RegionRule)
	assert.Contains(t, rules, RegionRule, "template rules")
	tmpl.ResourceCountIs(t, "AWS::CDK::Metadata", 0, "template has CDKMetadata")
	params, _ := tmpl["Parameters"].(map[string]any)
	iface, _ := tmpl["Metadata"].(map[string]any)["AWS::CloudFormation::Interface"].(map[string]any)
	grouped := cdktest.Show(iface["ParameterGroups"])
	for name, p := range params {
		m := p.(map[string]any)
		assert.NotEmpty(t, m["Description"], "parameter %s has no description", name)
		if m["Type"] == "String" && m["AllowedValues"] == nil {
			assert.NotNil(t, m["AllowedPattern"], "string parameter %s has no AllowedPattern", name)
			assert.NotNil(t, m["ConstraintDescription"], "string parameter %s has no ConstraintDescription", name)
		}
		assert.Contains(t, grouped, `"`+name+`"`, "parameter %s is in no parameter group", name)
	}
}

// With the service's private DNS name, the endpoint resolves the names
// itself, from the second deploy on: AWS refuses private DNS before the
// connection is accepted, so it waits for EnablePrivateDns=true.
func TestInboundPrivateDnsNameMode(t *testing.T) {
	c := withInbound(inboundExample(t), "dnsmode", "246813579024", func(in *config.InboundPrivateLink) {
		in.DnsMode = config.DnsModePrivateDnsName
	})
	tmpl := cdktest.TemplateOf(t, NewInboundStack(NewApp(""), example.fleet.Vendor, c))
	param, _ := tmpl["Parameters"].(map[string]any)[EnablePrivateDnsParameter].(map[string]any)
	assert.Equal(t, "false", param["Default"], "%s default", EnablePrivateDnsParameter)
	cdktest.JSONEq(t, []any{"false", "true"}, param["AllowedValues"], "%s values", EnablePrivateDnsParameter)
	assert.JSONEq(t, `{"Fn::Equals":[{"Ref":"`+EnablePrivateDnsParameter+`"},"true"]}`, cdktest.Show(tmpl["Conditions"].(map[string]any)["PrivateDnsEnabled"]), "condition PrivateDnsEnabled")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{
		"PrivateDnsEnabled": map[string]any{"Fn::If": []any{"PrivateDnsEnabled", true, false}},
	}, "private DNS on the condition, no zones")
	tmpl.ResourceCountIs(t, "AWS::Route53::HostedZone", 0, "private DNS on the condition, no zones")
	tmpl.ResourceCountIs(t, "AWS::Route53::RecordSet", 0, "private DNS on the condition, no zones")

	// With private hosted zones there is nothing to turn on later.
	zones := example.templates[StackName(inboundExample(t), ModeInbound)]
	assert.NotContains(t, zones["Parameters"], EnablePrivateDnsParameter, "a privateHostedZone template's parameters")
	zones.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{"PrivateDnsEnabled": false}, "private DNS off with zones")
}

// Across regions the template deploys in the VPC's region and names the service's.
func TestInboundCrossRegionTemplate(t *testing.T) {
	base := inboundExample(t)
	c := withInbound(base, "far", "246813579024", func(in *config.InboundPrivateLink) {
		in.Region, in.CrossRegion, in.AvailabilityZones = "us-west-2", true, []string{"usw2-az1", "usw2-az2"}
	})
	tmpl := cdktest.TemplateOf(t, NewInboundStack(NewApp(""), example.fleet.Vendor, c))
	assert.Equal(t, "us-west-2", TemplateRegion([]byte(cdktest.Show(tmpl))), "the template deploys in the VPC's region")
	tmpl.HasResourceProperties(t, "AWS::EC2::VPCEndpoint", map[string]any{"ServiceRegion": base.Region}, "ServiceRegion of the vendor's service")
}
