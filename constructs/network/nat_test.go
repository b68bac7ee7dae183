package network

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/privateconnect/privateconnect/internal/cdktest"
	"github.com/privateconnect/privateconnect/internal/cidr"
)

func TestPublicSubnetsTakeTheLastSlot(t *testing.T) {
	for _, tc := range []struct {
		vpc  string
		n    int
		want string // "" for an error
	}{
		{"10.64.0.0/24", 1, "10.64.0.192/28"},
		{"10.64.0.0/24", 3, "10.64.0.192/28 10.64.0.208/28 10.64.0.224/28"},
		{"10.64.0.0/24", 5, ""},
		{"10.64.0.0/25", 2, "10.64.0.96/28 10.64.0.112/28"},
		{"10.64.0.0/25", 3, ""},
		{"10.64.0.0/26", 1, "10.64.0.48/28"},
		{"10.64.0.0/26", 2, ""},
		{"10.64.0.0/27", 1, "10.64.0.16/28"},
		{"10.64.0.0/28", 1, ""},
		{"10.64.0.0/16", 2, "10.64.192.0/20 10.64.208.0/20"},
	} {
		vpc := netip.MustParsePrefix(tc.vpc)
		got, err := PublicSubnetBlocks(vpc, tc.n)
		if tc.want == "" {
			if err == nil {
				t.Errorf("PublicSubnetBlocks(%s, %d) = %v, want an error", tc.vpc, tc.n, got)
			}
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if err != nil || strings.Join(s, " ") != tc.want {
			t.Errorf("PublicSubnetBlocks(%s, %d) = %v, %v; want %s", tc.vpc, tc.n, s, err, tc.want)
		}
		// Never in a private subnet's slot.
		private, _ := cidr.Subnets(vpc, cidr.SubnetSlots(vpc.Bits())-1)
		for _, pub := range got {
			for _, priv := range private {
				if pub.Overlaps(priv) {
					t.Errorf("%s: public %s overlaps private %s", tc.vpc, pub, priv)
				}
			}
		}
	}
	// Adding a public subnet never moves another.
	one, _ := PublicSubnetBlocks(netip.MustParsePrefix("10.1.0.0/22"), 1)
	three, _ := PublicSubnetBlocks(netip.MustParsePrefix("10.1.0.0/22"), 3)
	if one[0] != three[0] {
		t.Errorf("first public subnet moved from %s to %s", one[0], three[0])
	}
}

func TestNatEgressNeedsTheLastSlotFree(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NAT egress was added to a VPC whose subnets fill every slot")
		}
	}()
	stack := cdktest.NewStack("Net")
	vpc := NewIsolatedVpc(stack, jsii.String("Net"), &IsolatedVpcProps{
		Cidr:                jsii.String("10.9.0.0/24"),
		AvailabilityZoneIds: jsii.Strings("use1-az1", "use1-az2", "use1-az3", "use1-az4"),
	})
	NewNatEgress(stack, jsii.String("Egress"), &NatEgressProps{Vpc: vpc, Cidr: jsii.String("10.9.0.0/24")})
}

// The NAT gateway waits for its internet route, the route and the Elastic IP
// for the gateway attachment: otherwise CloudFormation may create them first.
func TestNatEgressDependencies(t *testing.T) {
	stack := cdktest.NewStack("Net")
	vpc := NewIsolatedVpc(stack, jsii.String("Net"), &IsolatedVpcProps{
		Cidr:                jsii.String("10.9.0.0/24"),
		AvailabilityZoneIds: jsii.Strings("use1-az1", "use1-az2"),
		Name:                jsii.String("n"),
	})
	egress := NewNatEgress(stack, jsii.String("Egress"), &NatEgressProps{Vpc: vpc, Cidr: jsii.String("10.9.0.0/24"), Name: jsii.String("n")})
	if len(egress.NatGateways()) != 1 || egress.InternetGatewayId() == nil {
		t.Fatalf("%d NAT gateways, want 1", len(egress.NatGateways()))
	}
	tmpl := cdktest.TemplateOf(t, stack)
	attachment := tmpl.Resources("AWS::EC2::VPCGatewayAttachment")[0].LogicalID
	var internetRoute string
	for _, r := range tmpl.Resources("AWS::EC2::Route") {
		if r.Properties["GatewayId"] != nil {
			internetRoute = r.LogicalID
		}
	}
	for typ, want := range map[string]string{"AWS::EC2::EIP": attachment, "AWS::EC2::NatGateway": internetRoute} {
		r := tmpl.Resources(typ)[0]
		if dep := tmpl.Resource(r.LogicalID)["DependsOn"]; !cdktest.Equal(dep, []any{want}) {
			t.Errorf("%s DependsOn %v, want %s", typ, dep, want)
		}
	}
	if dep := tmpl.Resource(internetRoute)["DependsOn"]; !cdktest.Equal(dep, []any{attachment}) {
		t.Errorf("internet route DependsOn %v, want %s", dep, attachment)
	}
	for _, s := range tmpl.Resources("AWS::EC2::Subnet") {
		if s.Properties["MapPublicIpOnLaunch"] != false {
			t.Errorf("subnet %s gives instances public IPs", s.LogicalID)
		}
	}
}
