package handoff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/privateconnect/privateconnect/config"
)

// vpnBundles runs fn for every example bundle with a VPN sheet.
func vpnBundles(t *testing.T, fn func(t *testing.T, c *config.Customer, sheet string)) {
	t.Helper()
	n := 0
	for _, b := range example.bundles {
		if b.Customer.Vpn == nil {
			if _, ok := b.Files[VpnSheetFile]; ok {
				t.Errorf("%s has a VPN sheet and no VPN", b.Customer.Name)
			}
			continue
		}
		n++
		sheet, ok := b.Files[VpnSheetFile]
		if !ok {
			t.Errorf("%s has a VPN and no %s", b.Customer.Name, VpnSheetFile)
			continue
		}
		t.Run(b.Customer.Name, func(t *testing.T) { fn(t, b.Customer, string(sheet)) })
	}
	if n == 0 {
		t.Fatal("no example customer has a VPN")
	}
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
		for _, cidr := range c.VpnCustomerCidrs() {
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
			want = append(want, "**BGP**", fmt.Sprintf("`%d`", *vp.CustomerGateway.BgpAsn), fmt.Sprintf("`%d`", *vp.AmazonSideAsn), "Advertise your subnets")
		} else {
			want = append(want, "**static**", "route `"+vp.VpcCidr+"` to both tunnels")
		}
		if vp.Tunnels[0].StartupAction == "start" && vp.Tunnels[1].StartupAction == "start" {
			want = append(want, "no keep-alive or ping script is needed")
		}
		for _, w := range want {
			if !strings.Contains(sheet, w) {
				t.Errorf("sheet lacks %q", w)
			}
		}
		for _, never := range []string{"<no value>", "IKEv1", "BgpAsn", "%!"} {
			if strings.Contains(sheet, never) {
				t.Errorf("sheet contains %q", never)
			}
		}
		// Where the vendor keeps the keys is the vendor's business.
		for _, tun := range vp.Tunnels {
			if tun.PreSharedKeySecret != "" && strings.Contains(sheet, tun.PreSharedKeySecret) {
				t.Errorf("sheet names the secret %s", tun.PreSharedKeySecret)
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
		} else if n != cells {
			t.Errorf("line %d has %d cells, its table %d: %s", i+1, n-1, cells-1, line)
		}
	}
}

// withVpn copies an example VPN customer and changes it.
func withVpn(t *testing.T, name string, edit func(c *config.Customer)) *config.Customer {
	t.Helper()
	orig := example.fleet.Customer(name)
	if orig == nil || orig.Vpn == nil {
		t.Fatalf("the example fleet needs %s with a VPN", name)
	}
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
	if err != nil {
		t.Fatal(err)
	}
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
		if !strings.Contains(s, w) {
			t.Errorf("sheet lacks %q", w)
		}
	}
	checkTables(t, s)
	// The same customer as configured: one column for both tunnels.
	same, err := VpnSheet(example.fleet.Vendor, example.fleet.Customer("initech"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(same), "| parameter | both tunnels |") {
		t.Error("identical tunnels are not shown in one column")
	}
}

// A VPN-only customer gets the sheet alone: there is no template to hand over.
func TestVpnOnlyCustomerGetsTheSheetAlone(t *testing.T) {
	c := withVpn(t, "initech", func(c *config.Customer) { c.PrivateLink = nil })
	if !HasHandoff(c) {
		t.Fatal("a VPN-only customer has nothing to hand over")
	}
	bundles, err := Build(example.fleet.Vendor, []*config.Customer{c})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range bundles[0].Files {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(bundles) != 1 || strings.Join(names, ",") != IndexFile+","+VpnSheetFile {
		t.Errorf("bundle files = %v, want only %s and %s", names, IndexFile, VpnSheetFile)
	}
}
