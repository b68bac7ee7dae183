package cost

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportTotalsPerPayer(t *testing.T) {
	nlb := []byte(`{"Resources":{"L":{"Type":"AWS::ElasticLoadBalancingV2::LoadBalancer"}}}`)
	vpn := []byte(`{"Resources":{"V":{"Type":"AWS::EC2::VPNConnection"},"N":{"Type":"AWS::EC2::NatGateway"},"E":{"Type":"AWS::EC2::EIP"}}}`)
	var out bytes.Buffer
	err := Report(&out, []Stack{
		{Customer: "a", Name: "a-Vpn", Region: "us-east-1", PaidBy: "vendor", Template: vpn},
		{Customer: "a", Name: "a-Producer", Region: "us-east-1", PaidBy: "customer", Template: nlb},
		{Customer: "b", Name: "b-Producer", Region: "ap-south-2", PaidBy: "customer", Template: nlb},
	})
	require.NoError(t, err)
	// VPN 730 h × 0.05 + NAT 730 × 0.045 + IPv4 730 × 0.005 = 73.00; NLB 730 × 0.0225 = 16.425.
	for _, want := range []string{
		"a-Vpn", "$73.00", "a-Producer", "$16.43", "b-Producer", "not priced",
		"TOTAL                 vendor                $73.00", "TOTAL                 customer              $16.43",
		"NAT gateway data processed: $0.0450 per GB",
		"data transfer out to the internet (VPN tunnels, NAT egress): $0.0900 per GB",
		"No prices for the region of b-Producer",
	} {
		assert.Contains(t, out.String(), want, "report lacks %q:\n%s", want, out.String())
	}
}
