// Package cidr holds the IPv4 block arithmetic shared by config validation
// and the VPC construct, so both agree on how a vendor VPC is carved.
package cidr

import (
	"fmt"
	"net/netip"
	"sort"
)

// Parse reads an IPv4 CIDR and insists on its canonical form: host bits set
// ("10.0.0.1/24") is almost always a typo for another block, so it is an error
// that names the block the user probably meant.
func Parse(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not an IPv4 CIDR block")
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("not an IPv4 CIDR block")
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("host bits are set; the block is %s", m)
	}
	return p, nil
}

// Overlaps reports whether two blocks share any address.
func Overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// Contains reports whether outer holds all of inner.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// SubnetSlots is how many equal subnets a vendor VPC of the given prefix
// length is split into. It depends on the VPC size only, never on how many
// AZs are in use, so adding an AZ later never moves an existing subnet (a moved
// subnet replaces every interface in it). Subnets are at least /28, AWS's minimum.
func SubnetSlots(vpcBits int) int {
	switch {
	case vpcBits <= 26:
		return 4
	case vpcBits == 27:
		return 2
	default:
		return 1
	}
}

// Subnets returns the first n slots of vpc, in order: slot i belongs to the
// i-th availability zone of the configuration.
func Subnets(vpc netip.Prefix, n int) ([]netip.Prefix, error) {
	slots := SubnetSlots(vpc.Bits())
	if n < 1 || n > slots {
		return nil, fmt.Errorf("a /%d VPC holds 1 to %d subnets, not %d", vpc.Bits(), slots, n)
	}
	bits := vpc.Bits()
	for s := slots; s > 1; s /= 2 {
		bits++
	}
	size := uint32(1) << (32 - bits)
	base := toUint(vpc.Addr())
	out := make([]netip.Prefix, n)
	for i := range out {
		out[i] = netip.PrefixFrom(fromUint(base+uint32(i)*size), bits)
	}
	return out, nil
}

// NextFree returns the first block of the given prefix length, in pool order,
// that overlaps none of used. ok is false when the pools are full.
func NextFree(pools []netip.Prefix, used []netip.Prefix, bits int) (netip.Prefix, bool) {
	sorted := append([]netip.Prefix(nil), used...)
	sort.Slice(sorted, func(i, j int) bool { return toUint(sorted[i].Addr()) < toUint(sorted[j].Addr()) })
	for _, pool := range pools {
		if bits < pool.Bits() || bits > 32 {
			continue
		}
		size := uint64(1) << (32 - bits)
		start := uint64(toUint(pool.Addr()))
		end := start + uint64(1)<<(32-pool.Bits())
		for addr := start; addr+size <= end; {
			cand := netip.PrefixFrom(fromUint(uint32(addr)), bits)
			clash, ok := firstOverlap(sorted, cand)
			if !ok {
				return cand, true
			}
			// Skip past the clashing block, realigned to the candidate size.
			next := uint64(toUint(clash.Addr())) + uint64(1)<<(32-clash.Bits())
			if next <= addr {
				next = addr + size
			}
			addr = (next + size - 1) / size * size
		}
	}
	return netip.Prefix{}, false
}

func firstOverlap(sorted []netip.Prefix, p netip.Prefix) (netip.Prefix, bool) {
	for _, u := range sorted {
		if u.Overlaps(p) {
			return u, true
		}
	}
	return netip.Prefix{}, false
}

func toUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func fromUint(u uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

// IsPrivate reports whether p lies inside RFC 1918 space or the shared
// 100.64.0.0/10 range, the blocks a VPC should be numbered from.
func IsPrivate(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if Contains(r, p) {
			return true
		}
	}
	return false
}
