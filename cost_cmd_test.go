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
		// acme's reports is pending: its endpoint, in acme's 2 AZs, adds 2 × 730 h × $0.01.
		`acme +acme-PrivateLink +vendor +us-east-1 +\$15\.10 +\+\$14\.60`,
		`\+\$14\.60  pending reports: once its service name arrives, adds 2 interface endpoint AZ\(s\)`,
		// initech's VPN: the connection, the NAT gateway it gets by default and its address, two alarms.
		`initech +initech-Vpn +vendor +us-east-1 +\$73\.20`,
		`\$32\.85  1 NAT gateway\(s\) × 730 h × \$0\.0450; vpn\.natGateways: single, the default: set none if the connectors need no internet egress`,
		`\$3\.65  1 public IPv4 address\(es\) × 730 h × \$0\.0050; one per NAT gateway`,
		`\$0\.00  1 internet gateway\(s\): no charge of its own`,
		`\$36\.50  1 VPN connection\(s\) × 730 h × \$0\.0500; two tunnels`,
		`\$0\.20  2 CloudWatch alarm\(s\) × \$0\.10; tunnel state`,
		`\$0\.00  2 log group\(s\): \$0\.50 per GB ingested`,
		`TOTAL +vendor +\$103\.40 +\+\$14\.60`, // 15.10 + 15.10 + 73.20, pending apart
	} {
		assert.Regexp(t, regexp.MustCompile(want), string(out))
	}
}
