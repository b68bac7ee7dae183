package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Target group settings default by target kind: rds follows a failing-over
// database, ip and instance keep AWS's defaults; given values are kept and
// the timeout follows a given interval.
func TestTargetGroupDefaults(t *testing.T) {
	type settings struct{ delay, interval, timeout, healthy, unhealthy int }
	for _, tc := range []struct {
		name, producer string
		want           settings
		terminate      bool
	}{
		{"rds", "target: rds", settings{30, 10, 5, 2, 2}, true},
		{"ip", "target: ip", settings{300, 30, 10, 5, 2}, false},
		{"instance given", "target: instance\n        targetGroup: {healthCheckIntervalSeconds: 6, connectionTermination: true, unhealthyThresholdCount: 3}", settings{300, 6, 3, 5, 3}, true},
		{"rds given", "target: rds\n        targetGroup: {deregistrationDelaySeconds: 0, healthCheckIntervalSeconds: 60, connectionTermination: false}", settings{0, 60, 10, 2, 2}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := baseFleet()
			f.acme = replace(t, f.acme, "ports: [5432]", "ports: [5432]\n      producer:\n        "+tc.producer)
			fleet, err := f.build()
			require.NoError(t, err)
			tg := fleet.Customer("acme").PrivateLink.Services[0].Producer.TargetGroup
			got := settings{*tg.DeregistrationDelaySeconds, *tg.HealthCheckIntervalSeconds, *tg.HealthCheckTimeoutSeconds, *tg.HealthyThresholdCount, *tg.UnhealthyThresholdCount}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.terminate, *tg.ConnectionTermination, "connectionTermination")
		})
	}
}

// The load balancer's security group has an outbound rule per port and
// private range, and a group holds at most 60 per direction: with the group
// a service has at most 15 ports; without it (the first release's load
// balancer) more are allowed.
func TestLoadBalancerGroupRuleQuota(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ports   int
		setting string // the producer's loadBalancerSecurityGroup line, or none
		fails   bool
	}{
		{"15 ports with the group", 15, "", false},
		{"16 ports with the group (default)", 16, "", true},
		{"16 ports with the group (given)", 16, "loadBalancerSecurityGroup: true", true},
		{"16 ports without the group", 16, "loadBalancerSecurityGroup: false", false},
		{"25 ports without the group", 25, "loadBalancerSecurityGroup: false", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := baseFleet()
			producer := "\n      producer:\n        target: ip"
			if tc.setting != "" {
				producer += "\n        " + tc.setting
			}
			f.acme = replace(t, f.acme, "      ports: [5432]", "      ports: ["+portRange(5400, tc.ports)+"]"+producer)
			fleet, err := f.build()
			if !tc.fails {
				require.NoError(t, err, "refused")
				want := tc.setting != "loadBalancerSecurityGroup: false"
				if got := fleet.Customer("acme").PrivateLink.Services[0].Producer.LoadBalancerSecurityGroup; assert.NotNil(t, got, "loadBalancerSecurityGroup") {
					assert.Equal(t, want, *got, "loadBalancerSecurityGroup")
				}
				return
			}
			errs, ok := err.(Errors)
			require.True(t, ok, "want one error, got %v", err)
			require.Len(t, errs, 1, "want one error, got %v", err)
			e := errs[0]
			want := fmt.Sprintf(`service "db": its load balancer's security group would need %d outbound rules (4 per port, one per private range), over the 60 a security group may have, so at most 15 ports (got %d ports; list at most 15 ports`, 4*tc.ports, tc.ports)
			assert.Equal(t, acmeFile, e.File)
			assert.Equal(t, "privateLink.services[0].ports", e.Path)
			assert.True(t, strings.HasPrefix(e.Msg, want), "message:\n%s\nwant it to start with:\n%s", e.Msg, want)
			assert.Regexp(t, wellFormed, e.Msg)
		})
	}
}
