package network

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
			assert.Error(t, err, "PublicSubnetBlocks(%s, %d) = %v", tc.vpc, tc.n, got)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		assert.NoError(t, err, "PublicSubnetBlocks(%s, %d)", tc.vpc, tc.n)
		assert.Equal(t, tc.want, strings.Join(s, " "), "PublicSubnetBlocks(%s, %d)", tc.vpc, tc.n)
		// Never in a private subnet's slot.
		private, _ := cidr.Subnets(vpc, cidr.SubnetSlots(vpc.Bits())-1)
		for _, pub := range got {
			for _, priv := range private {
				assert.False(t, pub.Overlaps(priv), "%s: public %s overlaps private %s", tc.vpc, pub, priv)
			}
		}
	}
	// Adding a public subnet never moves another.
	one, err := PublicSubnetBlocks(netip.MustParsePrefix("10.1.0.0/22"), 1)
	require.NoError(t, err)
	three, err := PublicSubnetBlocks(netip.MustParsePrefix("10.1.0.0/22"), 3)
	require.NoError(t, err)
	assert.Equal(t, one[0], three[0], "the first public subnet moved")
}

func TestNatEgressNeedsTheLastSlotFree(t *testing.T) {
	stack := cdktest.NewStack("Net")
	var vpc IsolatedVpc
	require.NotPanics(t, func() {
		vpc = NewIsolatedVpc(stack, jsii.String("Net"), &IsolatedVpcProps{
			Cidr:                jsii.String("10.9.0.0/24"),
			AvailabilityZoneIds: jsii.Strings("use1-az1", "use1-az2", "use1-az3", "use1-az4"),
		})
	}, "a VPC whose subnets fill every slot")
	assert.Panics(t, func() {
		NewNatEgress(stack, jsii.String("Egress"), &NatEgressProps{Vpc: vpc, Cidr: jsii.String("10.9.0.0/24")})
	}, "NAT egress was added to a VPC whose subnets fill every slot")
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
	require.Len(t, egress.NatGateways(), 1, "NAT gateways")
	require.NotNil(t, egress.InternetGatewayId(), "internet gateway")
	tmpl := cdktest.TemplateOf(t, stack)
	attachment := tmpl.One(t, "AWS::EC2::VPCGatewayAttachment").LogicalID
	var internetRoute string
	for _, r := range tmpl.Resources("AWS::EC2::Route") {
		if r.Properties["GatewayId"] != nil {
			internetRoute = r.LogicalID
		}
	}
	for typ, want := range map[string]string{"AWS::EC2::EIP": attachment, "AWS::EC2::NatGateway": internetRoute} {
		r := tmpl.One(t, typ)
		cdktest.JSONEq(t, []any{want}, tmpl.Resource(r.LogicalID)["DependsOn"], "%s DependsOn", typ)
	}
	cdktest.JSONEq(t, []any{attachment}, tmpl.Resource(internetRoute)["DependsOn"], "internet route DependsOn")
	for _, s := range tmpl.Resources("AWS::EC2::Subnet") {
		assert.Equal(t, false, s.Properties["MapPublicIpOnLaunch"], "subnet %s gives instances public IPs", s.LogicalID)
	}
}
