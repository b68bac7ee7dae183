package cost

import (
	"bytes"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportTotalsPerPayer(t *testing.T) {
	nlb := []byte(`{"Resources":{"L":{"Type":"AWS::ElasticLoadBalancingV2::LoadBalancer"}}}`)
	vpn := []byte(`{"Resources":{"V":{"Type":"AWS::EC2::VPNConnection"},"N":{"Type":"AWS::EC2::NatGateway"},"E":{"Type":"AWS::EC2::EIP"},"I":{"Type":"AWS::EC2::InternetGateway"}}}`)
	var out bytes.Buffer
	require.NoError(t, Report(&out, []Stack{
		{Customer: "a", Name: "a-Vpn", Region: "us-east-1", PaidBy: "vendor", Template: vpn,
			Notes: map[Item]string{NatGateways: "vpn.natGateways: single, the default"}},
		{Customer: "a", Name: "a-Producer", Region: "us-east-1", PaidBy: "customer", Template: nlb},
		{Customer: "b", Name: "b-Producer", Region: "ap-south-2", PaidBy: "customer", Template: nlb},
	}))
	// VPN 730 h × 0.05 + NAT 730 × 0.045 + IPv4 730 × 0.005 = 73.00; NLB 730 × 0.0225 = 16.425.
	for _, want := range []string{
		`a +a-Vpn +vendor +us-east-1 +\$73\.00`,
		`a-Vpn \(a, paid by the vendor, us-east-1\): \$73\.00 a month`,
		`\$32\.85  1 NAT gateway\(s\) × 730 h × \$0\.0450; vpn\.natGateways: single, the default\n`,
		`\$3\.65  1 public IPv4 address\(es\) × 730 h × \$0\.0050\n`,
		`\$0\.00  1 internet gateway\(s\): no charge of its own\n`,
		`\$36\.50  1 VPN connection\(s\) × 730 h × \$0\.0500\n`,
		`a +a-Producer +customer +us-east-1 +\$16\.43`,
		`b +b-Producer +customer +ap-south-2 +not priced`,
		`TOTAL +vendor +\$73\.00`, `TOTAL +customer +\$16\.43`,
		`NAT gateway data processed: \$0\.0450 per GB`,
		`data transfer out to the internet \(VPN tunnels, NAT egress\): \$0\.0900 per GB`,
		`No prices for the region of b-Producer`,
	} {
		assert.Regexp(t, regexp.MustCompile(want), out.String())
	}
}

// A pending service's endpoint is not in the stack yet: the report says what
// it adds once its service name arrives, from the template the stack will
// then have, and totals it apart.
func TestReportShowsWhatPendingServicesAdd(t *testing.T) {
	one := []byte(`{"Resources":{"E":{"Type":"AWS::EC2::VPCEndpoint","Properties":{"VpcEndpointType":"Interface","SubnetIds":["a","b"]}},"Z":{"Type":"AWS::Route53::HostedZone"}}}`)
	two := []byte(`{"Resources":{"E":{"Type":"AWS::EC2::VPCEndpoint","Properties":{"VpcEndpointType":"Interface","SubnetIds":["a","b"]}},` +
		`"F":{"Type":"AWS::EC2::VPCEndpoint","Properties":{"VpcEndpointType":"Interface","SubnetIds":["a","b"]}},"Z":{"Type":"AWS::Route53::HostedZone"}}}`)
	var out bytes.Buffer
	require.NoError(t, Report(&out, []Stack{{Customer: "a", Name: "a-PrivateLink", Region: "us-east-1", PaidBy: "vendor", Template: one,
		Pending: []Pending{{Service: "reports", Template: two}}}}))
	// 2 AZs × 730 h × $0.01 = $14.60 now, and as much again for the pending one; the zone is shared.
	for _, want := range []string{
		`a +a-PrivateLink +vendor +us-east-1 +\$15\.10 +\+\$14\.60`,
		`\$14\.60  1 interface endpoint\(s\) in 2 AZ\(s\) in all × 730 h × \$0\.0100 per AZ\n`,
		`\+\$14\.60  pending reports: once its service name arrives, adds 2 interface endpoint AZ\(s\)\n`,
		`TOTAL +vendor +\$15\.10 +\+\$14\.60`,
	} {
		assert.Regexp(t, regexp.MustCompile(want), out.String())
	}
}

// Each item of a vendor VPN stack, from the example fleet's hooli-Vpn
// (eu-west-1, natGateways: perAz in 3 AZs), by hand.
func TestVpnStackItemised(t *testing.T) {
	raw, err := os.ReadFile("../stacks/testdata/hooli-Vpn.golden")
	require.NoError(t, err)
	e, err := Of(raw, "eu-west-1")
	require.NoError(t, err)
	const h = HoursPerMonth
	want := map[Item][2]float64{ // count, monthly
		NatGateways:      {3, 3 * h * 0.048},
		PublicIPv4:       {3, 3 * h * 0.005},
		InternetGateways: {1, 0},
		VpnGateways:      {1, 0},
		VpnConnections:   {1, h * 0.05},
		Alarms:           {5, 5 * 0.10}, // the tunnels' three and two probe targets'
		LambdaRequests:   {h * 60, h * 60 / 1e6 * 0.20},
		LambdaCompute:    {h * 60, h * 60 * 1 * 0.125 * 0.0000133334},
		LambdaLogs:       {h * 60.0 / (1 << 20), h * 60.0 / (1 << 20) * 0.57},
		CustomMetrics:    {5, 5 * 0.30}, // Reachable and ConnectMillis of each target, TlsDaysLeft of one
		LogGroups:        {3, 0},        // flow, tunnel and probe logs: per GB only
	}
	var items []Item
	for _, l := range e.Lines {
		items = append(items, l.Item)
		if w, ok := want[l.Item]; assert.True(t, ok, "unexpected item %s", l.Item) {
			assert.Equal(t, w[0], l.Count, l.Item)
			assert.InDelta(t, w[1], l.Monthly, 1e-9, l.Item)
		}
	}
	assert.Equal(t, []Item{NatGateways, PublicIPv4, InternetGateways, VpnGateways, VpnConnections, Alarms, LambdaRequests, LambdaCompute, LambdaLogs, CustomMetrics, LogGroups}, items)
	assert.Len(t, e.Charged(), 8)
}

func TestAddedComparesItemByItem(t *testing.T) {
	base := Estimate{Lines: []Line{{Item: InterfaceEndpoints, Count: 2, Unit: "interface endpoint AZ(s)", Monthly: 14.6}, {Item: HostedZones, Count: 1, Monthly: 0.5}}}
	with := Estimate{Lines: []Line{{Item: InterfaceEndpoints, Count: 5, Unit: "interface endpoint AZ(s)", Monthly: 36.5}, {Item: HostedZones, Count: 1, Monthly: 0.5},
		{Item: Alarms, Count: 1, Unit: "CloudWatch alarm(s)", Monthly: 0.1}}}
	lines, monthly := Added(base, with)
	assert.InDelta(t, 22.0, monthly, 1e-9)
	require.Len(t, lines, 2)
	assert.Equal(t, "3 interface endpoint AZ(s)", lines[0].What)
	assert.Equal(t, "1 CloudWatch alarm(s)", lines[1].What)
}

// A customer in producer mode resourceGateway: what has no list price is
// named, and a pending service awaits its resource configuration ARN.
func TestReportNamesWhatIsNotPriced(t *testing.T) {
	zone := []byte(`{"Resources":{"Z":{"Type":"AWS::Route53::HostedZone"}}}`)
	with := []byte(`{"Resources":{"Z":{"Type":"AWS::Route53::HostedZone"},"E":{"Type":"AWS::EC2::VPCEndpoint","Properties":{"VpcEndpointType":"Resource","SubnetIds":["a","b"]}}}}`)
	gateway := []byte(`{"Resources":{"G":{"Type":"AWS::VpcLattice::ResourceGateway"},"C":{"Type":"AWS::VpcLattice::ResourceConfiguration"},"S":{"Type":"AWS::RAM::ResourceShare"}}}`)
	var out bytes.Buffer
	require.NoError(t, Report(&out, []Stack{
		{Customer: "wayne", Name: "wayne-PrivateLink", Region: "us-east-1", PaidBy: "vendor", Template: zone,
			Pending: []Pending{{Service: "billing", ViaResourceGateway: true, Template: with}}},
		{Customer: "wayne", Name: "wayne-Producer", Region: "us-east-1", PaidBy: "customer", Template: gateway},
	}))
	for _, want := range []string{
		`pending billing: once its resource configuration ARN arrives, adds 1 resource endpoint\(s\)\n`,
		`NOT PRICED in wayne-Producer: resource gateways, resource configurations, RAM resource shares \(no list price found; its amounts leave them out\)\.`,
		`\$0\.00  1 resource gateway\(s\): not priced: no figure for a charge for a resource gateway`,
	} {
		assert.Regexp(t, regexp.MustCompile(want), out.String())
	}
}
