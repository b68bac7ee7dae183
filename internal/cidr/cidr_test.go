package cidr

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"10.0.0.0/16", ""},
		{"10.0.0.1/16", "host bits are set; the block is 10.0.0.0/16"},
		{"10.0.0.0", "not an IPv4 CIDR block"},
		{"fd00::/8", "not an IPv4 CIDR block"},
		{"10.0.0.0/33", "not an IPv4 CIDR block"},
	} {
		_, err := Parse(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err {
			t.Errorf("Parse(%q) error = %q, want %q", tc.in, got, tc.err)
		}
	}
}

func TestSubnets(t *testing.T) {
	for _, tc := range []struct {
		vpc  string
		n    int
		want string
	}{
		{"10.64.0.0/24", 2, "10.64.0.0/26 10.64.0.64/26"},
		{"10.64.0.0/24", 4, "10.64.0.0/26 10.64.0.64/26 10.64.0.128/26 10.64.0.192/26"},
		{"10.64.0.0/16", 3, "10.64.0.0/18 10.64.64.0/18 10.64.128.0/18"},
		{"10.64.0.0/26", 1, "10.64.0.0/28"},
		{"10.64.0.0/27", 2, "10.64.0.0/28 10.64.0.16/28"},
		{"10.64.0.0/28", 1, "10.64.0.0/28"},
	} {
		got, err := Subnets(netip.MustParsePrefix(tc.vpc), tc.n)
		if err != nil {
			t.Errorf("Subnets(%s, %d): %v", tc.vpc, tc.n, err)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if strings.Join(s, " ") != tc.want {
			t.Errorf("Subnets(%s, %d) = %v, want %s", tc.vpc, tc.n, s, tc.want)
		}
	}
	// A subnet's block must not depend on how many AZs are in use.
	two, _ := Subnets(netip.MustParsePrefix("10.1.0.0/22"), 2)
	three, _ := Subnets(netip.MustParsePrefix("10.1.0.0/22"), 3)
	if two[1] != three[1] {
		t.Errorf("second subnet moved from %s to %s when a third AZ was added", two[1], three[1])
	}
	for _, tc := range []struct {
		vpc string
		n   int
	}{{"10.0.0.0/27", 3}, {"10.0.0.0/28", 2}, {"10.0.0.0/24", 5}, {"10.0.0.0/24", 0}} {
		if _, err := Subnets(netip.MustParsePrefix(tc.vpc), tc.n); err == nil {
			t.Errorf("Subnets(%s, %d) succeeded, want an error", tc.vpc, tc.n)
		}
	}
}

func TestNextFree(t *testing.T) {
	pools := []netip.Prefix{netip.MustParsePrefix("10.64.0.0/22"), netip.MustParsePrefix("10.80.0.0/24")}
	mp := func(s ...string) (out []netip.Prefix) {
		for _, x := range s {
			out = append(out, netip.MustParsePrefix(x))
		}
		return out
	}
	for _, tc := range []struct {
		used []netip.Prefix
		bits int
		want string
	}{
		{nil, 24, "10.64.0.0/24"},
		{mp("10.64.0.0/24"), 24, "10.64.1.0/24"},
		{mp("10.64.1.0/24"), 24, "10.64.0.0/24"},
		{mp("10.64.0.0/25"), 24, "10.64.1.0/24"},
		{mp("10.64.0.0/23", "10.64.2.128/25"), 25, "10.64.2.0/25"},
		{mp("10.64.0.0/23", "10.64.2.0/25"), 24, "10.64.3.0/24"},
		{mp("10.64.0.0/22"), 24, "10.80.0.0/24"},
		{mp("10.64.0.0/22", "10.80.0.0/24"), 24, ""},
		{mp("10.0.0.0/8"), 24, ""},
		{nil, 21, ""}, // larger than any pool
	} {
		got, ok := NextFree(pools, tc.used, tc.bits)
		s := ""
		if ok {
			s = got.String()
		}
		if s != tc.want {
			t.Errorf("NextFree(used=%v, /%d) = %q, want %q", tc.used, tc.bits, s, tc.want)
		}
	}
}

func TestIsPrivate(t *testing.T) {
	for in, want := range map[string]bool{
		"10.64.0.0/16": true, "172.31.0.0/16": true, "192.168.4.0/24": true, "100.64.0.0/16": true,
		"172.32.0.0/16": false, "8.8.8.0/24": false, "0.0.0.0/0": false, "10.0.0.0/7": false,
	} {
		if got := IsPrivate(netip.MustParsePrefix(in)); got != want {
			t.Errorf("IsPrivate(%s) = %v, want %v", in, got, want)
		}
	}
}
