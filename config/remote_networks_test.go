package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file written for an earlier release, with staticRoutes, gets one error
// that names the new key, and its value is still checked under that key.
func TestRenamedStaticRoutesIsOneError(t *testing.T) {
	f := baseFleet()
	f.beta = replace(t, f.beta, "remoteNetworks: [172.16.0.0/16]", "staticRoutes: [172.16.0.0/16, 0.0.0.0/0]")
	_, err := f.build()
	require.Error(t, err)
	errs, ok := err.(Errors)
	require.True(t, ok, "error is %T: %v", err, err)
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	assert.ElementsMatch(t, []string{"vpn.staticRoutes", "vpn.remoteNetworks[1]"}, paths, "no cascade (remoteNetworks is not reported missing):\n%v", err)
	assert.Contains(t, err.Error(), `vpn.staticRoutes: this key was renamed to remoteNetworks (got "staticRoutes"; rename it to remoteNetworks; the value stays the same)`)
	assert.Contains(t, err.Error(), `vpn.remoteNetworks[1]: a default route through the VPN cannot work`)
}

// networks is the customer's whole address plan, remoteNetworks the part
// reached over the tunnels: a customer with an AWS VPC and a data centre
// lists both in networks and the data centre alone in remoteNetworks.
func TestRemoteNetworksAreAPartOfNetworks(t *testing.T) {
	f := baseFleet()
	f.beta = replace(t, f.beta, "networks: [172.16.0.0/16]", "networks: [172.16.0.0/16, 10.9.0.0/16]")
	f.beta = replace(t, f.beta, "routing: static", "routing: bgp")
	f.beta = replace(t, f.beta, "ipAddress: 198.51.100.7", "ipAddress: 198.51.100.7\n    bgpAsn: 65010")
	fleet, err := f.build()
	require.NoError(t, err)
	vpn := fleet.Customer("beta").Vpn
	assert.Equal(t, []string{"172.16.0.0/16"}, vpn.RemoteNetworks)

	// A network of the customer's overlapping the VPN VPC is reported where
	// it is written, once per list.
	f.beta = replace(t, f.beta, "networks: [172.16.0.0/16, 10.9.0.0/16]", "networks: [172.16.0.0/16, 10.64.4.0/23]")
	f.beta = replace(t, f.beta, "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16, 10.64.5.0/24]")
	_, err = f.build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vpn.vpcCidr: overlaps the customer's own network networks[1] (10.64.4.0/23)")
	assert.NotContains(t, err.Error(), "vpn.remoteNetworks[1]", "10.64.5.0/24 is inside networks and outside vpcCidr")
}

// Public ranges are accepted only when the file says so, and then synthesize.
func TestPublicRemoteNetworksNeedTheOptIn(t *testing.T) {
	f := baseFleet()
	f.beta = replace(t, f.beta, "networks: [172.16.0.0/16]", "networks: [172.16.0.0/16, 203.0.113.0/24]")
	f.beta = replace(t, f.beta, "remoteNetworks: [172.16.0.0/16]", "remoteNetworks: [172.16.0.0/16, 203.0.113.0/24]")
	_, err := f.build()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vpn.remoteNetworks[1]: public address space")

	f.beta = replace(t, f.beta, "  routing: static\n", "  routing: static\n  insecureAllowPublicRemoteNetworks: true\n")
	fleet, err := f.build()
	require.NoError(t, err)
	assert.True(t, fleet.Customer("beta").Vpn.InsecureAllowPublicRemoteNetworks)
}
