package handoff

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"text/template"

	"github.com/privateconnect/privateconnect/config"
	"github.com/privateconnect/privateconnect/internal/cidr"
	"github.com/privateconnect/privateconnect/internal/english"
)

// VpnSheetFile is the customer-facing VPN sheet in a bundle.
const VpnSheetFile = "VPN.md"

//go:embed vpn.md.tmpl
var vpnText string

var vpnTemplate = template.Must(template.New(VpnSheetFile).Funcs(template.FuncMap{
	"join":  strings.Join,
	"pos":   english.Possessive,
	"deref": func(p *int) int { return *p },
	"ports": func(ps []int) string { return joinInts(ps, ", ") },
}).Parse(vpnText))

// vpnData is what the VPN sheet template reads.
type vpnData struct {
	Vendor           *config.Vendor
	Customer         *config.Customer
	Vpn              *config.Vpn
	Bgp              bool
	ConnectorSubnets []string
	CustomerCidrs    []string
	Initiation       string
	Rows             []paramRow
	SameTunnels      bool
	Tunnels          []tunnelData
	IkeV1            bool
	IkeV1Tunnels     string
	KeysText         string
}

// paramRow is one tunnel parameter, its value for tunnel 1 and tunnel 2.
type paramRow struct {
	Name   string
	Values [2]string
}

type tunnelData struct {
	Number                                int
	InsideCidr, AwsInside, CustomerInside string
}

// VpnSheet renders what the customer configures on their side of the VPN,
// from the customer's validated configuration.
func VpnSheet(v *config.Vendor, c *config.Customer) ([]byte, error) {
	vp := c.Vpn
	if vp == nil {
		return nil, fmt.Errorf("customer %s has no vpn section", c.Name)
	}
	d := vpnData{Vendor: v, Customer: c, Vpn: vp, Bgp: vp.Routing == "bgp", CustomerCidrs: c.VpnCustomerCidrs()}
	block, err := cidr.Parse(vp.VpcCidr)
	if err != nil {
		return nil, err
	}
	subnets, err := cidr.Subnets(block, len(vp.AvailabilityZones))
	if err != nil {
		return nil, err
	}
	for _, s := range subnets {
		d.ConnectorSubnets = append(d.ConnectorSubnets, s.String())
	}

	t1, t2 := vp.Tunnels[0], vp.Tunnels[1]
	row := func(name string, f func(t config.Tunnel) string) {
		d.Rows = append(d.Rows, paramRow{name, [2]string{f(t1), f(t2)}})
	}
	row("IKE version", func(t config.Tunnel) string {
		return strings.NewReplacer("ikev1", "IKEv1", "ikev2", "IKEv2").Replace(strings.Join(t.IkeVersions, ", "))
	})
	row("Phase 1 encryption", func(t config.Tunnel) string { return strings.Join(t.Phase1EncryptionAlgorithms, ", ") })
	row("Phase 1 integrity", func(t config.Tunnel) string { return strings.Join(t.Phase1IntegrityAlgorithms, ", ") })
	row("Phase 1 Diffie-Hellman groups", func(t config.Tunnel) string { return joinInts(t.Phase1DhGroupNumbers, ", ") })
	row("Phase 1 lifetime", func(t config.Tunnel) string { return fmt.Sprintf("%d s", *t.Phase1LifetimeSeconds) })
	row("Phase 2 encryption", func(t config.Tunnel) string { return strings.Join(t.Phase2EncryptionAlgorithms, ", ") })
	row("Phase 2 integrity", func(t config.Tunnel) string { return strings.Join(t.Phase2IntegrityAlgorithms, ", ") })
	row("Phase 2 Diffie-Hellman groups (PFS)", func(t config.Tunnel) string { return joinInts(t.Phase2DhGroupNumbers, ", ") })
	row("Phase 2 lifetime", func(t config.Tunnel) string { return fmt.Sprintf("%d s", *t.Phase2LifetimeSeconds) })
	row("Dead peer detection", func(t config.Tunnel) string {
		return fmt.Sprintf("%d s timeout; then AWS %s", *t.DpdTimeoutSeconds, map[string]string{
			"restart": "renegotiates at once", "clear": "ends the session until your device starts one", "none": "does nothing"}[t.DpdTimeoutAction])
	})
	row("Tunnel start", func(t config.Tunnel) string {
		if t.StartupAction == "start" {
			return "AWS starts the negotiation"
		}
		return "your device starts the negotiation"
	})
	d.SameTunnels = !slices.ContainsFunc(d.Rows, func(r paramRow) bool { return r.Values[0] != r.Values[1] })

	switch starts := []bool{t1.StartupAction == "start", t2.StartupAction == "start"}; {
	case starts[0] && starts[1]:
		d.Initiation = "AWS: both tunnels come up and recover without traffic from you; no keep-alive or ping script is needed"
	case !starts[0] && !starts[1]:
		d.Initiation = "your device: it must start both tunnels and keep them up"
	default:
		d.Initiation = "AWS for one tunnel, your device for the other (see Tunnel start under Tunnel parameters)"
	}

	var v1 []string
	for i, t := range vp.Tunnels {
		td := tunnelData{Number: i + 1, InsideCidr: t.InsideCidr}
		if p, err := netip.ParsePrefix(t.InsideCidr); err == nil {
			// AWS takes the first usable address of the /30, the customer the second.
			td.AwsInside, td.CustomerInside = p.Addr().Next().String(), p.Addr().Next().Next().String()
		}
		d.Tunnels = append(d.Tunnels, td)
		if slices.Contains(t.IkeVersions, "ikev1") {
			v1 = append(v1, fmt.Sprintf("tunnel %d", i+1))
		}
	}
	d.IkeV1, d.IkeV1Tunnels = len(v1) > 0, strings.Join(v1, " and ")

	switch {
	case t1.PreSharedKeySecret == "" && t2.PreSharedKeySecret == "":
		d.KeysText = "generated by AWS, one per tunnel, and part of the device configuration. To change one later, tell us: we change it on our side, and you on yours at the same time."
	case t1.PreSharedKeySecret != "" && t2.PreSharedKeySecret != "":
		d.KeysText = "the keys agreed with you, which we keep in AWS Secrets Manager; they are in the device configuration too. A key is 8 to 64 letters, digits, `.` and `_`, and does not start with `0`."
	default:
		d.KeysText = "for one tunnel the key agreed with you (kept in AWS Secrets Manager), for the other one generated by AWS; both are in the device configuration. A key is 8 to 64 letters, digits, `.` and `_`, and does not start with `0`."
	}

	var buf bytes.Buffer
	if err := vpnTemplate.Execute(&buf, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func joinInts(xs []int, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, sep)
}
