package stacks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

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
	t.Fatal("the example fleet has no inbound customer")
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
	cdktest.Assert(t, "endpoint service on the platform's load balancer", func() {
		tmpl.CDK().ResourcePropertiesCountIs(jsii.String("AWS::EC2::VPCEndpointService"), &map[string]any{
			"NetworkLoadBalancerArns": []any{platform.NlbArn},
			"AcceptanceRequired":      true,
			"PrivateDnsName":          platform.PrivateDnsName,
			"SupportedRegions":        assertions.Match_Absent(),
		}, jsii.Number(1))
	})
	var want []any
	for _, other := range example.fleet.Customers {
		if HasInbound(other) && other.Region == c.Region {
			for _, a := range other.InboundAccounts() {
				want = append(want, "arn:aws:iam::"+a+":root")
			}
		}
	}
	cdktest.Assert(t, "the region's inbound customers' accounts, exactly", func() {
		tmpl.CDK().ResourcePropertiesCountIs(jsii.String("AWS::EC2::VPCEndpointServicePermissions"), &map[string]any{
			"AllowedPrincipals": assertions.Match_Exact(want),
		}, jsii.Number(1))
	})
	outputs := tmpl["Outputs"].(map[string]any)
	if got := outputs["AvailabilityZoneIds"].(map[string]any)["Value"]; got != strings.Join(platform.AvailabilityZones, ",") {
		t.Errorf("AvailabilityZoneIds output = %v, want %v", got, platform.AvailabilityZones)
	}
	for _, key := range []string{"ServiceName", "ServiceId"} {
		if outputs[key] == nil {
			t.Errorf("output %s is missing", key)
		}
	}
	if n := len(tmpl.Resources("AWS::SSM::Parameter")); n < 4 {
		t.Errorf("%d SSM parameters, want the service's outputs published", n)
	}
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
	if strings.Join(names, ",") != InboundServiceStackName(c.Region) {
		t.Fatalf("built %v, want only %s", names, InboundServiceStackName(c.Region))
	}
	tmpl := cdktest.TemplateOf(t, built[0])
	cdktest.Assert(t, "every inbound customer's account, sorted", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpointServicePermissions"), &map[string]any{
			"AllowedPrincipals": assertions.Match_Exact([]any{"arn:aws:iam::135792468024:root", "arn:aws:iam::246813579024:root", "arn:aws:iam::975318642097:root"}),
		})
	})
	cdktest.Assert(t, "the cross-region customer's region supported", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpointService"), &map[string]any{
			"SupportedRegions": []any{"us-west-2"},
		})
	})
}

func TestInboundTemplateEndpointZonesAndRecords(t *testing.T) {
	c := inboundExample(t)
	in := c.InboundPrivateLink
	tmpl := example.templates[StackName(c, ModeInbound)]
	eps := tmpl.Resources("AWS::EC2::VPCEndpoint")
	if len(eps) != 1 {
		t.Fatalf("%d endpoints, want 1", len(eps))
	}
	ep := eps[0]
	var subnets []any
	for i := range in.AvailabilityZones {
		subnets = append(subnets, cdktest.Ref(fmt.Sprint("SubnetId", i+1)))
	}
	p := ep.Properties
	if p["ServiceName"] != InboundServiceName(example.fleet.Vendor, c) || p["VpcEndpointType"] != "Interface" || p["PrivateDnsEnabled"] != false ||
		!cdktest.Equal(p["VpcId"], cdktest.Ref("VpcId")) || !cdktest.Equal(p["SubnetIds"], subnets) || p["ServiceRegion"] != nil {
		t.Errorf("endpoint = %s", cdktest.Show(p))
	}

	zones := tmpl.Resources("AWS::Route53::HostedZone")
	want := InboundZones(example.fleet.Vendor, c)
	if len(zones) != len(want) || len(want) == 0 {
		t.Fatalf("%d hosted zones, want one per vendor domain (%d)", len(zones), len(want))
	}
	records := tmpl.Resources("AWS::Route53::RecordSet")
	dnsName := map[string]any{"Fn::Select": []any{1, map[string]any{"Fn::Split": []any{":", map[string]any{"Fn::Select": []any{0, cdktest.GetAtt(ep.LogicalID, "DnsEntries")}}}}}}
	for _, z := range want {
		var zoneID string
		for _, r := range zones {
			if r.Properties["Name"] == z.Domain {
				zoneID = r.LogicalID
				if !cdktest.Equal(r.Properties["VPCs"], []any{map[string]any{"VPCId": cdktest.Ref("VpcId"), "VPCRegion": cdktest.Ref("AWS::Region")}}) {
					t.Errorf("zone %s is associated with %s, want the customer's VPC", z.Domain, cdktest.Show(r.Properties["VPCs"]))
				}
			}
		}
		if zoneID == "" {
			t.Errorf("no private hosted zone %s", z.Domain)
			continue
		}
		for _, h := range z.Hostnames {
			found := false
			for _, r := range records {
				rp := r.Properties
				if rp["Name"] == h+"." && rp["Type"] == "A" && cdktest.Equal(rp["HostedZoneId"], cdktest.GetAtt(zoneID, "Id")) {
					found = true
					if alias, _ := rp["AliasTarget"].(map[string]any); !cdktest.Equal(alias["DNSName"], dnsName) {
						t.Errorf("%s aliases %s, want the endpoint's regional name", h, cdktest.Show(alias))
					}
				}
			}
			if !found {
				t.Errorf("no A record %s in zone %s", h, z.Domain)
			}
		}
	}
	if len(records) != len(in.Hostnames) {
		t.Errorf("%d records, want one per hostname (%d)", len(records), len(in.Hostnames))
	}

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
	if !slices.Equal(ingress, wantIngress) {
		t.Errorf("ingress = %v, want %v", ingress, wantIngress)
	}
	params := tmpl["Parameters"].(map[string]any)
	for i, block := range c.InboundClientCidrs() {
		if d := params[fmt.Sprint("ClientCidr", i+1)].(map[string]any)["Default"]; d != block {
			t.Errorf("ClientCidr%d defaults to %v, want %s", i+1, d, block)
		}
	}
}

func TestInboundTemplateIsSelfContained(t *testing.T) {
	tmpl := example.templates[StackName(inboundExample(t), ModeInbound)]
	if rules, _ := tmpl["Rules"].(map[string]any); len(rules) != 1 || rules[RegionRule] == nil {
		t.Errorf("template rules %s, want only %s (no bootstrap check: the customer has no CDK bootstrap)", cdktest.Show(rules), RegionRule)
	}
	if len(tmpl.Resources("AWS::CDK::Metadata")) > 0 {
		t.Error("template has CDKMetadata")
	}
	params, _ := tmpl["Parameters"].(map[string]any)
	iface, _ := tmpl["Metadata"].(map[string]any)["AWS::CloudFormation::Interface"].(map[string]any)
	grouped := cdktest.Show(iface["ParameterGroups"])
	for name, p := range params {
		m := p.(map[string]any)
		if m["Description"] == nil || m["Description"] == "" {
			t.Errorf("parameter %s has no description", name)
		}
		if m["Type"] == "String" && m["AllowedValues"] == nil && (m["AllowedPattern"] == nil || m["ConstraintDescription"] == nil) {
			t.Errorf("string parameter %s has no AllowedPattern and ConstraintDescription", name)
		}
		if !strings.Contains(grouped, `"`+name+`"`) {
			t.Errorf("parameter %s is in no parameter group", name)
		}
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
	if param["Default"] != "false" || cdktest.Show(param["AllowedValues"]) != `["false","true"]` {
		t.Errorf("%s = %s, want default false, values false and true", EnablePrivateDnsParameter, cdktest.Show(param))
	}
	cond := cdktest.Show(tmpl["Conditions"].(map[string]any)["PrivateDnsEnabled"])
	if cond != `{"Fn::Equals":[{"Ref":"`+EnablePrivateDnsParameter+`"},"true"]}` {
		t.Errorf("condition PrivateDnsEnabled = %s", cond)
	}
	cdktest.Assert(t, "private DNS on the condition, no zones", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), &map[string]any{
			"PrivateDnsEnabled": map[string]any{"Fn::If": []any{"PrivateDnsEnabled", true, false}},
		})
		tmpl.CDK().ResourceCountIs(jsii.String("AWS::Route53::HostedZone"), jsii.Number(0))
		tmpl.CDK().ResourceCountIs(jsii.String("AWS::Route53::RecordSet"), jsii.Number(0))
	})

	// With private hosted zones there is nothing to turn on later.
	zones := example.templates[StackName(inboundExample(t), ModeInbound)]
	if _, ok := zones["Parameters"].(map[string]any)[EnablePrivateDnsParameter]; ok {
		t.Errorf("%s in a privateHostedZone template", EnablePrivateDnsParameter)
	}
	cdktest.Assert(t, "private DNS off with zones", func() {
		zones.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), &map[string]any{"PrivateDnsEnabled": false})
	})
}

// Across regions the template deploys in the VPC's region and names the service's.
func TestInboundCrossRegionTemplate(t *testing.T) {
	base := inboundExample(t)
	c := withInbound(base, "far", "246813579024", func(in *config.InboundPrivateLink) {
		in.Region, in.CrossRegion, in.AvailabilityZones = "us-west-2", true, []string{"usw2-az1", "usw2-az2"}
	})
	tmpl := cdktest.TemplateOf(t, NewInboundStack(NewApp(""), example.fleet.Vendor, c))
	if got := TemplateRegion([]byte(cdktest.Show(tmpl))); got != "us-west-2" {
		t.Errorf("the template deploys in %q, want the VPC's region us-west-2", got)
	}
	cdktest.Assert(t, "ServiceRegion of the vendor's service", func() {
		tmpl.CDK().HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), &map[string]any{"ServiceRegion": base.Region})
	})
}
