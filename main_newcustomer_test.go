package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// make new-customer for a VPN customer: the command says what is left to
// fill in, and the finished file synthesizes the customer's VPN stack.
func TestNewCustomerVpnEndToEnd(t *testing.T) {
	fleet := t.TempDir()
	copyTree(t, "config", fleet)
	file := filepath.Join(fleet, "customers", "wonka.yaml")
	args := []string{"new-customer", "-config", fleet, "-name", "wonka", "-region", "eu-west-1", "-modes", "vpn",
		"-account", "246813579024", "-gateway-ip", "198.51.100.60", "-routing", "bgp", "-asn", "65010", "-vpn-ports", "443,5432"}

	// Bad values stop it before anything is written.
	for _, bad := range []struct {
		flag, value, want string
		code              int
	}{
		{"-asn", "sixty", `-asn: "sixty" is not a number`, 2},
		{"-gateway-ip", "10.0.0.1", "vpn.customerGateway.ipAddress: AWS reaches the customer's VPN device over the internet", 1},
		{"-remote-networks", "0.0.0.0/0", "vpn.remoteNetworks[0]: a default route through the VPN cannot work", 1},
	} {
		withBad := append(append([]string(nil), args...), bad.flag, bad.value)
		_, stderr, code := runArgs(t, nil, withBad...)
		assert.Equal(t, bad.code, code, "%s %s", bad.flag, bad.value)
		assert.Contains(t, stderr, bad.want)
		assert.NoFileExists(t, file)
	}

	stdout, stderr, code := runArgs(t, nil, args...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "wrote "+file+" (vendor VPC blocks from the pool: vpn.vpcCidr ")
	assert.Contains(t, stdout, file+":15: networks[0]\n")
	assert.Contains(t, stdout, "vpn.remoteNetworks[0]\n")

	_, stderr, code = runArgs(t, nil, "validate", "-config", fleet)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, file+`: networks[0]: still the placeholder make new-customer wrote (got "TODO-customer-network-cidr"; write the customer's network`)

	data, err := os.ReadFile(file)
	require.NoError(t, err)
	data = bytes.ReplaceAll(data, []byte("TODO-customer-network-cidr"), []byte("10.40.0.0/16, 172.22.0.0/16"))
	data = bytes.ReplaceAll(data, []byte("TODO-network-reached-over-vpn"), []byte("10.40.0.0/16"))
	require.NoError(t, os.WriteFile(file, data, 0o644))
	out := filepath.Join(t.TempDir(), "cdk.out")
	_, stderr, code = run(t, out, `{"config":"`+fleet+`","customer":"wonka"}`)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, []string{"Vendor-Dashboard-eu-west-1", "wonka-Vpn"}, templates(t, out), "its stack, and its region's dashboards")
	tmpl, err := os.ReadFile(filepath.Join(out, "wonka-Vpn.template.json"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(tmpl), `"Value": "10.40.0.0/16"`), "the remote networks are published")
	assert.False(t, strings.Contains(string(tmpl), "172.22.0.0/16"), "a network not reached over the VPN opens nothing")
}
