package cost

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Figures computed by hand from prices/*.json for the example fleet's
// templates (the golden snapshots in stacks/testdata).
func TestExampleTemplatesMatchHandComputedCosts(t *testing.T) {
	const h = HoursPerMonth
	registrar := func(runs, logsGb float64) float64 {
		return runs/1e6*0.20 + runs*1*0.125*0.0000133334 + runs/(1<<20)*logsGb
	}
	// The probe: a run a minute (1 s, 1 KB of logs), an alarm per target at
	// $0.10, and per target 2 custom metrics at $0.30, 3 with TLS.
	probe := func(logsGb float64, alarms, metrics int) float64 {
		return registrar(h*60, logsGb) + float64(alarms)*0.10 + float64(metrics)*0.30
	}
	cases := []struct {
		stack, region string
		want          float64
		rates         []string
	}{
		// db endpoint in 2 AZs (reports is pending: no endpoint), one private zone.
		{"acme-PrivateLink", "us-east-1", 2*h*0.01 + 0.50 + probe(0.50, 1, 2), []string{"interface endpoint data processed: $0.0100 per GB"}},
		// mssql and sftp endpoints in 3 AZs each, eu-west-1 endpoint price.
		{"globex-PrivateLink", "eu-west-1", 6*h*0.011 + 0.50 + probe(0.57, 2, 4), []string{"log ingestion (flow, tunnel and function logs): $0.5700 per GB"}},
		// api reached cross-region, in 2 AZs.
		{"initech-PrivateLink", "us-east-1", 2*h*0.01 + 0.50 + probe(0.50, 2, 4), []string{"cross-region PrivateLink data transfer: $0.0200 per GB"}},
		// Two NLBs, two registrars every minute, 2 no-healthy-target alarms and
		// 2 per registrar (errors, targets in an AZ the NLB lacks).
		{"acme-Producer", "us-east-1", 2*h*0.0225 + 6*0.10 + 2*registrar(h*60, 0.50), []string{"Network Load Balancer capacity: $0.0060 per NLCU-hour"}},
		{"globex-Producer", "eu-west-1", 2*h*0.0252 + 4*0.10 + registrar(h*60, 0.57), nil},
		// erp endpoint in 2 AZs, eu-west-1; its port probed with TLS.
		{"hooli-PrivateLink", "eu-west-1", 2*h*0.011 + 0.50 + probe(0.57, 1, 3), nil},
		// VPN connection, a NAT gateway and its public IPv4 in each of 3 AZs, 2 tunnel alarms and
		// the dashboard's; two probe targets, one with TLS.
		{"hooli-Vpn", "eu-west-1", h*0.05 + 3*h*0.048 + 3*h*0.005 + 3*0.10 + probe(0.57, 2, 5), []string{"NAT gateway data processed: $0.0480 per GB", "data transfer out to the internet"}},
		// VPN connection, one NAT gateway and its address, 3 tunnel alarms, one probe target.
		{"initech-Vpn", "us-east-1", h*0.05 + h*0.045 + h*0.005 + 3*0.10 + probe(0.50, 1, 2), []string{"data transfer out to the internet (VPN tunnels, NAT egress): $0.0900 per GB"}},
		// The customer's endpoint in 2 AZs and one private zone for the platform's domain.
		{"umbrella-Inbound", "us-east-1", 2*h*0.01 + 0.50, []string{"interface endpoint data processed: $0.0100 per GB"}},
		// An endpoint service on the platform's existing NLB: nothing billed at rest.
		{"Vendor-Inbound-us-east-1", "us-east-1", 0, nil},
		// One dashboard per region for the example fleet.
		{"Vendor-Dashboard-us-east-1", "us-east-1", 3.00, nil},
		{"Vendor-Dashboard-eu-west-1", "eu-west-1", 3.00, nil},
		// One NLB with two ports (two alarms), no registrar, consumers in another region.
		{"initech-Producer", "us-west-2", h*0.0225 + 2*0.10, []string{"cross-region PrivateLink data transfer"}},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			raw, err := os.ReadFile("../stacks/testdata/" + tc.stack + ".golden")
			require.NoError(t, err)
			e, err := Of(raw, tc.region)
			require.NoError(t, err)
			require.True(t, e.Priced, "priced")
			assert.InDelta(t, tc.want, e.Total, 0.00001, "total, of the lines:\n%+v", e.Lines)
			all := strings.Join(e.PerGB, "\n")
			for _, r := range tc.rates {
				assert.Contains(t, all, r, "per-GB rates lack %q:\n%s", r, all)
			}
		})
	}
}

func TestUnpricedRegion(t *testing.T) {
	e, err := Of([]byte(`{"Resources":{"L":{"Type":"AWS::ElasticLoadBalancingV2::LoadBalancer"}}}`), "ap-south-2")
	assert.NoError(t, err)
	assert.False(t, e.Priced, "estimate %+v: want unpriced", e)
	assert.Zero(t, e.Total, "estimate %+v: want unpriced", e)
}

// Every price file is complete: a missing rate would price something at zero.
func TestPriceFilesAreComplete(t *testing.T) {
	require.NotEmpty(t, Regions(), "price files")
	for _, region := range Regions() {
		p, ok, err := ForRegion(region)
		require.NoError(t, err, region)
		require.True(t, ok, "%s: its price file", region)
		assert.NotEmpty(t, p.Date, "%s: date is required", region)
		assert.NotEmpty(t, p.Sources, "%s: sources are required", region)
		assert.Equal(t, "USD", p.Currency, "%s: currency", region)
		raw, _ := priceFiles.ReadFile("prices/" + region + ".json")
		for _, field := range []string{"interfaceEndpointAzHour", "interfaceEndpointGb", "natGatewayHour", "natGatewayGb", "publicIpv4Hour",
			"nlbHour", "nlcuHour", "vpnConnectionHour", "alarmMonth", "hostedZoneMonth", "logsIngestGb", "logsStoreGbMonth",
			"lambdaRequestsPerMillion", "lambdaArmGbSecond", "interRegionGb", "internetOutGb"} {
			assert.Contains(t, string(raw), `"`+field+`"`, "%s: no %s", region, field)
		}
	}
}
