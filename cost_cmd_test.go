package main

import (
	"os/exec"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// make cost itemises each stack, names the default behind the NAT gateway a
// VPN customer gets, and shows what a pending service adds once its service
// name arrives; the figures by hand, from cost/prices/us-east-1.json.
func TestCostItemisesAndShowsPendingServices(t *testing.T) {
	out, err := exec.Command(bin, "cost", "-config", "config", "-customer", "acme,initech").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, want := range []string{
		// acme's reports is pending: its endpoint, in acme's 2 AZs, adds 2 × 730 h × $0.01,
		// and its probe alarm ($0.10) and 2 custom metrics ($0.60).
		`acme +acme-PrivateLink +vendor +us-east-1 +\$15\.90 +\+\$15\.30`,
		`\+\$15\.30  pending reports: once its service name arrives, adds 2 interface endpoint AZ\(s\), 1 CloudWatch alarm\(s\), 2 custom metric\(s\)`,
		// The probe of db:5432: a run a minute, an alarm, Reachable and ConnectMillis.
		`\$0\.01  43800 scheduled Lambda runs \(requests\); the reachability probe, every minute`,
		`\$0\.60  2 custom metric\(s\) × \$0\.30 \(the first 10,000 of the account\); probe: Reachable and ConnectMillis per target`,
		// initech's VPN: the connection, the NAT gateway it gets by default and its address, two
		// tunnel alarms and the dashboard's, and the probe of one target (an alarm, 2 metrics, a run a minute).
		`initech +initech-Vpn +vendor +us-east-1 +\$74\.10`,
		`\$32\.85  1 NAT gateway\(s\) × 730 h × \$0\.0450; vpn\.natGateways: single, the default: set none if the connectors need no internet egress`,
		`\$3\.65  1 public IPv4 address\(es\) × 730 h × \$0\.0050; one per NAT gateway`,
		`\$0\.00  1 internet gateway\(s\): no charge of its own`,
		`\$36\.50  1 VPN connection\(s\) × 730 h × \$0\.0500; two tunnels`,
		`\$0\.40  4 CloudWatch alarm\(s\) × \$0\.10; tunnel state: one tunnel down 15 minutes, both down, and the dashboard's \(no action\); probe: one per target \(each of vpn\.probeTargets\)`,
		// The region's dashboards, built with its customers: one page.
		`\(shared\) +Vendor-Dashboard-us-east-1 +vendor +us-east-1 +\$3\.00`,
		`\$0\.00  3 log group\(s\): \$0\.50 per GB ingested`,
		`TOTAL +vendor +\$109\.61 +\+\$15\.30`, // 3.00 + 15.90 + 16.60 + 74.10, pending apart
	} {
		assert.Regexp(t, regexp.MustCompile(want), string(out))
	}
}
