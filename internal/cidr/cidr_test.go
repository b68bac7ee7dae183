package cidr

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		if tc.err == "" {
			assert.NoError(t, err, "Parse(%q)", tc.in)
		} else {
			assert.EqualError(t, err, tc.err, "Parse(%q)", tc.in)
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
		if !assert.NoError(t, err, "Subnets(%s, %d)", tc.vpc, tc.n) {
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		assert.Equal(t, tc.want, strings.Join(s, " "), "Subnets(%s, %d)", tc.vpc, tc.n)
	}
	// A subnet's block must not depend on how many AZs are in use.
	two, err := Subnets(netip.MustParsePrefix("10.1.0.0/22"), 2)
	require.NoError(t, err)
	three, err := Subnets(netip.MustParsePrefix("10.1.0.0/22"), 3)
	require.NoError(t, err)
	assert.Equal(t, two[1], three[1], "the second subnet moved when a third AZ was added")
	for _, tc := range []struct {
		vpc string
		n   int
	}{{"10.0.0.0/27", 3}, {"10.0.0.0/28", 2}, {"10.0.0.0/24", 5}, {"10.0.0.0/24", 0}} {
		_, err := Subnets(netip.MustParsePrefix(tc.vpc), tc.n)
		assert.Error(t, err, "Subnets(%s, %d)", tc.vpc, tc.n)
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
		assert.Equal(t, tc.want, s, "NextFree(used=%v, /%d)", tc.used, tc.bits)
	}
}

func TestIsPrivate(t *testing.T) {
	for in, want := range map[string]bool{
		"10.64.0.0/16": true, "172.31.0.0/16": true, "192.168.4.0/24": true, "100.64.0.0/16": true,
		"172.32.0.0/16": false, "8.8.8.0/24": false, "0.0.0.0/0": false, "10.0.0.0/7": false,
	} {
		assert.Equal(t, want, IsPrivate(netip.MustParsePrefix(in)), "IsPrivate(%s)", in)
	}
}
