package config

import "fmt"

// ProbeCodeBudget bounds the probe's inline code in a template, as JSON
// escapes it (stacks/footprint_test.go holds the code to it).
const ProbeCodeBudget = 12 << 10

// probeTarget is one probed host and port, for the estimate.
type probeTarget struct{ target, host string }

// addProbe counts the probe of a vendor-side stack whose targets are given:
// its log group, role, function (code inline), schedule, permission, an
// alarm per target, and the ProbeLogGroup output and SSM parameter. env is
// the bound of the function's environment; path what drives it.
func (t *tally) addProbe(c *Customer, targets []probeTarget, env int, path string) {
	if !c.Probed() || len(targets) == 0 {
		return
	}
	t.res(1, tinyBytes, true)                      // log group
	t.res(1, largeBytes, true)                     // role
	t.res(1, alarmBytes+ProbeCodeBudget+env, true) // function
	t.res(1, mediumBytes, true)                    // schedule
	t.res(1, tinyBytes, false)                     // permission
	for _, pt := range targets {
		t.res(1, alarmBytes+2*len(pt.target)+len(pt.host)+len(c.Name), true)
	}
	t.res(1, smallBytes, true) // SSM: probe-log-group
	t.outputs(1)
	t.fixed("Probe", "ProbeLogGroup", "ProbeLogGroupParameter")
	base := len("CUSTOMER") + len(c.Name) + len("NAMESPACE") + len("PrivateConnect/Probe") + len("TIMEOUT_SECONDS") + 2
	t.fp.LambdaEnvironments = append(t.fp.LambdaEnvironments, Sized{base + env, path})
}

// privateLinkProbe counts the probe of the PrivateLink stack: every port of
// every service with an endpoint.
func (t *tally) privateLinkProbe(v *Vendor, c *Customer) {
	var targets []probeTarget
	zone := c.Name + "." + v.InternalDomain
	env := len("ZONE") + len(zone) + len("SERVICES") + 2
	for _, s := range c.PrivateLink.Services {
		if s.Pending() {
			continue
		}
		// ["<name>",[<ports>],false],
		env += len(s.Name) + len(`["",[],false],`) + 6*len(s.Ports)
		for _, p := range s.Ports {
			targets = append(targets, probeTarget{ProbeTargetName(s.Name, "", p), s.Name + "." + zone})
		}
	}
	t.addProbe(c, targets, env, "privateLink.services")
}

// vpnProbe counts the probe of the VPN stack: each probe target.
func (t *tally) vpnProbe(c *Customer) {
	var targets []probeTarget
	env := len("HOSTS") + 2
	for _, pt := range c.Vpn.ProbeTargets {
		if pt.Port == nil {
			continue
		}
		// ["<host>",<port>,false],
		env += len(pt.Host) + len(`["",,false],`) + len(fmt.Sprint(*pt.Port))
		targets = append(targets, probeTarget{ProbeTargetName("", pt.Host, *pt.Port), pt.Host})
	}
	t.addProbe(c, targets, env, "vpn.probeTargets")
}
