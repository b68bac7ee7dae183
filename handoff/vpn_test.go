package handoff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vpnBundles runs fn for every example bundle with a VPN sheet.
func vpnBundles(t *testing.T, fn func(t *testing.T, c *config.Customer, sheet string)) {
	t.Helper()
	n := 0
	for _, b := range example.bundles {
		if b.Customer.Vpn == nil {
			assert.NotContains(t, b.Files, VpnSheetFile, "%s has a VPN sheet and no VPN", b.Customer.Name)
			continue
		}
		n++
		sheet, ok := b.Files[VpnSheetFile]
		if !assert.True(t, ok, "%s has a VPN and no %s", b.Customer.Name, VpnSheetFile) {
			continue
		}
		t.Run(b.Customer.Name, func(t *testing.T) { fn(t, b.Customer, string(sheet)) })
	}
	require.NotZero(t, n, "example customers with a VPN")
}

func TestVpnSheetSaysWhatTheCustomerConfigures(t *testing.T) {
	vpnBundles(t, func(t *testing.T, c *config.Customer, sheet string) {
		vp := c.Vpn
		want := []string{
			"`" + vp.CustomerGateway.IPAddress + "`",
			"`" + vp.VpcCidr + "`",
			"UDP 500", "UDP 4500", "IP protocol 50",
			"aws ec2 get-vpn-connection-device-types",
			"aws ec2 get-vpn-connection-device-sample-configuration",
			"TCP " + strings.Trim(strings.Join(strings.Fields(fmt.Sprint(vp.Ports)), ", "), "[]"),
		}
		for _, cidr := range vp.RemoteNetworks {
			want = append(want, "`"+cidr+"`")
		}
		for _, tun := range vp.Tunnels {
			want = append(want,
				strings.Join(tun.Phase1EncryptionAlgorithms, ", "), strings.Join(tun.Phase2IntegrityAlgorithms, ", "),
				strings.Trim(strings.Join(strings.Fields(fmt.Sprint(tun.Phase2DhGroupNumbers)), ", "), "[]"),
				fmt.Sprintf("%d s", *tun.Phase1LifetimeSeconds), fmt.Sprintf("%d s timeout", *tun.DpdTimeoutSeconds))
			if tun.InsideCidr != "" {
				want = append(want, "`"+tun.InsideCidr+"`")
			}
		}
		if vp.Routing == "bgp" {
			want = append(want, "**BGP**", fmt.Sprintf("`%d`", *vp.CustomerGateway.BgpAsn), fmt.Sprintf("`%d`", *vp.AmazonSideAsn), "Advertise `"+strings.Join(vp.RemoteNetworks, "`, `")+"` over both tunnels")
		} else {
			want = append(want, "**static**", "route `"+vp.VpcCidr+"` to both tunnels")
		}
		if vp.Tunnels[0].StartupAction == "start" && vp.Tunnels[1].StartupAction == "start" {
			want = append(want, "no keep-alive or ping script is needed")
		}
		for _, w := range want {
			assert.Contains(t, sheet, w, "sheet lacks %q", w)
		}
		for _, never := range []string{"<no value>", "IKEv1", "BgpAsn", "%!"} {
			assert.NotContains(t, sheet, never, "sheet contains %q", never)
		}
		// Where the vendor keeps the keys is the vendor's business.
		for _, tun := range vp.Tunnels {
			if tun.PreSharedKeySecret != "" {
				assert.NotContains(t, sheet, tun.PreSharedKeySecret, "sheet names the secret")
			}
		}
		checkTables(t, sheet)
	})
}

// checkTables fails on a Markdown table row whose cell count differs from its header's.
func checkTables(t *testing.T, doc string) {
	t.Helper()
	cells := 0
	for i, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "|") {
			cells = 0
			continue
		}
		n := strings.Count(line, "|")
		if cells == 0 {
			cells = n
		} else {
			assert.Equal(t, cells-1, n-1, "cells of line %d, as its table's: %s", i+1, line)
		}
	}
}

// withVpn copies an example VPN customer and changes it.
func withVpn(t *testing.T, name string, edit func(c *config.Customer)) *config.Customer {
	t.Helper()
	orig := example.fleet.Customer(name)
	require.NotNil(t, orig, "the example fleet needs %s with a VPN", name)
	require.NotNil(t, orig.Vpn, "the example fleet needs %s with a VPN", name)
	c := *orig
	v := *orig.Vpn
	v.Tunnels = slices.Clone(v.Tunnels)
	c.Vpn = &v
	edit(&c)
	return &c
}

func TestVpnSheetShowsTunnelsApartWhenTheyDiffer(t *testing.T) {
	c := withVpn(t, "initech", func(c *config.Customer) {
		c.Vpn.AllowIkev1 = true
		c.Vpn.Tunnels[1].IkeVersions = []string{"ikev1", "ikev2"}
		c.Vpn.Tunnels[1].StartupAction = "add"
		c.Vpn.Tunnels[1].InsideCidr = ""
	})
	sheet, err := VpnSheet(example.fleet.Vendor, c)
	require.NoError(t, err)
	s := string(sheet)
	for _, w := range []string{
		"| parameter | tunnel 1 | tunnel 2 |",
		"| IKE version | IKEv2 | IKEv1, IKEv2 |",
		"| Tunnel start | AWS starts the negotiation | your device starts the negotiation |",
		"**IKEv1** is accepted on tunnel 2", "weaker than IKEv2",
		"AWS for one tunnel, your device for the other",
		"Tunnel 2 inside addresses: chosen by AWS",
		"(AWS `169.254.24.1`, yours `169.254.24.2`)",
	} {
		assert.Contains(t, s, w, "sheet lacks %q", w)
	}
	checkTables(t, s)
	// The same customer as configured: one column for both tunnels.
	same, err := VpnSheet(example.fleet.Vendor, example.fleet.Customer("initech"))
	require.NoError(t, err)
	assert.Contains(t, string(same), "| parameter | both tunnels |", "identical tunnels are not shown in one column")
}

// A VPN-only customer gets the sheet alone: there is no template to hand over.
func TestVpnOnlyCustomerGetsTheSheetAlone(t *testing.T) {
	c := withVpn(t, "initech", func(c *config.Customer) { c.PrivateLink = nil })
	require.True(t, HasHandoff(c), "a VPN-only customer has nothing to hand over")
	bundles, err := Build(example.fleet.Vendor, []*config.Customer{c})
	require.NoError(t, err)
	var names []string
	for name := range bundles[0].Files {
		names = append(names, name)
	}
	slices.Sort(names)
	assert.Len(t, bundles, 1, "bundles")
	assert.Equal(t, []string{IndexFile, VpnSheetFile}, names, "bundle files")
}
