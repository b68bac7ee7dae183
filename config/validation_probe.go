package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/privateconnect/privateconnect/internal/cidr"
)

const (
	// MaxProbeTargets bounds vpn.probeTargets: each is a connection a minute,
	// an alarm, and a host name of up to 253 bytes in the probe's environment
	// (which Lambda caps at 4 KB).
	MaxProbeTargets = 10
	minFailMinutes  = 2
	maxFailMinutes  = 60
	// maxAlarmName is CloudWatch's limit on an alarm name
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
	maxAlarmName = 255
)

// ProbeAlarmName is the name of the alarm on one probe target of customer:
// <customer>-probe-<target with : replaced by ->, e.g. acme-probe-db-5432 or
// hooli-probe-vpn-10.40.1.10-5432. Alarm names are unique per account and
// region; customer names are, and targets within a customer.
func ProbeAlarmName(customer, target string) string {
	return customer + "-probe-" + strings.ReplaceAll(target, ":", "-")
}

// ProbeTargetName is the Target dimension of a probe target: <service>:<port>
// for a PrivateLink service, vpn:<host>:<port> for a VPN probe target.
func ProbeTargetName(service, host string, port int) string {
	if service != "" {
		return fmt.Sprintf("%s:%d", service, port)
	}
	return fmt.Sprintf("vpn:%s:%d", host, port)
}

func checkProbe(r *report, c *Customer) {
	if n := c.Probe.FailMinutes; n != nil && (*n < minFailMinutes || *n > maxFailMinutes) {
		r.add("probe.failMinutes", fmt.Sprintf("the probe alarms after %d to %d failed minutes in a row", minFailMinutes, maxFailMinutes), *n,
			fmt.Sprintf("use %d (the default); 2 pages fastest without paging for one late run", DefaultProbeFailMinutes))
	}
}

// checkProbeTargets holds vpn.probeTargets to what the probe can reach: the
// connectors' security group opens ports to remoteNetworks and nothing else.
func checkProbeTargets(r *report, c *Customer, vpn *Vpn) {
	p := join("vpn", "probeTargets")
	if len(vpn.ProbeTargets) > MaxProbeTargets {
		r.add(p, fmt.Sprintf("at most %d probe targets: each is a connection a minute and an alarm", MaxProbeTargets), len(vpn.ProbeTargets),
			"probe the hosts the connectors depend on, one or two per network")
	}
	var remote []netip.Prefix
	for _, s := range vpn.RemoteNetworks {
		if n, err := cidr.Parse(s); err == nil {
			remote = append(remote, n)
		}
	}
	seen := map[string]int{}
	for i, t := range vpn.ProbeTargets {
		tp := index(p, i)
		hp := join(tp, "host")
		addr, err := netip.ParseAddr(t.Host)
		switch {
		case t.Host == "":
			// Reported by the decoder as a missing key.
		case err == nil && !addr.Is4():
			r.add(hp, "not an IPv4 address: the VPN carries IPv4 only", t.Host, "write the host's IPv4 address, or a DNS name")
		case err == nil && !slices.ContainsFunc(remote, func(n netip.Prefix) bool { return n.Contains(addr) }):
			r.add(hp, "not inside any of vpn.remoteNetworks, the only networks the connectors' security group reaches", t.Host,
				fmt.Sprintf("probe a host in %s, or add its network to remoteNetworks", orX(strings.Join(vpn.RemoteNetworks, ", "))))
		case err != nil && strings.Contains(t.Host, "/"):
			r.add(hp, "a network, not a host", t.Host, "write one host's IPv4 address or DNS name")
		case err != nil && !validHostname(t.Host):
			r.add(hp, "neither an IPv4 address nor a valid DNS name", t.Host,
				"write an IPv4 address such as 10.40.1.10, or a DNS name of lowercase labels joined by dots, e.g. db.corp.example.com")
		}
		pp := join(tp, "port")
		switch {
		case t.Port == nil:
			// Reported by the decoder as a missing key.
		case !slices.Contains(vpn.Ports, *t.Port):
			r.add(pp, "not one of vpn.ports, the only ports the connectors' security group opens", *t.Port,
				fmt.Sprintf("use one of %s, or add the port to vpn.ports", orX(joinInts(vpn.Ports))))
		}
		if t.Host == "" || t.Port == nil {
			continue
		}
		target := ProbeTargetName("", t.Host, *t.Port)
		if j, ok := seen[target]; ok {
			r.add(tp, fmt.Sprintf("the same host and port as %s", index(p, j)), target, "list each host and port once")
		}
		seen[target] = i
		if name := ProbeAlarmName(c.Name, target); len(name) > maxAlarmName {
			r.add(hp, fmt.Sprintf("too long for the target's alarm name %s-probe-vpn-<host>-<port>, at most %d characters", c.Name, maxAlarmName), t.Host,
				"use the host's IPv4 address or a shorter name")
		}
	}
}
