package config

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

// validateFleet checks what spans files: unique names and disjoint vendor VPCs.
func validateFleet(errs *Errors, f *Fleet, lines map[string]map[string]int) {
	type owned struct {
		c     *Customer
		path  string
		block netip.Prefix
	}
	var blocks []owned
	byName := map[string]*Customer{}
	for _, c := range f.Customers {
		r := &report{file: c.File, lines: lines[c.File], errs: errs}
		if other, ok := byName[strings.ToLower(c.Name)]; ok {
			r.add("name", fmt.Sprintf("customer name already used by %s", other.File), c.Name, "give each customer a unique name")
		}
		byName[strings.ToLower(c.Name)] = c
		for _, vb := range vendorBlocks(c) {
			block, err := cidr.Parse(vb.cidr)
			if err != nil {
				continue
			}
			for _, o := range blocks {
				if o.block.Overlaps(block) {
					fix := "pick a free block"
					if next, ok := f.proposeCidr(block.Bits()); ok {
						fix = fmt.Sprintf("use a free block such as %s (make new-customer proposes one)", next)
					}
					r.add(vb.path, fmt.Sprintf("overlaps %s of customer %s (%s, %s)", o.block, o.c.Name, o.c.File, o.path), vb.cidr, fix)
				}
			}
			blocks = append(blocks, owned{c, vb.path, block})
		}
	}
	for _, cell := range f.Cells() {
		validateInboundFleet(errs, cell, lines)
	}
	validateTenants(errs, f, lines)
}

type vendorBlock struct{ path, cidr string }

// vendorBlocks lists every vendor VPC CIDR a customer's file holds.
func vendorBlocks(c *Customer) []vendorBlock {
	var out []vendorBlock
	if c.PrivateLink != nil && c.PrivateLink.VpcCidr != "" {
		out = append(out, vendorBlock{"privateLink.vpcCidr", c.PrivateLink.VpcCidr})
	}
	if c.Vpn != nil && c.Vpn.VpcCidr != "" {
		out = append(out, vendorBlock{"vpn.vpcCidr", c.Vpn.VpcCidr})
	}
	return out
}

// validateTenants keeps each customer's connections its own: what points
// at a customer's systems must not also be in another customer's file, or
// one customer's connectors would reach the other's systems (the same
// endpoint service or resource configuration), one customer's device would terminate another's
// tunnels (the same gateway IP), or one key would open both (the same
// pre-shared key secret). Each error names both files.
func validateTenants(errs *Errors, f *Fleet, lines map[string]map[string]int) {
	type holder struct {
		c    *Customer
		path string
	}
	seen := map[string]holder{} // kind + value -> first holder
	claim := func(c *Customer, kind, value, path, what, fix string) {
		if value == "" {
			return
		}
		key := kind + "\x00" + value
		first, ok := seen[key]
		if !ok {
			seen[key] = holder{c, path}
			return
		}
		if first.c == c {
			return // within one file: checked there
		}
		r := &report{file: c.File, lines: lines[c.File], errs: errs}
		r.add(path, fmt.Sprintf("customer %s (%s, %s) has the same %s: %s", first.c.Name, first.c.File, first.path, kind, what), value, fix)
	}
	for _, c := range f.Customers {
		if pl := c.PrivateLink; pl != nil {
			for i, s := range pl.Services {
				claim(c, "endpoint service", s.ServiceName, index("privateLink.services", i)+".serviceName",
					"this customer's connectors would reach the other customer's service",
					"correct the service name: each customer's comes from that customer")
				claim(c, "resource configuration", s.ResourceConfigurationArn, index("privateLink.services", i)+".resourceConfigurationArn",
					"this customer's connectors would reach the other customer's database",
					"correct the ARN: each customer's comes from that customer's own stack, in that customer's account")
			}
		}
		if vp := c.Vpn; vp != nil {
			claim(c, "customer gateway IP address", vp.CustomerGateway.IPAddress, "vpn.customerGateway.ipAddress",
				"one customer's VPN device would terminate the other's tunnels, into the other's vendor VPC",
				"correct the address: each customer's VPN device is its own")
			for i, t := range vp.Tunnels {
				claim(c, "pre-shared key secret", secretName(t.PreSharedKeySecret), index("vpn.tunnels", i)+".preSharedKeySecret",
					"one key would authenticate both customers' tunnels",
					"give each customer a secret of its own")
			}
		}
	}
}

// secretName is the name of a Secrets Manager secret given by name or by
// ARN (whose name ends in a hyphen and six random characters).
func secretName(s string) string {
	if m := secretArnRe.FindStringSubmatch(s); m != nil {
		name := m[3]
		if i := strings.LastIndex(name, "-"); i > 0 && len(name)-i == 7 {
			name = name[:i]
		}
		return name
	}
	return s
}
